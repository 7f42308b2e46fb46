"""Stateful fakes of the remote trackers' HTTP APIs, served on loopback."""
