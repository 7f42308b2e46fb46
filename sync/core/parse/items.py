"""Action items from the blocks of an action section: tables, lists, checkboxes, labelled paragraphs.

Each item's text goes through one pipeline (:meth:`ItemReader.read_text`) that peels structured
decorations off its ends — checkbox, ✅, ``(P0, @kofi, due …)``, ``[jhford]``, ``P1:``, ``— @ravi``,
``(done 2026-04-22)``, ``Owner: @x``, trailing ticket links, deadline phrases — and keeps what is
left as the action text. Nothing is invented: fields the item does not state stay ``None``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sync.core.model import ActionItem, Confidence, Priority, Status, TicketLink
from sync.core.parse import codes
from sync.core.parse.blocks import Inline, Link, Node, first_line, inline_source, node_text, render_source
from sync.core.parse.codes import Collector
from sync.core.parse.dates import deadline_phrase, parse_date, period_end
from sync.core.parse.evidence import (
    STEP_ENTRY,
    advises_others,
    commits_in_prose,
    is_log_entry,
    notes_a_state,
    title_reports_done,
    worded_deadline,
)
from sync.core.parse.memo import short_text_cache
from sync.core.parse.options import DEFAULT_STATUS_SYNONYMS, ParseOptions
from sync.core.parse.refs import (
    BARE_URL,
    from_url,
    is_jira_key,
    is_ticketish_text,
    link_ticket,
    merge,
    text_tickets,
)
from sync.core.parse.sections import (
    CHANGES_MADE_BECAUSE,
    FIX_APPLIED,
    WORK_LEFT_ABROAD,
    classify_title,
    without_numbering,
)
from sync.core.parse.wording import (
    first_sentence,
    is_placeholder,
    promises_work,
    reads_as_action,
    reads_as_done,
    reads_as_in_progress,
    reads_as_wont_do,
    starts_with_past_form,
    starts_with_past_or_same_form,
    third_person_verb,
)

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_HANDLE = r"@[\w][\w.-]*[\w]|@\w"
_OWNER_TOKEN = rf"(?:{_EMAIL}|{_HANDLE})"
# "[-]" and "[N/A]" mark an item given up (Obsidian's cancelled task, a checklist's not-applicable row).
# "[~]" and "[/]": the task-list extensions' mark of a task begun and not finished; "[✅]": one done.
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX✓✔]?|[✅☑]\ufe0f?|-|~|/|[nN]/[aA])\]\s*")
# A tick beside an entry; "√" (a check mark typed as a radical) only alone at either end.
_DONE_SYMBOL = re.compile(r"[✅✔☑✓]\ufe0f?|(?<=\s)√\s*$|^√(?=\s)")
_LEADING_MARK = re.compile("^(?P<mark>[\u23f3\U0001f4dd\U0001f51c\U0001f504\U0001f6a7\u26a0\u2b1c])\ufe0f?\\s+")
_LEADING_PAREN = re.compile(r"^\((?P<body>[^()]{1,80})\)\s*")
_LEADING_BRACKET = re.compile(r"^\[(?P<body>@?[A-Za-z][\w.@-]*(?:[ ,]+@?[A-Za-z][\w.@-]*){0,2})\]\s+")
_TRAILING_BRACKET = re.compile(r"\s*\[(?P<body>@?[A-Z][\w.-]*(?: [A-Z][\w.-]*)?|@[\w.-]+)\]\s*\.?$")
# "… [done]", "… [CF to write story]": a bracketed note after the action giving its status, or who
# takes it on ("<who> to <verb> …").
_TRAILING_NOTE = re.compile(r"\s*\[(?P<body>[^\[\]]{1,40})\]\s*\.?$")
_NOTE_OWNER = re.compile(r"^(?P<owner>@?[A-Z][\w.-]*(?: [A-Z][\w.-]*)?) to [a-z]")
_PRIORITY_PREFIX = re.compile(r"^\[?(?P<p>P[0-4])\]?\s*[:\-–—]?\s+", re.IGNORECASE)
# "HIGH: split the monolith", "[Critical] …", "Low priority - …": a priority word needs brackets or a separator.
_PRIORITY_WORD_PREFIX = re.compile(
    # Letters of any script: "[CRÍTICO]", "[ÉLEVÉE]".
    r"^(?:\[(?P<b>[^\W\d_]{3,8}(?: priority)?)\]\s*[:\-–—]?|(?P<w>[^\W\d_]{3,8}(?: priority)?)\s*[:–—]|"
    r"(?P<d>[^\W\d_]{3,8}(?: priority)?)\s+[-–—])\s+",
    re.IGNORECASE,
)
# An entry that is only a file's path or name ("`infra/cloudrun/deploy.sh`", "`app.py`:"): a place, not work.
# In backticks, or bare with a file's extension ("Frontend/Backend" is two areas, not a path).
_PATH_ONLY = re.compile(
    r"^`\.?[A-Za-z0-9_.@~-]*(?:/[A-Za-z0-9_.@-]+)+/?`:?$|^`[A-Za-z0-9_.-]+\.[A-Za-z0-9]{1,6}`:?$"
    r"|^\.?[A-Za-z0-9_.@~-]*(?:/[A-Za-z0-9_.@-]+)+\.[A-Za-z0-9]{1,6}:?$"
)
# "DONE: patch the proxy", "TODO - …", "[WIP] …": a status word opening the item.
_STATUS_PREFIX = re.compile(
    r"^(?:\[(?P<b>done|todo|to do|wip|in progress|blocked|wontfix|won't do|fixed|completed?)\]|"
    # "Implemented: …", "Suggested: …": a label naming the status, cut from the title.
    r"(?P<w>done|todo|to do|wip|doing|in progress|in-progress|blocked|wontfix|won't do|won't fix|fixed|completed?"
    r"|implemented|suggested|proposed"
    # "**Fait** : Rollback …", "**À faire** : Ajouter …", "Erledigt: …", "Pendiente: …": the same labels abroad.
    r"|fait|terminé|réalisé|[àa] faire|en cours|erledigt|in arbeit|hecho|completado|en curso"
    r"|feito|concluído|em andamento|gedaan|afgerond|fatto|da fare|in corso|сделано|выполнено|в работе)"
    r"\s*[:\-–—])\s*",
    re.IGNORECASE,
)
# "… before release. **RK**/JT/JG": initials closing a paragraph, the first (at least) in bold; plain
# capitals there ("… over TCP/IP") are words of the sentence.
_TRAILING_INITIALS = re.compile(r"(?<=\S)\s+\*\*[A-Z]{2,4}\*\*(?:\s*/\s*(?:\*\*)?[A-Z]{2,4}(?:\*\*)?)*\s*$")
_UPPER_STATUS_PREFIX = re.compile(r"^(?P<w>DONE|TODO|WIP|DOING)\s+(?=\S)")
# "`TODO`: Improve …": a marker set in code is part of how the writer shows the line; it gives the
# status and stays in the title.
_CODE_STATUS_PREFIX = re.compile(r"^`(?P<w>done|todo|wip|doing|in progress)`\s*[:\-–—]", re.IGNORECASE)
# "shipped: the ingest check", "Pending: request delisting", "open: nothing alerts on …": a state the
# writer opens the line with, as a word of the line; it gives the status and stays in the title.
_WORDED_STATUS_PREFIX = re.compile(
    r"^(?P<w>shipped|open|pending|planned|ongoing|offen|pendiente|pendente)\s*:\s+(?=\S)", re.IGNORECASE
)
# A tracker reference opening the item: "Bug 1587511 - hard kill …", "JIRA-12: …", "#123 …", "org/repo#4: …".
_LEADING_REFERENCE = re.compile(
    r"^(?P<ref>bug\s*#?\s*\d{3,}|[A-Z][A-Z0-9]{1,9}-\d+|(?:[\w.-]+/[\w.-]+)?#\d+)(?:\s*[:\-–—|]\s*|\s+)(?=\S)",
    re.IGNORECASE,
)
_LINK_STATUS = re.compile(r"\s*\((?P<s>[A-Za-z][\w' -]{1,20})\)\s*$")
_TITLE_NOTE = re.compile(r"\s*\((?P<body>[^()]{1,60})\)(?=\s)")
_LABEL_LEAD = re.compile(r"\s*:\s*(?=\S)")
_PREFIX_HINT = re.compile(r"[\[(:\-–—|#\d]")
# A day opening a log-like entry of work done: "24 July 2025 – ", "2025-07-30: ", "July 30, 2025 - ".
_DATED_ENTRY = re.compile(
    r"^(?:\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|[A-Z][a-z]{2,8}\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{4}-\d{2}-\d{2})"
    r"\s*(?:[:\-–—|]\s+)"
)
_LEADING_SEPARATOR = re.compile(r"^\s*[:\-–—|]\s+")
# "(fixed by adding …)", "(filed https://…)", "(added an @emergency role)": a note saying what became of it.
_OUTCOME_NOTE = re.compile(
    r"\s*\((?P<verb>fixed|done|added|completed|resolved|implemented|shipped|landed|merged|filed|tracked in|tracking)"
    r"\b(?P<rest>[^()]*)\)\s*\.?$",
    re.IGNORECASE,
)
_STRUCK = re.compile(r"^~~(?P<body>.+?)~~\s*")
# Labelled annotations written into an item: "Priority: P1", "owner: sam", "Owner(s): ana, bo", "Due: 5 Dec".
_ANNOTATION_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[\s.;,(—–-]))(?P<label>owner\(s\)|owners?|assignees?|assigned to|dri|priority|prio|status"
    r"|due date|due|deadline|eta|target date)\s*:\s*",
    re.IGNORECASE,
)
_BARE_PRIORITY = re.compile(r"[\s,;(—–-]+priority\s+(?P<v>p[0-4]|[a-z]+)\)?\.?$", re.IGNORECASE)
_LABELLED_LINE = re.compile(r"^(?P<label>[A-Za-z][\w ()/'&-]{0,30}?)\s*:\s*(?P<value>\S.*)$")
_TRAILING_PAREN = re.compile(r"\s*\((?P<body>[^()]{1,80})\)\s*\.?$")
# A trailing parenthesised list of ticket references: "(DEMO-22)", "(#12, #14)", "([PROJ-3](…))".
# Link texts are masked with \0 before matching, so a link of any text counts as one reference.
_TRAILING_GROUP = re.compile(r"\s*\((?P<body>[^()]{1,400})\)\s*\.?$")
_REFERENCE = r"\0+|#\d+|[\w.-]+/[\w.-]+#\d+|[A-Z][A-Z0-9]{1,9}-\d+|bug\s*#?\s*\d+|https?://[^\s,;()]+"
# References are separated by punctuation or space, never by nothing: with an optional separator two masked
# links in a row ("\0\0\0\0") split in exponentially many ways before a failed match gives up.
_REFERENCE_LIST = re.compile(
    rf"\s*(?:{_REFERENCE})(?:(?:\s*[,;/&]\s*|\s+)(?:and\s+)?(?:{_REFERENCE}))*\s*", re.IGNORECASE
)
_JIRA_LIKE = re.compile(r"\b(?P<project>[A-Z][A-Z0-9]{1,9})-\d+\b")
# A name, a team slug or "<x> team": not a lower-case word such as "optional" or "stretch goal".
_PLAIN_OWNER = re.compile(
    r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+|[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}|[\w.-]+(?: [\w.-]+)? team"
)
_TRAILING_CLAUSE = re.compile(r"\s+(?:—|–|--|-)\s+(?P<body>[^—–]{1,80})$")
# The last of several separated fields: "Add a canary - @kim - P1", "Alert on retries | @bo | P2".
_LAST_FIELD = re.compile(r"\s+(?:—|–|--|-|\|)\s+(?P<body>(?:(?!\s(?:—|–|--|-|\|)\s).){1,60})$")
_OWNER_SENTENCE = re.compile(
    rf"(?:(?<=^)|(?<=[\s.;,(]))owners?\s*:\s*(?P<owner>{_OWNER_TOKEN}|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)\.?"
    # The name ends the sentence or the clause; "Owner: a very long description …" is prose.
    r"(?=\s*$|\s*[.;,)]|\s+(?:[—–-]|\())",
    re.IGNORECASE,
)
_SUBJECT_OWNER = re.compile(rf"^(?P<owner>{_OWNER_TOKEN})\s+(?:will|should|to|is going to|must)\b")
_TEAM_OWNER = re.compile(
    r"^(?P<owner>[A-Za-z][\w'’-]*(?:\s+[\w'’-]+){0,3}\s+team)\s+(?:should|will|must|needs to|is to|to (?=[a-z]+ ))"
)
_NAME_TO_VERB = re.compile(r"^(?P<owner>[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?) to (?P<rest>[a-z]\w* .+)$")
# Words that open a sentence before "to" without naming anyone: "So to prevent this from happening again, I …".
_NOT_NAMES = frozenset(
    {"we", "i", "they", "it", "this", "that", "the", "plan", "need", "try", "how", "what", "due"}
    | {"so", "and", "but", "also", "then", "now", "or", "yet", "thus", "hence", "still", "again", "as", "in"}
    | {"here", "there", "next", "first", "finally", "later", "only", "just", "order", "ways", "steps", "time"}
    # A verb that takes "to <verb>" after it, the sentence's subject left out: "Needed to manually patch …".
    | {"needed", "needs", "want", "wanted", "tried", "decided", "failed", "forgot", "managed", "used", "had", "has"}
    | {"have", "going", "able", "unable", "agreed", "started", "began", "chose", "planned", "continued", "refused"}
    | {"hoped", "attempted", "expected", "intended", "learned", "learnt", "seemed", "got", "came", "went", "ought"}
)
# A closing note that the work is under way: "(already being implemented)", "(currently being rolled out)".
_BEING_DONE = re.compile(r"\((?:already |currently |still |now )?being [a-z]+(?:ed|en|wn|ut)(?: out)?\)\.?$", re.I)
_PLANNED_END = re.compile(r"^[A-Z][^:;]{2,80}\s(?:planned|proposed)(?:\s*\([^()]*\))?\.?$")
_WORK_IN_PROGRESS = re.compile(r"\bwork in progress\b|\bis (?:currently )?(?:underway|in progress)\b", re.I)
_UPPER_STATUS_WORDS = ("DONE", "TODO", "WONTFIX", "IN PROGRESS")
_ALREADY = re.compile(r"^already\s+[a-z]", re.IGNORECASE)
# A closing sentence noting the item is finished: "… should skip X. We already implemented that now.",
# "Add a canary. This is done as of today."
_DONE_NOTE = re.compile(
    # "Purge all logs; Completed as of 2021-10-29.": a status note written after the item.
    r"(?<=;)\s*(?:completed|done|finished|implemented|fixed|resolved)(?: (?:as of|on|in)\b[^;]*)?[.!]?\s*$|"
    r"(?<=[.!?])\s+(?:(?:we|i)(?:'ve| have)? already [a-z]+(?:ed|en|wn|ut|de)\b"
    r"|(?:this|that|it) (?:is|has been|was) (?:now |already )?(?:done|implemented|completed|in place|fixed)\b"
    r"(?!\s+(?:when|once|if|after|before|by|until)\b))"
    r"[^.!?]*[.!]?\s*$",
    re.IGNORECASE,
)
_UPPER_STATUS = re.compile(rf"(?:^|\s)(?P<s>{'|'.join(_UPPER_STATUS_WORDS)})\s*\.?\s*$")
# "Add a safe deploy script (60fa1a8)", "Fix comment truncation (commit df29b76)": the commit that made the change,
# named after it; the work has landed. (A hash has letters and digits both: "(2024)" or "(feedface)" is none.)
_COMMIT_NOTE = re.compile(r"\((?:commit:?\s*)?`?(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,40}`?\)\s*\.?\s*$")
_LABEL_ACTION = re.compile(r"^action items?\s*:?$", re.IGNORECASE)
_DUE = re.compile(r"^(?:due|by|deadline|target|eta)\s*:?\s*(?P<d>.+)$", re.IGNORECASE)
_STATUS_WITH_DATE = re.compile(
    r"^(?P<s>done|completed?|fixed|resolved|closed)(?:\s+(?:as of|on|in))?\s*:?\s*(?P<d>\d{4}-\d{2}-\d{2})?$",
    re.IGNORECASE,
)
_URL_IN_GROUP = re.compile(r"https?://[^\s,;()]+")
_CLOSING_PUNCTUATION = re.compile(r"[\s)\].,;]*")
_PART_SPLIT = re.compile(r"[,;]")
_PRIORITY_WORD = re.compile(r"p[0-4]|[a-z]+")
_OWNER_ONLY = re.compile(_OWNER_TOKEN)
_OWNER_PART = re.compile(rf"owners?\s*:?\s*(?P<o>{_OWNER_TOKEN}|[\w .'-]{{1,40}})", re.IGNORECASE)
_WORDED_PRIORITY = re.compile(r"(?:priority\s*:?\s*)?(?P<v>p[0-4]|[a-z]+)(?:\s+priority)?", re.IGNORECASE)
# "priority: high", "owner=eng" (key=value, as scripts and some templates write them; "owner=" left empty).
_PART_LABEL = re.compile(r"(?P<label>[a-z][a-z ()]{0,15}?)\s*(?::\s*|=\s*)(?P<value>\S.{0,60}|(?<==))", re.IGNORECASE)
_BY_OWNER = re.compile(rf"by\s+(?P<o>{_OWNER_TOKEN})", re.IGNORECASE)
# An entry led by its owner, a handle or a role, then what it is about: "@claude_dev: E2E testing", "Dev Lead:
# Pre-implementation review", "All developers: Debugging discipline".
_OWNER_LEAD = re.compile(
    r"^(?P<owner>@[\w.-]+|(?:all |the )?(?:[A-Z][\w-]* )?(?:lead|team|developers?|engineers?|devs?|manager|owners?"
    r"|maintainers?|sre|ops|on-?call|admins?))\s*:\s+(?P<area>\S.*)$",
    re.IGNORECASE,
)
_PERIOD = re.compile(r"\b(?:Q[1-4]|H[12])\b")
_ANY_DIGIT = re.compile(r"\d")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")

_COLUMNS: dict[str, str] = {}
for _role, _names in {
    "number": "#|no|no.|nr|number|id|item #",
    "text": "action|action item|action items|actions|item|task|description|what|follow-up|follow up"
    "|action item description"
    "|followup|remediation|corrective action|recommendation|todo|to do|step|next step"
    "|remediation action|remediation action required|action required|required action|action needed"
    "|follow-up action|proposed action|mitigation action"
    # "| Measure | Description |", "| Safeguard | Detail |": the column naming each measure holds the item.
    "|measure|measures|safeguard|safeguards|countermeasure|control|controls|improvement|improvements|fix|fixes"
    "|change|changes|mitigation|mitigations|preventive measure|prevention measure|guardrail|guardrails"
    # French, German, Spanish, Portuguese, Dutch and Italian action tables.
    "|tâche|mesure|maßnahme|massnahme|aufgabe|acción|tarea|ação|tarefa|actie|taak|maatregel|azione"
    "|changement|modification|änderung|cambio|mudança|wijziging|modifica"
    # Chinese, Japanese and Korean: change, measure, action, task, countermeasure, improvement.
    "|改动|变更|修改|措施|行动|任务|行动项|改进项|对策|対策|対応|アクション|タスク|施策|조치|작업|개선|대책|액션",
    "owner": "owner|owners|who|assignee|assigned to|responsible|owner(s)|team|dri"
    "|responsable|responsables|porteur|verantwortlich|verantwortliche|zuständig|zuständigkeit"
    "|responsável|eigenaar|verantwoordelijke|responsabile|负责人|责任人|担当|担当者|담당|담당자",
    "deadline": "deadline|due|due date|target|target date|by when|when|eta|due by|expected date|expected"
    "|completion date|target completion|planned date|due on"
    "|échéance|echeance|date limite|délai|frist|fällig|fecha límite|plazo|prazo|data limite|uiterlijk|scadenza"
    "|截止|截止日期|截止时间|期限|期日|기한|마감|마감일",
    "priority": "priority|prio|pri|p|prio.|priorité|priorität|prioridad|prioridade|prioriteit|priorità"
    "|优先级|優先度|優先順位|우선순위",
    "status": "status|state|done?|progress|outcome|current status"
    "|état|etat|statut|avancement|zustand|estado|situação|stato|状态|状態|ステータス|상태|진행 상황",
    "ticket": "ticket|tickets|bug|bug #|bugs|reference|references|ref|issue|issues|jira|link|links|tracking|tracker|pr",
    "kind": "type|kind|category",
}.items():
    for _name in _names.split("|"):
        _COLUMNS[_name] = _role


_FIELD_ROLES: dict[str, str] = {}
for _role, _names in {
    # With the same labels in Spanish, Portuguese, French and German ("**Prioridad:** Alta", "**Responsável:**").
    "owner": "owner|owners|owner(s)|assignee|assignees|assigned to|who|dri|responsible|lead"
    "|responsable|responsables|responsável|responsáveis|verantwortlich",
    "priority": "priority|prio|pri|p|severity|sev|prioridad|prioridade|priorité|priorität|prioriteit|priorità",
    "status": "status|state|progress|estado|statut",
    "deadline": "due|due date|deadline|eta|target|target date|by when|when|timeframe|time frame"
    "|fecha límite|plazo|prazo|échéance|frist",
    "ticket": "ticket|tickets|issue|issues|bug|bugs|jira|link|links|tracking|tracking issue|pr|prs|reference"
    "|references",
    "description": "description|details|detail|notes|note|why|rationale|context|impact|goal|outcome|scope|summary"
    "|acceptance criteria|definition of done|action|problem|solution|approach|result"
    "|acción|accion|ação|acao|descripción|descrição|riesgo|risco|risk|opciones|opções|options",
}.items():
    for _name in _names.split("|"):
        _FIELD_ROLES[_name] = _role


@dataclass
class Group:
    """A sub-heading inside an action section and what it says about all its items."""

    title: str | None = None
    status: Status | None = None
    status_raw: str | None = None
    deadline_raw: str | None = None
    tickets: list[TicketLink] = field(default_factory=list)
    owner: str | None = None  # "The development team will conduct the following actions:" before a list
    priority_raw: str | None = None  # "### 🔴 High Priority (1 week)": the priority of every item under it


@dataclass
class Draft:
    """An item being assembled; becomes an :class:`ActionItem` once numbered."""

    text: str
    line: int
    owner: str | None = None
    deadline_raw: str | None = None
    priority_raw: str | None = None
    status_raw: str | None = None
    status: Status | None = None
    status_marked: bool = False
    status_guessed: bool = False  # read from the wording, which a heading's explicit status overrides
    kind: str | None = None
    number: int | None = None
    tickets: list[TicketLink] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    parent: Draft | None = None
    group: Group | None = None
    confidence: Confidence = "high"
    bold_title: bool = False  # the entry opens with a bold title ("1. **Deeper monitoring** — …")
    targeted: bool = False  # a target column names where the work goes ("hotfix"), if not when

    def fields_stated(self) -> int:
        """How many fields the entry states: owner, date (or a target without one), priority, tickets, a status
        mark."""
        return sum(
            (
                self.owner is not None,
                self.deadline_raw is not None,
                self.priority_raw is not None,
                bool(self.tickets),
                self.status_marked,
                self.targeted and self.deadline_raw is None,
            )
        )


class _Text:
    """Item text with link positions, trimmed from either end as decorations are recognised."""

    def __init__(self, inline: Inline) -> None:
        self.text = inline.text
        self.links = list(inline.links)
        self.bold = inline.bold_prefix if inline.opens_bold else None

    def cut(self, start: int, end: int) -> None:
        width = end - start
        self.text = self.text[:start] + self.text[end:]
        kept: list[Link] = []
        for link in self.links:
            if link.end <= start:
                kept.append(link)
            elif link.start >= end:
                kept.append(Link(link.text, link.url, link.start - width, link.end - width, link.autolink))
        self.links = kept

    def strip(self) -> None:
        lead = len(self.text) - len(self.text.lstrip())
        if lead:
            self.cut(0, lead)
        self.text = self.text.rstrip()


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def inherit_group(group: Group, enclosing: Group) -> None:
    """Give a sub-group what its enclosing group says of all its items and it does not say itself."""
    if group.status is None and enclosing.status is Status.DONE and _DAY.fullmatch(group.deadline_raw or ""):
        # "### 3.1 Contención inmediata (2026-06-21)" under "## Acciones tomadas": the day the work was done.
        group.deadline_raw = None
    if group.status is None and not (enclosing.status is Status.DONE and group.deadline_raw is not None):
        # (Under "## Preventive Measures Implemented", "### Short-Term Actions (Next 2 Weeks)" is work ahead.)
        group.status, group.status_raw = enclosing.status, enclosing.status_raw
    group.deadline_raw = group.deadline_raw or enclosing.deadline_raw
    group.priority_raw = group.priority_raw or enclosing.priority_raw
    group.owner = group.owner or enclosing.owner


# A heading's parenthesis ("(Completed)", "（優先度：高）") with the blanks before it, its body the group.
_PARENTHESES = re.compile(r"\s*[(（]([^()（）]*)[)）]")
# "(Target: Q4)", "(2026-06-21)", "(14.02.2026)" (day-first with dots, as German and Dutch teams write it).
_GROUP_DAY = _DAY.pattern + r"|\b\d{1,2}\.\d{1,2}\.\d{4}\b"  # ISO, or day-first with dots
_BARE_DAY = re.compile(_GROUP_DAY)
_GROUP_DATE = re.compile(rf"\b(?:Q[1-4]|H[12])\b|{_GROUP_DAY}|\b(?:target|due)\b", re.I)


def parse_group(title: str, links: Sequence[Link], options: ParseOptions) -> Group:
    """Read a group heading: "Immediate Actions (Completed)", "Long-term (Target: Q4 2025 - Q1 2026)"."""
    group = Group()
    name = title
    bare_day = False  # "(2026-02-09)": a day alone, no "target" or "due" before it
    for match in reversed(list(_PARENTHESES.finditer(title))):
        body = match.group(1).strip()
        status = heading_status(body, options)
        inner_links = [ln for ln in links if match.start() <= ln.start < match.end()]
        # "(Complete Within 7 Days)", "(Target: Q4)", "(1-2 weeks)": when the group's items are due.
        frame = _FRAME_LEAD.sub("", body)
        if status is None and _APPLIED.match(body):
            status = Status.DONE  # "### Immediate fixes (applied in this branch)": said to be in place
        if status is not None:
            group.status, group.status_raw = status, body
        elif _GROUP_DATE.search(body) or _TIME_FRAME.fullmatch(frame) or _SPAN.fullmatch(frame):
            group.deadline_raw = frame
            bare_day = bare_day or (frame == body and _BARE_DAY.fullmatch(body) is not None)
        elif not inner_links:
            continue
        name = name[: match.start()] + name[match.end() :]
    dashed = _DASHED_FRAME.search(name)
    if dashed is not None and group.deadline_raw is None:
        frame = _FRAME_LEAD.sub("", dashed.group("frame").strip())
        if _TIME_FRAME.fullmatch(frame) or _SPAN.fullmatch(frame):
            group.deadline_raw = frame
            name = name[: dashed.start()]
    occasion = _NEXT_OCCASION.search(name)
    if occasion is not None and group.deadline_raw is None:
        group.deadline_raw = occasion.group(0)  # "**Next release and to-dos:**": due with that release
    named = _GROUP_PRIORITY.search(name)
    if named is not None:
        group.priority_raw = next(level for level in named.group("p", "p2", "p3", "p4", "p5", "p6", "p7") if level)
    for link in links:
        ticket = link_ticket(link.text, link.url) or (
            TicketLink(system="other", key=link.text or link.url, url=link.url) if link.url.startswith("http") else None
        )
        if ticket is not None:
            group.tickets.append(ticket)
    group.title = name.strip(" :") or None
    if group.status is None and group.title is not None:
        # "#### Done", "### Remaining", "Completed actions": the heading itself names the status.
        bare = _HEADING_FILLER.sub(" ", group.title.lower())
        status = heading_status(bare, options)
        if status is None and not re.search(r"[,/]|\bor\b|\bbeing done\b|\bdone (?:to|about)\b", group.title):
            # "The following action items are already completed": a sentence naming one status (a
            # heading of alternatives, "Planned, someday", names none; nor does "What is being done to …").
            status = label_status(group.title)
        if status is None and names_work_left(group.title):
            status = Status.OPEN
        if status is None and names_changes_made(group.title):
            status = Status.DONE
        if status is not None:
            group.status, group.status_raw = status, group.title
    if bare_day and group.status is Status.DONE:
        group.deadline_raw = None  # "What was changed (2026-02-09)": the day the work was done, not a deadline
    return group


# "Things I have to do", "Leftover tasks", "Remaining work", "To-dos": what is still to be done.
_WORK_LEFT = re.compile(
    r"\b(?:have|need|still have|got) to do\b|\bto-dos?\b|\btodos?\b"
    r"|\b(?:leftover|left-over|remaining|outstanding|pending|unfinished|open) (?:tasks|work|work items|items)\b"
    # ("Tareas pendientes" is among WORK_LEFT_ABROAD's words; "Tarefas pendientes" mixes Portuguese and Spanish.)
    rf"|{WORK_LEFT_ABROAD}|^tarefas pendientes?\b",
    re.IGNORECASE,
)


# "Changes we have made", "What we changed", "Improvements we've deployed": the writers' changes, made.
_MADE = re.compile(
    r"^(?:the )?(?:changes|improvements|fixes|measures|safeguards)(?: that)? (?:we|i|the team)"
    r"(?: have|'ve|’ve)?(?: already)? (?:made|implemented|deployed|introduced|put in place|taken|shipped)$"
    r"|^what (?:we|i|the team)(?: have|'ve|’ve)? (?:changed|fixed|improved|built)(?: since| so far| to fix it)?$"
    # "What we've done to prevent this": done, and done so it does not happen again (a bare "What we've
    # done" may be the response while it lasted).
    r"|^what (?:we|i|the team)(?: have|'ve|’ve)? (?:done|changed|built|put in place) to prevent"
    r" (?:this|it|that|recurrence|a recurrence)(?: from happening)?(?: again)?$"
    rf"|{CHANGES_MADE_BECAUSE}"
    # "Prevention measures implemented", "Defenses added by this fix", "Safeguards now in place".
    r"|^(?:the )?(?:[\w-]+ ){0,2}(?:changes|improvements|fixes|measures|safeguards|defen[cs]es|controls|protections)"
    r"(?: (?:now|already))? (?:implemented|made|deployed|introduced|put in place|in place|shipped|added|applied)"
    r"(?: (?:by|in|with) (?:this|the) (?:fix|change|release|patch|pr))?$"
    # The same in Portuguese, Spanish, French and German: "Prevenções implementadas", "Acciones correctivas
    # implementadas", "Mesures mises en place", "Umgesetzte Maßnahmen".
    r"|^(?:prevenções|prevenciones|medidas|acciones|ações|acoes|mesures|actions)(?: [\w-]+){0,2}"
    r" (?:implementadas|implementados|aplicadas|aplicados|adoptadas|adotadas|tomadas|mises en (?:place|œuvre)"
    r"|implémentées|appliquées|prises)$"
    r"|^(?:umgesetzte|ergriffene|implementierte) ma(?:ß|ss)nahmen$"
    # "Lo que construimos", "Qué corregimos", "O que construímos", "Ce que nous avons construit": what we built.
    r"|^(?:lo )?qu[eé] (?:construimos|corregimos|arreglamos|implementamos|cambiamos)$"
    r"|^o que (?:construímos|construimos|corrigimos|implementamos|mudamos)$"
    r"|^ce que nous avons (?:construit|corrigé|mis en place|changé)$"
    rf"|{FIX_APPLIED}$"
    # "What changed:" over the list of what changed because of it.
    r"|^what(?: was| has been| got)? changed(?: since| afterwards| after(?:wards)? (?:it|this|that)"
    r"| because of (?:it|this|that))?$"
    # "已添加的防护措施", "已采取的措施", "実施した対策": safeguards added, measures taken.
    r"|^已(?:添加|采取|实施|完成|落实|上线)的?\w{0,4}措施$|^(?:実施(?:済み|した)|導入した)の?\w{0,4}(?:対策|対応)$",
    re.IGNORECASE,
)
# A reference or note in parentheses closing a heading: "Prevenções implementadas (GTM-CRIT-001)".
_CLOSING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def names_changes_made(title: str) -> bool:
    """Whether a heading names the writers' changes as made ("Changes we have made": done, unless an
    entry's own words say otherwise)."""
    return _MADE.search(_CLOSING_NOTE.sub("", " ".join(without_numbering(title).split())).strip(" :")) is not None


