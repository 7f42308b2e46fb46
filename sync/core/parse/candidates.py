"""The candidate pass: items outside the sections that name actions in so many words.

The structural pass (``document._Parser._action_items``) has read every block of the action sections.
This pass segments the rest of the document into candidate blocks — list items, table rows, checkbox
lines, plain lines and the sentences of paragraphs — and keeps those the evidence supports
(:mod:`sync.core.parse.evidence`):

- under a heading that leans towards actions ("Prevention", "What comes next?", "Remidiation"), a list
  item, row or line is kept when it reads as an action or states a field (owner, date, priority, ticket,
  status); it is ``high`` when the evidence is ample, else ``low``;
- anywhere but the narrative (timeline, what happened, root cause, impact, lessons), a sentence that
  commits to an action ("Over the next month we will …", "We have started to …") is a ``low`` candidate.

Candidates are numbered after the items of the structural pass, so that a document's numbering (the
key of its tickets) does not move when a candidate appears or goes.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sync.core.model import Status
from sync.core.parse import codes
from sync.core.parse.blocks import (
    Inline,
    Node,
    first_line,
    inline_source,
    is_plain,
    last_line,
    node_text,
    render_source,
)
from sync.core.parse.evidence import (
    LEANING,
    NARRATIVE,
    NEUTRAL,
    STRONG,
    TENSE_STATUSES,
    advises_others,
    announces_items,
    commits_in_prose,
    conditional_rules,
    contrasts_ways,
    counts_measures,
    enumerates_contents,
    files_a_ticket,
    fix_status,
    heading_strength,
    is_status_update,
    item_evidence,
    names_a_fix,
    names_effects,
    names_horizon,
    names_procedure,
    names_resolution,
    names_rules,
    obliged_to_weigh,
    ongoing_work,
    promises_in_general,
    prose_status,
    reports_action,
    reports_done_work,
    reports_fix,
    reports_prevention,
    reports_response,
    states_actions,
    states_practice,
    tells_the_story,
    title_reports_done,
    weighs_option,
    worded_deadline,
)
from sync.core.parse.items import (
    Draft,
    Group,
    ItemReader,
    _Text,
    all_reported,
    all_work,
    holds_actions,
    label_line,
    label_status,
    metrics_table,
    names_changes_made,
    names_work_left,
    parse_group,
    plain_item,
    says_applied,
    settings_table,
    ticks_entries,
)
from sync.core.parse.options import ParseOptions
from sync.core.parse.records import read_resolution_fields, read_resolution_heading
from sync.core.parse.sections import EMOJI, STATUS_MARK, Header, classify_title
from sync.core.parse.wording import (
    describes_behaviour,
    is_standing_order,
    opens_with_order,
    promises_work,
    reads_as_action,
    reads_as_done,
    starts_with_past_form,
)

# Points: the heading (STRONG 2, LEANING 1, NEUTRAL 0), the phrasing (a commitment by the writers 2, an
# order or obligation 1), each field stated 1 (owner, date, priority, ticket, status mark), less what
# counts against (a timestamp, a lesson, quoted code, a question). A candidate needs _KEEP points (one
# more beside the document's own action list, unless its heading names actions or continues the action
# section) and is high from _HIGH: enough for a ticket without asking.
_KEEP = 2
_HIGH = 4
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])")
_INTRODUCES = re.compile(r":\s*$")


@dataclass
class _Region:
    header: Header | None
    strength: int
    blocks: list[int]
    parent: int = NEUTRAL  # the strength of the heading above, for a sub-heading that names one action


def read_candidates(
    reader: ItemReader,
    blocks: Sequence[Node],
    headers: Sequence[Header],
    covered: set[int],
    options: ParseOptions,
) -> None:
    """Add the candidates of every block outside ``covered`` (the blocks the structural pass read)."""
    # A document's own action list is its record: beside it, the bar is higher (a retrospective's "How
    # can we improve" notes are discussion, prose commitments repeat what the list holds).
    # So is an action section left empty (a template's): the document says where its actions go.
    listed = bool(reader.drafts) or any(h.effective_kind == "actions" for h in headers)
    before = len(reader.drafts)
    found = False
    prose: list[tuple[_Region, list[Node]]] = []
    summaries: list[tuple[_Region, list[Node]]] = []
    for region in _regions(blocks, headers):
        nodes = [blocks[index] for index in region.blocks if index not in covered]
        # An incident log's record of fields names its resolution in any section ("## Incidents", a date);
        # beside the document's own action list it is a summary of how the incident ended.
        # Also in lists the structural pass passed over for a bold label ("- **Mitigation**: …").
        records = read_resolution_fields(reader, [blocks[i] for i in region.blocks]) if not listed else []
        if region.strength != NARRATIVE:
            # Also in lists the structural pass read for their other labels ("- **Time**:" over sub-bullets).
            _read_action_fields(reader, [blocks[index] for index in region.blocks])
        if region.strength == NARRATIVE:
            _read_filed_tickets(reader, nodes)
            _read_planned_lists(reader, nodes)
            _read_since_reports(reader, nodes)
            continue
        if len(nodes) < len(region.blocks):
            continue  # the structural pass read this region
        nodes = [node for node in nodes if not any(node is record for record in records)]
        if _titles_one_action(region, nodes) or (
            region.header is not None
            # A bold title inside an action section, or a numbered sub-heading under one (a numbered section
            # of its own, "## 8. Preventive Enhancements", holds the items).
            and (region.strength if region.header.level == 0 else region.parent) >= LEANING
            and spells_out_one_action(region.header, nodes)
        ):
            _read_titled_block(reader, region, nodes, listed, options)
            continue
        if region.header is not None and _numbered_commitment(region, nodes):
            draft = titled_item(reader, region.header, nodes)
            if draft is not None:
                # The prose under it is the reasoning; what it commits to is what the title names.
                draft.status, draft.status_raw, draft.status_guessed = Status.OPEN, "prose", True
                draft.confidence = "low"
                reader.drafts.append(draft)
            continue
        if region.strength < STRONG and not any(node.type in _STRUCTURED for node in nodes):
            if region.header is not None and region.header.effective_kind == "summary":
                summaries.append((region, nodes))
                continue
            prose.append((region, nodes))
            _read_region(reader, region, nodes, listed, options, "commit")
            continue
        _read_region(reader, region, nodes, listed, options)
        found = found or len(reader.drafts) > before
    # A summary's promises preview what the sections below hold ("we are implementing safeguards …"): read
    # only when nothing else in the document was.
    if len(reader.drafts) == before:
        for region, nodes in summaries:
            prose.append((region, nodes))
            _read_region(reader, region, nodes, listed, options, "commit")
    # Reports of work done in prose outside the sections that hold items are read only when no section
    # held any: a document that lists its actions restates them ("as detailed below, we have begun …").
    if not found:
        for region, nodes in prose:
            _read_region(reader, region, nodes, listed, options, "report")


def _read_filed_tickets(reader: ItemReader, nodes: Sequence[Node]) -> None:
    """ "We have created tickets to track the work needed:" over a list of links, wherever it is written
    (in the story too): the tickets are the follow-ups."""
    for intro, node in itertools.pairwise(nodes):
        if intro.type != "paragraph" or node.type not in ("bullet_list", "ordered_list"):
            continue
        text = node_text(intro).text.strip()
        if text.endswith(":") and files_a_ticket(_SENTENCE.split(text)[-1]) and _links_only(node):
            before = len(reader.drafts)
            reader.read_block(node, None)
            for draft in reader.drafts[before:]:
                draft.confidence = "low"


# "We have since published a fix to …": work done after the incident, reported wherever the story stands.
# "The server has since been upgraded to a bigger size": the same report in the passive.
_SINCE = re.compile(
    r"\b(?:we|i|the team|our team)(?:['’]ve| have| has) since [a-z]+(?:ed|en|wn|ut|de)\b"
    r"|\b(?:has|have) since been (?:[a-z]+ly )?[a-z]+(?:ed|en|wn|ut|de)\b",
    re.I,
)


def _read_since_reports(reader: ItemReader, nodes: Sequence[Node]) -> None:
    for node in nodes:
        if node.type != "paragraph":
            continue
        content, _ = inline_source(node)
        if content and "nce" not in content.lower() and is_plain(content):
            continue  # its rendered sentences are its own words: none holds "since" (the test below)
        unread = _unread_sentences(reader, node)
        if unread is None:
            continue
        content, start, sentences = unread
        for sentence in sentences:
            if "nce" not in sentence.lower() or _SINCE.search(sentence) is None:  # "since", folded as re.I folds
                continue
            draft = reader.read_text(_Text(Inline(sentence.strip())), _line_of(content, sentence, start))
            if draft.text:
                draft.status, draft.status_raw, draft.status_guessed = Status.DONE, "since", True
                draft.confidence = "low"
                reader.drafts.append(draft)


def _read_planned_lists(reader: ItemReader, nodes: Sequence[Node]) -> None:
    """ "Now that we know the cause … the future plans are to:" over a list, inside the story: the writers
    turn from what happened to what they will do, and each entry finishes their sentence. Low confidence:
    the story's sections are no action section."""
    for intro, node in itertools.pairwise(nodes):
        if intro.type != "paragraph" or node.type not in ("bullet_list", "ordered_list"):
            continue
        announced = _announced_plans(node_text(intro).text.strip(), None)
        if announced is None:
            continue
        before = len(reader.drafts)
        reader.read_block(node, announced)
        for draft in reader.drafts[before:]:
            draft.confidence = "low"


def _read_labelled_lines(reader: ItemReader, node: Node, group: Group | None) -> bool:
    """A document written as plain text, its sections run together in one paragraph: a line that is a label
    naming actions ("Corrective and Preventative Measures:") stands for a heading, and each line after it that
    reads as an item is one, up to a label naming something else ("Conclusion: In the end …"). A label that
    leans to actions ("Tasks to Address the Issue:") does so inside such a section. True when the paragraph held
    such a label and items."""
    content, env = inline_source(node)
    if content.count("\n") < 2 or ":" not in content:
        return False
    lines = content.split("\n")
    if not any(_LABEL_LINE.match(line) for line in lines):
        return False
    before = len(reader.drafts)
    section = taking = False
    for offset, raw in enumerate(lines):
        alone = _LABEL_LINE.match(raw) is not None
        inline = None if alone else _INLINE_LABEL.match(raw)
        label = raw.strip() if alone else f"{inline.group('label')}:" if inline else None
        if label is not None:
            strength = _label_text_strength(label)
            if strength >= STRONG or (strength == LEANING and section):
                section = section or strength >= STRONG
                taking = taking or alone
                if alone:
                    continue
            else:
                section = taking = False
                continue
        rendered = render_source(_PICTOGRAPH_BULLET.sub("", raw), env)  # "🔧 Patch Nginx": the line's bullet
        if taking and plain_item(rendered):
            reader.keep(reader.read_text(_Text(rendered), first_line(node) + offset), group)
    return len(reader.drafts) > before


