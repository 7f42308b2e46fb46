"""Renderers: Markdown and CSV against golden files, the terminal table, JSON against its schema,
and HTML that needs no network. Regenerate the golden files with PMSYNC_UPDATE_GOLDEN=1."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reports.facts import ReportData, ReportSettings
from reports.layout import AnyReport
from reports.metrics import item_states, overdue_report, weekly_report
from reports.nudges import plan_nudges
from reports.quarterly import quarterly_report
from reports.render_csv import render_csv
from reports.render_html import render_html
from reports.render_json import render_json, report_schema
from reports.render_markdown import render_markdown
from reports.render_text import render_text
from reports.repeats import repeats_report
from tests.unit.report_fixtures import at, sample_data

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
AS_OF = at("2026-04-20 12:00")
SETTINGS = ReportSettings(timezone="Europe/Berlin")


def reports() -> dict[str, AnyReport]:
    data = sample_data()
    nudges = plan_nudges(item_states(data, AS_OF, SETTINGS), AS_OF, SETTINGS, set()).nudges
    return {
        "weekly": weekly_report(data, AS_OF, SETTINGS),
        "quarterly": quarterly_report(data, AS_OF, "2026Q2", SETTINGS),
        "overdue": overdue_report(data, AS_OF, SETTINGS, nudges),
        "repeats": repeats_report(data, AS_OF, SETTINGS),
    }


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PMSYNC_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with PMSYNC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["weekly", "quarterly", "overdue", "repeats"])
def test_markdown_and_csv_match_golden_files(kind: str) -> None:
    report = reports()[kind]
    check_golden(f"{kind}.md", render_markdown(report))
    check_golden(f"{kind}.csv", render_csv(report))


def test_golden_markdown_says_what_matters() -> None:
    weekly = (GOLDEN / "weekly.md").read_text(encoding="utf-8")
    # 6 items: 2 done, 1 won't do → 2 / (6 − 1); one of the two done items was late (reopened, done again)
    assert "Completion: 40 % (2/5)" in weekly
    assert "On time: 50 % (1/2)" in weekly
    assert "| INC-2026-0101#2 | T-INC-2026-0101#2 | alice | P1 | 2026-01-18 | 92 | in\\_progress |" in weekly
    repeats = (GOLDEN / "repeats.md").read_text(encoding="utf-8")
    assert "INC-2026-0415 repeats INC-2026-0101" in repeats
    assert "fixed but recurred" in repeats


def test_markdown_escapes_pipes_in_cells() -> None:
    data = sample_data()
    piped = ReportData(
        incidents=data.incidents,
        items=tuple(
            i if i.key != "INC-2026-0101#2" else type(i)(**{**_fields(i), "text": "a | b"}) for i in data.items
        ),
    )
    assert "a \\| b" in render_markdown(overdue_report(piped, AS_OF, SETTINGS))


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


def test_terminal_table_is_aligned_and_truncates_long_cells() -> None:
    text = render_text(reports()["overdue"])
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("item "))
    rule = lines[lines.index(header) + 1]
    assert set(rule.replace(" ", "")) == {"-"}
    assert "Overdue (2 of 3 open items)" in text
    long = ReportData(
        incidents=sample_data().incidents,
        items=tuple(
            type(i)(**{**_fields(i), "text": "x" * 100}) if i.key == "INC-2026-0101#2" else i
            for i in sample_data().items
        ),
    )
    assert "x" * 59 + "…" in render_text(overdue_report(long, AS_OF, SETTINGS))


@pytest.mark.parametrize("kind", ["weekly", "quarterly", "overdue", "repeats"])
def test_json_is_valid_against_the_published_schema(kind: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(render_json(reports()[kind]))
    jsonschema.validate(document, report_schema())
    assert document["kind"] == kind
    assert document["as_of"] == "2026-04-20T12:00:00Z"


def test_json_numbers_are_unformatted_and_rates_carry_denominators() -> None:
    weekly = json.loads(render_json(reports()["weekly"]))
    assert weekly["completion"]["completion"] == {"numerator": 2, "denominator": 5, "value": 0.4}
    quarterly = json.loads(render_json(reports()["quarterly"]))
    assert quarterly["quarters"][-1]["cost_total"] == "9000"


@pytest.mark.parametrize("kind", ["weekly", "quarterly", "overdue", "repeats"])
def test_html_is_self_contained_and_deterministic(kind: str) -> None:
    report = reports()[kind]
    html = render_html(report)
    assert html == render_html(report)
    # Nothing that could make a request: no scripts, links, sources or CSS urls; a CSP forbids them anyway.
    assert not re.search(r"<script|<link|<img|<iframe|\ssrc=|url\((?!#)|@import", html, re.I)
    assert not re.search(r'href="(?!https?://)', html)  # links go to the tracker only
    assert "default-src 'none'" in html
    figures, charts = {"weekly": (4, 5), "quarterly": (4, 4), "overdue": (1, 1), "repeats": (0, 0)}[kind]
    assert html.count('<figure class="chart"') == figures
    assert html.count("<svg") == charts
    assert (
        len(re.findall(r'<svg[^>]*role="img"[^>]*><title>[^<]+</title>', html)) == charts
    )  # described, for screen readers


def test_html_escapes_text() -> None:
    data = sample_data()
    hostile = ReportData(
        incidents=data.incidents,
        items=tuple(
            type(i)(**{**_fields(i), "text": "<script>alert(1)</script>"}) if i.key == "INC-2026-0101#2" else i
            for i in data.items
        ),
    )
    html = render_html(overdue_report(hostile, AS_OF, SETTINGS))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_empty_reports_render() -> None:
    empty = ReportData()
    for report in (
        weekly_report(empty, AS_OF, SETTINGS),
        quarterly_report(empty, AS_OF, "2026Q2", SETTINGS),
        overdue_report(empty, AS_OF, SETTINGS),
        repeats_report(empty, AS_OF, SETTINGS),
    ):
        assert render_markdown(report)
        assert render_csv(report).count("\n") >= 1
        assert "no data" in render_html(report) or isinstance(report, type(repeats_report(empty, AS_OF, SETTINGS)))
    assert "Nothing is overdue." in render_text(overdue_report(empty, AS_OF, SETTINGS))
    assert "no incidents in 2026Q2" in render_markdown(quarterly_report(empty, AS_OF, "2026Q2", SETTINGS))


def hostile_overdue() -> AnyReport:
    """Overdue items whose texts and owners carry spreadsheet formulas and Markdown specials."""
    from tests.unit.report_fixtures import incident, item

    texts = [
        '=HYPERLINK("http://evil.example","click")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+2",
        "-2+3",
        "\tTabbed",
        "\rReturn",
        "*urgent* fix | the <b>pool</b> [link](x) `code` ~gone~ a_b",
    ]
    data = ReportData(
        incidents=(incident("INC-1"),),
        items=tuple(item(f"INC-1#{n}", due="2026-03-01", text=t) for n, t in enumerate(texts, start=1)),
    )
    return overdue_report(data, AS_OF, SETTINGS)


def test_csv_cells_that_start_a_formula_are_neutralised() -> None:
    """Issue 24 item 5: OWASP's rule — a leading ' makes the cell text in a spreadsheet."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(render_csv(hostile_overdue()), newline="")))
    header, body = rows[0], rows[1:]
    texts = [row[header.index("text")] for row in body]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert '\'=HYPERLINK("http://evil.example","click")' in texts
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in texts
    assert {"'+1+2", "'-2+3", "'\tTabbed", "'\nReturn"} <= set(texts)  # a bare CR would split the row
    # plain numbers stay numbers for BI tools
    assert all(row[header.index("days_overdue")].isdigit() for row in body)