def names_work_left(title: str) -> bool:
    """Whether a heading or label line names work still to do (its entries are open, whatever their tense)."""
    return _WORK_LEFT.search(without_numbering(title)) is not None


_LABEL_STATUS = re.compile(
    r"\b(?:already (?:completed|done|finished|implemented)|completed|finished|done|implemented|taken|in place|"
    r"in progress|ongoing|underway|working on|planned|pending|remaining|still (?:open|to do)|to do|next"
    r"|recommended|proposed|suggested)\b",
    re.IGNORECASE,
)
_LABEL_WORDS = {
    "taken": Status.DONE,
    "in place": Status.DONE,
    "implemented": Status.DONE,
    "finished": Status.DONE,
    "completed": Status.DONE,
    "done": Status.DONE,
    "in progress": Status.IN_PROGRESS,
    "ongoing": Status.IN_PROGRESS,
    "underway": Status.IN_PROGRESS,
    "working on": Status.IN_PROGRESS,  # "Here's what we're working on now:"
    "planned": Status.OPEN,
    "pending": Status.OPEN,
    "recommended": Status.OPEN,  # "Recommended additional items": proposed, so not begun
    "proposed": Status.OPEN,
    "suggested": Status.OPEN,
    "remaining": Status.OPEN,
    "to do": Status.OPEN,
    "next": Status.OPEN,
}


