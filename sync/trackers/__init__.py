"""pmsync."""
