"""Reminders before deadlines ("sắp đến hạn"): assignments, user tasks with a due date, periodic reports."""