_STATUS_MODIFIERS = frozenset({"already", "still", "not", "yet", "now", "currently", "partially", "mostly", "fully"})


def _only_status_words(part: str) -> bool:
    return all(word in _STATUS_MODIFIERS for word in _LABEL_STATUS.sub(" ", part).lower().split())


@short_text_cache(maxsize=4096)  # pure; a corpus repeats the same labels and status cells
def label_status(text: str) -> Status | None:
    """The status a label line before a list names: "Finished:", "Planned", "The following action items
    are already completed:" (a short line ending in ':' or a bold label)."""
    text = " ".join(text.split()).strip("*_ ")
    if not text or len(text.split()) > 12:
        return None
    found = {
        _LABEL_WORDS.get(word.lower().removeprefix("already ").removeprefix("still ").replace("open", "to do"))
        for word in _LABEL_STATUS.findall(text)
    }
    if not found:
        # "✅ Gjort:", "Erledigt:": a label that is only a status word in another language (a mark before it).
        bare = re.sub(r"^[^\w]+", "", text).rstrip(": ").lower()
        word = DEFAULT_STATUS_SYNONYMS.get(bare)
        found = {word} if word is not None else set()
    # "Done and remaining" names two statuses, so none for the whole list.
    return found.pop() if len(found) == 1 else None


# "### High Priority (1 week)", "### P0 (within 2 days)": a span of time the items are due within.
# "2 weeks", "within 30 days", "1-3 months", "next 48 hours": a span of time from now.
_SPAN = re.compile(
    r"(?:within |in |(?:the )?next )?(?:a|an|one|two|three|four|six|\d+(?:\s*[-–]\s*\d+)?)\s*"
    r"(?:hours?|days?|weeks?|months?|sprints?)"
    # "(24-48h)", "(3d)": hours and days abbreviated after a number.
    r"|(?:within |in |(?:the )?next )?\d+(?:\s*[-–]\s*\d+)?\s*[hd]"
    # "（1週間以内）", "(3日以内)", "（1个月内）": within a week, three days, a month.
    r"|\d+\s*(?:週間|ヶ月|か月|カ月|日|時間|周|个月|天|小时)\s*(?:以内|内)"
    # The same spans in French, Spanish, Portuguese, German, Italian and Dutch: "(1-2 días)", "(1 semaine)".
    r"|(?:dans |en |sous |dentro de |em |innerhalb von |binnen |entro |(?:die )?n[äa]chsten "
    r"|(?:los |las |os |as )?pr[óo]xim[oa]s |(?:les )?prochaine?s |(?:i |le )?prossim[ie] "
    r"|(?:de )?(?:komende|volgende) )?\d+(?:\s*[-–]\s*\d+)?\s*"
    r"(?:heures?|jours?|semaines?|mois|horas?|d[íi]as?|semanas?|mes(?:es)?|m[êe]s(?:es)?|stunden?|tagen?"
    r"|wochen?|monate?n?|ore|giorni|settimane?|mesi|mese|uur|dagen?|weken?|maanden?)",
    re.IGNORECASE,
)
# The words that say a time frame is when the work is due: "Complete within 7 days", "Target: Q4".
_FRAME_LEAD = re.compile(
    r"^(?:to be )?(?:complete[ds]?|finish(?:ed)?|done|target|due|deadline)\b\s*:?\s*"
    # "(À FAIRE CETTE SEMAINE)", "(a fazer esta semana)": "to do" before the time frame, in other languages.
    r"|^(?:[àa] faire|a fazer|por hacer|a realizar|zu erledigen|da fare)\s+"
    # "Do within 24 hours", "(Hacer HOY)": an order to do the work in that time.
    r"|^(?:do|hacer|faire|fazer|fare)\s+",
    re.I,
)
# "### 🔴 High Priority", "### Priority: P1", "### Priority 1 (Critical)": a sub-heading naming its items' priority
# (a rank's own number is no level of the ladder: the word beside it is).
_GROUP_PRIORITY = re.compile(
    r"(?:^|[^\w-])(?P<p>critical|urgent|highest|high|medium|normal|low|lowest)\s+priority\b"
    r"|\bpriority\s*:?\s*(?P<p2>P[0-3]|critical|high|medium|low)\b"
    r"|\bpriority\s*\d\s*\(\s*(?P<p3>critical|urgent|high|medium|normal|low|nice to have)\s*\)"
    # "### Alta prioridad (Esta semana)", and a level alone naming the group: "### Critical - Do within 24 hours",
    # "### Crítico (Hacer HOY)".
    r"|^\W*(?P<p4>cr[íi]tic[oa]|alta|media|baja)\s+prioridad\b"
    r"|^\W*(?P<p5>critical|urgent|cr[íi]tic[oa]|urgente|kritisch|critique)\W*$"
    # "### P0 (Must Ship Together) — ✅ COMPLETE", "### P2 - Follow-up": a heading that opens with the level.
    r"|^\W*(?P<p6>P[0-4])\b(?![-.]\d)"
    # "（優先度：🔴 緊急）", "(우선순위: 높음)": the word for priority and the level, a coloured circle between.
    r"|(?:優先度|优先级|優先順位|우선순위)\s*[:：]?\s*(?:[\U0001f534\U0001f7e0-\U0001f7eb\u26aa\u26ab]\ufe0f?\s*)?"
    r"(?P<p7>緊急|紧急|最高|高|中|低|긴급|높음|보통|낮음)",
    re.IGNORECASE,
)
# "### Critical - Do within 24 hours": the time frame the group's items are due in, after a dash.
_DASHED_FRAME = re.compile(r"\s+[-–—]\s+(?P<frame>[^-–—]{3,40})$")
# A group named for the next release its items ship in: "Next release and to-dos", "For the next update".
_NEXT_OCCASION = re.compile(r"\b(?:next|upcoming) (?:release|version|update|upgrade|sprint|deploy(?:ment)?)\b", re.I)
# "(applied in this branch)", "(already deployed)", "(merged in #41)": a group's changes said to be in place.
_APPLIED = re.compile(
    r"^(?:all |already |now )?(?:applied|implemented|deployed|merged|shipped|released|in place|live|prepared|added)\b"
    # The same in Russian: "(добавлены)" (added), "(внедрены)" (introduced), "(выполнено)" (done).
    r"|^(?:уже )?(?:добавлен|внедрен|реализован|выполнен|сделан|применен|применён)",
    re.I,
)


def says_applied(title: str) -> bool:
    """ "Prevention Measures (Already Prepared)", "Safeguards (implemented)", "(Completed)": a heading whose
    parenthesis says its measures are in place."""
    return any(
        _APPLIED.match(body.strip()) or body.strip().lower() in ("completed", "complete", "done")
        for body in _PARENTHESES.findall(title)
    )


# A target written as a lower-case word or two with no time in it: "hotfix", "ops-api", "follow-up", "now".
_TIMELESS = re.compile(
    r"(?!.*\b(?:asap|soon|today|tomorrow|tonight|eod|cob|week|month|quarter|sprint|year|day|release|milestone)s?\b)"
    r"[a-z][a-z-]*(?: [a-z][a-z-]*)?"
)
# "### Immediate (this week)", "### Mid term (before end of June)", "(Complete by EOD)": a time frame in words.
_TIME_FRAME = re.compile(
    r"(?:this|next) (?:week|month|quarter|sprint|year)|(?:before|by) (?:the )?end of (?:the )?\w+(?: \d{4})?"
    r"|end of (?:the )?\w+(?: \d{4})?|within (?:a|one|two|three|\d+) (?:days?|weeks?|months?)|today|tonight|tomorrow"
    r"|by (?:eod|cob)"
    # "### Immediate (Week 1)", "(Sprint 14)", "(Days 1-3)": a numbered week, sprint or day of the plan.
    r"|(?:week|sprint|days?|month)\s*\d+(?:\s*[-–]\s*\d+)?"
    # Today, tomorrow, this or next week and month in French, Spanish, Portuguese, German, Italian and Dutch:
    # "### Immédiat (Aujourd'hui)", "### Court terme (Cette semaine)", "(esta semana)", "(diese Woche)".
    r"|aujourd['’]hui|demain|(?:cette|la) semaine(?: prochaine)?|(?:ce|le) mois(?:-ci| prochain)?|ce trimestre"
    r"|hoy|ma[ñn]ana|hoje|amanh[ãa]|(?:esta|la pr[óo]xima|pr[óo]xima) semana|(?:este|el pr[óo]ximo|pr[óo]ximo) m[ée]s"
    r"|heute|morgen|(?:diese|n[äa]chste) woche|(?:diesen|n[äa]chsten) monat"
    r"|oggi|domani|(?:questa|la prossima) settimana|(?:questo|il prossimo) mese"
    r"|vandaag|deze (?:week|maand)|volgende (?:week|maand)"
    # The same in Korean, Japanese and Chinese: "(이번 주)", "（今週中）", "（本周）".
    r"|오늘|내일|(?:이번|다음)\s?(?:주|달)|今日中?|明日|(?:今|来)(?:週|月)中?|今天|明天|(?:本|下)(?:周|月)",
    re.IGNORECASE,
)
_HEADING_FILLER = re.compile(
    r"\b(?:actions?|action items?|items?|tasks?|work|follow[- ]?ups?|so far|already|still|yet|"
    r"remediations?|improvements?|steps?)\b|[:\-–—]",
    re.IGNORECASE,
)
# "deployed and verified", "已上线并验证" (deployed and verified), "计划中、进行中".
_STATUS_ALTERNATIVES = re.compile(r"\s*(?:,|/|\bor\b|\band\b|&|并|及|、|，)\s*", re.IGNORECASE)


