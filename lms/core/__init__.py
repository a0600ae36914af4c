"""What every feature shares: the clock and time zone, text formatting, service errors, commit-or-rollback."""
