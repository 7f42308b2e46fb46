"""Bounded fuzzing of the two parsers of user input: the post-mortem parser and the configuration
loader. Neither may raise anything but its documented error, and neither may hang. Mutated real
documents also go through ``pmsync parse`` and ``pmsync lint`` as processes (issue 24), each within a
time and memory bound.

CI runs a bounded number of examples; a longer local run raises the budget (see README):
``PMSYNC_FUZZ_EXAMPLES=20000 python -m pytest -q -p no:cacheprovider tests/property/test_fuzz.py``.
The per-example deadline is a hang guard (regex backtracking, loops), generous enough never to flag a
slow machine, not a performance assertion — the benchmark lives in ``bench/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import string
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.config.loading import load_settings
from sync.config.models import Settings
from sync.core.lint import lint_result
from sync.core.parse import parse_document
from sync.documents import DEFAULT_BUDGET, parse_within
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


# -- mutated real documents through the command line (issue 24) --------------------------------------
#
# A seeded mutator (reproducible: the seed and the document's number name every failure) turns the
# corpus into hostile variants: bytes flipped, lines cut, repeated, shuffled and indented, and snippets
# spliced in (alias bombs, self-references, deep lists and quotes, long lines, broken tables, NULs,
# invalid UTF-8, unclosed front matter). CI runs PMSYNC_FUZZ_DOCUMENTS (300) of them; a full run takes
# thousands: ``PMSYNC_FUZZ_DOCUMENTS=5000 python -m pytest -q -p no:cacheprovider tests/property/test_fuzz.py``.

MUTATED = int(os.environ.get("PMSYNC_FUZZ_DOCUMENTS", "300"))
SEED = int(os.environ.get("PMSYNC_FUZZ_SEED", "24"))
# Per-document bounds: generous for a slow, shared machine, far below what a hang or a blow-up costs
# (the alias bomb took 15.6 GB and 600 s; quadratic lint of 10,000 rows 23 s).
SECONDS_PER_DOCUMENT = 10.0
PEAK_MEMORY = 500 * 1024 * 1024
_CORPUS = sorted((ROOT / "tests" / "corpus").rglob("*.md")) + sorted((ROOT / "examples").rglob("*.md"))
_SNIPPETS = (
    "---\nincident_id: INC-1\n"
    + "\n".join(
        ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x"]']
        + [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 8) + "]" for n in range(1, 9)]
    )
    + "\n---\n",
    "---\nmeta: &m\n  k: *m\n---\n",
    "---\ntitle: [unclosed\nincident_id: INC-9\n",
    "\n".join("  " * n + f"- level {n}" for n in range(80)),
    "> " * 200 + "quoted",
    "- " * 300 + "dashes",
    "[" * 5000 + "]" * 5000,
    "| Action | Owner |\n|---|---|\n" + "\n".join(f"| item {n} | @x |" for n in range(2000)),
    " " * 20000 + "- Authors: Dana",
    "Dana forgot. " * 3000,
    "<!-- " * 3000,
    "```\n" + "unclosed fence\n" * 50,
    "| unterminated",
    "\x00",
    "\ufeff\r\n\r\n",
    "*" * 3000 + "_" * 3000,
    "n: " + "9" * 6000,
)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(9)
        at = rng.randrange(len(lines) + 1)
        if kind == 0 and lines:  # flip bytes
            line = bytearray(lines[min(at, len(lines) - 1)])
            for _ in range(rng.randint(1, 4)):
                if line:
                    line[rng.randrange(len(line))] = rng.randrange(256)
            lines[min(at, len(lines) - 1)] = bytes(line)
        elif kind == 1:  # cut a run of lines
            del lines[at : at + rng.randint(1, 40)]
        elif kind == 2 and lines:  # repeat a line many times
            lines[at:at] = [lines[min(at, len(lines) - 1)]] * rng.choice((2, 50, 2000))
        elif kind == 3:  # shuffle a stretch
            stretch = lines[at : at + 30]
            rng.shuffle(stretch)
            lines[at : at + 30] = stretch
        elif kind == 4 and lines:  # indent a stretch deeper and deeper
            for offset, text in enumerate(lines[at : at + 60]):
                lines[at + offset] = b"  " * offset + text
        elif kind == 5:  # truncate
            lines = lines[:at]
        else:  # splice in a hostile snippet (front matter ones at the top)
            snippet = rng.choice(_SNIPPETS).encode("utf-8", "surrogatepass")
            lines[0 if snippet.startswith(b"---") else at : 0 if snippet.startswith(b"---") else at] = [snippet]
    return b"\n".join(lines)


def mutated_documents(count: int, seed: int = SEED) -> list[bytes]:
    rng = random.Random(seed)
    return [_mutate(rng.choice(_CORPUS).read_bytes(), rng) for _ in range(count)]


def _peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_mutated_documents_parse_and_lint_within_a_time_and_memory_bound_each() -> None:
    # The process's peak so far (earlier tests in the same run) is the baseline; the documents may
    # raise it by no more than the bound. The subprocess test below caps the address space outright.
    baseline = _peak_bytes()
    for number, data in enumerate(mutated_documents(MUTATED)):
        started = time.process_time()
        result = parse_within(data, Path(f"fuzz-{number}.md"), None, DEFAULT_BUDGET)
        found = lint_result(result)
        spent = time.process_time() - started
        where = f"seed {SEED}, document {number}"
        assert spent < SECONDS_PER_DOCUMENT, f"{where}: {spent:.1f} s"
        assert _peak_bytes() - baseline < PEAK_MEMORY, where
        assert not [d for d in found if d.code == "PM004"], (where, [d.message for d in found if d.code == "PM004"])


def _limits(documents: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 * PEAK_MEMORY, 2 * PEAK_MEMORY))
    cpu = int(30 + SECONDS_PER_DOCUMENT * documents)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


@pytest.mark.parametrize("command", ["parse", "lint"])
def test_mutated_documents_through_the_command_exit_0_to_2_without_a_traceback(tmp_path: Path, command: str) -> None:
    documents = mutated_documents(MUTATED)
    for number, data in enumerate(documents):
        (tmp_path / f"fuzz-{number:05d}.md").write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-m", "sync", command, str(tmp_path)],
        capture_output=True,
        text=True,
        errors="replace",
        preexec_fn=lambda: _limits(len(documents)),  # noqa: PLW1509 - only setrlimit, before exec
        timeout=60 + SECONDS_PER_DOCUMENT * len(documents),
        check=False,
    )
    assert done.returncode in (0, 1, 2), (done.returncode, done.stderr[-3000:])
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
    assert "PM004" not in done.stdout + done.stderr