def heading_status(text: str, options: ParseOptions) -> Status | None:
    """The status a heading or its parenthetical names: "completed", "planned or in-progress".
    Alternatives that are all still open ("planned or in-progress") read as open; a mix of done
    and not done names no status."""
    text = " ".join(text.split())
    if not text:
        return None
    found = options.status(text)
    if found is not None:
        return found
    parts = [p for p in _STATUS_ALTERNATIVES.split(text) if p]
    statuses = {options.status(p.replace("-", " ")) for p in parts}
    if len(parts) < 2 or None in statuses:
        return None
    if len(statuses) == 1:
        return statuses.pop()
    return Status.OPEN if statuses <= {Status.OPEN, Status.IN_PROGRESS} else None


class ItemReader:
    """Reads action items out of the blocks of one document's action sections."""

    def __init__(self, options: ParseOptions, diagnostics: Collector, lines: Sequence[str] = ()) -> None:
        self.options = options
        self.diagnostics = diagnostics
        self.lines = lines  # the document's source lines (for what the syntax tree does not keep)
        self.drafts: list[Draft] = []
        # Entries a label's own reading took ("- **Action**: Add …"), by line: a list read later skips them.
        self.labelled: dict[int, str] = {}

    @functools.cached_property
    def source(self) -> str:
        """The document's text, joined once for the rare rule that searches all of it."""
        return "\n".join(self.lines)

    # -- block dispatch -------------------------------------------------------------------------

    def read_block(self, node: Node, group: Group | None) -> None:
        """Collect the items a block holds (lists, tables, ``**Action item:**`` paragraphs)."""
        if node.type in ("bullet_list", "ordered_list"):
            self.read_list(node, group, parent=None)
        elif node.type == "table":
            self.read_table(node, group)
        elif node.type == "paragraph":
            self.read_paragraph(node, group)

    def elaborates_entry_above(self, above: Node | None, node: Node) -> bool:
        """ "2. **Review generated migrations**" / "Look for:" / "- Column drops": a list written flush under an
        entry that ends in ':' spells that entry out, though Markdown ends the entry's list there for want of an
        indent. Its lines become the entry's description (and True is returned); a list of actions is its own."""
        lists = ("bullet_list", "ordered_list")
        if above is None or above.type not in lists or node.type not in lists or not above.map or not node.map:
            return False
        between = self.lines[above.map[1] : node.map[0]]
        written = [line for line in self.lines[above.map[0] : above.map[1]] if line.strip()]
        if any(line.strip() for line in between) or not written or not written[-1].rstrip().endswith(":"):
            return False
        entry = next((d for d in reversed(self.drafts) if above.map[0] < d.line <= above.map[1]), None)
        if entry is None or holds_actions([node]):
            return False
        for text in _entry_texts([node]):
            self._elaborate(entry, Inline(text), entry.line)
        self.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), f"spells out item {entry.text[:40]!r}: not items")
        return True

    def read_paragraph(self, node: Node, group: Group | None) -> None:
        rendered = node_text(node)
        if not rendered.bold_prefix or not _LABEL_ACTION.match(rendered.bold_prefix):
            return
        text = _Text(rendered)
        text.cut(0, len(rendered.bold_prefix))
        text.text = text.text.lstrip(":")
        text.strip()
        draft = self.read_text(text, first_line(node))
        self.keep(draft, group)

    def read_plain(self, node: Node, group: Group | None) -> None:
        """A paragraph in an action section without lists or tables: one item per line when every
        line reads as an action ("Next steps" written as plain lines), else one per paragraph."""
        rendered = node_text(node)
        if rendered.bold_prefix and _LABEL_ACTION.match(rendered.bold_prefix):
            self.read_paragraph(node, group)
            return
        line = first_line(node)
        content, env = inline_source(node)
        initials = _TRAILING_INITIALS.search(content)
        if initials is not None:
            # "Speed up the deploys. **JP**/NW": who takes it, in bold initials closing the paragraph; the
            # paragraph is one action whatever its grammar, however many lines it wraps over.
            draft = self.read_text(_Text(render_source(content[: initials.start()], env)), line)
            if draft.text and not draft.text.endswith("?"):
                draft.owner = draft.owner or initials.group(0).replace("*", "").replace(" ", "").strip()
                self.keep(draft, group)
            return
        lines = [render_source(raw, env) for raw in content.split("\n")]
        # Hard-wrapped prose continues in lower case ("… members in a\nhurry."); separate items do not.
        wrapped = any(r.text[:1].islower() for r in lines[1:])
        if len(lines) > 1 and not wrapped and all(plain_item(r) for r in lines):
            for offset, one in enumerate(lines):
                self.keep(self.read_text(_Text(one), line + offset), group)
        elif plain_item(rendered):
            text = _Text(rendered)
            committed = _start_at_commitment(text)
            draft = self.read_text(text, line)
            if committed and draft.status is None:
                draft.status, draft.status_raw, draft.status_guessed = Status.OPEN, "promise", True
            self.keep(draft, group)

    def read_list(self, node: Node, group: Group | None, parent: Draft | None) -> None:
        if parent is None and _completion_checklist(node):
            self.diagnostics.add(
                codes.NOT_AN_ITEM,
                first_line(node),
                'a checklist about the document itself ("Sections above are filled out"): not read as items',
            )
            return
        siblings: list[Draft] = []
        for item in node.children:  # a list's children are all list items
            paragraphs = [c for c in item.children if c.type == "paragraph"]
            nested = [c for c in item.children if c.type in ("bullet_list", "ordered_list")]
            line = first_line(item)
            if not paragraphs:
                if not nested:
                    self.diagnostics.add(codes.EMPTY_ITEM, line, "empty list item dropped")
                for sub in nested:
                    self.read_list(sub, group, parent)
                continue
            content, env = inline_source(paragraphs[0])
            line_end_tickets, content = self._line_end_references(content, env)
            head, elaboration = _split_title(paragraphs[0], content if line_end_tickets else None)
            if STEP_ENTRY.match(head.text):
                # "- step 2. update peers" after "- script the whole process": the steps of the item above.
                owning = next((d for d in reversed(siblings) if not STEP_ENTRY.match(d.text)), None)
                if owning is not None:
                    self._elaborate(owning, head, line)
                    continue
            draft = self.read_text(_Text(head), line)
            draft.tickets.extend(line_end_tickets)
            draft.parent = parent
            area = draft.text[:-1].rstrip() if draft.text.endswith(":") else ""
            # "- [x] **Full migration run** — see …": a box before the bold title still opens the entry with it.
            bold = head.bold_prefix is not None and _CHECKBOX.sub("", head.text, count=1).startswith(head.bold_prefix)
            if bold and sum(len(sub.children) for sub in nested) == 1:
                # "2. **Synthetic uptime monitoring:**" over one "- Configure a ping every 5 minutes …": a bold
                # title over one line names the item and the line says how; a group of one is no group.
                area = ""
            if nested and area and label_line(area) and holds_actions(nested) and not draft.fields_stated():
                # "* Audio:" over "- Have a headset …": the label names the area; its entries are the items.
                for sub in nested:
                    self.read_list(sub, replace(group or Group(), title=area), parent)
                continue
            if nested and _PATH_ONLY.match(draft.text) and not draft.fields_stated():
                # "- `infra/deploy.sh`" over "- Default `SERVICE_NAME` changed …": the file names where the
                # changes under it were made; each of them is an entry.
                for sub in nested:
                    self.read_list(sub, replace(group or Group(), title=draft.text.strip("`:")), parent)
                continue
            led = _OWNER_LEAD.match(draft.text) if bold and nested else None
            if led is not None and ticks_entries(nested) and not draft.fields_stated():
                # "1. **@claude_dev**: E2E testing" over "- [ ] Create the guide": the owner named first, then the
                # area; the checkboxes under it are the items, the owner's.
                owned = replace(group or Group(), title=led.group("area").strip(), owner=led.group("owner").strip())
                for sub in nested:
                    self.read_list(sub, owned, parent)
                continue
            labelled = parse_group(area, (), self.options) if nested and area and bold else None
            if (
                labelled is not None
                and not draft.fields_stated()
                and not reads_as_action(area)
                and not starts_with_past_form(area)
                and classify_title(area) == "other"  # "**Short-term Corrective Actions**:" is read as a section
                and (labelled.status or labelled.deadline_raw or all_reported(nested))
            ):
                # "1. **Automation (in progress):**" over "- Pre-commit hook …", "- Schema verification script", and
                # "1. **Documentation cleanup:**" over "- Deprecated the old guide", "- Updated the index": a bold
                # label that introduces two or more entries (one alone was made the item above) groups them when it
                # says where they all stand or when each reports its work done; over what explains it ("**Metrics to
                # track:**" over names of metrics) it is the item, as any bold title.
                if group is not None:
                    inherit_group(labelled, group)
                for sub in nested:
                    self.read_list(sub, replace(labelled, title=area), parent)
                continue
            if not self.keep(draft, group):
                continue
            siblings.append(draft)
            # A bold title, or a line ending in ':', introduces what its sub-bullets spell out.
            draft.bold_title = bold
            if bold and draft.status is None and head.bold_prefix and title_reports_done(head.bold_prefix):
                # "- **Docker Hub Pro plan activated** -- removes the rate-limit risk": the title reports it done.
                draft.status, draft.status_raw, draft.status_guessed = Status.DONE, "past participle", True
            titled = (
                # "1. **Hard guardrails on removal**" over "- Set …" / "- Add …": a title grouping orders is
                # their parent; a title over what explains it is the item.
                (draft.bold_title and not all_work(nested))
                or (
                    draft.text.endswith(":")  # read after any " (KEY)" written behind the colon
                )
                # "- Alerting gaps" over what it means; "- Backend" over "- Add retries" groups actions.
                or (bool(nested) and label_line(draft.text) and not holds_actions(nested))
            )
            # Lines after a title line and further paragraphs explain the item: fields or description.
            for source in [*elaboration, *(_source_lines(p) for p in paragraphs[1:])]:
                for text, env in source:
                    self._elaborate(draft, render_source(text, env), line)
            for sub in nested:
                self._read_nested(sub, draft, group, titled)
            if titled and draft.status is None:
                # "1. **Demotion work**" + "- We are looking into faster demotions": the title names the
                # item, the writers' words under it say where it stands.
                described = draft.extra.get("description", "")
                if reads_as_in_progress(described):
                    draft.status, draft.status_raw, draft.status_guessed = Status.IN_PROGRESS, "description", True
        if any(d.status_marked for d in siblings):
            # The list marks status per item, so an unmarked item is one not yet done.
            for draft in siblings:
                if draft.status is None:
                    draft.status = Status.OPEN
        elif (past := sum(1 for d in siblings if d.status_raw == "past tense")) >= 2 or (
            past == 1 and len(siblings) >= 2 and all(starts_with_past_or_same_form(_after_tag(d)) for d in siblings)
        ):
            # Lists are written in parallel form: beside "Removed x" and "Verified y", "Updated z" reports
            # work done too, though "Updated" alone could open a noun phrase, and so does "Set up z"; so does
            # every entry of a list opened by past forms throughout ("Migrated x", "Reduced y", "Set up z").
            for draft in siblings:
                if draft.status is None and starts_with_past_or_same_form(_after_tag(draft)):
                    draft.status, draft.status_raw, draft.status_guessed = Status.DONE, "past tense", True

    def _read_nested(self, node: Node, parent: Draft, group: Group | None, titled: bool) -> None:
        entries = [c for c in node.children if c.type == "list_item"]
        rendered = [
            node_text(next(c for c in e.children if c.type == "paragraph"))
            if any(c.type == "paragraph" for c in e.children)
            else Inline()
            for e in entries
        ]
        if rendered and all(_only_reference(r) for r in rendered):
            for r in rendered:
                parent.tickets.extend(self._tickets_of(r.text, r.links))
            return
        if titled or _record_lines(rendered):
            # Under a bold title ("1. **Deeper monitoring**") sub-bullets explain the item, and
            # "- **Owner:** @kim" lines are its fields: neither is an item of its own.
            for entry, r in zip(entries, rendered, strict=True):
                self._elaborate(parent, r, first_line(entry))
                for deeper in (c for c in entry.children if c.type in ("bullet_list", "ordered_list")):
                    for sub_entry in deeper.children:
                        sub_para = next((c for c in sub_entry.children if c.type == "paragraph"), None)
                        if sub_para is not None:
                            self._elaborate(parent, node_text(sub_para), first_line(sub_entry))
            return
        if rendered and all(_EXPLAINS.match(r.text) for r in rendered):
            # "- Set up a security council" + "- This was not set up before launch because …": the
            # sub-bullets say why, they are no work of their own.
            parent.extra["description"] = " ".join(r.text for r in rendered)
            return
        if parent.owner is not None and all(not _has_owner_mark(r.text) for r in rendered):
            # Sub-bullets under an owned item describe it (mentimeter's "[Rick]" items).
            description = " ".join(r.text for r in rendered if r.text)
            if description:
                parent.extra["description"] = description
            return
        self.read_list(node, group, parent)

    def _line_end_references(self, content: str, env: dict[str, Any]) -> tuple[list[TicketLink], str]:
        """A " (KEY)" group ending the first line of a hard-wrapped item is a ticket of the item, not
        words of its sentence (write-back appends there: "… should have (LOC-1)\n  until …")."""
        if "\n" not in content or not content.split("\n", 1)[0].rstrip().endswith(")"):
            return [], content
        first, rest = content.split("\n", 1)
        group = _LINE_END_GROUP.search(first)
        if group is None or group.start() == 0:
            return [], content
        text = _Text(render_source(first, env))
        probe = Draft(text="", line=0)
        if not self._trailing_references(text, probe) or text.text.endswith(")"):
            return [], content
        return probe.tickets, first[: group.start()] + "\n" + rest

    def _elaborate(self, draft: Draft, rendered: Inline, line: int) -> None:
        """Apply one line that explains an item: a known field sets it, anything else is description."""
        if not rendered.text:
            return
        found = _field_line(rendered)
        if found is not None:
            role, label, value = found
            if role == "owner" and draft.owner is None and not is_placeholder(value):
                draft.owner = value.rstrip(".")
                return
            if role == "priority" and draft.priority_raw is None:
                draft.priority_raw = value.rstrip(".")
                return
            if role == "deadline" and draft.deadline_raw is None:
                draft.deadline_raw = value.rstrip(".")
                return
            if role == "status" and not draft.status_marked:
                draft.status_raw = value
                draft.status = self.options.status(_STATUS_WITH_DATE.sub(r"\g<s>", value)) or self.options.status(value)
                draft.status_marked = draft.status is not None
                if draft.status is None:
                    self.diagnostics.add(codes.UNMAPPED_STATUS, line, f"status {value!r} kept as raw text")
                return
            if role == "ticket":
                tickets = self._tickets_of(rendered.text, rendered.links)
                if tickets:
                    draft.tickets.extend(tickets)
                    return
            if role == "description" and label != "description":
                draft.extra.setdefault(label, value)
                return
            if role == "description":
                rendered = Inline(value)
        else:
            draft.tickets.extend(t for t in self._tickets_of(rendered.text, rendered.links) if t.url)
        previous = draft.extra.get("description")
        draft.extra["description"] = f"{previous} {rendered.text}" if previous else rendered.text

    def read_fields(self, draft: Draft, nodes: Sequence[Node]) -> None:
        """Field lines in the prose under an item's title ("**Owner:** @kim", "**Status:** In progress")."""
        for node in nodes:
            if node.type != "paragraph":
                continue
            for text, env in _source_lines(node):
                rendered = render_source(text, env)
                if _field_line(rendered) is not None:
                    self._elaborate(draft, rendered, first_line(node))

    @staticmethod
    def names_actions(node: Node) -> bool:
        """A table whose header names an action-item column ("Action Item", "Follow-up", …) and is not
        a log of what happened ("| Time | Action |")."""
        keys = {_column_key(name) for name in _header_cells(node)}
        return bool(keys & _ACTION_HEADERS) and not keys & _TIME_HEADERS and not settings_table(node)

    def is_action_table(self, node: Node) -> bool:
        """A table in an action section that has a column holding the action."""
        if node.type != "table":
            return False
        return any(_COLUMNS.get(_column_key(name)) == "text" for name in _header_cells(node))

    def read_table(self, node: Node, group: Group | None) -> None:
        # A table always has its header row (markdown-it makes no table without one).
        rows = [r for section in node.children for r in section.children if r.type == "tr"]
        header = [node_text(cell).text for cell in rows[0].children]
        if len(header) == 2 and self._read_field_table(rows, group):
            return
        roles = [_COLUMNS.get(_column_key(name)) for name in header]
        named = [i for i, role in enumerate(roles) if role == "text"]
        if len(named) > 1:
            # "| Measure | Description |": the column that names the work holds the item; a description
            # column beside it says more about it (kept with the item).
            keep = next((i for i in named if _column_key(header[i]) not in _DESCRIBES), named[0])
            roles = [None if i in named and i != keep else role for i, role in enumerate(roles)]
        if "text" not in roles and roles[0] == "ticket" and _described_references(rows[1:]):
            # "| #41 — alerting gap on caught failures | Lesson 3 | Resolved by PR #47 |": the issue column
            # names each ticket and its work; the columns after it say why and how it ended.
            roles[0] = "text"
        if "text" not in roles:
            unnamed = next((i for i, role in enumerate(roles) if role is None), None)
            if unnamed is not None and (unnamed == 0 or roles[0] in ("ticket", "number")):
                # The first unnamed column of an action table is the action ("| Issue | Control | State |":
                # the issue link names the ticket, the column after it the work).
                roles[unnamed] = "text"
            else:
                self.diagnostics.add(codes.TABLE_WITHOUT_ACTION, first_line(node), f"columns {header!r}")
                return
        closed = self._source(first_line(rows[0])).endswith("|")
        for row in rows[1:]:
            line = first_line(row) if row.map else first_line(node)
            cells = [node_text(cell) for cell in row.children]
            raw = self._source(line)
            if closed and raw and not raw.endswith("|") and sum(1 for c in cells if c.text) < len(header):
                # "| unterminated" below a table: GFM pads it into a row, but the author closed every
                # other row; half a row is a typo or a fragment, not an action to ticket.
                self.diagnostics.add(
                    codes.BROKEN_TABLE_ROW,
                    line,
                    f"table row {raw[:60]!r} is not closed with '|' and fills {sum(1 for c in cells if c.text)} of "
                    f"{len(header)} cells; not read as an item",
                    hint="close the row with '|' and fill its cells, or remove it",
                )
                continue
            self._read_row(header, roles, cells, line, group)

    def _read_field_table(self, rows: Sequence[Node], group: Group | None) -> bool:
        """A two-column table that lists one item's fields, one a row ("| Action | Add a canary |",
        "| Owner | @kim |", under a "| Field | Value |" header or none): True when read here. A row naming
        the action again starts the next item; other rows are its fields or, unknown, its extras."""
        pairs = [(node_text(row.children[0]).text, row.children[1], row) for row in rows if len(row.children) == 2]
        if pairs and _COLUMNS.get(_column_key(pairs[0][0])) is None:
            pairs = pairs[1:]  # the "| Field | Value |" header
        keys = [_column_key(name) for name, _, _ in pairs]
        # Only a row naming the action as such holds the item ("| Description | … |" over "| Owner |" and
        # "| Status |" is the incident's own metadata).
        roles = [
            None if key in _COLUMNS and key not in _ACTION_FIELDS and _COLUMNS[key] == "text" else _COLUMNS.get(key)
            for key in keys
        ]
        known = sum(1 for key in keys if key in _COLUMNS)
        if "text" not in roles or known < 2 or known < len(pairs) - 1:
            return False
        starts = [index for index, role in enumerate(roles) if role == "text"]
        for position, begin in enumerate(starts):
            stop = starts[position + 1] if position + 1 < len(starts) else len(pairs)
            begin = 0 if position == 0 else begin  # fields written before the first action are its own
            chunk = pairs[begin:stop]
            row = pairs[starts[position]][2]
            self._read_row(
                [name for name, _, _ in chunk],
                roles[begin:stop],
                [node_text(cell) for _, cell, _ in chunk],
                first_line(row) if row.map else 1,
                group,
            )
        return True

    def _source(self, line: int) -> str:
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    def _read_row(
        self, header: list[str], roles: list[str | None], cells: list[Inline], line: int, group: Group | None
    ) -> None:
        by_role: dict[str, Inline] = {}
        extra: dict[str, str] = {}
        for name, role, cell in zip(header, roles, cells, strict=False):
            if role is None:
                if cell.text:
                    extra[name] = cell.text
            elif role not in by_role:
                by_role[role] = cell
        text_cell = by_role.get("text", Inline())
        if not any(cell.text for cell in cells):
            self.diagnostics.add(codes.EMPTY_ITEM, line, "empty table row dropped")
            return
        draft = self.read_text(_Text(text_cell), line)
        if "status" in roles and draft.status_guessed:
            draft.status, draft.status_raw, draft.status_guessed = None, None, False  # the column says, not the wording
        draft.extra.update(extra)
        if (owner := by_role.get("owner")) and owner.text and not is_placeholder(owner.text):
            draft.owner = owner.text
        if (kind := by_role.get("kind")) and kind.text:
            draft.kind = kind.text
        if (number := by_role.get("number")) and number.text.strip().lstrip("#").isdigit():
            draft.number = int(number.text.strip().lstrip("#")) or None
        if (priority := by_role.get("priority")) and not _empty_cell(priority.text):
            draft.priority_raw = priority.text
        if (deadline := by_role.get("deadline")) and not _empty_cell(deadline.text):
            if "status" not in by_role and (said := self.options.status(deadline.text)) is not None:
                # "| Target |" of "done": the row says its work is finished, not when it is due.
                draft.status, draft.status_raw, draft.status_marked = said, deadline.text, True
            elif _TIMELESS.fullmatch(deadline.text.strip()):
                # "| Target |" of "hotfix", "ops-api", "follow-up": the vehicle or the stream the work goes
                # in, no time; kept beside the item.
                draft.extra[header[roles.index("deadline")]] = deadline.text
                draft.targeted = True
            else:
                draft.deadline_raw = deadline.text
        if (status := by_role.get("status")) and status.text:
            draft.status_raw = status.text
            draft.status = self.options.status(status.text)
            if draft.status is None and (head := _STATUS_HEAD.match(status.text)) is not None:
                # "Resolved by PR #47 — alarm added", "Open — deferred": the status word leads the cell.
                draft.status = self.options.status(head.group(1))
            draft.status_marked = draft.status is not None
            if draft.status is None:
                self.diagnostics.add(codes.UNMAPPED_STATUS, line, f"status {status.text!r} kept as raw text")
        if (ticket := by_role.get("ticket")) and ticket.text:
            self._read_ticket_cell(draft, ticket)
        if draft.status is None or draft.status_guessed:
            # A "Notes" column that says only "Done", or ends in a shouted marker ("n/a, **TODO**"): the status,
            # when no Status column exists (and over one the wording only suggests).
            for value in extra.values():
                noted = self.options.status(value.rstrip("."))
                if noted is None and (upper := _UPPER_STATUS.search(value)) is not None:
                    noted = self.options.status(upper.group("s"))
                if noted is not None:
                    draft.status, draft.status_raw, draft.status_marked = noted, value, True
                    draft.status_guessed = False
                    break
        self.keep(draft, group)

    def _read_ticket_cell(self, draft: Draft, cell: Inline) -> None:
        text = cell.text
        upper = _UPPER_STATUS.search(text)
        # A marker the cell gives ("n/a, **TODO**") is said; a status read from the wording is only guessed.
        if upper and (draft.status is None or draft.status_guessed):
            draft.status_raw = upper.group("s")
            draft.status = self.options.status(upper.group("s"))
            draft.status_marked = draft.status is not None
            draft.status_guessed = False
            text = text[: upper.start()].strip()
        if not _empty_cell(text):
            draft.tickets.extend(self._tickets_of(text, cell.links))

    # -- the text pipeline ----------------------------------------------------------------------

    def read_text(self, text: _Text, line: int) -> Draft:
        """Peel decorations off an item's text; what remains is the action."""
        draft = Draft(text="", line=line)
        text.strip()
        self._checkbox(text, draft)
        self._done_symbol(text, draft)
        self._leading_mark(text, draft)
        self._struck(text, draft)
        self._after_title(text, draft)
        # Trailing references first: write-back appends " (<ticket>)" after whatever the author wrote,
        # and the other steps must see the text as it was before.
        while self._trailing_references(text, draft):
            pass
        self._leading(text, draft)
        self._leading_ticket(text, draft)
        self._trailing(text, draft)
        self._annotations(text, draft)
        self._owner_sentence(text, draft)
        self._trailing_tickets(text, draft)
        self._trailing(text, draft)
        self._deadline_phrase(text, draft)
        body = text.text.strip().rstrip(" —–-,;").strip()
        draft.tickets = [*self._tickets_of(body, text.links), *draft.tickets]
        draft.text = " ".join(body.split())
        label = text.bold.rstrip(":").strip() if text.bold else None
        labelled = _LABEL_LEAD.match(draft.text, len(label)) if label and draft.text.startswith(label) else None
        # "**Checked arithmetic:** Replace …": the label names the item, the sentence after it says what to do.
        self._wording(draft, draft.text[labelled.end() :] if labelled else _after_tag(draft))
        return draft

    def _checkbox(self, text: _Text, draft: Draft) -> None:
        match = _CHECKBOX.match(text.text)
        if not match:
            return
        mark = match.group("mark")
        if mark == "-" or len(mark) == 3:
            draft.status = Status.WONT_DO
        elif mark in ("~", "/"):
            draft.status = Status.IN_PROGRESS
        else:
            draft.status = Status.DONE if mark.strip() else Status.OPEN
        draft.status_raw = f"[{mark}]"
        draft.status_marked = True
        text.cut(0, match.end())

    def _done_symbol(self, text: _Text, draft: Draft) -> None:
        # The pattern has no literal to scan for; looking for its marks first spares most texts the search.
        # Every mark is outside ASCII (a mark added in ASCII must drop this test): an ASCII text holds none.
        marked = not text.text.isascii() and any(mark in text.text for mark in "✅✔☑✓√")
        match = _DONE_SYMBOL.search(text.text) if marked else None
        if not match:
            return
        if draft.status is None or draft.status is Status.OPEN and draft.status_raw is None:
            draft.status, draft.status_raw, draft.status_marked = Status.DONE, match.group(0), True
        text.cut(match.start(), match.end())
        text.strip()

    def _leading_mark(self, text: _Text, draft: Draft) -> None:
        """ "⏳ Request more permissions", "🔄 Migrate the queue", "⚠️ Set up disk alerts": a mark before the entry
        says where it stands (a warning sign says only that it matters); the text is what follows it."""
        if text.text.isascii():
            return
        match = _LEADING_MARK.match(text.text)
        if match is None:
            return
        said = self.options.status(match.group("mark"))
        if said is not None and draft.status is None:
            draft.status, draft.status_raw, draft.status_marked = said, match.group("mark"), True
        text.cut(0, match.end())
        text.strip()

    def _struck(self, text: _Text, draft: Draft) -> None:
        # "~~Rewrite the loader~~": a struck-through entry of a to-do list is one that is done.
        match = _STRUCK.match(text.text)
        if match is None or text.text[match.end() :].strip(" .").startswith("~~"):
            return
        if not draft.status_marked:
            draft.status, draft.status_raw, draft.status_marked = Status.DONE, "~~struck~~", True
        elif draft.status is Status.OPEN:
            # "- [ ] ~~Add filesystem loading~~ (Not needed …)": struck out but never ticked, so dropped.
            draft.status, draft.status_raw = Status.WONT_DO, "~~struck~~ unticked"
        text.cut(match.end("body"), match.end("body") + 2)  # the marks only: a space after them stays
        text.cut(0, 2)
        text.strip()

    def _after_title(self, text: _Text, draft: Draft) -> None:
        """ "**Alert** *(pending)* – Deploy …": a parenthetical right after a bold title annotates it."""
        if not text.bold:
            return
        note = _TITLE_NOTE.match(text.text, len(text.bold))
        if note and not _overlaps_link(text, note.start(), note.end()) and self._apply_parts(note.group("body"), draft):
            text.cut(note.start(), note.end())

    def _leading(self, text: _Text, draft: Draft) -> None:
        for _ in range(6):
            # Every prefix shape has a separator, bracket or digit early on; plain sentences skip the regexes.
            head = text.text[:24]
            if not _PREFIX_HINT.search(head) and not head.startswith(("DONE ", "TODO ", "WIP ", "DOING ")):
                break
            coded = _CODE_STATUS_PREFIX.match(text.text) or _WORDED_STATUS_PREFIX.match(text.text)
            if coded is not None:
                mapped = self.options.status(coded.group("w"))
                if mapped is not None and not draft.status_marked:
                    draft.status, draft.status_raw, draft.status_marked = mapped, coded.group("w"), True
                break
            status = _STATUS_PREFIX.match(text.text) or _UPPER_STATUS_PREFIX.match(text.text)
            if status is not None:
                groups = status.groupdict()
                word = groups.get("w") or groups.get("b") or ""
                mapped = self.options.status(word.replace("-", " "))
                if mapped is not None:
                    if not draft.status_marked:
                        draft.status, draft.status_raw, draft.status_marked = mapped, word, True
                    text.cut(0, status.end())
                    continue
            reference = _LEADING_REFERENCE.match(text.text)
            if reference is not None and not _overlaps_link(text, 0, reference.end()):
                found = text_tickets(reference.group("ref"))
                if found and all(t.system != "jira" or is_jira_key(t.key) for t in found):
                    draft.tickets.extend(found)
                    text.cut(0, reference.end())
                    continue
            word_prefix = _PRIORITY_WORD_PREFIX.match(text.text)
            if word_prefix is not None and draft.priority_raw is None:
                raw = word_prefix.group("b") or word_prefix.group("w") or word_prefix.group("d")
                bare = re.sub(r"\s+priority$", "", raw, flags=re.IGNORECASE)
                if self.options.priority(bare) is not None:
                    draft.priority_raw = bare
                    text.cut(0, word_prefix.end())
                    continue
            paren = _LEADING_PAREN.match(text.text)
            if paren and self._apply_parts(paren.group("body"), draft, allow_owner_phrase=True):
                text.cut(0, paren.end())
                continue
            prefix = _PRIORITY_PREFIX.match(text.text)
            if prefix and draft.priority_raw is None:
                draft.priority_raw = prefix.group("p")
                text.cut(0, prefix.end())
                continue
            dated = _DATED_ENTRY.match(text.text)
            if dated is not None and starts_with_past_or_same_form(text.text[dated.end() :]):
                # "24 July 2025 – Updated the deployment guide": the day the work was done, no deadline.
                text.cut(0, dated.end())
                continue
            bracket = _LEADING_BRACKET.match(text.text)
            if bracket and draft.owner is None and not any(link.start == 0 for link in text.links):
                draft.owner = bracket.group("body")
                if bracket.group("body")[0].isupper():
                    break  # "[ICL] Remove …": a team's tag heads its titles as written, and stays there
                text.cut(0, bracket.end())  # "[jhford] Try …": an assignee's handle, noted beside the work
                continue
            break

    def _leading_ticket(self, text: _Text, draft: Draft) -> None:
        first = min(text.links, key=lambda ln: ln.start, default=None)
        if first is None or first.start != 0:
            return
        # "[GH-101 (Done)][gh-101]: create …": a status inside a leading reference's text ("[Done](…): …"
        # is read earlier, as a status prefix of the rendered text).
        noted = _LINK_STATUS.search(first.text)
        status = self.options.status(noted.group("s")) if noted else None
        if noted is not None and status is not None and is_ticketish_text(first.text[: noted.start()]):
            if not draft.status_marked:
                draft.status, draft.status_raw, draft.status_marked = status, noted.group("s"), True
            first = Link(first.text[: noted.start()].strip(), first.url, first.start, first.end, first.autolink)
        if first.autolink or is_ticketish_text(first.text):
            rest = text.text[first.end :]
            if rest.strip():
                ticket = link_ticket(first.text, first.url)
                draft.tickets.append(ticket or TicketLink(system="other", key=first.text, url=first.url))
                text.cut(0, first.end)
                separator = _LEADING_SEPARATOR.match(text.text)
                if separator:
                    text.cut(0, separator.end())  # "[#12](…) - Fix x": the dash joins reference and text
                text.strip()

    def _trailing_note(self, text: _Text, draft: Draft) -> bool:
        note = _TRAILING_NOTE.search(text.text)
        if note is None or note.start() == 0 or _overlaps_link(text, note.start(), note.end()):
            return False
        body = note.group("body").strip()
        status = self.options.status(body)
        owner = _NOTE_OWNER.match(body)
        if status is not None and not draft.status_marked:
            draft.status, draft.status_raw, draft.status_marked = status, body, True
        elif owner is not None and draft.owner is None:
            draft.owner = owner.group("owner")
        else:
            return False
        text.cut(note.start(), len(text.text))
        return True

    def _trailing(self, text: _Text, draft: Draft) -> None:
        for _ in range(8):
            # Each suffix shape ends in a known character; checking it first spares most regex searches.
            closing = _closing_char(text.text)
            if closing == ")" and self._trailing_references(text, draft):  # "Fix x (OPS-1) — @ravi"
                continue
            if closing == "]":
                bracket = _TRAILING_BRACKET.search(text.text)
                if bracket and draft.owner is None and not _overlaps_link(text, bracket.start(), bracket.end()):
                    draft.owner = bracket.group("body")
                    text.cut(bracket.start(), len(text.text))
                    continue
                if self._trailing_note(text, draft):
                    continue
            if closing == ")" and self._outcome_note(text, draft):
                continue
            if closing == ")":
                paren = _TRAILING_PAREN.search(text.text)
                if paren and not _inside_link(text, paren.start()) and self._apply_parts(paren.group("body"), draft):
                    text.cut(paren.start(), len(text.text))
                    continue
            if "-" in text.text or "—" in text.text or "–" in text.text or "|" in text.text:
                clause = _TRAILING_CLAUSE.search(text.text)
                if clause and not _inside_link(text, clause.start()) and self._apply_parts(clause.group("body"), draft):
                    text.cut(clause.start(), len(text.text))
                    continue
                last = _LAST_FIELD.search(text.text)
                if last and not _inside_link(text, last.start()) and self._apply_parts(last.group("body"), draft):
                    text.cut(last.start(), len(text.text))
                    continue
            if draft.status is None and text.text.rstrip().endswith(_UPPER_STATUS_WORDS):
                upper = _UPPER_STATUS.search(text.text)
                if upper and upper.start() > 0:
                    draft.status_raw = upper.group("s")
                    draft.status = self.options.status(upper.group("s"))
                    draft.status_marked = draft.status is not None
                    text.cut(upper.start(), len(text.text))
                    continue
            break

    def _outcome_note(self, text: _Text, draft: Draft) -> bool:
        """A trailing "(fixed by …)" / "(filed <issue>)" note: done, or tracked (still open)."""
        note = _OUTCOME_NOTE.search(text.text)
        if note is None or note.start() == 0 or _inside_link(text, note.start()):
            return False
        verb = note.group("verb").lower()
        if not draft.status_marked:
            draft.status = Status.OPEN if verb in ("filed", "tracked in", "tracking") else Status.DONE
            draft.status_raw, draft.status_marked = verb, True
        links = [ln for ln in text.links if ln.start >= note.start()]
        if links:
            draft.tickets.extend(t for t in (link_ticket(ln.text, ln.url) for ln in links) if t is not None)
        else:
            draft.tickets.extend(text_tickets(note.group("rest")))
        text.cut(note.start(), len(text.text))
        text.strip()
        return True

    def _trailing_references(self, text: _Text, draft: Draft) -> bool:
        """Peel one trailing ``(KEY-1, #2, [link](…))`` group whose every part is a ticket reference."""
        if _closing_char(text.text) != ")":
            return False
        group = _TRAILING_GROUP.search(text.text)
        if group is None or group.start() == 0 or _inside_link(text, group.start()):
            return False
        start, end = group.span("body")
        inner = [ln for ln in text.links if ln.start < end and start < ln.end]
        if any(ln.start < start or ln.end > end for ln in inner):
            return False
        masked = list(text.text[start:end])
        for link in inner:
            masked[link.start - start : link.end - start] = "\0" * (link.end - link.start)
        body = "".join(masked)
        if not _REFERENCE_LIST.fullmatch(body):
            return False
        if any(not is_jira_key(m.group(0)) for m in _JIRA_LIKE.finditer(body)):
            return False  # "(SEV-1)", "(RFC-7231)": standards and severities, not tickets
        found: list[TicketLink] = []
        for link in inner:
            # An http(s) autolink is a ticket of system "other" at worst: link_ticket takes any URL text.
            ticket = link_ticket(link.url if link.autolink else link.text, link.url)
            if ticket is None:
                return False
            found.append(ticket)
        plain = body.replace("\0", " ")
        for url in _URL_IN_GROUP.findall(plain):
            found.append(from_url(url) or TicketLink(system="other", key=url, url=url))
        found.extend(text_tickets(_URL_IN_GROUP.sub(" ", plain)))
        if not found:
            return False
        draft.tickets[0:0] = found
        text.cut(group.start(), len(text.text))
        text.strip()
        return True

    def _annotations(self, text: _Text, draft: Draft) -> None:
        """A tail of labelled annotations: "Add limits. Priority: P1", "Reindex. Owner(s): ana, bo"."""
        lowered = text.text.lower()
        if ":" not in lowered and "priority" not in lowered:
            return  # every annotation names its label with a colon, or is "priority <word>"
        bare = _BARE_PRIORITY.search(text.text) if "priority" in lowered else None
        if (
            bare
            and draft.priority_raw is None
            and self.options.priority(bare.group("v")) is not None
            and not _inside_link(text, bare.start())
        ):
            draft.priority_raw = bare.group("v")
            text.cut(bare.start(), len(text.text))
            text.strip()
        labels = [m for m in _ANNOTATION_LABEL.finditer(text.text) if not _inside_link(text, m.start())]
        if not labels or labels[0].start() == 0:
            return
        values: list[tuple[str, str]] = []
        for position, match in enumerate(labels):
            end = labels[position + 1].start() if position + 1 < len(labels) else len(text.text)
            value = text.text[match.end() : end].strip().rstrip(" ,;.)").strip()
            if not value or len(value) > 60 or len(value.split()) > 6:
                return  # a label inside prose, not an annotation tail: leave it to the sentence rules
            values.append((match.group("label").lower(), value))
        for label, value in values:
            if label.startswith(("owner", "assignee", "assigned", "dri")):
                if draft.owner is None:
                    draft.owner = value
            elif label in ("priority", "prio"):
                if draft.priority_raw is None:
                    draft.priority_raw = value
            elif label == "status":
                if not draft.status_marked:
                    draft.status_raw = value
                    draft.status = self.options.status(value)
                    draft.status_marked = draft.status is not None
                    if draft.status is None:
                        self.diagnostics.add(codes.UNMAPPED_STATUS, draft.line, f"status {value!r} kept as raw text")
            elif draft.deadline_raw is None:
                draft.deadline_raw = value
        start = labels[0].start()
        while start > 0 and text.text[start - 1] in " —–-,;(":
            start -= 1
        text.cut(start, len(text.text))
        text.strip()

    def _owner_sentence(self, text: _Text, draft: Draft) -> None:
        # Case-folded "owner" cannot be missed by lower(): of ASCII letters only i and s fold from others.
        match = _OWNER_SENTENCE.search(text.text) if "owner" in text.text.lower() else None
        if not match or _inside_link(text, match.start()):
            return
        if draft.owner is None:
            draft.owner = match.group("owner").rstrip(".")
        start = match.start()
        while start > 0 and text.text[start - 1] in " —–-,;(":
            start -= 1
        end = match.end()
        if text.text[end : end + 1] == ")" and "(" in text.text[start : match.start() + 1]:
            end += 1
        text.cut(start, end)
        text.strip()

    def _trailing_tickets(self, text: _Text, draft: Draft) -> None:
        while text.links:
            last = max(text.links, key=lambda ln: ln.end)
            tail = text.text[last.end :]
            if not _CLOSING_PUNCTUATION.fullmatch(tail):
                return
            if not (last.autolink or is_ticketish_text(last.text)) or last.start == 0:
                return
            enclosed = text.text[last.start - 1 : last.start] in ("(", "[") or tail.strip()[:1] in (")", "]")
            if not (last.autolink or enclosed or _GENERIC_LINK_TEXT.match(last.text)):
                return  # "… e.g. Geth #31317": the reference is part of the sentence
            ticket = link_ticket(last.text, last.url) or TicketLink(system="other", key=last.text, url=last.url)
            draft.tickets.insert(0, ticket)
            start = last.start
            while start > 0 and text.text[start - 1] in " ([,;":
                start -= 1
            text.cut(start, len(text.text))
            text.strip()

    def _deadline_phrase(self, text: _Text, draft: Draft) -> None:
        if draft.deadline_raw is not None:
            return
        match = deadline_phrase(text.text)
        if match is None or match.start() == 0:
            # "Move the mirrors over the next month or two": a time frame in words, kept in the text. Only the
            # entry's first sentence says when: "In a few days we will see …" after it times something else.
            draft.deadline_raw = worded_deadline(first_sentence(text.text), framed=True)
            return
        draft.deadline_raw = match.group(0).strip().rstrip(".")
        text.cut(match.start(), len(text.text))
        text.strip()

    def _apply_parts(self, body: str, draft: Draft, allow_owner_phrase: bool = False) -> bool:
        """Apply a ``P0, @kofi, due 2025-12-05`` clause when every part is understood."""
        parts = [p.strip() for p in _PART_SPLIT.split(body) if p.strip()]
        if not parts:
            return False
        updates: list[tuple[str, str]] = []
        unknown: list[str] = []
        for part in parts:
            found = self._part_role(part)
            if found is None:
                if not allow_owner_phrase:
                    return False
                unknown.append(part)
            else:
                updates.append(found)
        if unknown:
            # "(P2, architecture-guild) …": one unmarked name beside understood parts is the owner.
            if len(unknown) > 1 or not updates or draft.owner is not None or not _PLAIN_OWNER.fullmatch(unknown[0]):
                return self._owner_phrase(body, draft)
            updates.append(("owner", unknown[0]))
        for role, value in updates:
            if not value:
                continue  # "(owner=, priority=, due=)": the field is named and left unset
            if role == "priority" and draft.priority_raw is None:
                draft.priority_raw = value
            elif role == "owner" and draft.owner is None:
                draft.owner = value
            elif role == "deadline" and draft.deadline_raw is None:
                draft.deadline_raw = value
            elif role == "status":
                # "- [ ] Split the traffic (in progress)": the word refines an unchecked box.
                refines = draft.status_raw == "[ ]" and self.options.status(value) in (
                    Status.IN_PROGRESS,
                    Status.WONT_DO,
                )
                if draft.status is None or not draft.status_marked or refines:
                    draft.status_raw = value
                    draft.status = (
                        self.options.status(_STATUS_WITH_DATE.sub(r"\g<s>", value))
                        or self.options.status(value)
                        or label_status(value)
                    )
                    draft.status_marked = draft.status is not None
                done_on = _STATUS_WITH_DATE.match(value)
                if done_on and done_on.group("d"):
                    draft.extra.setdefault("done_on", done_on.group("d"))
        return True

    def _part_role(self, part: str) -> tuple[str, str] | None:
        lower = part.lower()
        if self.options.priority(part) is not None and _PRIORITY_WORD.fullmatch(lower):
            return "priority", part
        worded = _WORDED_PRIORITY.fullmatch(part)
        if worded and self.options.priority(worded.group("v")) is not None:
            return "priority", worded.group("v")
        labelled = _PART_LABEL.fullmatch(part)
        if labelled:
            # "priority: high", "owner: x", "due: 5 Dec", "status: blocked": the label says the role,
            # and a value that maps to nothing is kept raw and reported, not guessed.
            label = " ".join(labelled.group("label").lower().split())
            role = _FIELD_ROLES.get(label)
            if role in ("priority", "owner", "deadline", "status"):
                return role, labelled.group("value").strip()
            if label in ("done", "completed", "closed", "fixed", "resolved") and labelled.group("value"):
                return "status", f"{label} {labelled.group('value').strip()}"  # "done=2026-01-16"
        by_owner = _BY_OWNER.fullmatch(part)
        if by_owner:
            return "owner", by_owner.group("o")
        if self.options.status(part) is not None or _STATUS_WITH_DATE.match(part):
            return "status", part
        if label_status(part) is not None and len(part.split()) <= 3 and _only_status_words(part):
            return "status", part  # "(Already planned)", "(already done)"; "(Animo pending)" is about Animo
        if _OWNER_ONLY.fullmatch(part):
            return "owner", part
        owner = _OWNER_PART.fullmatch(part)
        if owner:
            return "owner", owner.group("o").strip()
        due = _DUE.match(part)
        if due and (parse_date(due.group("d"), 2000) or _PERIOD.search(due.group("d"))):
            return "deadline", due.group("d").strip()
        if due and lower.startswith(("due", "deadline")):
            return "deadline", due.group("d").strip()
        return None

    def _owner_phrase(self, body: str, draft: Draft) -> bool:
        # "(tc, cloudops teams) ramp …": a short leading parenthetical of names is the owner.
        words = body.replace(",", " ").split()
        if draft.owner is not None or not words or len(words) > 6 or _ANY_DIGIT.search(body):
            return False
        # Names as teams write them (handles, lower-case slugs, "<x> team"), not a note such as
        # "(Longer-term)" or "(Optional)".
        if not all(w.islower() or w.startswith("@") or w.lower() in ("team", "teams") for w in words):
            return False
        draft.owner = body.strip()
        return True

    def _tickets_of(self, text: str, links: Sequence[Link]) -> list[TicketLink]:
        found: list[TicketLink] = []
        scrubbed = text
        for link in sorted(links, key=lambda ln: ln.start, reverse=True):
            ticket = link_ticket(link.text, link.url) if not link.autolink else link_ticket(link.url, link.url)
            if ticket is not None:
                found.insert(0, ticket)
            if 0 <= link.start <= link.end <= len(scrubbed):
                scrubbed = scrubbed[: link.start] + " " * (link.end - link.start) + scrubbed[link.end :]
        found.extend(text_tickets(scrubbed))
        return found

    def _wording(self, draft: Draft, text: str) -> None:
        """Owner and status from the sentence; ``text`` is the sentence after a bold label, if any."""
        if draft.owner is None:
            team = _TEAM_OWNER.match(draft.text) if "team" in draft.text else None
            if team and reads_as_action(team.group("owner")):
                team = None  # "Ask the platform team to …": the order's object, not its owner
            subject = _SUBJECT_OWNER.match(draft.text) or team
            if subject:
                draft.owner = subject.group("owner")
            else:
                # "Nóva to send the list …", "Platform to add alerts": a name (not an order such as
                # "Switch to …") as the subject of "to <verb>".
                named = _NAME_TO_VERB.match(draft.text)
                if (
                    named
                    and named.group("owner").lower() not in _NOT_NAMES
                    and not reads_as_action(named.group("owner"))
                    # "Uses Playwright to test …": what a thing does, not who is to do it.
                    and not third_person_verb(named.group("owner").split()[0])
                    and reads_as_action(named.group("rest"))
                ):
                    draft.owner = named.group("owner")
        if draft.status is None and reads_as_wont_do(text):
            draft.status, draft.status_raw, draft.status_guessed = Status.WONT_DO, "rejected", True
        if draft.status is None and reads_as_in_progress(text):
            draft.status, draft.status_raw, draft.status_guessed = Status.IN_PROGRESS, "present progressive", True
        if draft.status is None and _ALREADY.match(text):
            # "Already run the script on all tenants": whatever the verb's form, the work is behind us.
            draft.status, draft.status_raw, draft.status_guessed = Status.DONE, "already", True
        if draft.status is None and _DONE_NOTE.search(text.replace("\u2019", "'")):
            draft.status, draft.status_raw, draft.status_guessed = Status.DONE, "noted done", True
        if draft.status is None and _COMMIT_NOTE.search(text):
            draft.status, draft.status_raw, draft.status_guessed = Status.DONE, "commit", True
        if draft.status is None and _BEING_DONE.search(text):
            draft.status, draft.status_raw, draft.status_guessed = Status.IN_PROGRESS, "being done", True
        if draft.status is None:
            if _WORK_IN_PROGRESS.search(text):
                draft.status, draft.status_raw = Status.IN_PROGRESS, _WORK_IN_PROGRESS.search(text).group(0)  # type: ignore[union-attr]
                draft.status_guessed = True
            elif ("planned" in text or "proposed" in text) and _PLANNED_END.search(text) and not promises_work(text):
                # "PostgreSQL upgrade planned (to 16)": a headline naming work still to come.
                draft.status, draft.status_raw, draft.status_guessed = Status.OPEN, "planned", True
            elif reads_as_done(text) and not promises_work(text):
                # "has rectified the issue and will implement more tests": the promise is the item.
                draft.status, draft.status_raw = Status.DONE, "past tense"
                draft.status_guessed = True

    # -- keeping, numbering ---------------------------------------------------------------------

    def keep(self, draft: Draft, group: Group | None) -> bool:
        if not draft.text:
            self.diagnostics.add(codes.EMPTY_ITEM, draft.line, "item without text dropped")
            return False
        if is_placeholder(draft.text):
            self.diagnostics.add(codes.PLACEHOLDER_ITEM, draft.line, f"template placeholder {draft.text!r} dropped")
            return False
        if advises_others(draft.text) and draft.owner is None and not draft.status_marked:
            # "Package maintainers should enable 2FA": a recommendation to readers, not the team's commitment.
            self.diagnostics.add(codes.NOT_AN_ITEM, draft.line, f"advice to readers {_preview(draft.text)!r} dropped")
            return False
        if is_log_entry(draft.text):
            self.diagnostics.add(
                codes.NOT_AN_ITEM, draft.line, f"an entry of a live log {_preview(draft.text)!r} dropped"
            )
            return False
        if notes_a_state(draft.text) and not draft.status_marked:
            self.diagnostics.add(codes.NOT_AN_ITEM, draft.line, f"a notice of a state {_preview(draft.text)!r} dropped")
            return False
        if _asks(draft):
            # "What automated checks should be put in place?" under "Discussion and Action Items": the
            # discussion's question, not work anyone took on (an owner, a date or a tick would make it one).
            self.diagnostics.add(codes.NOT_AN_ITEM, draft.line, f"a question {_preview(draft.text)!r} dropped")
            return False
        draft.group = group
        self.drafts.append(draft)
        return True

    def finish(self, year: int | None) -> list[ActionItem]:
        """Number the drafts, apply group facts, map enums, and build the items."""
        items: list[ActionItem] = []
        numbers: dict[int, int] = {}
        used: set[int] = set()
        highest = 0
        for draft in self.drafts:
            number = draft.number if draft.number is not None and draft.number not in used else highest + 1
            used.add(number)
            highest = max(highest, number)
            numbers[id(draft)] = number
            items.append(self._build(draft, number, numbers, year))
        return items

    def _build(self, draft: Draft, number: int, numbers: dict[int, int], year: int | None) -> ActionItem:
        group = draft.group
        status, status_raw = draft.status, draft.status_raw
        tickets = list(draft.tickets)
        deadline_raw = draft.deadline_raw
        if group is not None:
            # A "planned" or "taken" group does not undo what an item's own words say ("We are redesigning …",
            # "We have started monitoring …"); under "Actions taken", "We will reconfigure …" is still to do.
            keeps_own = draft.status_guessed and status is Status.IN_PROGRESS and group.status is not Status.WONT_DO
            # ("Updated the guide, in case I do need to redeploy": a report, whatever its clause of reason says.)
            promised = (
                group.status is Status.DONE
                and not draft.status_marked
                and promises_work(draft.text)
                and not starts_with_past_form(draft.text)
            )
            if (status is None or draft.status_guessed) and group.status is not None and not keeps_own and not promised:
                status, status_raw = group.status, group.status_raw
            elif promised and status is None:
                status, status_raw = Status.OPEN, "promise"  # said beside work done, it is work still to do
            elif status is None and group.status is None and group.deadline_raw is not None:
                # "### Short term (1-2 weeks)": work given a time frame is work still to do.
                status, status_raw = Status.OPEN, "a time frame"
            if deadline_raw is None:
                deadline_raw = group.deadline_raw
            tickets.extend(group.tickets)
        owner = draft.owner if draft.owner is not None or group is None else group.owner
        priority_raw = draft.priority_raw if draft.priority_raw is not None or group is None else group.priority_raw
        priority: Priority | None = None
        if priority_raw is not None:
            priority = self.options.priority(priority_raw)
            if priority is None:
                self.diagnostics.add(codes.UNMAPPED_PRIORITY, draft.line, f"priority {priority_raw!r} kept as raw text")
        deadline = None
        if deadline_raw is not None:
            deadline = period_end(deadline_raw, year)
            if deadline is None and (worded_deadline(deadline_raw) == deadline_raw or _SPAN.fullmatch(deadline_raw)):
                # "over the next month or two", "1 week": the writers' own time frame, kept as written; the
                # ticket's due date comes from the priority.
                self.diagnostics.add(
                    codes.BAD_DATE, draft.line, f"deadline {deadline_raw!r} names no date: due date from the priority"
                )
            elif deadline is None and not _PERIOD.search(deadline_raw):
                self.diagnostics.add(codes.BAD_DATE, draft.line, f"deadline {deadline_raw!r} is not a date")
        parent = numbers.get(id(draft.parent)) if draft.parent is not None else None
        missing = [name for name, absent in (("owner", owner is None), ("priority", priority_raw is None)) if absent]
        if draft.confidence == "low":
            ticketed = self.options.uncertain == "ticket"
            self.diagnostics.add(
                codes.UNCERTAIN_ITEM,
                draft.line,
                f"item {number} {_preview(draft.text)!r} (line {draft.line}), add it to the action table or mark it"
                + ("" if ticketed else " (not ticketed)"),
                hint="put it in the action-item section as a row, checkbox or bullet, or give it an owner and "
                "a priority or due date, e.g. '(P1, @owner)'"
                + ("" if ticketed else '; [parse] uncertain = "ticket" tickets uncertain items too'),
            )
        elif missing:
            # Confidence: say what the parser did not find, so a reader can check the item as written.
            self.diagnostics.add(
                codes.INCOMPLETE_ITEM,
                draft.line,
                f"no {' and no '.join(missing)} found for item {number} {_preview(draft.text)!r}",
                hint="write it in the item, e.g. '(P1, @owner)', or in an Owner/Priority column",
            )
        return ActionItem(
            number=number,
            text=draft.text,
            owner=owner,
            deadline=deadline,
            deadline_raw=deadline_raw,
            priority=priority,
            priority_raw=priority_raw,
            status=status,
            status_raw=status_raw,
            tickets=merge(tickets),
            kind=draft.kind,
            group=group.title if group is not None else None,
            parent=parent,
            extra=draft.extra,
            line=draft.line,
            confidence=draft.confidence,
        )