# A line that is only a label: a few words and the colon that ends them; a line opened by one ("Conclusion: …").
_LABEL_LINE = re.compile(r"^\s*[^\W\d_][^:\n]{2,70}:\s*$")
_INLINE_LABEL = re.compile(r"^\s*(?P<label>[A-Z][\w'-]*(?: [\w'-]+){0,3}):\s+\S")
_PICTOGRAPH_BULLET = re.compile(rf"^\s*(?:{EMOJI.pattern})\s+")


def _links_only(node: Node) -> bool:
    texts = _entry_texts(node)
    return bool(texts) and len(texts) == len(node.children) and all(_URL_ONLY.match(text) for text in texts)


_URL_ONLY = re.compile(r"^<?https?://\S+>?$")


def _regions(blocks: Sequence[Node], headers: Sequence[Header]) -> list[_Region]:
    """The direct blocks of each heading (up to the next heading of any depth), with the heading's
    strength; a neutral sub-heading takes its parent's ("### Monitoring" under "## Prevention")."""
    starts = [h for h in headers if h.block is not None]
    regions: list[_Region] = []
    first = starts[0].block if starts else len(blocks)
    assert first is not None
    regions.append(_Region(None, NEUTRAL, list(range(first))))
    stack: list[tuple[Header, int]] = []
    siblings: dict[int, int] = {}  # the strength of the last heading at each depth still open
    for position, header in enumerate(starts):
        while stack and stack[-1][0].depth >= header.depth:
            stack.pop()
        if header.effective_kind == "title":
            own = NEUTRAL
        elif header.effective_kind == "actions":
            own = STRONG
        else:
            own = heading_strength(header.title)
        parent = stack[-1][1] if stack else NEUTRAL
        strength = own if own != NEUTRAL or not stack else parent
        block = header.block
        if (
            strength == NEUTRAL
            and header.level == 0
            and block is not None
            and block + 1 < len(blocks)
            and _resolves_by_orders(blocks[block], blocks[block + 1])
        ):
            strength = LEANING  # "**Solution:**" over orders, as the same label in plain words
        if names_rules(header.title):
            # "**ALWAYS:**", "### For Future Deployments": standing rules, a checklist for each time, not work.
            strength = NARRATIVE
        if own == LEANING and parent == NARRATIVE:
            # "### Why the CDN cached the wrong response" under "## Root Cause": a stray word ("response")
            # does not turn an explanation into a plan.
            strength = NARRATIVE
        if own == LEANING and says_applied(header.title):
            # "### Prevention Measures (Already Prepared)": measures said to be in place, as "Prevention measures
            # implemented" names them.
            strength = STRONG
        sibling = siblings.get(header.depth)
        if (
            (own == LEANING or (own == NEUTRAL and names_horizon(header.title)))
            and sibling is not None
            and sibling >= STRONG
            and header.kind != "lessons"
        ):
            # "## 8. Preventive Enhancements" right after "## 7. Corrective Actions", "**Phase 2 - Hardening**"
            # after "**Phase 1 - Immediate fixes**": a leaning section that continues an action section. One
            # that names lessons too ("Further Mitigations and Learnings") turns to what was learnt.
            strength = STRONG
        siblings = {depth: value for depth, value in siblings.items() if depth < header.depth}
        siblings[header.depth] = strength
        stack.append((header, strength))
        assert header.block is not None
        end = starts[position + 1].block if position + 1 < len(starts) else len(blocks)
        assert end is not None
        regions.append(_Region(header, strength, list(range(header.block + 1, end)), parent))
    return regions


def _titles_one_action(region: _Region, nodes: list[Node]) -> bool:
    """A sub-heading of an action-leaning section over prose only: the heading names one action and the
    prose explains it ("### Faster deployment revert" under "## How are we going to do better?")."""
    return (
        region.header is not None
        and region.header.level > 0
        and region.parent >= LEANING
        and heading_strength(region.header.title) == NEUTRAL
        and any(node.type == "paragraph" or field_record(node) for node in nodes)
        and all(node.type in _EXPLAINS or field_record(node) for node in nodes)
        and len(region.header.title.split()) <= 10
    )


_EXPLAINS = ("paragraph", "fence", "code_block", "blockquote", "html_block")
# "1. Monitoring", "✅ 1. Updated .gitignore" (a status mark before the number, read as the item's status).
NUMBERED_TITLE = re.compile(rf"^\s*(?:{STATUS_MARK}\s*)?\d+[.)]\s+\S")


def spells_out_one_action(header: Header, nodes: Sequence[Node]) -> bool:
    """A numbered bold title (or sub-heading) over lists that spell its one action out ("**1. Monitoring
    UptimeRobot**" over "- ✅ 13 URLs prepared", "- → **ROI**: alerted in 5 minutes"): the title is the item. A
    title over orders only ("**1. Backups**" over "- Set up nightly dumps", "- Test a restore") or over checkboxes
    groups them: those are the items."""
    if not NUMBERED_TITLE.match(header.title):
        return False
    lists = [node for node in nodes if node.type in ("bullet_list", "ordered_list")]
    ordered = opens_with_order(_NUMBERING.sub("", header.title))
    if not lists:
        # "### 1. Implement Data Validation Layer" over "Create a `validation.ts` file …" and its code: the
        # prose says how the title's order is carried out.
        return (
            header.level > 0
            and ordered
            and any(node.type == "paragraph" for node in nodes)
            and all(node.type in _EXPLAINS for node in nodes)
        )
    texts = [text for node in lists for text in _entry_texts(node)]
    if ticks_entries(lists) or _marks_entries(texts):
        return False
    # A title that is itself an order ("### 3. Implement Comprehensive Error Logging" over "- Log all errors to a
    # central service", "- Alert on production errors") names the action its orders carry out: those are its steps.
    if _orders_or_tasks(lists) and not ordered:
        return False
    if _NAMES_SEVERAL.search(_NUMBERING.sub("", header.title)):
        # "### 3. Monitoring recommendations", "### 3. 监控建议": the title names several things, each an entry.
        return False
    if header.level == 0:
        return True
    # A numbered sub-heading names its measure as a bold title does ("### 1. Protected Production Migrations"
    # over "- Must type … to proceed", "- Visual warnings displayed"), unless it names a time frame ("### 2.
    # Long-Term (Planned)"), heads reports of work done ("### 2. Process Improvement" over "- Updated the deploy
    # guide", "- Added backup requirements"), or files entries titled in bold ("- **Domain enforcement:** Check
    # the domain …") or one entry alone: those entries are the items.
    return (
        len(texts) >= 2
        and not names_horizon(header.title)
        and not all_reported(lists)
        and not all(files_titled_entries(node) for node in lists)
    )


# A title naming several proposed things: its list's entries are those things.
_NAMES_SEVERAL = re.compile(
    r"\b(?:recommendations|suggestions|proposals|ideas|to-?dos|tasks|empfehlungen|recommandations"
    r"|recomendaciones|sugerencias|recomendações|sugestões)\s*:?\s*$"
    r"|(?:建议|建議|提案|推奨事項|권장 ?사항|제안)\s*[:：]?\s*$",
    re.IGNORECASE,
)


# A status symbol opening a list entry: "- ✅ `docs/CHECKLIST.md`: …", "- ⏳ Add validation to the loader" (a
# checkbox is ``ticks_entries``'s).
_ENTRY_MARK = re.compile(r"^[✅✔☑✓❌⏳⌛🔄🚧📅⬜☐]")


def _marks_entries(texts: Sequence[str]) -> bool:
    """Whether two or more entries (their texts) each open with a status symbol: each is filed with its own
    status, an item of its own, as a checkbox is."""
    return len(texts) >= 2 and all(_ENTRY_MARK.match(text) for text in texts)


def files_titled_entries(node: Node) -> bool:
    """A list whose every entry opens with its title in bold ("- **Domain enforcement:** Check …"): entries
    filed one by one, each its own item."""
    return node.type in ("bullet_list", "ordered_list") and all(_bold_titled(entry) for entry in node.children)


def _bold_titled(entry: Node) -> bool:
    paragraph = next((c for c in entry.children if c.type == "paragraph"), None)
    return paragraph is not None and node_text(paragraph).opens_bold


def _orders_or_tasks(lists: Sequence[Node]) -> bool:
    # One order alone under a title ("**2. Access**" over "- Remove the former admin") is the work too.
    single = sum(len(node.children) for node in lists) == 1
    return all_work(lists) or ticks_entries(lists) or (single and holds_actions(lists))


def read_spelt_out(reader: ItemReader, paragraph: Node, following: Node, group: Group | None) -> bool:
    """The same title with words after its bold run ("**1. Monitoring UptimeRobot** (free, 15 min setup)",
    "**4. Restore procedure documented** ✅ DONE") over the list that spells it out: the paragraph is the
    item, the list its description (and True is returned)."""
    rendered = node_text(paragraph)
    if (
        following.type not in ("bullet_list", "ordered_list")
        or not rendered.opens_bold
        or not NUMBERED_TITLE.match(rendered.bold_prefix or "")
        or "\n" in rendered.text
        or _orders_or_tasks([following])
    ):
        return False
    _keep_spelt_out(reader, _NUMBERING.sub(r"\g<mark>", rendered.text), first_line(paragraph), following, group)
    return True


def _keep_spelt_out(reader: ItemReader, text: str, line: int, node: Node, group: Group | None) -> None:
    """Keep the one action ``text`` names, with the entries of the list that spells it out as its description."""
    draft = reader.read_text(_Text(Inline(text)), line)
    draft.extra["description"] = "; ".join(_entry_texts(node))
    reader.keep(draft, group)


# "**File**:", "Change:", "Root cause:": a field's short label (at most three words), then its value.
_FIELD = re.compile(r"^(?:[\w/-]+(?: [\w/-]+){0,2}):(?:\s|$)")


def field_record(node: Node) -> bool:
    """A list whose every entry is a labelled field ("- **File**: `src/x.ts`", "- **Change**: Disabled …",
    "- **Effect**: …"): a record of one change, written under the heading that names it."""
    texts = _every_entry(node)
    if texts is None:
        return False
    labels = [_FIELD.match(text) for text in texts]
    if any(label is None for label in labels):
        return False
    names = [label.group().rstrip(": ") for label in labels if label is not None]
    # An incident log's entry ("**Actions Taken**:", "**Remedial Actions**:", "**Root cause**:") is read by
    # its labels, as the record of a whole incident, not of one change.
    return all(heading_strength(name) == NEUTRAL and classify_title(name) == "other" for name in names)