def test_neutralise_leaves_numbers_and_ordinary_text_alone() -> None:
    from reports.render_csv import neutralise

    assert [neutralise(c) for c in ("-3", "-0.25", "1e-05", "ok", "", "a=b")] == [
        "-3",
        "-0.25",
        "1e-05",
        "ok",
        "",
        "a=b",
    ]
    assert neutralise("-3 days") == "'-3 days"


def test_markdown_escapes_its_specials() -> None:
    """Issue 24 item 5: a cell's *, |, <tag>, [link] and backticks show as written."""
    md = render_markdown(hostile_overdue())
    row = next(line for line in md.splitlines() if "urgent" in line)
    assert "\\*urgent\\* fix \\| the &lt;b&gt;pool&lt;/b&gt; \\[link\\](x) \\`code\\` \\~gone\\~ a\\_b" in row
    assert row.count(" | ") == 7  # the escaped pipe did not add a column
    assert "<b>" not in md


def test_weekly_html_has_the_trend_the_overdue_groups_and_ticket_links() -> None:
    """Issue 28 §4: 12 weeks of completion from the history, overdue by team and by owner, ticket
    keys linking to the tracker; Markdown links them too, the terminal shows the key."""
    from tests.unit.report_fixtures import incident, item

    data = ReportData(
        incidents=(incident("INC-1", team="payments"), incident("INC-2", team="search")),
        items=(
            item("INC-1#1", due="2026-03-01", owner="dana", url="https://jira.example/browse/OPS-1"),
            item("INC-1#2", due="2026-03-02", owner="dana", url="javascript:alert(1)"),
            item("INC-2#1", incident="INC-2", due="2026-03-03", owner="lee"),
            item("INC-2#2", incident="INC-2", due="2026-03-03", history=[("done", "2026-03-10 10:00")]),
        ),
    )
    report = weekly_report(data, AS_OF, SETTINGS)
    assert len(report.completion_trend) == 12
    assert report.completion_trend[-1].week_end.isoformat() == "2026-04-20"
    assert report.completion_trend[0].week_end.isoformat() == "2026-02-02"
    assert [w.completion.percent() for w in report.completion_trend[4:7]] == ["0 % (0/4)", "0 % (0/4)", "25 % (1/4)"]
    html = render_html(report)
    assert '<a href="https://jira.example/browse/OPS-1">T-INC-1#1</a>' in html
    assert "javascript:" not in html  # another scheme is shown as plain text
    assert "Overdue items by team" in html and "Overdue items by owner" in html
    team_table = html[html.index("<th>team</th>") :]
    assert team_table.index("payments") < team_table.index("search")  # most overdue first
    assert "[T\\-INC\\-1#1]" not in render_markdown(report)
    assert "[T-INC-1#1](https://jira.example/browse/OPS-1)" in render_markdown(report)
    assert "T-INC-1#1" in render_text(report) and "https://" not in render_text(report)