def _empty_cell(text: str) -> bool:
    """A cell that says there is nothing: blank, a dash, "n/a", "none"."""
    return text.strip().lower() in ("", "-", "—", "–", "n/a", "na", "none")


def _column_key(name: str) -> str:
    key = _PARENTHETICAL.sub("", name).strip().lower()
    return " ".join(key.split())


_GENERIC_LINK_TEXT = re.compile(r"^(?:pr|prs|pull request|issue|ticket|link|here|bug|follow along(?: here)?)$", re.I)


def _closing_char(text: str) -> str:
    """The last character before trailing whitespace and one optional full stop ("" for none)."""
    end = text.rstrip()
    if end.endswith("."):
        end = end[:-1].rstrip()
    return end[-1:]


def _after_tag(draft: Draft) -> str:
    """The item's sentence after the team's tag that heads it ("[ICL] Removed …"), which says who, not what."""
    tag = _LEADING_BRACKET.match(draft.text) if draft.owner and draft.text.startswith("[") else None
    return draft.text[tag.end() :] if tag else draft.text


def _overlaps_link(text: _Text, start: int, end: int) -> bool:
    return any(link.start < end and start < link.end for link in text.links)


def _inside_link(text: _Text, position: int) -> bool:
    return any(link.start <= position < link.end for link in text.links)