_RECORD_FIELD = re.compile(r"^(?P<label>[\w/&-]+(?: [\w/&()-]+){0,3}):(?:\s|$)")


def repeated_records(nodes: Sequence[Node]) -> set[int]:
    """The lists (by id) that fill in the same form as another list beside them: every entry a labelled
    field, three or more labels shared ("- **Introducing Task:** …", "- **File & Line:** …", "- **Proof:** …",
    "- **Fix Commit Hash:** …" under each cause). Records of what was found and changed, not items."""
    lists = [node for node in nodes if node.type in ("bullet_list", "ordered_list") and len(node.children) >= 3]
    if len(lists) < 2:
        return set()  # one list has no sibling to share a form with (and rendering its entries is the cost)
    forms: list[tuple[int, frozenset[str]]] = []
    for node in lists:
        texts = _every_entry(node)
        if texts is None or len(texts) < 3:
            continue
        labels = [_RECORD_FIELD.match(text) for text in texts]
        if all(label is not None for label in labels):
            forms.append((id(node), frozenset(m.group("label").lower() for m in labels if m is not None)))
    return {key for key, form in forms if any(other is not key and len(form & shared) >= 3 for other, shared in forms)}


_NUMBERED_HEADING = re.compile(r"^\s*\d+[.)]\s+\S")
# The writers' own promise in a lesson's prose: "we'll create a check-list", "a secondary node will be
# used", "which we'll avoid going forward".
_WILL = re.compile(r"\b(?:we'll|we will|will be [a-z]+ed)\b|\bgoing forward\b", re.IGNORECASE)


def _numbered_commitment(region: _Region, nodes: list[Node]) -> bool:
    """A numbered sub-heading over prose that promises work ("### 7. Create a services check-list" under
    "## Lessons learnt", its prose: "Going forward, we'll create …"): the title names the item."""
    if region.header is None or region.header.level == 0 or region.parent < NEUTRAL:
        return False
    if not _NUMBERED_HEADING.match(region.header.title) or len(region.header.title.split()) > 12:
        return False
    if not nodes or not all(node.type in ("paragraph", "fence", "code_block", "blockquote") for node in nodes):
        return False
    prose = " ".join(node_text(node).text for node in nodes if node.type == "paragraph").replace("\u2019", "'")
    return bool(_WILL.search(prose))


# A dated note added to the write-up later ("_Update (July 02, 2021)_ …", "UPDATE 2021-07-02: …") and
# what it may say became of the work.
_UPDATE_NOTE = re.compile(r"^update\b", re.IGNORECASE)
_SHIPPED = re.compile(
    r"\b(?:was|were|has been|have been|is now|are now)\s+(?:\w+\s+){0,2}?"
    r"(?:addressed|deployed|merged|fixed|resolved|released|implemented|completed|shipped|done)\b",
    re.IGNORECASE,
)


def _explanation(nodes: Sequence[Node]) -> list[str]:
    """What explains a titled item: its paragraphs, and the values of a record of fields under it
    ("**Change**: Completely disabled catch-up posting" says what was done)."""
    texts: list[str] = []
    for node in nodes:
        if node.type == "paragraph":
            texts.append(node_text(node).text)
        elif field_record(node):
            texts.extend(_FIELD.sub("", text).strip() for text in _entry_texts(node))
        elif node.type in ("bullet_list", "ordered_list") and len(node.children) == 1:
            # "**2. Automated Tests:**" over "- Automated tests were introduced, …": one entry that tells of it.
            texts.extend(_entry_texts(node))
    return texts


def titled_item(reader: ItemReader, header: Header, nodes: Sequence[Node]) -> Draft | None:
    """The item a sub-heading over prose names ("### 2) Alerts configured `@dma`"): the title is the
    item, the owner a trailing handle, the status what the title or the prose reports (kept by the caller)."""
    paragraphs = _explanation(nodes)
    status = prose_status(" ".join(paragraphs))
    updates = [text for text in paragraphs if _UPDATE_NOTE.match(text)]
    if updates and _SHIPPED.search(updates[-1]):
        status = "done"  # "Update (July 2): … deployed to production on July 1": the latest word on it
    title = _TRAILING_KIND.sub("", _NUMBERING.sub(r"\g<mark>", header.title))
    handle = _TRAILING_HANDLE.search(title)
    if handle is not None:
        title = title[: handle.start()]  # "Cron cleanup scheduled `@malte_j`": the owner, in code
    draft = reader.read_text(_Text(Inline(title)), header.line)
    if not draft.text:
        return None
    if handle is not None and draft.owner is None:
        draft.owner = handle.group("owner")
    reader.read_fields(draft, nodes)
    if status is None and title_reports_done(draft.text):
        status = "done"  # "Alerts configured", "Postmortem documented": a title that reports the work
    if status is not None and (draft.status is None or draft.status_guessed):
        # The prose says what became of it; a title's wording ("Unauthenticated operations") is a name.
        draft.status, draft.status_raw, draft.status_guessed = TENSE_STATUSES[status], "prose", True
    return draft


def _read_titled_block(
    reader: ItemReader, region: _Region, nodes: list[Node], listed: bool, options: ParseOptions
) -> None:
    assert region.header is not None
    prose = " ".join(_explanation(nodes))
    title = region.header.title
    if label_line(title) and not _CHANGE.match(title) and any(commits_in_prose(s) for s in _SENTENCE.split(prose)):
        # "### Outreach" over "Next time we'll start announcing earlier. … We'll also set up a site …": a title
        # that names an area is no work; the promises under it are. "### Better documentation" names the change.
        _read_region(reader, region, nodes, listed, options, "commit")
        return
    bare = _NUMBERING.sub(r"\g<mark>", title)
    stated = _stated_rule(nodes) if label_line(bare) and region.parent >= LEANING else None
    if stated is not None and _CHANGE.match(bare) and not _IN_FORCE.search(stated[0]):
        stated = None  # "### Better documentation" names the change; only a sentence saying it is in place reads better
    if stated is not None:
        # "### 1. Local build mandate" over "No pull request shall be merged until the build passes. …":
        # the title names the measure, its first sentence states it; that sentence is the item.
        measure = reader.read_text(_Text(Inline(stated[0])), stated[1])
        if measure.text:
            _status_from_tense(measure)
            measure.confidence = "low"
            reader.drafts.append(measure)
        return
    recorded = any(field_record(node) for node in nodes)
    if prose_status(prose) is None and region.parent < STRONG and not recorded and not _instructed(title, nodes):
        return  # prose that neither commits nor reports is commentary, not an action
    draft = titled_item(reader, region.header, nodes)
    if draft is None:
        return
    score = region.parent + 1 + draft.fields_stated()
    if score < _bar(listed):
        return
    draft.confidence = "high" if score >= _HIGH else "low"
    reader.drafts.append(draft)


def _instructed(title: str, nodes: Sequence[Node]) -> bool:
    """ "### 1. Add CSS linting" over "Create `.lint.py`:" and its code: an order titled, and the prose under it
    the orders that carry it out."""
    return opens_with_order(_NUMBERING.sub("", title)) and any(
        opens_with_order(text) and text.endswith(":")
        for text in (node_text(node).text.rstrip() for node in nodes if node.type == "paragraph")
    )


# A rule or a change in force, said of a thing: "… shall be merged only when …", "… must be placed in …",
# "The deploy script now includes a prune step".
_IN_FORCE = re.compile(
    r"\bnow (?:includes?|runs?|checks?|uses?|requires?|validates?|blocks?|alerts?|prunes?|rejects?)\b", re.IGNORECASE
)
_RULE_OR_CHANGE = re.compile(
    r"\b(?:shall|must)\s+(?:not\s+|always\s+|never\s+|only\s+)?(?:be\s+)?[a-z]+|" + _IN_FORCE.pattern, re.I
)


def _stated_rule(nodes: Sequence[Node]) -> tuple[str, int] | None:
    """The first sentence of the first paragraph under a titled measure, with its line, when it states a
    rule or a change in force (the writers' commitments under a title are read as such, above)."""
    first = next((node for node in nodes if node.type == "paragraph"), None)
    if first is None:
        return None
    sentence = _SENTENCE.split(node_text(first).text.strip())[0]
    if _RULE_OR_CHANGE.search(sentence) and not commits_in_prose(sentence):
        return sentence, first_line(first)
    return None


# A title that names a change by its outcome: "Better documentation", "Faster rollback", "More alerts".
_CHANGE = re.compile(
    r"^\W*(?:better|more|less|fewer|faster|quicker|improved?|stronger|clearer|safer|smarter|earlier|increased"
    r"|reduced?|new|additional|extra|automated|automatic|dedicated|separate)\b",
    re.IGNORECASE,
)


