"""Process instances, their waiting-timer index and their event log."""