def _only_reference(rendered: Inline) -> bool:
    """A nested bullet that is nothing but a URL, autolink or ticket link ("[View patch](…/pull/51)")."""
    text = rendered.text.strip()
    if not text:
        return False
    if BARE_URL.fullmatch(text):
        return True
    return (
        len(rendered.links) == 1
        and rendered.links[0].start == 0
        and rendered.links[0].end == len(text)
        and (
            rendered.links[0].autolink
            or is_ticketish_text(rendered.links[0].text)
            or from_url(rendered.links[0].url) is not None
        )
    )


# Sub-bullets that explain the item above: a statement about the past or the state of things.
_EXPLAINS = re.compile(
    r"^(?:this|that|there|it|these|those|because|since|currently|previously|historically|the reason)"
    r"\s+(?:is|was|were|are|has|had|have|did|does|do|would|could|currently|only|also|not|no)\b",
    re.IGNORECASE,
)


def _has_owner_mark(text: str) -> bool:
    return bool(_TRAILING_BRACKET.search(text) or _OWNER_ONLY.search(text))


# A parenthesised group at the end of a source line; link destinations may nest one level of parentheses.
_LINE_END_GROUP = re.compile(r"\s*\((?:[^()]|\([^()]*\))*\)\s*$")
_TITLE_REST = re.compile(r"[\s:.\-–—]*(?:\([^()]*\))?[\s.]*")
_Source = list[tuple[str, dict[str, Any]]]