def _read_region(
    reader: ItemReader, region: _Region, nodes: list[Node], listed: bool, options: ParseOptions, mode: str = "all"
) -> None:
    """``mode``: which prose sentences to take: "commit" (promises), "report" (work done or ongoing), "all"."""
    if mode != "report":
        if region.header is not None and region.header.level == 0 and _FIXES.match(region.header.title):
            _read_fixes(reader, nodes[:1], region.header.title)  # "**Fixes:**" over a list
            return
        if (
            not listed
            and region.header is not None
            and region.header.level == 0
            and read_resolution_heading(reader, region.header.title, nodes)
        ):
            return
        _read_fix_labels(reader, nodes)
    # Beside the document's own action list, a "Resolution" or "Recovery" section's list of work done
    # is how the incident was put right, and a summary's what happened: neither is what follows from it.
    responded = listed and region.header is not None and region.header.effective_kind in ("resolution", "summary")
    if region.strength == NEUTRAL and region.header is not None and mode != "report" and not responded:
        reported = [node for node in nodes if _reports_list(node)]
        resolved = region.header.effective_kind == "resolution"
        for node in reported:
            if resolved:
                # "Quick resolution path: 1. Recognised the pattern 2. Applied the fix": how the incident
                # was put right, the story rather than what follows from it.
                reader.diagnostics.add(
                    codes.NOT_AN_ITEM, first_line(node), "steps that resolved the incident: not read as items"
                )
            else:
                _read_reported(reader, node)
        nodes = [node for node in nodes if node not in reported]
    if (
        listed
        and region.strength <= NEUTRAL
        and not any(
            node.type == "paragraph" and _announced_plans(node_text(node).text, None) is not None for node in nodes
        )
    ):
        # Beside the document's own action list, a neutral section's bullets and prose are no items, unless
        # the writers announce the measures below ("The following mandates are being enacted:") or report
        # work done since.
        if mode != "report":
            _read_since_reports(reader, nodes)
        return
    structured = any(node.type in ("bullet_list", "ordered_list", "table") for node in nodes)
    # Under "## What we learned", "### Quicker debugging": the writers tell what they changed since, in the
    # simple past ("We added dashboards …"); read so only when no section of the document held any item.
    reports = region.header is not None and (
        _reports_work(region.header.title) or (mode == "report" and region.header.effective_kind == "lessons")
    )
    group = parse_group(region.header.title, region.header.links, options) if region.header is not None else None
    owner = owner_label(region.header, reader.source) if region.header is not None else None
    if group is not None and owner is not None:
        group.owner = owner
    elif group is not None and group.status is None and group.priority_raw is None and group.deadline_raw is None:
        group = None
    label: Group | None = None
    explained = False
    told = False  # the list below a lead-in that tells what happened
    weighed = False  # the list below "Pros:" or "Cons:"
    named: _Region | None = None  # a label line naming actions ("Some possible actions in the future:")
    for position, node in enumerate(nodes):
        if mode == "report":
            if node.type == "paragraph" and not _read_named_work(reader, node):
                _read_sentences(reader, node, region.strength, listed, reports, mode)
            continue  # the first reading ("commit") took every other kind of candidate
        if node.type == "paragraph":
            if position > 0 and nodes[position - 1].type in ("bullet_list", "ordered_list") and _names_list_above(node):
                continue  # it names the list above; it is no item of its own
            if _read_labelled_lines(reader, node, label or group):
                continue
            found = label_group(node, group)
            if found is not None:
                label = found  # "The following action items are already completed:" sets the next list's status
                strength = _label_strength(node)
                if found.status_raw in (_PLANNED, _UNDER_WAY) or strength >= STRONG:
                    named = _Region(region.header, STRONG, region.blocks, region.parent)
                elif position + 1 < len(nodes) and _resolves_by_orders(node, nodes[position + 1]):
                    named = _Region(region.header, LEANING, region.blocks, region.parent)  # "Resolution (planned):"
                elif strength > region.strength:
                    named = _Region(region.header, strength, region.blocks, region.parent)  # "Ideas for next year:"
                if found.status is None and _names_to_dos(node):
                    label = dataclasses.replace(found, status=Status.OPEN, status_raw=_PLANNED)
                continue
            strength = _label_strength(node)
            following = nodes[position + 1] if position + 1 < len(nodes) else None
            if strength == NEUTRAL and following is not None and _resolves_by_orders(node, following):
                strength = LEANING
            doubled = strength == region.strength == LEANING and not names_resolution(node_text(node).text)
            if strength > region.strength or doubled:
                # "## Prevention" then "To prevent similar issues:": two leaning signs name a list of actions
                # ("## Fix / Resolution" then "The fix was to:" names how the incident was put right).
                named = _Region(region.header, STRONG if doubled else strength, region.blocks, region.parent)
                if _names_to_dos(node):
                    # "Leftover tasks:": what is left to do, however an entry tells its story ("I removed the
                    # gem but didn't search for a replacement").
                    label = dataclasses.replace(label or group or Group(), status=Status.OPEN, status_raw=_PLANNED)
                continue
            if strength == NARRATIVE and region.strength < STRONG:
                # "What happened:" over a numbered list: the story, step by step.
                told = True
                continue
            if weighs_option(node_text(node).text.strip()) or _COUNTERFACTUAL.search(node_text(node).text.strip()):
                # "Pros:" / "Cons:" over a list: an option weighed, not work to do; so are the ways an outsider
                # says it "could have been mitigated".
                weighed = True
                continue
            if _STATUS_MARK.match(node_text(node).text):
                # "**DONE**: Alex added …", "**TODO** …": a paragraph opened by a status marker is an item.
                _keep_scored(reader, functools.partial(_read_paragraph, reader, node, None), region, listed, reports)
                continue
            following = nodes[position + 1] if position + 1 < len(nodes) else None
            lead_in = following is not None and following.type in ("bullet_list", "ordered_list")
            if lead_in and (promises_in_general(node_text(node).text) or counts_measures(node_text(node).text)):
                # "We will take steps to ensure this does not happen again." over a list: the list is the steps.
                named = _Region(region.header, STRONG, region.blocks, region.parent)
                continue
            if lead_in and (completed := _completed_by_list(node)) is not None:
                # "We've now deployed a permanent fix to:" over "a) Resolve the bug", "b) Add checks": each
                # entry finishes the writers' sentence, so each is work they did (or promise).
                label = dataclasses.replace(label or group or Group(), status=completed, status_raw=_LEAD_IN_TENSE)
                named = _Region(region.header, STRONG, region.blocks, region.parent)
                continue
            if lead_in and following is not None and read_lead_in(reader, node, following, label or group):
                explained = True  # a procedure's steps, or what the lead-in's one thing reports
                continue
            if lead_in and _names_one(node):
                # "We've established guiding criteria for disabling the system:" over a list of the
                # criteria: the line is the action, the list spells it out.
                _keep_scored(
                    reader, functools.partial(_read_paragraph, reader, node, label or group), region, listed, reports
                )
                explained = True
                continue
            if structured:
                if region.strength >= STRONG or not listed:
                    _read_sentences(reader, node, region.strength, listed, reports, mode)
                continue
            if region.strength >= STRONG or (region.strength == LEANING and opens_with_order(node_text(node).text)):
                # Under "## Improvements", "Improve our monitoring, especially around mainnet. This includes
                # …": a paragraph opened by an order is one item, the sentences after it explain it.
                _keep_scored(
                    reader, functools.partial(_read_paragraph, reader, node, label or group), region, listed, reports
                )
            elif not listed:
                # Beside the document's own action list, prose outside an action section repeats it.
                _read_sentences(reader, node, region.strength, listed, reports, mode)
            continue
        if node.type in ("bullet_list", "ordered_list", "table"):
            if explained:
                explained = False
                continue
            if told:
                told = False
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "the story its lead-in names: not items")
                continue
            if weighed:
                weighed = False
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "pros or cons of an option: not items")
                continue
            if conditional_rules(_entry_texts(node)):
                # "- If the restore takes longer than a rebuild: rebuild": a rule for deciding, not work.
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "rules to decide by: not items")
                label = named = None
                continue
            if node.type == "table" and settings_table(node):
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "a table of settings: not read as items")
                continue
            if node.type == "table" and metrics_table(node):
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "a table of metrics: not read as items")
                continue
            if position > 0 and reader.elaborates_entry_above(nodes[position - 1], node):
                continue
            if walks_through_ui(node):
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "steps through a user interface: not items")
                label = named = None
                continue
            if tells_what_it_does(node):
                # "Runs on every PR:" over "- Spins up a test database", "- Fails the build if …": what a thing
                # does, each entry a verb in the third person, not work to do.
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "what a thing does: not items")
                label = named = None
                continue
            following = nodes[position + 1] if position + 1 < len(nodes) else None
            if named is None and following is not None and _names_list_above(following):
                # "By implementing these changes, we aim to …" after the list: the writers name it their changes.
                named = _Region(region.header, STRONG, region.blocks, region.parent)
            if (
                _metrics(node)
                or checks_and_results(node)
                or ((named or region).strength < STRONG and _labelled_values(node))
            ):
                reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "a list of labelled values: not items")
                label = named = None
                continue
            read = functools.partial(reader.read_block, node, label or group)
            # A table's rows are judged as a list's entries when its heading gives them a status ("## Correctifs
            # appliqués", "### In code (merged)"): rows of changes made, not a table of failures or of the response.
            entries = node.type != "table" or (group is not None and group.status is not None)
            _keep_scored(reader, read, named or region, listed, reports, entries=entries)
            label = named = None


# A sentence after a list that names it the writers' changes to come: "By implementing these changes, we aim
# to …", "These changes should prevent …" ("After those changes the site was back" tells the story).
_NAMES_ABOVE = re.compile(
    r"^(?:by|through|with) (?:implementing|making|adopting|applying|putting in place|rolling out)"
    r" (?:these|the above|those|all of these|all these) (?:changes|measures|steps|actions|improvements|fixes)"
    r"|^(?:these|the above|all of these|all these) (?:changes|measures|steps|actions|improvements|fixes)"
    r" (?:will|should|are meant to|aim to|are intended to)\b",
    re.IGNORECASE,
)


def _names_list_above(node: Node) -> bool:
    return node.type == "paragraph" and bool(_NAMES_ABOVE.match(node_text(node).text.strip()))


# A bold label naming a thing: "**Job Dropping Middleware:**", "**Runbook:**" (a handful of words, not a sentence).
_THING_LABEL = re.compile(r"^[A-Za-z0-9][\w'’ /&+.-]{0,60}$")
# Labels of a notice or a live update, not of a thing made: "**Notice:** Jobs have been resumed."
_NOTICE_LABEL = re.compile(
    r"^(?:notice|note|nb|update|updated|edit|status|warning|important|info|announcement|investigating|identified"
    r"|monitoring|mitigated|resolved|scheduled|completed|ps|tl;?dr)$",
    re.IGNORECASE,
)


def _read_named_work(reader: ItemReader, node: Node) -> bool:
    """ "**Runbook:** We also created an incident runbook …", "**Job Dropping Middleware:** In some cases …
    To address this, we introduced a feature flag …": a paragraph opened by a bold label naming a thing, in
    which the writers report making it (or promise to): one item, the label and its first sentence, its status
    what that sentence says. A label naming a part of the story ("**Detection:**", "**Resolution:**") is no
    such thing, and a notice ("**Notice:** Jobs have been resumed.") holds none. True when the paragraph was
    read so (a notice included)."""
    bold = _bold_label(node)
    if bold is None or not bold[2]:
        return False
    label, rest, _colon = bold
    rendered = node_text(node)
    if _NOTICE_LABEL.match(label):
        return True  # "**Notice:** Jobs have been resumed.": a notice of a state, read as no item
    if len(label.split()) > 6 or not _THING_LABEL.match(label):
        return False
    if classify_title(label) != "other" or is_status_update(rendered.text):
        return False
    if heading_strength(label) == NARRATIVE:
        return False
    sentences = _SENTENCE.split(rest)
    work = next((s for s in sentences if reports_action(s) or commits_in_prose(s)), None)
    if work is None:
        return False
    draft = reader.read_text(_Text(Inline(_SENTENCE.split(rendered.text, maxsplit=1)[0])), first_line(node))
    if not draft.text:
        return False
    if draft.status is None:
        status = Status.OPEN if commits_in_prose(work) else Status.DONE
        draft.status, draft.status_raw, draft.status_guessed = status, "prose", True
    draft.confidence = "low"
    reader.drafts.append(draft)
    return True


def _reports_list(node: Node) -> bool:
    """A list of three or more entries that each open with a past form, the subject left out ("Made a plan
    to …", "Onboarded more folks …", "Wrote a load test …"): work the writers report, whatever the heading."""
    if node.type not in ("bullet_list", "ordered_list") or len(node.children) < 3:
        return False
    texts = _entry_texts(node)
    past = sum(1 for text in texts if starts_with_past_form(text))
    # Parallel form: one entry whose verb the word list does not know ("Set up …") does not break it.
    return len(texts) == len(node.children) and past >= len(texts) - 1 and past >= 3


