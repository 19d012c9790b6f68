"""The directory of units and users: `theodoi directory import FILE...` reads CSV and XLSX files, checks
every row, then adds or updates (never deletes) units and users. The demo loads through it too."""
