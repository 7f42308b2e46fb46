"""Repeat incidents: the same root cause twice is a systemic failure.

Two incidents are a **repeat pair** (the later one repeats the earlier one) when either

- they share a primary contributing factor (a category both score 3) **and** their root-cause
  texts (the 5 whys and the factor notes) are lexically similar: the cosine of their TF-IDF
  vectors is at least ``[reports] repeat_similarity`` (default 0.35), and the later one happened
  within ``repeat_window_days`` of the earlier one; or
- the later document names the earlier incident's id anywhere in its text.

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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from reports.facts import IncidentFacts, ItemFacts, ReportData, ReportSettings
from reports.metrics import done_since, in_teams, status_at
from reports.results import ClusterIncident, EarlierItem, PairLink, RepeatCluster, RepeatsReport
from sync.core.model import Status

SIMILAR = "similar root cause"
NAMED = "names the earlier incident"

_WORD = re.compile(r"[a-z0-9]+")
_ID_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+")
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


def terms(text: str) -> list[str]:
    """The normalised terms of ``text`` (see the module docstring)."""
    return [stem(w) for w in _WORD.findall(text.lower()) if len(w) >= 3 and w not in _STOP]


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
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())


@dataclass(frozen=True)
class RepeatPair:
    earlier: IncidentFacts
    later: IncidentFacts
    shared_factors: tuple[str, ...]
    similarity: float
    reason: str


def _moment(incident: IncidentFacts) -> dt.datetime:
    return incident.occurred_at or _EPOCH


def find_pairs(
    incidents: Sequence[IncidentFacts], settings: ReportSettings, *, later_from: dt.datetime | None = None
) -> list[RepeatPair]:
    """Every repeat pair among ``incidents`` (earlier, later), ordered by the later incident.

    With ``later_from``, only pairs whose later incident happened then or after are looked for
    (a quarterly review needs no older pairs); every incident still counts as an earlier one."""
    ordered = sorted(incidents, key=lambda i: (_moment(i), i.key))
    vectors = tfidf_vectors([i.root_cause_text for i in ordered])
    window = dt.timedelta(days=settings.repeat_window_days)
    # Inverted index per primary factor: term → indexes of earlier incidents scoring it 3.
    postings: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    ids = {i.incident_id.casefold(): index for index, i in enumerate(ordered) if i.incident_id}
    found: dict[tuple[int, int], RepeatPair] = {}
    for later_index, later in enumerate(ordered):
        vector = vectors[later_index]
        if later_from is None or _moment(later) >= later_from:
            _pairs_for(later_index, ordered, vectors, postings, ids, window, settings.repeat_similarity, found)
        for factor in later.primary_factors:
            for term in vector:
                postings[factor][term].append(later_index)
    return [found[key] for key in sorted(found, key=lambda k: (k[1], k[0]))]


def _pairs_for(
    later_index: int,
    ordered: Sequence[IncidentFacts],
    vectors: Sequence[Mapping[str, float]],
    postings: Mapping[str, Mapping[str, list[int]]],
    ids: Mapping[str, int],
    window: dt.timedelta,
    threshold: float,
    found: dict[tuple[int, int], RepeatPair],
) -> None:
    later, vector = ordered[later_index], vectors[later_index]
    candidates: set[int] = set()
    for factor in later.primary_factors:
        index = postings.get(factor, {})
        for term in vector:
            candidates.update(index.get(term, ()))
    for earlier_index in sorted(candidates):
        earlier = ordered[earlier_index]
        if _moment(later) - _moment(earlier) > window:
            continue
        score = cosine(vectors[earlier_index], vector)
        if score + 1e-9 >= threshold:
            shared = tuple(sorted(earlier.primary_factors & later.primary_factors))
            found[(earlier_index, later_index)] = RepeatPair(earlier, later, shared, round(score, 3), SIMILAR)
    for token in _ID_TOKEN.findall(later.mentions_text):
        earlier_index = ids.get(token.casefold(), later_index)
        if earlier_index < later_index and (earlier_index, later_index) not in found:
            earlier = ordered[earlier_index]
            shared = tuple(sorted(earlier.primary_factors & later.primary_factors))
            score = round(cosine(vectors[earlier_index], vector), 3)
            found[(earlier_index, later_index)] = RepeatPair(earlier, later, shared, score, NAMED)


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
            if item.opened_at is not None and item.opened_at > moment:
                continue  # its ticket did not exist yet
            status = status_at(item, moment)
            rows.append(
                EarlierItem(
                    incident=pair.earlier.label,
                    item=item.key,
                    ticket=item.ticket,
                    text=item.text,
                    status_then=status.value,
                    fixed_but_recurred=status is Status.DONE and done_since(item, moment) is not None,
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