_BEGUN_ENTRY = re.compile(r"^(?:started|began|begun)\b", re.IGNORECASE)


def _read_reported(reader: ItemReader, node: Node) -> None:
    before = len(reader.drafts)
    reader.read_block(node, None)
    for draft in reader.drafts[before:]:
        if draft.status is None or draft.status_guessed:
            # "Started mapping out a path …": begun, not finished.
            status = Status.IN_PROGRESS if _BEGUN_ENTRY.match(draft.text) else Status.DONE
            draft.status, draft.status_raw, draft.status_guessed = status, "past tense", True
        draft.confidence = "low"


# "Исправления", "Исправлено" (Russian), "Виправлення" (Ukrainian): the fixes, as the English label names them.
_FIX_WORDS = r"fix|fixes|fixed|исправлени[ея]|исправлено|виправлення|виправлено"
_FIXES = re.compile(rf"^(?:the )?(?:{_FIX_WORDS})$", re.IGNORECASE)
_FIX_LABEL = re.compile(rf"^(?:the )?(?:{_FIX_WORDS}|remediation|mitigation|actions? taken)$", re.IGNORECASE)


def _bold_label(node: Node) -> tuple[str, str, bool] | None:
    """(label, the words after it, whether a colon closes the label) of a paragraph opened by a bold run."""
    rendered = node_text(node)
    prefix = rendered.bold_prefix or ""
    label = prefix.strip().rstrip(":").strip()
    if not label or not rendered.text.startswith(prefix):
        return None
    rest = rendered.text[len(prefix) :]
    return label, rest.lstrip(" :"), prefix.rstrip().endswith(":") or rest.startswith(":")


def _bold_labelled(node: Node, pattern: re.Pattern[str]) -> tuple[str, str] | None:
    """(label, the first sentence after it) of a paragraph opened by a bold label ``pattern`` names, else None."""
    bold = _bold_label(node)
    if bold is None or not pattern.match(bold[0]):
        return None
    return bold[0], _SENTENCE.split(bold[1], maxsplit=1)[0]


def _read_fix_labels(reader: ItemReader, nodes: list[Node]) -> None:
    """ "**Fix:** `Card.vue` now sanitizes titles …", "**Fixes:**" over a list: under a bug's or a cause's
    own heading, a bold label naming the fix states work done (unless its words promise it)."""
    for node in nodes:
        # A bold label alone on its line is a pseudo-heading, read as a region ("**Fixes:**" over a list).
        labelled = _bold_labelled(node, _FIX_LABEL) if node.type == "paragraph" else None
        if labelled is None:
            continue
        label, first = labelled
        draft = reader.read_text(_Text(Inline(first)), first_line(node))
        if draft.text:
            reader.drafts.append(draft)
            _as_fixes([draft], label)


# "- **Remedial Actions**: I am going to limit …": a field of an incident entry whose label names the actions;
# "- **Action**: Create a checklist of …" closing a lesson's entries.
_ACTION_LABEL = re.compile(
    r"^(?:remedial|corrective|preventive|preventative|follow[- ]?up) (?:actions?|measures|steps)$"
    r"|^(?:follow[- ]?ups?|next steps?|action items?|actions?(?: planned| to take)?)$",
    re.IGNORECASE,
)


def _read_action_fields(reader: ItemReader, nodes: list[Node]) -> None:
    """List entries and paragraphs opened by a bold label naming the actions ("__Next Steps__: We will …",
    a field of a status log's entry): the words after the label are the item, its status what their tense
    says (a promise is open)."""
    for node in nodes:
        if node.type == "paragraph":
            entries: Sequence[Node] = [node]
        elif node.type in ("bullet_list", "ordered_list"):
            entries = node.children
        else:
            continue
        for entry in entries:
            paragraph = entry if entry is node else next((c for c in entry.children if c.type == "paragraph"), None)
            labelled = _bold_labelled(paragraph, _ACTION_LABEL) if paragraph is not None else None
            line = first_line(entry)
            if labelled is None or any(d.line == line for d in reader.drafts):
                continue  # no such label, or an entry the structural pass already read
            label, first = labelled
            if label.lower() in ("action", "actions") and not (reads_as_action(first) or is_standing_order(first)):
                # "**Action:** Checked quota across four regions": the story's step (Situation, Task, Action);
                # the label makes a rule ("**Action**: Always run the debugger …") the lesson's answer.
                continue
            draft = reader.read_text(_Text(Inline(first)), line)
            if draft.text:
                if commits_in_prose(draft.text) and draft.status is None:
                    draft.status, draft.status_raw, draft.status_guessed = Status.OPEN, label, True
                _status_from_tense(draft)
                draft.confidence = "low"
                reader.drafts.append(draft)
                reader.labelled[line] = draft.text


def _read_fixes(reader: ItemReader, nodes: Sequence[Node], label: str) -> None:
    before = len(reader.drafts)
    for node in nodes:
        reader.read_block(node, None)  # a list or table; a paragraph holds no item of a "Fixes" label
    _as_fixes(reader.drafts[before:], label)


def _as_fixes(drafts: Sequence[Draft], label: str) -> None:
    for draft in drafts:
        status = fix_status(draft.text) if draft.status is None else None
        if status is not None:
            draft.status, draft.status_raw, draft.status_guessed = status, label, True
        draft.confidence = "low"


_INTRODUCTION = re.compile(
    r"\b(?:following|below|these|as follows|include|includes|including|this (?:procedure|process|plan))\b"
    r"|\b(?:a couple|a few|some|several|two|three|four) (?:of )?(?:things|ideas|changes|steps|actions|measures)\b",
    re.IGNORECASE,
)


_STRUCTURED = ("bullet_list", "ordered_list", "table")
_PLANNED = "planned"
_UNDER_WAY = "under way"
_PLANS = re.compile(
    r"\b(?:plan|plans|planning|will|'ll|going to|intend|intends|to improve|to address|to strengthen|by following)\b",
    re.IGNORECASE,
)
_ANNOUNCES_SEVERAL = re.compile(
    r"\b(?:the following|below|as follows|this (?:procedure|process|plan))\b"
    r"|\b(?:a couple|a few|some|several|a number|two|three|four)\b.{0,20}"
    r"\b(?:things|ideas|changes|steps|actions|measures|improvements|areas|rules|practices|guidelines|ways|fronts)\b",
    re.IGNORECASE,
)
_WRITERS = re.compile(r"^(?:[\w,' -]{0,30}\s)?(?:we|we're|we've|we'll|the team|our team)\b", re.IGNORECASE)
# "The M-Lab team is doing development to work around the bug in several ways:": the list is under way. Only
# working as such says so: what the writers say they are introducing may be in place already.
_AT_WORK = re.compile(
    r"^(?:[\w,' -]{0,30}\s)?(?:we(?:'re| are)|(?:the|our)(?: [\w-]+)? team (?:is|are))(?: \w+ly| also| now)?"
    r" (?:working|doing (?:development|work)|developing)\b",
    re.IGNORECASE,
)
_INCLUDES = re.compile(r"\b(?:include|includes|including):$", re.IGNORECASE)
# "… the changes we will implement …": the writers' promise inside a longer lead-in.
_WE_WILL = re.compile(r"\b(?:we|the team|our team)(?: will|'ll| are going to| plan to| intend to)\b", re.IGNORECASE)


# "To minimise exposure to similar incidents in the future, we're enhancing our practices by:": what
# the list below does is meant to stop a repeat, and the writers say they are doing it.
_PREVENTIVE = re.compile(
    r"\b(?:prevent|minimi[sz]e|avoid|reduce|mitigate)\b.{0,80}?\b(?:future|again|recurr\w*|similar|repeat\w*)\b"
    # "… we are introducing the following processes as preventative measures:".
    r"|\bpreventa?tive (?:measures|actions|steps|processes|controls)\b",
    re.IGNORECASE,
)
_WE_AT_WORK = re.compile(
    r"\bwe(?:'re| are)(?: \w+)? \w+ing\b|\bwe(?:'ll| will| plan| intend)\b"
    r"|\bwe(?:'ve| have)(?: also| already| now)? (?:made|taken|put|\w+ed)\b",
    re.IGNORECASE,
)


# "The following mandates are being enacted across the organization:": measures under way, said in the passive.
_BEING_ENACTED = re.compile(
    r"\b(?:is|are) (?:now |also )?being (?:enacted|implemented|introduced|adopted|rolled out|put in place|applied)\b",
    re.IGNORECASE,
)


# "… but the future plans are to:", "Our next steps are:", "Going forward, we will:": the colon completes the
# writers' plan, so each entry below finishes the sentence as work they mean to do.
_PLAN_COMPLETED_BY_LIST = re.compile(
    r"\b(?:(?:our|the)(?: \w+)? (?:plans?|next steps?|intention|goals?) (?:is|are)(?: now)?(?: to)?"
    r"|we(?:'ll| will| plan to| intend to| are going to| are planning to)(?: also| now| next| therefore)?)\s*:$",
    re.IGNORECASE,
)


# What turns a plan from the response ("The game plan is:", during the incident) to what follows it.
_LOOKS_AHEAD = re.compile(
    r"\b(?:(?:in|for) the future|future plans?|going forward|from now on|long[- ]term|next time|(?:avoid|prevent)\w*"
    r" (?:this|it|that|a repeat|recurrence|similar)|happen(?:ing)? again)\b",
    re.IGNORECASE,
)


def _announced_plans(paragraph: str, group: Group | None) -> Group | None:
    """A lead-in by the writers announcing several planned things, as the group of the list below it."""
    text = _SENTENCE.split(paragraph.replace("\u2019", "'"))[-1]
    if not text.endswith(":") or len(text) > 250 or tells_the_story(text):
        return None  # "To tell the story, I'll introduce … as follows:": the write-up's cast, not plans
    if _PLAN_COMPLETED_BY_LIST.search(text) and _LOOKS_AHEAD.search(paragraph):
        return dataclasses.replace(group or Group(), status=Status.OPEN, status_raw=_PLANNED)
    if len(text) <= 200 and _ANNOUNCES_SEVERAL.search(text) and _WRITERS.match(text) and _PLANS.search(text):
        return dataclasses.replace(group or Group(), status=Status.OPEN, status_raw=_PLANNED)
    if len(text) <= 200 and _ANNOUNCES_SEVERAL.search(text) and _AT_WORK.search(text):
        return dataclasses.replace(group or Group(), status=Status.IN_PROGRESS, status_raw=_UNDER_WAY)
    if _works_on_what_follows(paragraph):
        return dataclasses.replace(group or Group(), status=Status.IN_PROGRESS, status_raw=_UNDER_WAY)
    if (_PREVENTIVE.search(text) and _WE_AT_WORK.search(text)) or (
        _ANNOUNCES_SEVERAL.search(text) and _BEING_ENACTED.search(text)
    ):
        # Measures "we are implementing" may be done already ("We've enabled backups"): the entries'
        # own words give their status.
        base = group or Group()
        return dataclasses.replace(base, status_raw=base.status_raw if base.status else _PLANNED)
    return None