def _source_lines(node: Node) -> _Source:
    content, env = inline_source(node)
    return [(line, env) for line in content.split("\n") if line.strip()]


def _split_title(node: Node, content: str | None = None) -> tuple[Inline, list[_Source]]:
    """An item paragraph whose first line is only a bold title ("**Deeper monitoring**", possibly
    followed by write-back's " (KEY)") keeps that line as the item; the lines after it explain it.
    ``content`` replaces the paragraph's own source when a reference was taken off it."""
    source, env = inline_source(node)
    rendered = node_text(node) if content is None else render_source(content, env)
    content = source if content is None else content
    if "\n" not in content or not content.lstrip().startswith(("**", "__")):
        return rendered, []
    first, rest = content.split("\n", 1)
    head = render_source(first.strip(), env)
    if not head.bold_prefix or not head.text.startswith(head.bold_prefix):
        return rendered, []
    if not _TITLE_REST.fullmatch(head.text[len(head.bold_prefix) :]):
        return rendered, []
    if head.text.rstrip().endswith(":") and rest.strip() and not _field_line(head):
        # "**Decoupled upstreams:**" over "Refactored the proxy config …": a label that the next line
        # completes, as "**Label:** text" on one line is; the two are one entry.
        return rendered, []
    return head, [[(line, env) for line in rest.split("\n") if line.strip()]]


