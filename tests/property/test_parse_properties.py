"""Properties: the parser never raises, and render → parse is the identity on rendered fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock

from sync.core.model import (
    ActionItem,
    ContributingFactor,
    CostInputs,
    Detection,
    DetectionMethod,
    Impact,
    ParseResult,
    PostMortem,
    PreventionCheck,
    Priority,
    Severity,
    Status,
    TicketLink,
    TimelineEntry,
    Why,
)
from sync.core.parse import blocks, parse_document
from sync.core.writeback import ItemWriteback, plan_writeback
from tests.markdown import render_markdown

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "shared"
S01_LINES = (CORPUS / "s01-template-checkout-502.md").read_text(encoding="utf-8").split("\n")
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIUM = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_result(result: ParseResult, path: str) -> None:
    assert isinstance(result, ParseResult) and result.path == path
    if result.postmortem is None:
        assert any(d.severity.value == "error" for d in result.diagnostics)
    assert not any(d.code == "PM004" for d in result.diagnostics), [d.message for d in result.diagnostics]


@FAST
@given(st.text())
def test_arbitrary_text_never_raises(text: str) -> None:
    check_result(parse_document(text, "t.md"), "t.md")


@FAST
@given(st.binary())
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    check_result(parse_document(data, "b.md"), "b.md")


_MARKDOWN_BITS = st.sampled_from(
    [
        "#",
        "##",
        "- ",
        "* ",
        "1. ",
        "[ ]",
        "[x]",
        "|",
        "---",
        "**",
        "`",
        "```",
        "(",
        ")",
        "[",
        "]",
        "<",
        ">",
        "@x",
        "P1",
        "Action Items",
        "Timeline",
        "14:02",
        "\n",
        "\n\n",
        "    ",
        ":",
        "—",
        "✅",
        "{{",
        "}}",
    ]
)


@MEDIUM
@given(st.lists(st.one_of(_MARKDOWN_BITS, st.text(max_size=8)), max_size=60))
def test_markdown_soup_never_raises(bits: list[str]) -> None:
    check_result(parse_document("".join(bits), "soup.md"), "soup.md")


@st.composite
def mutated_s01(draw: st.DrawFn) -> str:
    lines = list(S01_LINES)
    for _ in range(draw(st.integers(1, 8))):
        if not lines:
            break
        operation = draw(st.sampled_from(["delete", "duplicate", "swap", "insert"]))
        index = draw(st.integers(0, len(lines) - 1))
        if operation == "delete":
            del lines[index]
        elif operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        else:
            position = draw(st.integers(0, len(lines[index])))
            noise = draw(st.text(min_size=1, max_size=5))
            lines[index] = lines[index][:position] + noise + lines[index][position:]
    if draw(st.booleans()):
        lines = draw(st.permutations(lines))
    return "\n".join(lines)


@MEDIUM
@given(mutated_s01())
def test_mutated_template_never_raises(document: str) -> None:
    result = parse_document(document, "m.md")
    check_result(result, "m.md")
    if document.strip():
        assert result.postmortem is not None


# -- round trip ------------------------------------------------------------------------------------------

_VERBS = ["Add", "Fix", "Document", "Review", "Automate", "Monitor", "Rotate", "Split", "Tune", "Replace"]
_NOUNS = [
    "cache",
    "pool",
    "config",
    "alert",
    "canary",
    "runbook",
    "database",
    "queue",
    "timeout",
    "dashboard",
    "quota",
    "replica",
    "probe",
    "index",
    "gateway",
    "scheduler",
    "certificate",
    "backup",
    "limits",
]
_TITLE_WORDS = ["Checkout", "Search", "Billing", "Login", "Gateway", "Payments", "Ledger", "Mobile"]
_FACTORS = [
    "Missing/inadequate monitoring",
    "Insufficient testing",
    "Documentation gaps",
    "Process not followed",
    "Knowledge concentration (bus factor)",
    "Capacity/scaling limits",
    "Third-party dependency",
    "Communication breakdown",
    "Change management failure",
    "Technical debt",
]

words = st.lists(st.sampled_from(_NOUNS), min_size=1, max_size=6).map(" ".join)
sentence = st.builds(lambda verb, rest: f"{verb} {rest}", st.sampled_from(_VERBS), words)
handle = st.from_regex(r"[a-z][a-z0-9]{1,8}", fullmatch=True)
owner = st.one_of(
    st.none(),
    handle.map(lambda h: f"@{h}"),
    handle.map(lambda h: f"{h}@example.com"),
    handle.map(lambda h: f"{h}-team"),
)
utc_minutes = st.datetimes(min_value=dt.datetime(2015, 1, 1), max_value=dt.datetime(2030, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.UTC)
)
money = st.integers(0, 10_000_000).map(Decimal)
jira = st.builds(
    lambda p, n: TicketLink(system="jira", key=f"{p}-{n}"), st.sampled_from(["OPS", "PAY", "SRE"]), st.integers(1, 9999)
)


@st.composite
def action_items(draw: st.DrawFn) -> tuple[ActionItem, ...]:
    count = draw(st.integers(0, 8))
    items = []
    for number in range(1, count + 1):
        tickets = draw(st.lists(jira, max_size=2, unique_by=lambda t: t.key))
        items.append(
            ActionItem(
                number=number,
                text=draw(sentence),
                owner=draw(owner),
                deadline=draw(st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))),
                priority=draw(st.one_of(st.none(), st.sampled_from(Priority))),
                status=draw(st.one_of(st.none(), st.sampled_from(Status))),
                tickets=tuple(tickets),
                line=1,
            )
        )
    return tuple(items)


@st.composite
def cost_inputs(draw: st.DrawFn) -> CostInputs | None:
    if not draw(st.booleans()):
        return None
    values: dict[str, Any] = {}
    for name in ("revenue_lost", "sla_credits", "vendor_costs", "brand_estimate"):
        if draw(st.booleans()):
            values[name] = draw(money)
    if draw(st.booleans()):
        values["engineering_hours"] = Decimal(draw(st.integers(1, 500)))
        values["hourly_rate"] = Decimal(draw(st.integers(1, 500)))
    if draw(st.booleans()):
        values["churn_users"] = draw(st.integers(1, 1_000_000))
        values["churn_probability"] = Decimal(draw(st.integers(1, 999))) / 1000
        values["lifetime_value"] = Decimal(draw(st.integers(1, 5000)))
    return CostInputs(**values) if values else None


@st.composite
def postmortems(draw: st.DrawFn) -> PostMortem:
    started = draw(st.one_of(st.none(), utc_minutes))
    ended = (
        draw(st.one_of(st.none(), utc_minutes))
        if started is None
        else (started + dt.timedelta(minutes=draw(st.integers(0, 5000))) if draw(st.booleans()) else None)
    )
    times = draw(st.lists(st.tuples(st.integers(0, 23), st.integers(0, 59), sentence), max_size=5))
    factors = draw(st.lists(st.sampled_from(_FACTORS), unique=True, max_size=10))
    return PostMortem(
        path="rt.md",
        content_sha256="0" * 64,
        title=" ".join(draw(st.lists(st.sampled_from(_TITLE_WORDS), min_size=1, max_size=3))) + " outage",
        incident_id=draw(st.one_of(st.none(), st.from_regex(r"INC-[0-9]{1,5}", fullmatch=True))),
        severity=draw(st.one_of(st.none(), st.sampled_from(Severity))),
        started_at=started,
        ended_at=ended,
        duration_minutes=draw(st.one_of(st.none(), st.integers(0, 10_000))),
        review_date=draw(st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))),
        impact=Impact(
            users=draw(st.one_of(st.none(), st.integers(0, 10_000_000))),
            revenue_lost=draw(st.one_of(st.none(), money)),
            sla_breached=draw(st.one_of(st.none(), st.booleans())),
        ),
        detection=Detection(
            method=draw(st.one_of(st.none(), st.sampled_from(DetectionMethod))),
            delay_minutes=draw(st.one_of(st.none(), st.integers(0, 10_000))),
        ),
        timeline=tuple(TimelineEntry(time=f"{h:02d}:{m:02d}", text=t, line=1) for h, m, t in times),
        whys=tuple(Why(number=i, text=t, line=1) for i, t in enumerate(draw(st.lists(sentence, max_size=5)), 1)),
        factors=tuple(
            ContributingFactor(
                name=name,
                score=draw(st.one_of(st.none(), st.integers(0, 3))),
                notes=draw(st.one_of(st.none(), words)),
                line=1,
            )
            for name in factors
        ),
        went_well=tuple(draw(st.lists(sentence, max_size=4))),
        action_items=draw(action_items()),
        prevention=tuple(
            PreventionCheck(text=t, checked=c, line=1)
            for t, c in draw(st.lists(st.tuples(sentence, st.booleans()), max_size=5))
        ),
        cost_inputs=draw(cost_inputs()),
        team=draw(st.one_of(st.none(), handle)),
        service=draw(st.one_of(st.none(), handle)),
        industry=draw(st.one_of(st.none(), st.sampled_from(["fintech", "saas", "healthcare"]))),
        tags=tuple(draw(st.lists(handle, unique=True, max_size=3))),
    )


def rendered_fields(pm: PostMortem) -> dict[str, Any]:
    duration = pm.duration_minutes
    if duration is None and pm.started_at and pm.ended_at:
        duration = int((pm.ended_at - pm.started_at).total_seconds() // 60)  # the parser computes it
    return {
        "title": pm.title,
        "incident_id": pm.incident_id,
        "severity": pm.severity,
        "started_at": pm.started_at,
        "ended_at": pm.ended_at,
        "duration_minutes": duration,
        "review_date": pm.review_date,
        "impact": (pm.impact.users, pm.impact.revenue_lost, pm.impact.sla_breached),
        "detection": (pm.detection.method, pm.detection.delay_minutes),
        "timeline": [(e.time, e.text) for e in pm.timeline],
        "whys": [w.text for w in pm.whys],
        "factors": [(f.name, f.score, f.notes) for f in pm.factors],
        "went_well": list(pm.went_well),
        "items": [
            (i.number, i.text, i.owner, i.deadline, i.priority, i.status, sorted(t.key for t in i.tickets))
            for i in pm.action_items
        ],
        "prevention": [(c.text, c.checked) for c in pm.prevention],
        "cost": pm.cost_inputs,
        "front": (pm.team, pm.service, pm.industry, pm.tags),
    }


@MEDIUM
@given(postmortems())
def test_render_then_parse_round_trips(pm: PostMortem) -> None:
    result = parse_document(render_markdown(pm), "rt.md")
    assert result.postmortem is not None
    # The only warning allowed is the one that says an item states no owner / no priority.
    assert [d for d in result.diagnostics if d.severity.value != "info" and d.code != "PM050"] == []
    unsure = {d.line for d in result.diagnostics if d.code == "PM050"}
    assert unsure == {i.line for i in result.postmortem.action_items if i.owner is None or i.priority_raw is None}
    assert rendered_fields(result.postmortem) == rendered_fields(pm)


# --- write-back round trip: writing tickets and statuses back never changes what the items say -------------

_ITEM_WORDS = st.sampled_from(
    [
        *_VERBS,
        *_NOUNS,
        "the",
        "(see",
        "docs)",
        "(2x)",
        "#12",
        "OPS-7",
        "v2",
        "—",
        "-",
        ":",
        "by",
        "due",
        "owner:",
        "@ana",
        "ops-team",
        "done",
        "(done)",
        "(P1)",
        "[Rick]",
        "2026-04-01",
        "Q3",
        "`cfg`",
        "[link](https://example.com/a)",
        "<https://github.com/o/r/issues/3>",
    ]
)
_PREFIXES = st.sampled_from(["", "P1: ", "(P0, @kofi) ", "(P2, ops-team, due 2026-05-01) ", "✅ "])
_SUFFIXES = st.sampled_from(
    ["", " — @ravi", " — @ravi (done 2026-04-22)", " — owner: mei@example.com, due 2026-05-15", " — done", " [Rick]"]
)


@st.composite
def item_texts(draw: st.DrawFn) -> str:
    body = " ".join(draw(st.lists(_ITEM_WORDS, min_size=1, max_size=10)))
    return draw(_PREFIXES) + body + draw(_SUFFIXES)


def _items_after_writeback(document: str, ticket: str) -> None:
    result = parse_document(document, "wb.md")
    assert result.postmortem is not None
    before = result.postmortem.action_items
    updates = [
        ItemWriteback(number=i.number, line=i.line, ticket_markdown=ticket.format(n=i.number), status_label="Done")
        for i in before
    ]
    written = plan_writeback(document, updates)
    skipped = {number for number, _ in written.skipped}
    again = parse_document(written.text, "wb.md")
    assert again.postmortem is not None
    after = again.postmortem.action_items
    kept = ("number", "text", "owner", "priority", "priority_raw", "deadline", "deadline_raw", "kind", "group")
    assert [[getattr(i, f) for f in kept] for i in after] == [[getattr(i, f) for f in kept] for i in before]
    for old, new in zip(before, after, strict=True):
        key = ticket.format(n=old.number).split("]")[0].lstrip("[")
        assert old.number in skipped or key in [t.key for t in new.tickets]


_TICKETS = st.sampled_from(["DEMO-{n}", "[PROJ-{n}](https://jira.example.com/browse/PROJ-{n})"])


@MEDIUM
@given(st.lists(item_texts(), min_size=1, max_size=4), st.sampled_from(["- ", "- [ ] ", "- [x] ", "1. "]), _TICKETS)
def test_list_items_survive_writeback(texts: list[str], marker: str, ticket: str) -> None:
    lines = "\n".join(marker + text for text in texts)
    _items_after_writeback(f"# Outage\n\n## Action Items\n\n{lines}\n", ticket)


@MEDIUM
@given(st.lists(item_texts(), min_size=1, max_size=4), st.booleans(), _TICKETS)
def test_table_items_survive_writeback(texts: list[str], ticket_column: bool, ticket: str) -> None:
    extra_head, extra_rule, extra_cell = (" Ticket |", "---|", "  |") if ticket_column else ("", "", "")
    rows = "\n".join(
        f"| {n} | {text.replace('|', '/')} | @dana | Open |{extra_cell}" for n, text in enumerate(texts, 1)
    )
    table = f"| # | Action | Owner | Status |{extra_head}\n|---|---|---|---|{extra_rule}\n{rows}"
    _items_after_writeback(f"# Outage\n\n## Action Items\n\n{table}\n", ticket)


# --- the simple inline renderer agrees with markdown-it wherever it answers ---------------------------------

_INLINE_BITS = st.sampled_from(
    [
        "Fix",
        "the cache",
        " ",
        "  ",
        "\n",
        "**",
        "*",
        "[",
        "]",
        "(",
        ")",
        "](",
        "[x]",
        "[ ]",
        "[PROJ-1](https://jira.example.com/browse/PROJ-1)",
        "[#12](https://github.com/o/r/issues/12)",
        "(https://EXAMPLE.com/a?b=c#d)",
        "https://example.com/a b",
        "**Label**",
        "**Label:**",
        "**a**",
        "@ana",
        "—",
        ":",
        "!",
        "2026-04-01",
        "é",
    ]
)


@FAST
@given(st.lists(_INLINE_BITS, min_size=1, max_size=12))
def test_simple_inline_rendering_matches_markdown_it(bits: list[str]) -> None:
    content = "".join(bits).strip()
    events = blocks._simple_events(content, {})
    if events is None:
        return
    tokens: list[Any] = []
    blocks._MD.inline.parse(content, blocks._MD, {}, tokens)
    assert blocks._render(events) == blocks.render_inline(tokens)


_MARKDOWN_PIECES = st.sampled_from(
    [
        "Text line",
        "- item",
        "1. step",
        "> quoted",
        "<div>",
        "</div>",
        "```",
        "~~~",
        "[ref]: https://example.com",
        "| a | b |",
        "|---|---|",
        "---",
        "# Heading",
        "    code",
        "",
        "  - nested",
        "***",
        "Setext",
        "===",
    ]
)


def _tree_shape(text: str, parser: Any) -> list[tuple[str, Any, str]]:
    env: dict[str, Any] = {}
    shape = [(t.type, t.map, t.content) for t in parser.parse(text, env)]
    return [*shape, ("env", None, repr(env))]


@MEDIUM
@given(st.lists(_MARKDOWN_PIECES, max_size=14))
def test_the_lean_block_parser_builds_the_tree_the_full_one_does(lines: list[str]) -> None:
    """The block parser chosen per document leaves out rules whose marks the text lacks; the tokens, their
    lines and the link references must be exactly what the full rule set gives."""
    text = "\n".join(lines)
    assert _tree_shape(text, blocks._block_parser(text)) == _tree_shape(text, blocks._MD)


def test_the_lean_block_parser_matches_the_full_one_on_every_corpus_document() -> None:
    documents = sorted((Path(__file__).resolve().parents[1] / "corpus").rglob("*.md"))
    assert len(documents) > 200
    lean = 0
    for path in documents:
        text = path.read_text(encoding="utf-8", errors="replace")
        parser = blocks._block_parser(text)
        lean += parser is not blocks._MD
        assert _tree_shape(text, parser) == _tree_shape(text, blocks._MD), path
    assert lean > 100  # most real documents lack at least one construct


def _state_fields(state: Any) -> dict[str, Any]:
    return {name: value for name, value in vars(state).items() if name not in ("md", "env", "tokens")}


_LINE_PIECES = st.sampled_from(
    ["", " ", "  ", "\t", " \t ", "\t\t", "a", " b", "\t- x", "x\ty", "\n", "\n\n", "\r", "\xa0", "\v"]
)


@FAST
@given(st.lists(_LINE_PIECES, max_size=16))
def test_the_lean_state_marks_the_lines_as_markdown_it_does(pieces: list[str]) -> None:
    """The lean state finds the line marks (begin, end, indent, tab-expanded indent) with string methods;
    every field must be what markdown-it's own state holds, blank and tab-indented lines included."""
    text = "".join(pieces)
    full = StateBlock(text, blocks._MD, {}, [])
    assert _state_fields(blocks._LeanState(text, blocks._MD, {}, [])) == _state_fields(full)


