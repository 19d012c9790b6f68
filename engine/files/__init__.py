"""Tệp đính kèm: files uploaded for a user task or a new document, stored once, kept with history."""
