"""Deployed diagram versions."""