# "We are currently working on improving our recovery procedures. Work is split across the following issues:",
# "We are also working on balancing the load. More information on this can be found at:": the writers at
# work in one sentence, the list of that work announced in the next.
_POINTS_TO_LIST = re.compile(
    r"\b(?:the following|below|as follows|these (?:issues|tickets|tasks)"
    r"|can be found (?:at|in|here)|tracked (?:in|at))",
    re.IGNORECASE,
)


def _works_on_what_follows(paragraph: str) -> bool:
    sentences = _SENTENCE.split(paragraph.replace("\u2019", "'").strip())
    if len(sentences) != 2 or len(paragraph) > 300 or not sentences[1].endswith(":"):
        return False
    return bool(_AT_WORK.search(sentences[0]) and _POINTS_TO_LIST.search(sentences[1]))


# A lead-in of what might have been done instead: "This vulnerability could have been mitigated in several
# ways, including:" (the writers' own regret, "we should have …", is not among them: it often lists their fixes).
_COUNTERFACTUAL = re.compile(r"\b(?:could|would|might) (?:have|'ve) (?:been )?[a-z]+(?:ed|en|wn|ut)\b[^.!?]*:$", re.I)
_STATUS_MARK = re.compile(r"^(?:DONE|TODO|DOING|WIP|IN PROGRESS)\b|^(?:done|todo|doing|wip)\s*:", re.IGNORECASE)


# A meeting's stated purpose, when it is to improve: what its notes list are the improvements.
_IMPROVING = re.compile(
    r"^(?:agenda|goals?|purpose|aim|objectives?)\s*:\s*[^.]{0,80}\b(?:improve|do better|do differently)\b",
    re.IGNORECASE,
)


def _label_strength(node: Node) -> int:
    """How strongly a short line ending in ':' names actions, as a heading would ("Next steps:",
    "Some possible actions in the future:"); NEUTRAL for any other paragraph."""
    # "We spent the next days discussing what should be done. Here are some actions:": the sentence that
    # ends in the colon is the label, whatever story comes before it.
    return _label_text_strength(_SENTENCE.split(node_text(node).text.strip())[-1])


def _label_text_strength(text: str) -> int:
    if _IMPROVING.match(text):
        return LEANING  # "Agenda: evaluate the last edition and see where we can improve" over the notes
    if text.endswith(":") and len(text.split()) <= 30 and _NAMES_ACTION_ITEMS.search(text):
        # "The project … has created some action items to address what was observed:": a sentence of any
        # length that says the list below is its action items names them as a heading would.
        return STRONG
    if not text.endswith(":") or len(text.split()) > 10 or commits_in_prose(text) or names_procedure(text):
        return NEUTRAL
    title = text.rstrip(":")
    if (
        any(_one_edit_action(word) for word in re.findall(r"[a-z]+", title.lower()))
        or names_work_left(title)
        or names_changes_made(title)
    ):
        return STRONG  # "Next actions:", "Things I have to do:", "What changed:"
    return heading_strength(title)


# The list's own name in a lead-in: "… created some action items …:", "… the follow-up items we agreed on:" (not
# "no action items", nor a count of the ones done).
_NAMES_ACTION_ITEMS = re.compile(
    r"(?<!\bno )(?<!\bany )\b(?:action (?:items|points)|follow-?up (?:items|actions|tasks))\b"
    r"(?![^:]*\b(?:were|was|are) (?:done|completed|closed|finished)\b)",
    re.IGNORECASE,
)


# "A couple of ideas we missed:", "Suggestions for next year:": what could be done, proposed, so not done.
_PROPOSED = re.compile(r"\b(?:ideas|suggestions)\b", re.IGNORECASE)


def _names_to_dos(node: Node) -> bool:
    """A lead-in naming work still to do ("Leftover tasks:") or proposed ("Some ideas for next time:")."""
    text = _SENTENCE.split(node_text(node).text.strip())[-1]
    return text.endswith(":") and len(text.split()) <= 10 and (names_work_left(text) or bool(_PROPOSED.search(text)))


def _one_edit_action(word: str) -> bool:
    return word in ("action", "actions", "actionables", "todo", "todos", "followups")


_LEAD_IN_TENSE = "the lead-in's tense"
_ENDS_WITH_TO = re.compile(r"\bto:\s*$")


def _completed_by_list(node: Node) -> Status | None:
    """The status of the entries below a lead-in they complete ("… we've deployed a fix to:" done, "… we
    will change our process to:" open), or None for any other paragraph."""
    text = node_text(node).text.strip()
    if len(text) > 300 or not _ENDS_WITH_TO.search(text):
        return None
    sentence = _SENTENCE.split(text)[-1]  # the readers below straighten its apostrophes themselves
    if commits_in_prose(sentence):
        return Status.OPEN
    if reports_done_work(sentence) or reports_action(sentence):
        return Status.DONE
    return None


def _names_one(node: Node) -> bool:
    """A line ending in ':' that itself commits to or reports one action, rather than introducing several."""
    text = node_text(node).text.strip()
    if not text.endswith(":") or len(text) > 300 or _INTRODUCTION.search(text):
        return False
    return commits_in_prose(text) or reports_action(text)


def _read_paragraph(reader: ItemReader, node: Node, group: Group | None) -> None:
    """A paragraph under a heading that says "actions": one item, read as a plain line would be, else the
    paragraph's first sentence."""
    before = len(reader.drafts)
    reader.read_plain(node, group)
    if len(reader.drafts) > before:
        return
    sentences = _SENTENCE.split(node_text(node).text)
    first = sentences[0]
    # "I decided that awareness of breaking changes was the pain point to address. I resolved to set up an RSS
    # reader …": a paragraph that opens by weighing the problem and then commits is the commitment.
    committed = None if _states_work(first) else next((s for s in sentences[1:] if commits_in_prose(s)), None)
    draft = reader.read_text(_Text(Inline(committed or first)), first_line(node))
    if draft.text:
        draft.group = group
        if committed is not None and (draft.status is None or draft.status_guessed):
            # What the writers commit to is still to do ("I resolved to set up …" reads as a past form).
            draft.status, draft.status_raw, draft.status_guessed = Status.OPEN, "promise", True
        reader.drafts.append(draft)


def _states_work(sentence: str) -> bool:
    return (
        reads_as_action(sentence)
        or commits_in_prose(sentence)
        or reports_action(sentence)
        or reports_done_work(sentence)
        or ongoing_work(sentence)
    )


def _keep_scored(
    reader: ItemReader,
    read: Callable[[], None],
    region: _Region,
    listed: bool,
    reports: bool,
    *,
    entries: bool = False,
) -> None:
    """``entries``: the drafts are a list's entries."""
    before = len(reader.drafts)
    read()
    fresh = reader.drafts[before:]
    del reader.drafts[before:]
    # A list most of whose entries name work is a list of work: its odd entry is read the same way.
    work_list = entries and 2 * sum(_phrasing(d.text, reports) > 0 or _names_work(d.text) for d in fresh) > len(fresh)
    for draft in fresh:
        if announces_items(draft.text) and not draft.fields_stated():
            continue  # "In the future, there are several key actions we need to take"
        taken = reader.labelled.get(draft.line)
        if contrasts_ways(draft.text) or (taken is not None and draft.text.endswith(taken)):
            continue  # a lesson's "What we did:" / "What we should do:", or an entry a label's reading took
        # "**Adding a linter as a required check.** It's a static analyser …": the bold title states the
        # item; the sentences after it explain, and their length or code is not held against it ("**Mainnet:**
        # operators restarted …" is a label over the story, judged whole).
        judged = draft.text
        if draft.bold_title:
            title = _SENTENCE.split(draft.text, maxsplit=1)[0]
            judged = title if _names_work(title) else draft.text
        phrasing, against = _phrasing(draft.text, reports), _against(judged)
        score = region.strength + phrasing + draft.fields_stated() + against
        if work_list and region.strength == LEANING and not phrasing and not against and _names_work(draft.text):
            # Under "## Future Work" a list's entries are its items whatever their grammar ("Introduction of
            # a canary stage", "Study how the timers differ"): nothing tells against them, so low, not dropped.
            score += 1
        if draft.bold_title:
            score += 1  # "1. **Coordinate-snapped cache** — …": a titled entry is written as an item
        if score < (_KEEP if region.strength >= STRONG else _bar(listed)):
            continue
        _status_from_tense(draft)
        draft.confidence = "high" if score >= _HIGH else "low"
        reader.drafts.append(draft)


# What opens a statement about something rather than work to do: a determiner or pronoun subject ("The
# lack of a locale caused …", "Our users expect …"), a finite verb or modal in the first sentence
# ("Sudowoodo is often …", "`upgrade` didn't have a test"), a "Label:" (a timeline entry, a note).
_SUBJECT = re.compile(
    r"^(?:the|a|an|our|their|this|that|these|those|any|all|some|each|every|its|his|her|my|your|we|they|it"
    r"|there|i|he|she|you)\b",
    re.IGNORECASE,
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|does|do|did|doesn't|don't|didn't|isn't|aren't|wasn't|can|can't"
    r"|cannot|could|would|caused|causes)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^[^:]{1,30}:(?:\s|$)")
# A verb after these belongs to a clause of purpose or condition ("stage changes so a flap cannot …").
_CLAUSE = re.compile(r"\b(?:so|to|that|which|who|because|when|if|until|unless|where)\b", re.IGNORECASE)


def _names_work(text: str) -> bool:
    """A list entry that names work without saying what it is: an order whose verb no word list holds
    ("Study how …"), a noun of action ("Implementation of …"), a gerund ("Adding …")."""
    first = _SENTENCE.split(text, maxsplit=1)[0].strip()
    main = _CLAUSE.split(first, maxsplit=1)[0]
    return not (
        _SUBJECT.match(first)
        or _FINITE.search(main)
        or _LABEL.match(first)
        or _CLOCK.search(first)
        or first.endswith(":")
    )


def _bar(listed: bool) -> int:
    return _KEEP + 1 if listed else _KEEP


def _reports_work(title: str) -> bool:
    lowered = title.lower()
    return bool(
        re.search(r"\bwhat (?:we|was|has been|have been)\b.*\b(?:did|done|changed)\b|\brespon|\btaken\b|\bfix", lowered)
    )


