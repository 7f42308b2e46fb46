"""Repeat incidents: the same root cause twice is a systemic failure.

Two incidents are a **repeat pair** (the later one repeats the earlier one) when either

- they share a primary contributing factor (a category both score 3) **and** their root-cause
  texts (the 5 whys and the factor notes) are lexically similar: the cosine of their TF-IDF
  vectors is at least ``[reports] repeat_similarity`` (default 0.35), and the later one happened
  within ``repeat_window_days`` of the earlier one; or
- either document names the other's incident id anywhere in its text (see
  :mod:`reports.mentions`: prose, a "Related incidents" section, a link), whatever the window.
  Every place an id was found is reported with the pair.

Text normalisation: lower case, words of letters and digits, English stop words and tokens shorter
than three characters dropped, a light suffix stemmer (``-ing``, ``-ed``, ``-es``, ``-s``) so
"timeouts" meets "timeout". TF-IDF uses sub-linear term frequency (1 + ln tf) and the smoothed
idf ln((1 + N) / (1 + df)) + 1 over all incidents, vectors L2-normalised — the textbook definition,
written out here because the corpora are small (a few thousand documents) and scikit-learn would
be a heavy dependency for forty lines.

Pairs are joined into clusters (connected components). Similarities are computed only between
incidents that share a primary factor, through an inverted index, so the cost grows with the
number of plausible pairs, not with the square of the incidents.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import mul

from reports.facts import IncidentFacts, ItemFacts, ReportData, ReportSettings
from reports.mentions import mentions_of
from reports.metrics import done_since, in_teams, status_at
from reports.results import ClusterIncident, EarlierItem, PairLink, RepeatCluster, RepeatsReport
from sync.core.model import Status

SIMILAR = "similar root cause"
UNTRACKED = "no ticket yet"  # status_then of an item whose ticket was created after the repeat
NAMED = "names the earlier incident"
NAMED_BACK = "the earlier incident names it"

_WORD = re.compile(r"[a-z0-9]+")
_STOP_WORDS = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just me more most my no nor
not now of off on once only or other our ours out over own same she should so some such than that
the their theirs them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours why1 why2 why3 why4
why5 whys root cause causes caused because incident issue problem team
"""
_STOP = frozenset(_STOP_WORDS.split())
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1 << 16)
def _term(word: str) -> str | None:
    # Words repeat across documents (Zipf): normalise each distinct one once.
    return stem(word) if len(word) >= 3 and word not in _STOP else None


def terms(text: str) -> list[str]:
    """The normalised terms of ``text`` (see the module docstring)."""
    return [term for term in map(_term, _WORD.findall(text.lower())) if term is not None]


