"""The blameless-language rule: a person next to a blame word, in the narrative of a document.

A sentence is flagged when it names a person AND contains a blame word or phrase. A person is an
``@handle`` or e-mail address, a name the document itself lists as a person (action-item owners,
``Authors``/``Responders``/``Attendees``/``Thanks``/``Owner`` fields, front-matter ``authors``…),
or a capitalised word directly followed by a phrase only a person can do ("Tim forgot"). Sentences
about systems ("the alert failed to fire") are not flagged, and neither is the action-item table
(an owner there is an assignment, not blame) nor the cost section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from sync.core.lint.catalog import BLAME_LANGUAGE
from sync.core.lint.sentences import Sentence, sentences
from sync.core.model import Diagnostic, PostMortem

# Sections whose text is not narrative.
_NOT_NARRATIVE = frozenset({"actions", "cost"})

# Field names (normalised: lower case, "_" for spaces and dashes) that list people.
_PERSON_FIELDS = frozenset(
    {
        "author",
        "authors",
        "responder",
        "responders",
        "attendee",
        "attendees",
        "participants",
        "thanks",
        "owner",
        "owners",
        "incident_commander",
        "incident_commanders",
        "reviewer",
        "reviewers",
        "on_call",
    }
)
# Matched against a stripped line; possessive quantifiers keep it linear in the line's length (a run
# of blanks may otherwise be split between neighbouring ``\s*`` in quadratically many ways).
_FIELD_LINE = re.compile(
    r"(?:[-*+]\s++)?+[*_]*+\s*+(authors?|responders?|attendees?|participants|thanks|owners?|"
    r"incident[ _-]commanders?|reviewers?|on[ _-]call)\s*+[*_]*+\s*+:\s*+[*_]*+\s*+(?P<value>.+)",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9][\w.-]*[A-Za-z0-9_]|(?<![\w@.])@[A-Za-z0-9]")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
_NAME_TOKEN = re.compile(r"^[A-Za-z][A-Za-z'’]*$")

# Capitalised words that start sentences about systems or groups, never a person's name.
_NOT_NAMES = frozenset(
    [
        "a",
        "an",
        "and",
        "also",
        "all",
        "as",
        "at",
        "but",
        "both",
        "by",
        "each",
        "either",
        "every",
        "for",
        "from",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "it",
        "its",
        "my",
        "neither",
        "no",
        "nobody",
        "none",
        "nothing",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "some",
        "someone",
        "somebody",
        "team",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "we",
        "what",
        "when",
        "which",
        "while",
        "who",
        "whoever",
        "why",
        "you",
        "your",
        "everyone",
        "everybody",
        "everything",
        "anyone",
        "anybody",
        "unfortunately",
        "however",
        "later",
        "initially",
        "finally",
        "meanwhile",
    ]
)
# Blame phrases that, straight after a capitalised word, do NOT show the word is a person:
# "Monitoring failed to page", "Canary should have caught it". Every other blame phrase (including
# ones a user configures) does ("Tim forgot", "Tim ignored", "Tim botched").
_NOT_AFTER_A_NAME = frozenset(
    {
        "failed to",
        "should have",
        "should've",
        "shouldn't have",
        "fault",
        "blame",
        "mistake",
        "mistakes",
        "human error",
        "negligence",
        "carelessness",
        "forgotten",
        "forgetting",
    }
)
# Adjectives that make blame after "<Name> was" ("Tim was careless").
_BLAME_ADJECTIVES = frozenset({"careless", "sloppy", "negligent", "lazy", "incompetent"})

_SUGGESTION = (
    'rephrase as a process gap, e.g. "the deploy checklist did not include …" or "nothing alerted on …", '
    "instead of naming who missed it"
)


def _words_pattern(phrase: str) -> str:
    # Spaces match any whitespace run (sentences wrap); a straight apostrophe also matches a curly one.
    words = [re.escape(word).replace("'", "['’]") for word in phrase.split()]
    return r"\s+".join(words) + r"(?!\w)"


def _phrase_pattern(phrase: str) -> str:
    return r"(?<![\w@])" + _words_pattern(phrase)


def _phrases(words: Iterable[str]) -> re.Pattern[str] | None:
    cleaned = sorted({w.strip().lower() for w in words if w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    return re.compile("|".join(_phrase_pattern(w) for w in cleaned), re.IGNORECASE)


def _names_in_value(value: str) -> Iterator[str]:
    """Person names in a field value such as ``Dana Wu (IC), @lee and ops-team``."""
    value = re.sub(r"\([^)]*\)", " ", value)
    for part in re.split(r"[,;/&]|\band\b", value):
        part = part.strip(" *_`.")
        if not part:
            continue
        yield from (m.group(0)[1:] for m in _HANDLE.finditer(part))
        yield from (m.group(0).split("@")[0] for m in _EMAIL.finditer(part))
        part = _EMAIL.sub(" ", _HANDLE.sub(" ", part)).strip()
        tokens = part.split()
        if len(tokens) == 1 and _NAME_TOKEN.match(tokens[0]):
            # A single word in a list of people is a name or handle, whatever its case.
            yield tokens[0]
        else:
            # In longer phrases ("the whole on-call team") only capitalised words are names.
            yield from (t for t in tokens if _NAME_TOKEN.match(t) and t[0].isupper())


def _owner_names(owner: str) -> Iterator[str]:
    owner = owner.strip()
    email = _EMAIL.search(owner)
    local = email.group(0).split("@")[0] if email else owner.lstrip("@")
    for piece in re.split(r"[._+]", local):
        # Hyphenated owners are teams and rotations ("platform-team", "sre-oncall"), not people.
        if _NAME_TOKEN.match(piece):
            yield piece


def _metadata_values(metadata: Mapping[str, object]) -> Iterator[str]:
    for key, value in metadata.items():
        normal = re.sub(r"[\s-]+", "_", str(key).strip().lower())
        if normal not in _PERSON_FIELDS:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        yield from (str(v) for v in values if v is not None)


def document_persons(pm: PostMortem) -> frozenset[str]:
    """Names the document itself lists as people (as written, without ``@``)."""
    found: set[str] = set()
    for item in pm.action_items:
        if item.owner:
            found.update(_owner_names(item.owner))
    for value in _metadata_values(pm.metadata):
        found.update(_names_in_value(value))
    for section in pm.sections:
        for line in section.text.splitlines():
            field = _FIELD_LINE.fullmatch(line.strip()) if ":" in line else None
            if field:
                found.update(_names_in_value(field.group("value")))
    return frozenset(name for name in found if len(name) >= 2 and name.lower() not in _NOT_NAMES)


@dataclass(frozen=True)
class _Matcher:
    blame: re.Pattern[str]
    names: Mapping[str, frozenset[str]]  # lower-case name -> forms as listed
    capitalised: re.Pattern[str] | None

    def person(self, text: str) -> str | None:
        for pattern in (_HANDLE, _EMAIL):
            found = pattern.search(text)
            if found:
                return found.group(0)
        for word in _WORD.finditer(text):
            token = re.sub(r"['’]s$", "", word.group(0))
            forms = self.names.get(token.lower())
            # A listed lower-case handle ("jennifer") matches as written or capitalised; a word
            # that merely shares its spelling in lower case ("will", "mark") does not.
            if forms and (token in forms or token[0].isupper()):
                return token
        if self.capitalised is not None:
            found = self.capitalised.search(text)
            if found and found.group("name").lower() not in _NOT_NAMES:
                return found.group("name")
        return None


def _capitalised_pattern(blame_words: Iterable[str]) -> re.Pattern[str] | None:
    lowered = {w.strip().lower() for w in blame_words}
    acts = sorted(lowered - _NOT_AFTER_A_NAME - _BLAME_ADJECTIVES, key=len, reverse=True)
    adjectives = sorted(lowered & _BLAME_ADJECTIVES)
    options = [_words_pattern(a) for a in acts]
    options += [r"(?:was|were|is|is\s+being|was\s+being)\s+" + re.escape(a) + r"(?!\w)" for a in adjectives]
    if not options:
        return None
    return re.compile(r"(?<![\w@])(?P<name>[A-Z][a-z]+)\s+(?:just\s+|simply\s+)?(?:" + "|".join(options) + ")")


def _matcher(pm: PostMortem, blame_words: Iterable[str]) -> _Matcher | None:
    words = tuple(blame_words)
    blame = _phrases(words)
    if blame is None:
        return None
    names: dict[str, set[str]] = {}
    for name in document_persons(pm):
        names.setdefault(name.lower(), set()).add(name)
    frozen = {key: frozenset(forms) for key, forms in names.items()}
    return _Matcher(blame=blame, names=frozen, capitalised=_capitalised_pattern(words))


_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|"[^"]*$|“[^”]*$')


def _unquoted(text: str) -> str:
    """``text`` with quoted spans blanked: a quoted error message or chat line is not the author's voice."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def _excerpt(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def narrative_sentences(pm: PostMortem) -> Iterator[Sentence]:
    """Sentences of every section except the action items and the cost (each sentence once)."""
    skip = {
        line
        for section in pm.sections
        if section.kind in _NOT_NARRATIVE
        for line in range(section.line, section.end_line + 1)
    }
    seen: set[tuple[int, str]] = set()
    for section in pm.sections:
        if section.kind in _NOT_NARRATIVE:
            continue
        for sentence in sentences(section.text, section.line + 1, skip):
            key = (sentence.line, sentence.text)
            if key not in seen:
                seen.add(key)
                yield sentence


def find_blame(pm: PostMortem, blame_words: Iterable[str]) -> list[Diagnostic]:
    """``blame-language`` warnings for narrative sentences naming a person next to a blame word."""
    matcher = _matcher(pm, blame_words)
    if matcher is None:
        return []
    found: list[Diagnostic] = []
    for sentence in narrative_sentences(pm):
        blame = matcher.blame.search(_unquoted(sentence.text))
        if blame is None:
            continue
        person = matcher.person(sentence.text)
        if person is None:
            continue
        detail = (
            f'"{_excerpt(sentence.text)}" puts {person} next to "{blame.group(0)}"; '
            "describe the process gap instead (what let it happen), not who"
        )
        found.append(BLAME_LANGUAGE.at(pm.path, sentence.line, detail, hint=_SUGGESTION))
    return found