def _phrasing(text: str, reports: bool) -> int:
    """A commitment by the writers counts double; so does a report of work under a "what we did" heading.
    An order, an obligation, or a report with its subject left out ("Migrated the Asia node …") counts once."""
    if commits_in_prose(text) or (reports and reports_action(text)):
        return 2
    return 1 if item_evidence(text) > 0 or reads_as_done(text) else 0


# A promise about the write-up itself ("In Part 4, I will share the tools", "Continue to Part 4"): the next
# instalment of a series, no work to track.
_SERIES = re.compile(
    r"\b(?:in|to|see|read) (?:part|chapter|episode) (?:\d+|two|three|four|five)\b"
    r"|\b(?:next|following|upcoming|future) (?:part|post|article|chapter|instalment|installment|episode)\b",
    re.IGNORECASE,
)


def _against(text: str) -> int:
    return min(0, item_evidence(text)) - (3 if _SERIES.search(text) else 0)


# A clause of reason or condition after an order ("Test the failover again, as we no longer have the
# logs"): it tells why or when, not how far the work has got.
_SUBORDINATE = re.compile(
    r"[,;]?\s+\b(?:as|because|since|if|when|whenever|while|although|though|unless|in case)\b", re.I
)


def _status_from_tense(draft: Draft) -> None:
    if draft.status is not None and not draft.status_guessed:
        return
    text = draft.text
    if opens_with_order(text) or starts_with_past_form(text):
        # "Test the recovery plan first. (Confidence in a plan that has been dreamed up … is low!)": an order's
        # status is its own sentence's, and so is a report's ("Updated the guide, in case I need to redeploy");
        # what follows explains it.
        text = _SUBORDINATE.split(_SENTENCE.split(text, maxsplit=1)[0], maxsplit=1)[0]
    status = prose_status(text)
    if status is None:
        if draft.status is None and reads_as_action(text):
            # "Migrate our status page to …": an order states work to do; nothing says it was done.
            draft.status, draft.status_raw, draft.status_guessed = Status.OPEN, "an order", True
        return
    # A filed ticket reopens what the tense alone would call done ("We've created an issue to …").
    if draft.status is None or TENSE_STATUSES[status] is not Status.OPEN or files_a_ticket(draft.text):
        draft.status, draft.status_raw, draft.status_guessed = TENSE_STATUSES[status], "tense", True


_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
# A title's number, also after a status mark ("✅ 1. Disabled catch-up posting": the mark stays, it is the status).
# Also an item's id in the writers' own scheme ("A1.", "AI-3:"), not a priority ("P1:").
_NUMBERING = re.compile(
    r"^(?P<mark>\s*(?:[\u23e9-\u23fa\u2600-\u27bf\u2b1b\u2b1c\U0001f300-\U0001faff]\ufe0f?\s*)?)"
    r"(?:\d+[.)]|[a-z][.)]|(?!P[0-4]\b)[A-Z]{1,3}-?\d{1,3}[.):])\s+"
)
_TRAILING_KIND = re.compile(r"\s*\[[a-z -]{2,20}\]\s*$", re.IGNORECASE)
_TRAILING_HANDLE = re.compile(r"\s*`?(?P<owner>@[\w.-]+(?:\s+and\s+@[\w.-]+)*)`?\s*$")
_STATUS_LABEL = re.compile(r"^(?P<label>[A-Za-z][\w -]{1,30}):\s+(?=\S)")
# The labels writers give an action in running text: "Action item:", "AI:", "Follow-up:", "Next step:".
_RUNNING_LABEL = re.compile(
    r"^(?:action items?|actions?|ai|follow[- ]?ups?|next steps?|remediation|corrective actions?)$", re.IGNORECASE
)
_NO_ACTION = re.compile(r"^(?:none|n/?a|tbd|nothing)\b", re.IGNORECASE)


_GIVES_REASONS = re.compile(r"\b(?:because|since|as|the reasons? (?:is|are|being|why))\s*:\s*$", re.IGNORECASE)


# A line ending in what spells the one action out: "…, allowing:", "…, so that:", "…, with:".
_SPELLS_OUT = re.compile(r",?\s+(?:allowing|enabling|so that|such that|with|to allow|to enable)\s*:$", re.I)


# "**Server**: `https://api.acme.invalid`", "Region: eu-west-1": a label and a short value, no work named.
_LABELLED_VALUE = re.compile(r"^[^:]{1,40}:\s+(?P<value>\S.*)$")


_MEASURED = re.compile(r"^[~<>≤≥≈]?\s*\d[\d.,]*\s*(?:%|x|ms|s|h|min|mins|hours?|days?|\(|$)", re.IGNORECASE)


_RESULT = re.compile(r"^[^:]{1,60}:\s*(?:✅|❌|✔️?|✓|✗|⚠️?|🟢|🔴)")


def checks_and_results(node: Node) -> bool:
    """A list of two or more entries that each name a check and mark its result ("`pnpm lint`: ✅ 0 errors")."""
    texts = _every_entry(node)
    return texts is not None and all(_RESULT.match(text) for text in texts)


# A step through a user interface: "Go to https://console.example.com", "Click **Edit**", "Select your project".
_UI_STEP = re.compile(
    r"^(?:go to|navigate to|click|select|open|log ?in(?:to)?|sign in(?:to)?|choose|enter|paste|copy|press|scroll"
    r"|tap|type|find|locate|visit|head to)\b",
    re.IGNORECASE,
)
_UI_MOVE = re.compile(r"\b(?:go to|navigate to|click|select|log ?in|sign in)\b", re.IGNORECASE)


def walks_through_ui(node: Node) -> bool:
    """A list of three or more entries, half of them or more a step through a user interface ("Go to the
    console", "Select your project", "Click **Regenerate**"): how one thing is done by hand, not items."""
    texts = _every_entry(node)
    if texts is None or len(texts) < 3:
        return False
    steps = sum(1 for text in texts if _UI_STEP.match(text.lstrip("*_ ")))
    return 2 * steps >= len(texts) and any(_UI_MOVE.search(text) for text in texts)


def _metrics(node: Node) -> bool:
    """A list whose every entry is a metric and its figure ("RC iterations: 12", "E2E verification: 100%
    (mandatory)", "Rework rate: < 10%"): where things stand or should stand, in any section."""
    texts = _every_entry(node)
    if texts is None:
        return False
    values = [_LABELLED_VALUE.match(text) for text in texts]
    return all(value is not None and _MEASURED.match(value.group("value")) for value in values)


def _labelled_values(node: Node) -> bool:
    """A list outside the action sections whose every entry gives a labelled value (a description of a thing:
    its server, its CA, its region), none of them an order, a promise or a report of work."""
    texts = _every_entry(node)
    if texts is None:
        return False
    for text in texts:
        match = _LABELLED_VALUE.match(text)
        if match is None or len(match.group("value").split()) > 12:
            return False  # a value, not an explanation
        label, value = text[: match.start("value")].rstrip(" :"), match.group("value")
        if any(reads_as_action(part) or reads_as_done(part) for part in (label, value)):
            return False  # "**Decouple the site**: …", "Monitoring: Add an alert …": work named
        if commits_in_prose(value) or reports_action(value):
            return False
    return True


# "*Resolution:*", "Solution:", "Fix (was already planned):" under a problem's own heading.
_SOLUTION_LABEL = re.compile(
    r"^(?:proposed |planned |possible )?(?:resolutions?|solutions?|fix(?:es)?|remed(?:y|ies)|mitigations?)"
    r"(?: \([^()]{0,40}\))?\s*:$",
    re.IGNORECASE,
)


def _resolves_by_orders(label: Node, following: Node) -> bool:
    """ "*Resolution:*" over "Define alerts …", "Improve the metrics strategy": a problem's resolution
    written as orders is the work to do about it (steps that put the incident right are told in the past)."""
    if following.type not in ("bullet_list", "ordered_list") or not _SOLUTION_LABEL.match(
        node_text(label).text.strip()
    ):
        return False
    texts = _entry_texts(following)
    if any(starts_with_past_form(text) or reports_done_work(text) for text in texts):
        return False
    return 2 * sum(1 for text in texts if opens_with_order(text)) >= len(texts) > 0


def tells_what_it_does(node: Node) -> bool:
    """A list whose entries each open with a verb in the third person ("- Uses Playwright to test the pages",
    "- Runs after every deployment"): what a thing does, not work to do."""
    return node.type in ("bullet_list", "ordered_list") and describes_behaviour(_entry_texts(node))


def _entry_texts(node: Node) -> list[str]:
    paragraphs = (next((c for c in entry.children if c.type == "paragraph"), None) for entry in node.children)
    return [node_text(p).text for p in paragraphs if p is not None]


def _every_entry(node: Node) -> list[str] | None:
    """The text of every entry of a list of two or more, each opened by a paragraph; None for anything else."""
    if node.type not in ("bullet_list", "ordered_list") or len(node.children) < 2:
        return None
    texts = _entry_texts(node)
    return texts if len(texts) == len(node.children) else None


def read_lead_in(reader: ItemReader, intro: Node, node: Node, group: Group | None) -> bool:
    """A list its lead-in paragraph says is no list of actions; True when read here. Under "we'll follow
    the steps" the list is a procedure's steps (no items); under "a bot that … reports:" it is what one
    thing holds, and the lead-in is the (low-confidence) item."""
    text = node_text(intro).text
    if names_rules(text) and text.rstrip().endswith(":"):
        # "Always:", "For network changes:": the rules the writers will work by, a checklist for each time.
        reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "rules to work by: not items")
        return True
    if names_procedure(text):
        reader.diagnostics.add(
            codes.NOT_AN_ITEM, first_line(node), "the steps of a procedure its lead-in names: not read as items"
        )
        return True
    if names_resolution(text):
        reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "how the incident was resolved: not items")
        return True
    if names_effects(text):
        reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "what its lead-in says a change brings: not items")
        return True
    if _GIVES_REASONS.search(text):
        # "… we don't see it as a priority because:": the list gives the reasons, it holds no work.
        reader.diagnostics.add(codes.NOT_AN_ITEM, first_line(node), "the reasons its lead-in gives: not read as items")
        return True
    spelt = _SPELLS_OUT.search(text)
    labelled = _LABEL.match(text)
    if spelt is not None and labelled is not None and reads_as_action(text[labelled.end() : spelt.start()].strip()):
        # "Jump server access: Configure an external jump server, allowing:" over what it allows: one
        # action, its list the detail.
        _keep_spelt_out(reader, text[: spelt.start()].strip(), first_line(intro), node, group)
        return True
    if not enumerates_contents(text):
        return False
    draft = reader.read_text(_Text(node_text(intro)), first_line(intro))
    _status_from_tense(draft)
    draft.confidence = "low"
    reader.keep(draft, group)
    return True


