"""`lms send-league-tables`, `lms send-reminders` and `lms run-scheduler` (being written)."""
