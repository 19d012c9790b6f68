"""Finding things: one fold for diacritic- and case-insensitive search, the folded `search_text` columns
kept right on every write, and the SQL that lists filter, sort and count with."""
