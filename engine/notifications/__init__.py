"""Notifications that diagrams raise (for example the T1 escalation to the VP leadership)."""