def tfidf_vectors(texts: Sequence[str]) -> list[dict[str, float]]:
    """One L2-normalised TF-IDF vector (term → weight) per text."""
    counted: list[dict[str, int]] = []
    df: dict[str, int] = defaultdict(int)
    for text in texts:
        counts: dict[str, int] = defaultdict(int)
        for term in terms(text):
            counts[term] += 1
        counted.append(counts)
        for term in counts:
            df[term] += 1
    n = len(texts)
    idf = {term: math.log((1 + n) / (1 + freq)) + 1.0 for term, freq in df.items()}
    vectors: list[dict[str, float]] = []
    for counts in counted:
        weights = {term: (1.0 + math.log(tf)) * idf[term] for term, tf in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        vectors.append({term: w / norm for term, w in weights.items()} if norm else {})
    return vectors


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two L2-normalised sparse vectors."""
    # The shared terms are few: intersect the key sets and multiply in C, no Python-level loop.
    common = a.keys() & b.keys()
    return float(sum(map(mul, map(a.__getitem__, common), map(b.__getitem__, common))))


@dataclass(frozen=True)
class RepeatPair:
    earlier: IncidentFacts
    later: IncidentFacts
    shared_factors: tuple[str, ...]
    similarity: float
    reason: str
    found_in: tuple[str, ...] = ()  # where either document names the other


def _moment(incident: IncidentFacts) -> dt.datetime:
    return incident.occurred_at or _EPOCH


def probe_terms(vector: Mapping[str, float], df: Mapping[str, int], threshold: float) -> list[str]:
    """The terms a candidate must share with ``vector`` to possibly reach ``threshold``.

    Prefix filtering: order the terms rare-first; the common tail whose norm stays below the
    threshold cannot reach it on its own (cosine ≤ ‖tail‖ · ‖other‖ = ‖tail‖ by Cauchy–Schwarz),
    so an incident sharing none of the other terms is never a match. Exact, not a heuristic."""
    ordered = sorted(vector, key=lambda term: (df[term], term))
    limit = max(threshold - 1e-9, 0.0) ** 2
    tail = 0.0
    cut = len(ordered)
    for position in range(len(ordered) - 1, -1, -1):
        squared = vector[ordered[position]] ** 2
        if tail + squared >= limit:
            break
        tail += squared
        cut = position
    return ordered[:cut]


@dataclass
class _Search:
    ordered: Sequence[IncidentFacts]
    vectors: Sequence[Mapping[str, float]]
    settings: ReportSettings
    first_only: bool
    df: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Per primary factor: term → indexes (ascending, i.e. oldest first) of incidents scoring it 3.
    postings: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    ids: dict[str, int] = field(default_factory=dict)
    moments: list[dt.datetime] = field(default_factory=list)
    found: dict[tuple[int, int], RepeatPair] = field(default_factory=dict)
    # later index → earlier index → (reason, places): every mention, in either direction
    named: dict[int, dict[int, tuple[str, list[str]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for vector in self.vectors:
            for term in vector:
                self.df[term] += 1
        self.moments = [_moment(i) for i in self.ordered]
        labels = [i.label for i in self.ordered]
        named: dict[int, dict[int, tuple[str, list[str]]]] = defaultdict(dict)
        for naming, targets in mentions_of(list(self.ordered)).items():
            for target, places in targets.items():
                later, earlier = max(naming, target), min(naming, target)
                reason, known = named[later].get(earlier, (NAMED if naming == later else NAMED_BACK, []))
                known.extend(f"{labels[naming]}: {place}" for place in places)
                named[later][earlier] = (reason, known)
        self.named = dict(named)

    def index(self, position: int) -> None:
        for factor in self.ordered[position].primary_factors:
            for term in self.vectors[position]:
                self.postings[factor][term].append(position)

    def pair(self, earlier_index: int, later_index: int, score: float, reason: str) -> None:
        earlier, later = self.ordered[earlier_index], self.ordered[later_index]
        shared = tuple(sorted(earlier.primary_factors & later.primary_factors))
        _reason, places = self.named.get(later_index, {}).get(earlier_index, ("", []))
        self.found[(earlier_index, later_index)] = RepeatPair(
            earlier, later, shared, round(score, 3), reason, tuple(places)
        )

    def search(self, later_index: int) -> None:
        later, vector = self.ordered[later_index], self.vectors[later_index]
        oldest = bisect_left(
            self.moments, self.moments[later_index] - dt.timedelta(days=self.settings.repeat_window_days)
        )
        threshold = self.settings.repeat_similarity
        candidates: set[int] = set()
        probes = probe_terms(vector, self.df, threshold)
        for factor in later.primary_factors:
            by_term = self.postings.get(factor, {})
            for term in probes:
                listed = by_term.get(term)
                if listed:
                    candidates.update(listed[bisect_left(listed, oldest) :])
        for earlier_index in sorted(candidates, reverse=True):  # most recent first
            score = cosine(self.vectors[earlier_index], vector)
            if score + 1e-9 >= threshold:
                self.pair(earlier_index, later_index, score, SIMILAR)
                if self.first_only:
                    return
        for earlier_index, (reason, _places) in sorted(self.named.get(later_index, {}).items(), reverse=True):
            if (earlier_index, later_index) not in self.found:
                self.pair(earlier_index, later_index, cosine(self.vectors[earlier_index], vector), reason)
                if self.first_only:
                    return


def find_pairs(
    incidents: Sequence[IncidentFacts],
    settings: ReportSettings,
    *,
    later_from: dt.datetime | None = None,
    first_only: bool = False,
) -> list[RepeatPair]:
    """Every repeat pair among ``incidents`` (earlier, later), ordered by the later incident.

    With ``later_from``, only pairs whose later incident happened then or after are looked for
    (a quarterly review needs no older pairs); every incident still counts as an earlier one.
    With ``first_only``, each later incident stops at its first (most recent) earlier match —
    enough to count repeats."""
    ordered = sorted(incidents, key=lambda i: (_moment(i), i.key))
    search = _Search(ordered, tfidf_vectors([i.root_cause_text for i in ordered]), settings, first_only)
    for position, later in enumerate(ordered):
        if later_from is None or _moment(later) >= later_from:
            search.search(position)
        search.index(position)
    return [search.found[key] for key in sorted(search.found, key=lambda k: (k[1], k[0]))]


def _clusters(pairs: Sequence[RepeatPair]) -> list[list[RepeatPair]]:
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for pair in pairs:
        parent[root(pair.later.key)] = root(pair.earlier.key)
    grouped: dict[str, list[RepeatPair]] = defaultdict(list)
    for pair in pairs:
        grouped[root(pair.earlier.key)].append(pair)
    return list(grouped.values())


def _earlier_items(pairs: Sequence[RepeatPair], items: Mapping[str, list[ItemFacts]]) -> list[EarlierItem]:
    """The earlier incidents' items and their status when the later incident happened."""
    rows: list[EarlierItem] = []
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        moment = _moment(pair.later)
        for item in sorted(items.get(pair.earlier.key, ()), key=lambda i: i.number):
            if (item.key, pair.later.key) in seen or not item.present:
                continue
            seen.add((item.key, pair.later.key))
            # An item whose ticket came later (a backfill, or pmsync adopted after the repeat) is
            # still listed: the earlier incident's actions are the point of the report; its status
            # then is unknown, not "open".
            tracked = item.opened_at is None or item.opened_at <= moment
            status = status_at(item, moment)
            rows.append(
                EarlierItem(
                    incident=pair.earlier.label,
                    item=item.key,
                    ticket=item.ticket,
                    text=item.text,
                    status_then=status.value if tracked else UNTRACKED,
                    fixed_but_recurred=tracked and status is Status.DONE and done_since(item, moment) is not None,
                )
            )
    return rows


def repeat_clusters(
    incidents: Sequence[IncidentFacts], items: Iterable[ItemFacts], settings: ReportSettings
) -> list[RepeatCluster]:
    by_incident: dict[str, list[ItemFacts]] = defaultdict(list)
    for item in items:
        by_incident[item.incident_key].append(item)
    clusters: list[RepeatCluster] = []
    for pairs in _clusters(find_pairs(incidents, settings)):
        members = sorted(_members(pairs), key=lambda i: (_moment(i), i.key))
        clusters.append(
            RepeatCluster(
                incidents=[
                    ClusterIncident(
                        incident=i.label,
                        title=i.title,
                        occurred_at=i.occurred_at,
                        primary_factors=sorted(i.primary_factors),
                    )
                    for i in members
                ],
                links=[
                    PairLink(
                        earlier=p.earlier.label,
                        later=p.later.label,
                        shared_factors=list(p.shared_factors),
                        similarity=p.similarity,
                        reason=p.reason,
                        found_in=list(p.found_in),
                    )
                    for p in pairs
                ],
                earlier_items=_earlier_items(pairs, by_incident),
            )
        )
    return sorted(clusters, key=lambda c: (c.incidents[0].occurred_at or _EPOCH, c.incidents[0].incident))


def _members(pairs: Sequence[RepeatPair]) -> list[IncidentFacts]:
    members: dict[str, IncidentFacts] = {}
    for pair in pairs:
        members[pair.earlier.key] = pair.earlier
        members[pair.later.key] = pair.later
    return list(members.values())


def repeats_report(data: ReportData, as_of: dt.datetime, settings: ReportSettings) -> RepeatsReport:
    incidents = [
        i for i in data.incidents if in_teams(i, settings.teams) and (i.occurred_at is None or i.occurred_at <= as_of)
    ]
    return RepeatsReport(
        as_of=as_of,
        timezone=settings.timezone,
        teams=list(settings.teams),
        similarity_threshold=settings.repeat_similarity,
        incidents=len(incidents),
        clusters=repeat_clusters(incidents, data.items, settings),
    )
