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
    assert not re.search(r'href="(?!#)', html)
    assert "default-src 'none'" in html
    charts = {"weekly": 2, "quarterly": 4, "overdue": 1, "repeats": 0}[kind]
    assert html.count('<figure class="chart"') == charts
    assert html.count("<svg") == charts


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