def label_group(node: Node, group: Group | None) -> Group | None:
    """A label line before a list that names the list's status, as a group carrying it (else None); a time
    frame it names ("… we will implement over the next month or two include:") is the entries' deadline."""
    found = _status_group(node, group)
    text = node_text(node).text.strip()
    last = _SENTENCE.split(text)[-1]
    frame = worded_deadline(last) if text.endswith(":") else None
    if frame is None:
        return found
    if found is None:
        promised = commits_in_prose(last.rstrip(":")) or _WE_WILL.search(last.replace("\u2019", "'"))
        if not (promised and (_ANNOUNCES_SEVERAL.search(last) or _INCLUDES.search(last))):
            return None  # "Starting with the next update, we're changing how rollouts work:" is itself the item
        found = dataclasses.replace(group or Group())
    if found.deadline_raw is None:
        found = dataclasses.replace(found, deadline_raw=frame)
    return found


def _status_group(node: Node, group: Group | None) -> Group | None:
    rendered = node_text(node)
    text = rendered.text.strip()
    announced = _announced_plans(text, group)
    if announced is not None:
        # "We're currently planning several things to improve …:": the writers' planned items, open
        # until said otherwise (a list's lead-in; a paragraph after it is no list and reads no group).
        return announced
    base = group or Group()
    team = _TEAM_WILL.match(text)
    if team is not None and len(text) <= 200 and _INTRODUCTION.search(text):
        # "The development team will conduct the following actions:": the owner of the list below.
        return Group(base.title, base.status, base.status_raw, base.deadline_raw, list(base.tickets), team.group("t"))
    bold = bool(rendered.bold_prefix) and text.startswith(rendered.bold_prefix or "")
    if not (text.endswith(":") or (bold and len(text) <= len(rendered.bold_prefix or "") + 1)):
        return None
    status = label_status(text.rstrip(":"))
    if status is None and text.endswith(":") and names_changes_made(text.rstrip(":")):
        status = Status.DONE  # "What changed:" over the changes made because of it
    if status is None:
        return None
    return Group(
        title=base.title,
        status=status,
        status_raw=text.rstrip(":"),
        deadline_raw=base.deadline_raw,
        tickets=list(base.tickets),
        owner=base.owner,
    )


# "**Gareth E**", "**Dana**", "**SRE team**": a bold line that is only a name, over the list of what
# that person or team takes on.
_NAME_LABEL = re.compile(r"^[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?(?: [A-Z]\.?)?$")
_TEAM_LABEL = re.compile(r"^(?:[A-Z][\w-]* )?[Tt]eam$")
# Nouns of a topic ("Monitoring", "Documentation", "Capacity"), which group actions by subject.
_TOPIC_ENDING = re.compile(r"(?:ing|ion|ment|ity|ness|ance|ence|ure|ogy|ics|ism|ship|ies|ops)$")


def owner_label(header: Header, source: str) -> str | None:
    """The person or team a bold label line names (``source``: the document's text, to tell a name from
    a common word), else None."""
    label = header.title
    if header.level != 0:
        return None
    if _TEAM_LABEL.match(label):
        return label
    if not _NAME_LABEL.match(label) or label_status(label) is not None or heading_strength(label) != NEUTRAL:
        return None
    if classify_title(label) != "other":
        return None  # "**Summary:**", "**Resumen:**" over a list: a section's name, never a person's
    words = [word for word in label.split() if len(word.rstrip(".")) > 1]
    # A name is written capitalised wherever it stands; a common word ("Process", "Backend") turns up in
    # lower case somewhere in the document.
    if any(_TOPIC_ENDING.search(word) or re.search(rf"\b{re.escape(word.lower())}\b", source) for word in words):
        return None
    return label


_TEAM_WILL = re.compile(
    r"^(?:the |our )?(?P<t>[A-Za-z][\w-]*(?: [A-Za-z][\w-]*)? team) (?:will|is going to|shall)\b", re.IGNORECASE
)


def read_prose_sentences(reader: ItemReader, node: Node, reports: bool) -> None:
    """The sentences of a paragraph in an action section that commit to or report work (low items);
    ``reports``: a sentence by the writers in the simple past reports work too ("I moved the job")."""
    _read_sentences(reader, node, STRONG, True, reports)


def _unread_sentences(reader: ItemReader, node: Node) -> tuple[str, int, list[str]] | None:
    """A paragraph's source, first line and rendered sentences, or None when an item was read from it."""
    start, end = first_line(node), last_line(node)
    if any(start <= draft.line <= end for draft in reader.drafts):
        return None
    content, env = inline_source(node)
    rendered = render_source(content, env) if content else node_text(node)
    return content, start, _SENTENCE.split(rendered.text)


def _read_sentences(
    reader: ItemReader, node: Node, strength: int, listed: bool, reports: bool, mode: str = "all"
) -> None:
    """Committing sentences of a paragraph no item was read from."""
    unread = _unread_sentences(reader, node)
    if unread is None:
        return
    content, start, sentences = unread
    if is_status_update(content):
        return  # "*Mitigating* - We continue to work to resolve …": a status page's live update
    emphasised = _read_emphasised(reader, node, strength, listed, start) if mode != "report" else []
    reporting = False  # after "I've bumped the RAM …", "I also installed the app" reports work too
    read_done = False  # the sentence before was read as work done
    for sentence in sentences:
        if any(text in sentence for text in emphasised):
            continue  # its emphasised commitment is the item
        if read_done and states_practice(sentence):
            # "The strategy has been updated to fix this. We now calculate …": the practice is that change.
            continue
        read_done = False
        labelled = _STATUS_LABEL.match(sentence)
        status = label_status(labelled.group("label")) if labelled else None
        # "We found the disk full. Action item: add an alert on disk usage.": the writers label the action
        # themselves, in whatever section they wrote it.
        marked = labelled is not None and _RUNNING_LABEL.match(labelled.group("label")) is not None
        if labelled is not None and (status is not None or marked):
            sentence = sentence[labelled.end() :]  # "Action planned: We will expand …"
            if marked and _NO_ACTION.match(sentence):
                continue  # "Action items: none."
        # Under "## Fix", "Added `else` to all four cases, …": the subject left out, as change notes are
        # written (its colon shows the change below, it introduces no list of items).
        noted = reports and starts_with_past_form(sentence)
        if _INTRODUCES.search(sentence) and not commits_in_prose(sentence.rstrip(":")) and not noted:
            continue  # "We will do the following:" introduces a list; it is no item itself
        if announces_items(sentence) or advises_others(sentence):
            continue
        fix = names_a_fix(sentence)
        noted = noted or fix == "done"
        promise = marked or commits_in_prose(sentence) or states_actions(sentence) or fix == "planned"
        report = (
            ongoing_work(sentence)
            or reports_done_work(sentence)
            or reports_prevention(sentence)
            or ((reports or reporting) and reports_action(sentence))
            or (reports and reports_fix(sentence))
            or noted
        )
        if report and not promise and (_CLOCK.search(sentence) or reports_response(sentence)):
            # "We rolled back at 10:05", "we have reached out to the users affected": the incident's response.
            continue
        reporting = reporting or (report and not promise)
        if not ((promise and mode != "report") or (report and not promise and mode != "commit")):
            continue
        score = max(strength, 0) + 2 + marked + _against(sentence)
        courtesy = _COURTESY_FIRST.match(sentence.strip()) if promise else None
        if courtesy is not None:
            sentence = sentence.strip()[courtesy.end() :]  # the commitment after "We apologise … and"
        draft = reader.read_text(_Text(Inline(sentence.strip())), _line_of(content, sentence, start))
        if draft.deadline_raw is None:
            draft.deadline_raw = worded_deadline(sentence)  # kept in the text: it is part of the sentence
        score += draft.fields_stated()
        if not draft.text or score < _bar(listed):
            continue
        if status is not None:
            draft.status, draft.status_raw, draft.status_marked = (
                status,
                labelled.group("label") if labelled else None,
                True,
            )
        _status_from_tense(draft)
        if noted and draft.status is None:
            draft.status, draft.status_raw, draft.status_guessed = Status.DONE, "past tense", True
        draft.confidence = "high" if score >= _HIGH + 1 else "low"
        reader.drafts.append(draft)
        read_done = draft.status is Status.DONE


# An apology or thanks the commitment is joined to: "We apologise for the inconvenience and we will …".
_COURTESY_FIRST = re.compile(
    r"^(?:we|i)(?: (?:sincerely|deeply|truly))? (?:apologi[sz]e|apologies|are sorry|'re sorry|am sorry|'m sorry"
    r"|thank)\b[^.;]{0,120}?,?\s+and\s+(?=(?:we|i)\b)",
    re.IGNORECASE,
)


# A span in bold: "… in advance of the next one **we should continue to engage map services**."
_BOLD = re.compile(
    r"(?<![*\w])\*\*(?=\S)([^*\n]{12,300}?)(?<=\S)\*\*(?![*\w])|(?<!\w)__(?=\S)([^_\n]{12,300}?)(?<=\S)__(?!\w)"
)
_WE = re.compile(r"\b(?:we|our team|the team)\b", re.IGNORECASE)


def _read_emphasised(reader: ItemReader, node: Node, strength: int, listed: bool, start: int) -> list[str]:
    """The writers' commitments a paragraph sets in bold, each one item ("… **we should continue to try to
    engage map services**", "**We will seek to raise money …**"): the emphasis marks what they resolve to
    do, the words around it are the reasoning. A bold opening the paragraph is its title (read elsewhere)."""
    content, env = inline_source(node)
    if "**" not in content and "__" not in content:
        return []
    read: list[str] = []
    for match in _BOLD.finditer(content):
        if not content[: match.start()].strip():
            continue
        text = render_source(match.group(1) or match.group(2), env).text.strip()
        if not _WE.search(text) or re.search(r"\b(?:should|must|could|would) have\b", text, re.IGNORECASE):
            continue  # another's duty, or a regret ("we should have set targets")
        if not (commits_in_prose(text) or promises_work(text)) or obliged_to_weigh(text):
            continue
        draft = reader.read_text(_Text(Inline(text)), _line_of(content, text, start))
        if not draft.text or max(strength, 0) + 2 + _against(text) + draft.fields_stated() < _bar(listed):
            continue
        _status_from_tense(draft)
        draft.confidence = "low"
        reader.drafts.append(draft)
        read.append(text)
    return read


def _line_of(content: str, sentence: str, start: int) -> int:
    """The source line a sentence starts on (its first words located in the paragraph's source)."""
    words = sentence.split()[:3]
    position = content.replace("\n", " ").find(" ".join(words)) if words else -1
    return start if position < 0 else start + content.count("\n", 0, position)
