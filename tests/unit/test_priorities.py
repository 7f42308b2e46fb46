"""Canonical priorities ↔ Jira names, GitHub labels and local values."""

from __future__ import annotations

import pytest

from mappings.priorities import PriorityMap
from sync.core.model import Priority

P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2


@pytest.mark.parametrize(
    ("kind", "priority", "name"),
    [
        ("jira", P0, "Highest"),
        ("jira", P1, "High"),
        ("jira", P2, "Medium"),
        ("github", P0, "priority:P0"),
        ("github", P2, "priority:P2"),
        ("local", P1, "P1"),
    ],
)
def test_defaults_round_trip(kind: str, priority: Priority, name: str) -> None:
    mapping = PriorityMap.for_tracker(kind)
    assert mapping.to_tracker(priority) == name
    assert mapping.from_tracker(name) is priority
    assert mapping.from_tracker(name.upper()) is priority


@pytest.mark.parametrize("name", ["Lowest", "Low", "", None])
def test_unmapped_jira_names(name: str | None) -> None:
    assert PriorityMap.for_tracker("jira").from_tracker(name) is None


def test_overrides_replace_single_names() -> None:
    mapping = PriorityMap.for_tracker("jira", {P0: "Blocker", P1: "Critical"})
    assert [mapping.to_tracker(p) for p in Priority] == ["Blocker", "Critical", "Medium"]
    assert mapping.from_tracker("blocker") is P0
    assert mapping.from_tracker("Highest") is None
    assert mapping.labels == {"Blocker", "Critical", "Medium"}


def test_github_labels_pick_the_most_urgent() -> None:
    mapping = PriorityMap.for_tracker("github")
    assert mapping.from_labels(["bug", "priority:P2", "Priority:P1"]) is P1
    assert mapping.from_labels(["bug"]) is None


@pytest.mark.parametrize(
    ("kind", "overrides", "message"),
    [
        ("jira", {P0: "High"}, "both map to"),
        ("jira", {P2: "  "}, "empty name"),
        ("trello", None, "unknown tracker kind"),
    ],
)
def test_invalid_maps(kind: str, overrides: dict[Priority, str] | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PriorityMap.for_tracker(kind, overrides)


def test_missing_priority_is_rejected() -> None:
    with pytest.raises(ValueError, match="no name for P2"):
        PriorityMap("jira", {P0: "a", P1: "b"})