def test_the_lean_state_marks_every_corpus_document_as_markdown_it_does() -> None:
    for path in sorted((Path(__file__).resolve().parents[1] / "corpus").rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        full = StateBlock(text, blocks._MD, {}, [])
        assert _state_fields(blocks._LeanState(text, blocks._MD, {}, [])) == _state_fields(full), path


@pytest.mark.parametrize("text", ["| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\n", "- one\0\n- two\n"])
def test_a_text_with_carriage_returns_or_nuls_keeps_markdown_its_normalisation(text: str) -> None:
    assert _tree_shape(text, blocks._block_parser(text)) == _tree_shape(text, blocks._MD)


def test_without_the_lean_token_builder_the_parsers_build_the_same_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    # A markdown-it whose Token has other fields than those the lean builder sets gets the normal builder.
    monkeypatch.setattr(blocks, "_LEAN_TOKENS", False)
    monkeypatch.setattr(blocks, "_BLOCK_PARSERS", {})
    text = "# T\n\n| Action | Owner |\n|---|---|\n| Add alerts | @kim |\n\n- one\n  - two\n"
    parser = blocks._block_parser(text)
    assert not isinstance(parser.block, blocks._LeanParserBlock)
    assert _tree_shape(text, parser) == _tree_shape(text, blocks._MD)


def test_a_table_rule_of_another_shape_is_left_as_it_is() -> None:
    def other_rule(state: Any, start: int, end: int, silent: bool) -> bool:
        return False

    assert blocks._with_fast_split(other_rule) is other_rule
