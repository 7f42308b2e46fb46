"""``python -m sync`` runs the pmsync CLI."""

from __future__ import annotations

from sync.cli.main import main

main()
