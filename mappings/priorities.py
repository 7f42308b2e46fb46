"""Canonical :class:`Priority` ↔ what each tracker calls it.

Jira has a priority field with named values; GitHub has none, so priority travels as a label;
the local tracker stores the canonical value itself. Configuration may rename any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sync.core.model import Priority

__all__ = ["DEFAULT_PRIORITY_NAMES", "PriorityMap"]

DEFAULT_PRIORITY_NAMES: Mapping[str, Mapping[Priority, str]] = MappingProxyType(
    {
        "jira": MappingProxyType({Priority.P0: "Highest", Priority.P1: "High", Priority.P2: "Medium"}),
        "github": MappingProxyType(
            {Priority.P0: "priority:P0", Priority.P1: "priority:P1", Priority.P2: "priority:P2"}
        ),
        "local": MappingProxyType({p: p.value for p in Priority}),
    }
)


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class PriorityMap:
    """A one-to-one mapping between canonical priorities and one tracker's names (or labels)."""

    kind: str
    names: Mapping[Priority, str]
    _reverse: Mapping[str, Priority] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = [p.value for p in Priority if p not in self.names]
        if missing:
            raise ValueError(f"{self.kind} priorities: no name for {', '.join(missing)}")
        reverse: dict[str, Priority] = {}
        for priority, name in self.names.items():
            if not name.strip():
                raise ValueError(f"{self.kind} priorities: empty name for {priority.value}")
            folded = _fold(name)
            if folded in reverse:
                # Reading a ticket back must give one answer, or sync would flip priorities forever.
                raise ValueError(
                    f"{self.kind} priorities: {reverse[folded].value} and {priority.value} both map to {name!r}"
                )
            reverse[folded] = priority
        object.__setattr__(self, "names", MappingProxyType(dict(self.names)))
        object.__setattr__(self, "_reverse", MappingProxyType(reverse))

    @classmethod
    def for_tracker(cls, kind: str, overrides: Mapping[Priority, str] | None = None) -> PriorityMap:
        """The default names for ``kind`` (``jira``, ``github``, ``local``) with ``overrides`` applied."""
        try:
            defaults = DEFAULT_PRIORITY_NAMES[kind]
        except KeyError:
            raise ValueError(f"unknown tracker kind {kind!r}") from None
        return cls(kind, {**defaults, **(overrides or {})})

    def to_tracker(self, priority: Priority) -> str:
        """The tracker's name (Jira) or label (GitHub) for ``priority``."""
        return self.names[priority]

    def from_tracker(self, name: str | None) -> Priority | None:
        """The canonical priority for a tracker name, case- and space-insensitively; ``None`` if unmapped."""
        if name is None:
            return None
        return self._reverse.get(_fold(name))

    def from_labels(self, labels: Iterable[str]) -> Priority | None:
        """The most urgent priority whose label is present (GitHub issues may carry several)."""
        found = {p for p in (self.from_tracker(label) for label in labels) if p is not None}
        return min(found, key=list(Priority).index) if found else None

    @property
    def labels(self) -> frozenset[str]:
        """Every name this map produces; a GitHub adapter removes these before adding the new one."""
        return frozenset(self.names.values())
