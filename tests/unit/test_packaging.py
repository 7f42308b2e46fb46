"""The three top-level packages must come from pmsync alone (DESIGN.md section 2)."""

from __future__ import annotations

from importlib.metadata import packages_distributions


def test_no_other_distribution_provides_our_top_level_packages() -> None:
    providers = packages_distributions()
    for package in ("sync", "mappings", "reports"):
        assert set(providers.get(package, [])) == {"pmsync"}, f"{package} comes from {providers.get(package)}"