def _record_lines(rendered: Sequence[Inline]) -> bool:
    """Sub-bullets that are all labelled lines, one at least a known item field ("- **Owner**: DevOps Team",
    "- **Success**: the script catches mismatches"): the item's record, its fields and notes."""
    return (
        bool(rendered)
        and all(_LABELLED_LINE.match(r.text) is not None for r in rendered)
        and any(_field_line(r) is not None for r in rendered)
    )


def _field_line(rendered: Inline) -> tuple[str, str, str] | None:
    """``(role, label, value)`` when a line is a labelled field ("**Owner:** @kim", "Priority: P1")
    whose label is a known item field."""
    match = _LABELLED_LINE.match(rendered.text)
    if match is None:
        return None
    label = " ".join(match.group("label").lower().split())
    role = _FIELD_ROLES.get(label)
    if role is None:
        return None
    return role, label, match.group("value").strip()


def _preview(text: str) -> str:
    return text if len(text) <= 40 else text[:39].rstrip() + "…"


_MARKED_START = re.compile(
    r"^(?:\[(?:[ xX✓✔~/]|[✅☑]\ufe0f?)?\]|[✅✔☑]|~~|\(?P[0-4]\b|\[P[0-4]\]|(?:done|todo|wip)\s*:|"
    r"[A-Z][A-Z0-9]{1,9}-\d+\s*[:\-–—]|bug\s*#?\s*\d{3,}\s*[:\-–—]|#\d+\s)",
    re.IGNORECASE,
)


_ABOUT_THE_DOCUMENT = re.compile(
    r"\b(?:above|below|this (?:document|report|post-?mortem)|report|post-?mortem|sections?|write-?up)\b", re.IGNORECASE
)
_STATIVE = re.compile(r"\b(?:is|are|has been|have been|has|have|was|were)\b", re.IGNORECASE)


def _completion_checklist(node: Node) -> bool:
    """A checkbox list that states what is true of the incident and its document ("Incident has been dealt
    with", "Sections above are filled out"): the document's own completion checklist, no work to ticket."""
    texts: list[str] = []
    for entry in node.children:
        paragraph = next((c for c in entry.children if c.type == "paragraph"), None)
        # A checkbox is written first in the source too: most lists fail here, before any rendering.
        if paragraph is None or not inline_source(paragraph)[0].lstrip(" *_\\").startswith("["):
            return False
        texts.append(node_text(paragraph).text)
    if not texts or not all(_CHECKBOX.match(t) for t in texts):
        return False
    bodies = [_CHECKBOX.sub("", t) for t in texts]
    # The cheap tests first: most checklists hold work, and fail them before the wording is read.
    if not all(_STATIVE.search(b) for b in bodies) or sum(1 for b in bodies if _ABOUT_THE_DOCUMENT.search(b)) < 2:
        return False
    return not any(reads_as_action(b) for b in bodies)


_STATUS_HEAD = re.compile(r"^([A-Za-z][\w -]{1,20}?)\s+(?:[—–-]+|by|in|via|with|since|\()\s")
_DESCRIBED_REFERENCE = re.compile(r"^(?:#\d+|[A-Z][A-Z0-9]+-\d+|\[[^\]]+\]\([^)]*\))\s+[—–-]+\s+\w")


def _entry_texts(lists: Sequence[Node]) -> list[str]:
    """The first paragraph's text of every entry of the lists ("" for an entry without one)."""
    texts: list[str] = []
    for node in lists:
        for entry in node.children:
            paragraph = next((c for c in entry.children if c.type == "paragraph"), None)
            texts.append(node_text(paragraph).text if paragraph is not None else "")
    return texts


def holds_actions(lists: Sequence[Node]) -> bool:
    """Whether any entry of the lists reads as an action."""
    return any(reads_as_action(text) for text in _entry_texts(lists))


def ticks_entries(lists: Sequence[Node]) -> bool:
    """Whether an entry of the lists is a checkbox: a task of its own, whatever the line above it."""
    return any(_CHECKBOX.match(text) for text in _entry_texts(lists))


def all_reported(lists: Sequence[Node]) -> bool:
    """Whether the lists hold two or more entries and each reports work done ("Deprecated the old guide")."""
    texts = _entry_texts(lists)
    return len(texts) >= 2 and all(reads_as_done(text) or starts_with_past_or_same_form(text) for text in texts)


def all_work(lists: Sequence[Node]) -> bool:
    """Whether the lists hold two or more entries and each is an order or the writers' promise."""
    texts = _entry_texts(lists)
    return len(texts) >= 2 and all(reads_as_action(text) for text in texts)


_NOT_IN_LABELS = frozenset({"the", "a", "an", "our", "their", "its", "this", "that", "these", "all", "every"})


def label_line(text: str) -> bool:
    """A short noun phrase naming an area ("Monitoring", "Alerting gaps"): no order, report or sentence
    ("Fund the org" has a determiner: a verb the word list does not know, whose sub-bullets are sub-items)."""
    words = [word for word in text.split() if word not in ("&", "+", "/")]  # "Metrics & monitoring": two words
    return (
        0 < len(words) <= 3
        and not any(word.lower() in _NOT_IN_LABELS for word in words)
        and not text.rstrip().endswith((".", "!", "?"))
        and not reads_as_action(text)
        and not reads_as_done(text)
        and not promises_work(text)
        and not any(ch.isdigit() for ch in text)
    )


_TRAILING_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")


def _asks(draft: Draft) -> bool:
    """An entry that is only a question: its sentence ends in "?" ("(e.g. parent/child?)" after it aside), it
    does not open with an order ("Update the example to use checksums?" is the work, asked), and it carries no
    owner, date, priority, ticket or mark."""
    if "?" not in draft.text:
        return False  # no sentence to end in "?"
    sentence = _TRAILING_ASIDE.sub("", draft.text).rstrip(" *_")
    return (
        sentence.endswith("?")
        and not reads_as_action(sentence)
        and draft.owner is None
        and draft.deadline_raw is None
        and draft.priority_raw is None
        and not draft.tickets
        and not draft.status_marked
    )


def settings_table(node: Node) -> bool:
    """A table outside the action sections whose action column holds a setting repeated from row to row
    ("| Order | Rule | Action |" over "Bypass", "Bypass", "Eligible for cache"), not distinct work. (Inside an
    action section, the section says what its table holds.)"""
    header = [_column_key(name) for name in _header_cells(node)]
    column = next((index for index, key in enumerate(header) if _COLUMNS.get(key) == "text"), None)
    if column is None:
        return False
    rows = [r for section in node.children for r in section.children if r.type == "tr"][1:]
    values = [node_text(row.children[column]).text.lower() for row in rows if len(row.children) > column]
    return (
        len(values) >= 3 and all(len(value.split()) <= 3 for value in values) and len(set(values)) <= len(values) // 2
    )


# A first column naming the measures: "| Metric | Baseline | Target |", "| Métrica | Antes | Meta |".
_METRIC_COLUMN = re.compile(
    # ("Measure" is not among them: a German team's "Maßnahme" column, translated, names the actions.)
    r"^(?:metrics?|m[ée]tricas?|m[ée]triques?|kpis?|indicators?|indicadores?|indicateurs?|kennzahlen?"
    r"|指標|指标|지표)$",
    re.IGNORECASE,
)


def metrics_table(node: Node) -> bool:
    """A table whose first column names metrics (what is measured, its baseline and its target): where things
    should stand, not work to do."""
    header = _header_cells(node)
    return bool(header) and _METRIC_COLUMN.match(header[0].strip(" *_`")) is not None


def _described_references(rows: Sequence[Node]) -> bool:
    """Whether every row's first cell is a reference followed by a dash and words ("#41 — alerting gap")."""
    firsts = [node_text(row.children[0]).text if row.children else "" for row in rows]
    return bool(firsts) and all(_DESCRIBED_REFERENCE.match(text) for text in firsts)


# The text of a link naming a ticket by its key: "KM620", "22Q2-31", "#41" (one token holding a digit).
_KEY_TEXT = re.compile(r"^[\w.#/-]{0,20}\d[\w.#/-]{0,20}$")
_AFTER_KEY = re.compile(r"^(?:\s*[:\-–—|]\s+\S|\s*$)")


def _leads_with_ticket(rendered: Inline) -> bool:
    """A line that opens with a link to a ticket by its key, alone or followed by a dash and what the
    ticket is for ("[KM620](…) - upgrade fails"): the way trackers' items are listed, one a line."""
    if not rendered.links or rendered.links[0].start != 0:
        return False
    link = rendered.links[0]
    key = link.text.strip()
    if not (_KEY_TEXT.match(key) or is_ticketish_text(key)) or not link.url.startswith(("http://", "https://")):
        return False
    return bool(_AFTER_KEY.match(rendered.text[link.end :]))


# "We need to ensure the app is no snowflake. We are therefore going to move it …": a goal, then the work.
_GOAL = re.compile(
    r"^(?:we|i)(?: really| still)? (?:need|must|have|want) to (?:ensure|make sure|be sure|guarantee)\b"
    r"|^it is (?:important|essential|critical|vital) (?:to|that)\b",
    re.IGNORECASE,
)
_NEXT_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _start_at_commitment(text: _Text) -> bool:
    """A paragraph that states a goal, then commits to the work for it: the item is the commitment (and
    whether it was found)."""
    if not _GOAL.match(text.text):
        return False
    for boundary in _NEXT_SENTENCE.finditer(text.text):
        if commits_in_prose(first_sentence(text.text[boundary.end() :])):
            text.cut(0, boundary.end())
            return True
    return False


def plain_item(rendered: Inline) -> bool:
    """Whether a plain line (no bullet) reads as an action item rather than prose about one."""
    text = rendered.text.strip()
    if not text or len(text) > 400:
        return False
    if rendered.bold_prefix and text.startswith(rendered.bold_prefix) and len(text) > len(rendered.bold_prefix) + 1:
        return True  # "**Monitoring**: alert on queue depth"
    if _leads_with_ticket(rendered) or _BEING_DONE.search(text):
        return True  # "E2E coverage for the flow (already being implemented)": a note says it is work
    return bool(_MARKED_START.match(text)) or reads_as_action(text)


# Text columns that describe the item rather than name it, when another column names it.
_DESCRIBES = frozenset({"description", "what", "details", "detail"})


_ACTION_HEADERS = frozenset(
    {
        "action item",
        "action items",
        "action",
        "actions",
        "follow-up",
        "follow-ups",
        "followup",
        "corrective action",
        "corrective actions",
        "remediation",
        "remediation item",
        "action item description",
        # "| Remediation Action Required | Current Status |": an action column named with its qualifier.
        "remediation action",
        "remediation action required",
        "action required",
        "required action",
        "action needed",
        "follow-up action",
    }
)


_ACTION_FIELDS = frozenset(
    {"action", "action item", "actions", "task", "follow-up", "follow up", "followup", "remediation", "todo", "to do"}
    | {"corrective action", "recommendation", "next step", "action item description"}
)


_TIME_HEADERS = frozenset({"time", "date", "timestamp", "datetime", "date/time", "time (utc)", "date and time"})


def _header_cells(node: Node) -> list[str]:
    rows = [r for section in node.children for r in section.children if r.type == "tr"]
    return [node_text(cell).text for cell in rows[0].children] if rows else []
