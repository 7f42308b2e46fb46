"""The corpus scoring rule: an item is right when the parser finds it (its text starts with the
ground truth's text) with the ground truth's owner, priority, deadline and status; an extracted
item the ground truth does not list is an extra.

Ground truth is the shared format (``tests/corpus/shared/ground_truth.json``): per document
``file``, ``count_strict``, ``count_lenient`` and ``actions`` of ``text`` / ``owner`` / ``priority``
/ ``deadline`` / ``status`` / ``tickets``. ``None`` means "the document does not say": the parser
must not invent a value (an unstated status may be read as open). A deadline written as an ISO date
must be that date; a deadline in words ("Q4 2025", "in H1") must be found as a deadline.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import signal
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.core.model import ActionItem, ParseResult, Status
from sync.core.parse import parse_document
from sync.core.parse.options import DEFAULT_PRIORITY_SYNONYMS

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")


_INLINE_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")


_STRONG_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STRUCK = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_EMPHASIS = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*]+?)(?<=\S)\*(?![*\w])")


def _collapse(text: str) -> str:
    # Code spans, inline links, bold and emphasis are Markdown syntax: one ground truth keeps
    # "`capture-evidence.sh`", "[the guide](/docs/guide.md)", "**without**" or "*inline*", another writes the
    # text as it reads; neither is the parser's concern.
    # Strikethrough ("~~Add filesystem loading~~ (Not needed …)") is markup too: its words are the item's.
    plain = _EMPHASIS.sub(r"\1", _STRONG_EMPHASIS.sub(r"\2", _INLINE_LINK.sub(r"\1", _STRUCK.sub(r"\1", text))))
    return " ".join(plain.replace("`", "").split())


# "✅ Documented the boot configuration", "📅 Consider a backup server": a status mark opening the entry, which
# one ground truth keeps in the text and the parser reads as the item's status (or keeps); neither changes
# which item it is.
_STATUS_MARK = re.compile(
    r"^(?:[\u2705\u2611\u2714\u274c\u23f3\u231b\u26a0\u2b1c"
    r"\U0001f4c5\U0001f532\U0001f7e2\U0001f7e1\U0001f534]\ufe0f?\s*)+"
    # "✅ Done - Build process: …", "\\[TODO] Automated scans: …": the status word after the mark, which the
    # parser reads as the status too.
    r"(?:(?:done|todo|wip|in progress|pending)\s*[-\u2013\u2014:]\s*)?"
    r"|^\\?\[(?:todo|done|wip)\\?\]\s*",
    re.IGNORECASE,
)


# A ground truth that keeps a leading ticket key in the text ("#1294: Fix spawn queue activation"): the
# parser reads the key into the item's tickets and the rest as its title, which is what a ticket wants.
_LEADING_KEY = re.compile(r"^(?P<key>#\d+|[A-Z][A-Z0-9]+-\d+)\s*[:\-\u2013\u2014]\s+")


# A ground truth that keeps the references an entry gives in parentheses ("… patch tag (#716/#717)",
# "… thresholds (#718). Note that …"): the parser reads them into the item's tickets.
_REF = r"(?:[\w.-]+/[\w.-]+)?#\d+|[A-Z][A-Z0-9]+-\d+"
_PAREN_REFS = re.compile(rf"\s*\((?:{_REF})(?:\s*[/,]\s*(?:{_REF}))*\)")


# A ground truth that keeps the owner's note the entry ends with ("… in production and stage (owner: Platform).")
# and names that owner: the parser reads the note into the item's owner, which is what a ticket wants.
_OWNER_NOTE = re.compile(r"\s*\((?:owners?|assignee|dri)\s*:\s*(?P<owner>[^()]+)\)\s*\.?\s*$", re.IGNORECASE)


# A ground truth that keeps the priority the entry ends with ("Implement timeout guards (Priority: P0)", "Rotate all
# secrets (URGENT)"): the parser reads it into the item's priority, which the fields then compare.
_PRIORITY_NOTE = re.compile(
    r"\s*\((?:priority\s*:\s*)?(?:P[0-4]|critical|urgent|blocker|high|medium|low)\)\s*\.?\s*$", re.IGNORECASE
)


def _refs_in(text: str) -> set[str]:
    return {key for group in _PAREN_REFS.findall(text) for key in re.findall(_REF, group)}


_LABEL = re.compile(r"^[A-Z][\w/&()' -]{0,60}?:\s+")


def find_item(
    items: Sequence[ActionItem], gt_text: str, taken: Iterable[int] = (), drop: re.Pattern[str] | None = None
) -> ActionItem | None:
    """The first item not yet taken whose text starts with the ground-truth text. A trailing "..."
    is dropped; an ellipsis inside elides words, so the remaining pieces must follow in order.
    ``drop``: what to remove from the items' texts before comparing (what was removed from the truth's)."""
    skip = set(taken)
    # A trailing ellipsis elides the rest; a trailing colon closes a label ("**1. Automated Tests:**"), which
    # the parser drops as it drops the bullet.
    wanted = _STATUS_MARK.sub("", re.sub(r"\s*(?:\.\.\.|…|:)\s*$", "", _collapse(gt_text)))
    pieces = [p.strip() for p in _ELLIPSIS.split(wanted) if p.strip()]
    for item in items:
        if id(item) in skip:
            continue
        text = _STATUS_MARK.sub("", _collapse(drop.sub("", item.text) if drop is not None else item.text))
        if not text.startswith(pieces[0]):
            # The parser keeps a short label that opens an entry ("Disk cleanup: Reclaimed 5 GB …"); a ground
            # truth written by the gatherers' rule drops it. Either names the same item.
            label = _LABEL.match(text)
            if label is None or not text.startswith(pieces[0], label.end()):
                continue
            text = text[label.end() :]
        position = len(pieces[0])
        for piece in pieces[1:]:
            found = text.find(piece, position)
            if found < 0:
                break
            position = found + len(piece)
        else:
            return item
    return None


def gt_status(raw: str) -> Status:
    lower = raw.lower()
    if lower.startswith(("done", "completed")):
        return Status.DONE
    if lower.startswith(("open", "todo", "planned")):
        return Status.OPEN
    if lower.startswith(("in progress", "in_progress")):
        return Status.IN_PROGRESS
    if lower.startswith(("wont", "won't", "cancel")):
        return Status.WONT_DO
    raise AssertionError(f"unknown ground-truth status {raw!r}")


# A ground truth that writes a priority as the document does ("High") means the level the default priority
# ladder gives that word.
_PRIORITY_WORDS = {word: level.value for word, level in DEFAULT_PRIORITY_SYNONYMS.items()}


def _gt_priority(raw: Any) -> Any:
    """A ground truth's priority as a level: "High", or "Priority 1 (Critical)" (a rank and the word the
    ladder knows); anything else as written."""
    if raw is None:
        return None
    for word in (str(raw), *re.findall(r"\(([^()]+)\)", str(raw))):
        # "Alta Prioridad", "High priority": the level's word beside the word for priority.
        bare = _PRIORITY_NOUN.sub("", word).strip().casefold()
        for key in (word.strip().casefold(), bare):
            if key in _PRIORITY_WORDS:
                return _PRIORITY_WORDS[key]
    return raw


_PRIORITY_NOUN = re.compile(
    r"\b(?:priority|prioridad|prioridade|priorité|priorität|priorità)\b"
    # "優先度：🔴 緊急": the CJK word for priority, its colon and the coloured circle beside the level.
    r"|(?:優先度|优先级|優先順位|우선순위)\s*[:：]?|[\U0001f534\U0001f7e0-\U0001f7eb\u26aa\u26ab]\ufe0f?",
    re.IGNORECASE,
)


def field_errors(item: ActionItem, gt: Mapping[str, Any]) -> list[str]:
    """What the item gets wrong against its ground truth (empty when right)."""
    wrong: list[str] = []
    owner = gt.get("owner")
    if owner is None:
        if item.owner is not None:
            wrong.append(f"owner {item.owner!r} invented")
    elif (item.owner or "").casefold() != owner.replace(" (implied)", "").casefold():
        wrong.append(f"owner {item.owner!r} != {owner!r}")
    priority = _gt_priority(gt.get("priority"))
    got_priority = item.priority.value if item.priority is not None else None
    if got_priority != priority:
        wrong.append(f"priority {got_priority!r} != {priority!r}")
    deadline = gt.get("deadline")
    if deadline is None:
        if item.deadline_raw is not None:
            wrong.append(f"deadline {item.deadline_raw!r} invented")
    elif _ISO.match(deadline):
        if item.deadline != dt.date.fromisoformat(deadline):
            wrong.append(f"deadline {item.deadline} != {deadline}")
    elif item.deadline_raw is None:
        wrong.append(f"deadline {deadline!r} missed")
    status = gt.get("status")
    if status is None:
        if item.status not in (None, Status.OPEN):
            wrong.append(f"status {item.status} invented")
    elif item.status is None and gt_status(status) is Status.OPEN:
        pass  # an item whose document states no status is open work (ticketed open), as its truth says
    elif item.status is not gt_status(status):
        wrong.append(f"status {item.status} != {status!r}")
    return wrong


@dataclass
class DocumentScore:
    file: str
    total: int = 0
    right: int = 0
    extra: int = 0
    problems: list[str] = field(default_factory=list)


def score_document(entry: Mapping[str, Any], items: Sequence[ActionItem]) -> DocumentScore:
    score = DocumentScore(file=entry["file"])
    taken: list[int] = []
    listed = [gt for gt in entry["actions"] if not gt["text"].startswith("(prose)")]
    for gt in listed:
        score.total += 1
        item = find_item(items, gt["text"], taken)
        written = _collapse(gt["text"])
        label = _LABEL.match(written)
        if item is None and label is not None and label.group().rstrip(": ").isupper():
            # "**URGENTE**: Decidir …": a truth that keeps a shouted label the parser reads as the item's
            # priority or status names the same item.
            item = find_item(items, written[label.end() :], taken)
        keyed = _LEADING_KEY.match(written)
        if item is None and keyed is not None:
            item = find_item(items, written[keyed.end() :], taken)
            if item is not None and not any(t.key.endswith(keyed.group("key")) for t in item.tickets):
                item = None
        keys = _refs_in(written)
        if item is None and keys:
            item = find_item(items, _PAREN_REFS.sub("", written), taken, _PAREN_REFS)
            if item is not None and not keys & {t.key for t in item.tickets}:
                item = None
        noted = _OWNER_NOTE.search(written)
        if item is None and noted is not None and noted.group("owner").strip() == (gt.get("owner") or "").strip():
            item = find_item(items, written[: noted.start()], taken)
        prioritised = _PRIORITY_NOTE.search(written)
        if item is None and prioritised is not None:
            item = find_item(items, written[: prioritised.start()], taken)
        if item is None:
            score.problems.append(f"missing {gt['text']!r}")
            continue
        taken.append(id(item))
        wrong = field_errors(item, gt)
        if wrong:
            score.problems.append(f"{gt['text'][:50]!r} (line {item.line}): {'; '.join(wrong)}")
        else:
            score.right += 1
    unmatched = [i for i in items if id(i) not in taken]
    # Items the ground truth counts as acceptable but does not list (lenient count, and actions it only
    # describes as "(prose) …", having no words to match) are no extras.
    tolerated = max(0, int(entry.get("count_lenient", len(listed))) - len(listed))
    score.extra = max(0, len(unmatched) - tolerated)
    if score.extra:
        score.problems.extend(f"extra {i.text[:60]!r} (line {i.line})" for i in unmatched)
    return score


# -- corpora and blind batches ---------------------------------------------------------------------

CORPUS_ROOT = Path(__file__).resolve().parent
BLIND_ROOT = CORPUS_ROOT / "blind"
RECORD = BLIND_ROOT / "scores.json"


@dataclass
class SetScore:
    """One corpus or blind batch: the sum of its documents' scores, and how many items were low."""

    name: str
    documents: list[DocumentScore] = field(default_factory=list)
    low: int = 0
    items: int = 0

    @property
    def total(self) -> int:
        return sum(d.total for d in self.documents)

    @property
    def right(self) -> int:
        return sum(d.right for d in self.documents)

    @property
    def extra(self) -> int:
        return sum(d.extra for d in self.documents)

    def summary(self) -> dict[str, int]:
        return {"right": self.right, "total": self.total, "extra": self.extra, "low": self.low, "items": self.items}


