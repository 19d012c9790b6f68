"""Users, roles, units of users, API tokens and page sessions."""
