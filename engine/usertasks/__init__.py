"""User tasks: the inbox index, claim and unclaim, completion with validated form data."""