def _document_path(base: Path, name: str) -> Path:
    path = base / name
    if path.is_file():
        return path
    found = sorted(base.rglob(Path(name).name))
    if not found:
        raise FileNotFoundError(f"{name} listed in {base / 'ground_truth.json'} is not in {base}")
    return found[0]


def score_set(name: str, base: Path, truth: Sequence[Mapping[str, Any]]) -> SetScore:
    """Parse every document a ground truth lists (paths relative to ``base``) and score it."""
    result = SetScore(name)
    for entry in truth:
        path = _document_path(base, str(entry["file"]))
        try:
            parsed = bounded(functools.partial(parse_document, path.read_bytes(), str(entry["file"])))
        except TimeoutError:
            # A parser that does not finish extracts nothing: scored as such, and said.
            score = score_document(entry, ())
            score.problems.insert(0, f"parser did not finish within {LIMIT_SECONDS} s")
            result.documents.append(score)
            continue
        items = parsed.postmortem.action_items if parsed.postmortem is not None else ()
        result.documents.append(score_document(entry, items))
        result.items += len(items)
        result.low += sum(1 for item in items if item.confidence == "low")
    return result


LIMIT_SECONDS = 20


def bounded(call: Callable[[], ParseResult]) -> ParseResult:
    """``call()``, or TimeoutError after LIMIT_SECONDS of wall time (SIGALRM: main thread, Unix)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(LIMIT_SECONDS)
    try:
        return call()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _truth(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["documents"] if isinstance(data, dict) else data)


def corpus_sets() -> list[SetScore]:
    """The regression corpora: the shared corpus and the development corpus (both must stay at 100 %)."""
    return [
        score_set("shared", CORPUS_ROOT / "shared", _truth(CORPUS_ROOT / "shared" / "ground_truth.json")),
        score_set("documents", CORPUS_ROOT, _truth(CORPUS_ROOT / "ground_truth.json")),
    ]


def blind_batches() -> list[Path]:
    """Blind batch folders (``blind/batch-NN``) that hold a ground truth, in order."""
    if not BLIND_ROOT.is_dir():
        return []
    return sorted((p for p in BLIND_ROOT.glob("batch-*") if (p / "ground_truth.json").is_file()), key=batch_order)


def batch_order(name: str | Path) -> int:
    """A blind batch's place in arrival order: its number ("batch-100" comes after "batch-99")."""
    return int(Path(name).name.removeprefix("batch-"))


def blind_sets() -> list[SetScore]:
    return [score_set(batch.name, batch, _truth(batch / "ground_truth.json")) for batch in blind_batches()]


def recorded() -> dict[str, Any]:
    """``blind/scores.json``: per batch, the blind score (before any change made after seeing it) and
    the score after the fixes, each with the commit it was measured at."""
    return dict(json.loads(RECORD.read_text(encoding="utf-8"))) if RECORD.is_file() else {}
