"""Bounded fuzzing of the two parsers of user input: the post-mortem parser and the configuration
loader. Neither may raise anything but its documented error, and neither may hang.

CI runs a bounded number of examples; a longer local run raises the budget (see README):
``PMSYNC_FUZZ_EXAMPLES=20000 python -m pytest -q -p no:cacheprovider tests/property/test_fuzz.py``.
The per-example deadline is a hang guard (regex backtracking, loops), generous enough never to flag a
slow machine, not a performance assertion — the benchmark lives in ``bench/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import string
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.config.loading import load_settings
from sync.config.models import Settings
from sync.core.parse import parse_document
from sync.errors import ConfigError

EXAMPLES = int(os.environ.get("PMSYNC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ROOT = Path(__file__).resolve().parents[2]

# -- the post-mortem parser --------------------------------------------------------------------------

_WORD = st.sampled_from(
    [
        "Add",
        "alert",
        "**Owner:**",
        "@kim",
        "P0",
        "[P1]",
        "(P2, @li, due 5 Dec)",
        "DONE:",
        "TODO",
        "~~",
        "✅",
        "[x]",
        "Bug 1587511 -",
        "JIRA-12:",
        "#123",
        "—",
        "by 2026-03-01",
        "Priority: P7",
        "owner: x",
        "(done)",
        "Q4 2025",
        "https://github.com/a/b/issues/1",
        "[link](https://example.com)",
        "`code`",
        "|",
        "\\",
        "<b>",
        "&amp;",
        "will",
        "should",
        "We",
        "the",
        "queue",
        "(",
        ")",
        "[",
        "]",
        ":",
        "**",
        "_",
        "*",
    ]
)
_TEXT = st.lists(_WORD | st.text(string.printable + "—–✅é漢", max_size=12), min_size=1, max_size=12).map(" ".join)
_HEADING = st.sampled_from(
    [
        "## Action Items",
        "### Done",
        "### Remaining",
        "## Next steps",
        "## Lessons Learned and Future Improvements",
        "## Timeline",
        "## Summary",
        "### Prevention",
        "##",
        "Action items",
        "**Action Items**:",
        "# Title",
    ]
)
_TABLE = st.builds(
    lambda header, rows: "\n".join(
        ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]
    ),
    st.lists(
        st.sampled_from(["Action", "Owner", "P", "Status", "Due", "Notes", "Field", "Value", "#", "Bug"]),
        min_size=1,
        max_size=5,
    ),
    st.lists(st.lists(_TEXT, min_size=1, max_size=5), max_size=4),
)
_BLOCK = st.one_of(
    _HEADING,
    _TEXT,
    _TEXT.map(lambda t: f"- {t}"),
    _TEXT.map(lambda t: f"1. **{t}**\n   {t}\n   - {t}"),
    _TEXT.map(lambda t: f"- [ ] {t}\n  - Owner: {t}"),
    _TABLE,
    st.just("---\ntitle: [unclosed\n---"),
)
DOCUMENTS = st.lists(_BLOCK, max_size=14).map("\n\n".join)


@FUZZ
@given(DOCUMENTS)
def test_parser_fuzz_never_raises_and_locates_everything(text: str) -> None:
    result = parse_document(text, "fuzz.md")
    assert not any(d.code == "PM004" for d in result.diagnostics), [d.message for d in result.diagnostics]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1  # lines as the parser numbers them
    assert all(d.line is None or 1 <= d.line <= lines for d in result.diagnostics)
    if result.postmortem is None:
        return
    items = result.postmortem.action_items
    assert all(item.text.strip() and 1 <= item.line <= lines for item in items)
    assert len({item.number for item in items}) == len(items)


# -- the configuration loader ------------------------------------------------------------------------

_EXAMPLE: dict[str, Any] = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
_KEYS = [(section, key) for section, table in _EXAMPLE.items() if isinstance(table, dict) for key in table]
_VALUE = st.one_of(  # TOML value text, valid or not
    st.integers(-(2**40), 2**40).map(str),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(max_size=20).map(json.dumps),
    st.lists(st.text(string.ascii_letters, max_size=6).map(json.dumps), max_size=3).map(lambda v: f"[{', '.join(v)}]"),
    st.sampled_from(['"P0"', '"sprint"', '"local"', '"US"', '"sqlite:///x.db"', '"Europe/Paris"', "2026-03-01", "{}"]),
)
_TOML_LINES = st.lists(
    st.one_of(
        st.sampled_from(_KEYS)
        .map(lambda sk: f"[{sk[0]}]\n{sk[1]} = ")
        .flatmap(lambda head: _VALUE.map(lambda v: head + v)),
        st.sampled_from(sorted(_EXAMPLE)).map(lambda s: f"[{s}]"),
        st.sampled_from([k for _, k in _KEYS] + ["token", "projct", "secret"]).flatmap(
            lambda key: _VALUE.map(lambda v: f"{key} = {v}")
        ),
        st.text(max_size=30),
    ),
    max_size=12,
).map("\n".join)


@FUZZ
@given(_TOML_LINES)
def test_config_loader_fuzz_raises_only_config_errors(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pmsync.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            loaded = load_settings(path, environ={}, cwd=Path(folder))
        except ConfigError as exc:
            assert str(exc.message).strip(), "a configuration error says what is wrong"
        else:
            assert isinstance(loaded, Settings)