def test_weekly_overdue_table_is_capped_with_and_n_more() -> None:
    """Issue 28 §4: at 100,000 items the page was 5.3 MB; the table shows the 50 most overdue."""
    from reports.layout import OVERDUE_ROWS
    from tests.unit.report_fixtures import incident, item

    items = tuple(item(f"INC-1#{n}", due=f"2026-03-{1 + n % 28:02d}") for n in range(1, OVERDUE_ROWS + 8))
    report = weekly_report(ReportData(incidents=(incident("INC-1"),), items=items), AS_OF, SETTINGS)
    assert len(report.overdue) == OVERDUE_ROWS + 7  # the data keeps every one (JSON, CSV)
    for text in (render_html(report), render_markdown(report), render_text(report)):
        assert f"The {OVERDUE_ROWS} most overdue, and 7 more" in text
    md = render_markdown(report)
    assert sum(1 for line in md.splitlines() if line.startswith("| INC-1#")) == OVERDUE_ROWS
    assert (
        render_csv(overdue_report(ReportData(incidents=(incident("INC-1"),), items=items), AS_OF, SETTINGS)).count("\n")
        == OVERDUE_ROWS + 8
    )


def test_svg_axes_are_round_and_empty_charts_say_no_data() -> None:
    from reports import svg

    assert svg.bars("t", [], [svg.Series("s", [])], "u").count("no data") == 1
    assert "no data" in svg.line("t", ["a"], svg.Series("s", [None]), "u")
    assert "no data" in svg.horizontal_bars("t", ["a"], [0.0], "u")
    drawn = svg.bars("t", ["a", "b"], [svg.Series("s", [3.0, None])], "items")
    assert ">4</text>" in drawn and ">0.8<" not in drawn  # whole-number grid for counts
    gap = svg.line("t", ["a", "b", "c"], svg.Series("s", [1.0, None, 2.0]), "u")
    assert gap.count("M") == 2  # the line breaks where a value is missing
    assert "&lt;b&gt;" in svg.horizontal_bars("t", ["<b>"], [1.0], "u")


def test_an_overdue_item_without_a_ticket_shows_a_dash() -> None:
    from reports.layout import ticket_cell

    assert ticket_cell(None, "https://x") == "–"
    from reports.svg import _nice_max

    assert _nice_max(0) == 4.0 and _nice_max(-1) == 4.0


def test_late_reviews_are_capped_too() -> None:
    from reports.layout import LATE_ROWS
    from tests.unit.report_fixtures import incident

    late = tuple(
        incident(f"INC-{n}", start="2026-03-01 10:00", end="2026-03-01 11:00", review="2026-03-05")
        for n in range(LATE_ROWS + 3)
    )
    md = render_markdown(weekly_report(ReportData(incidents=late), AS_OF, SETTINGS))
    assert f"The {LATE_ROWS} most delayed reviews, and 3 more" in md
    assert sum(1 for line in md.splitlines() if line.startswith("| INC-")) == LATE_ROWS


def test_html_needs_no_plotting_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22 §2: the HTML report, charts included, on the base install (no matplotlib)."""
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # how Python spells "not importable"
    html = render_html(reports()["weekly"])
    assert html.count("<svg") == 5
