"""Test doubles of trackers: in-process (the lagging tracker) and HTTP fakes served on loopback."""
