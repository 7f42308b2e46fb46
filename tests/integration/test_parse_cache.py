"""Parse results kept in the state database (issue 26): reused only while nothing they depend on
changed, faithful to a fresh parse, and never a reason for a run to fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from sync.core.parse import ParseOptions
from sync.documents import Budget, load_documents
from sync.store import parse_cache as cache_module
from sync.store import tables
from sync.store.parse_cache import ParseCache, parser_fingerprint

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [
    ROOT / "tests" / "corpus" / "shared",
    ROOT / "tests" / "corpus" / "documents",
    ROOT / "examples" / "postmortems",
]


def test_a_kept_result_is_the_fresh_parse_for_every_corpus_document(engine: Engine) -> None:
    cache = ParseCache(engine)
    fresh = list(load_documents(CORPORA))
    assert len(fresh) > 60
    first = list(load_documents(CORPORA, cache=cache))
    for result in first:  # every one was kept, and is served from now on
        source = Path(result.path).read_bytes()
        assert cache.lookup(result.path, source, ParseOptions()) == result, result.path
    again = list(load_documents(CORPORA, cache=cache))
    assert first == fresh
    assert again == fresh


def test_a_result_is_reused_only_for_the_same_bytes_options_and_parser(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = tmp_path / "inc.md"
    doc.write_text("# Outage\n\n## Action Items\n- [ ] Add an alert (@kim, P1)\n", encoding="utf-8")
    cache = ParseCache(engine)
    options = ParseOptions()
    [result] = load_documents([doc], options, cache=cache)
    source = doc.read_bytes()
    assert cache.lookup(str(doc), source, options) == result
    assert cache.lookup(str(doc), source + b"\n- [ ] More\n", options) is None
    assert cache.lookup(str(doc), source, ParseOptions(default_timezone="Europe/Oslo")) is None
    assert cache.lookup(str(tmp_path / "other.md"), source, options) is None
    monkeypatch.setattr(cache_module, "parser_fingerprint", lambda: "another parser")
    assert cache.lookup(str(doc), source, options) is None


def test_the_fingerprint_follows_the_parser_source() -> None:
    assert len(parser_fingerprint()) == 64 and parser_fingerprint() == parser_fingerprint()


def test_one_row_per_document_and_an_unreadable_row_is_parsed_again(engine: Engine, tmp_path: Path) -> None:
    doc = tmp_path / "inc.md"
    cache = ParseCache(engine)
    for text in ("# One\n\n## Action Items\n- Fix it\n", "# Two\n\n## Action Items\n- Fix it better\n"):
        doc.write_text(text, encoding="utf-8")
        [result] = load_documents([doc], cache=cache)
    assert result.postmortem is not None and result.postmortem.title == "Two"
    with engine.begin() as conn:
        assert conn.execute(tables.parse_cache.select()).all().__len__() == 1
        conn.execute(update(tables.parse_cache).values(result='{"not": "a parse result"}'))
    [again] = load_documents([doc], cache=ParseCache(engine))  # the next run's
    assert again == result


def test_a_run_reads_the_kept_results_in_one_query(engine: Engine, tmp_path: Path) -> None:
    from sqlalchemy import event

    for n in range(3):
        (tmp_path / f"inc-{n}.md").write_text(f"# Outage {n}\n\n## Action Items\n- Fix {n}\n", encoding="utf-8")
    first = list(load_documents([tmp_path], cache=ParseCache(engine)))
    reads: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    assert list(load_documents([tmp_path], cache=ParseCache(engine))) == first
    assert len(reads) == 1


def test_an_over_budget_result_is_not_kept(engine: Engine, tmp_path: Path) -> None:
    doc = tmp_path / "big.md"
    doc.write_text("# Big\n\n" + "x" * 2000, encoding="utf-8")
    cache = ParseCache(engine)
    [result] = load_documents([doc], cache=cache, budget=Budget(max_bytes=1000))
    assert [d.code for d in result.diagnostics] == ["PM006"]
    with engine.connect() as conn:
        assert conn.execute(tables.parse_cache.select()).all() == []


def test_a_broken_cache_is_a_slower_run_not_a_failed_one(engine: Engine, tmp_path: Path) -> None:
    doc = tmp_path / "inc.md"
    doc.write_text("# Outage\n\n## Action Items\n- Add an alert\n", encoding="utf-8")
    with engine.begin() as conn:
        tables.parse_cache.drop(conn)
    [result] = load_documents([doc], cache=ParseCache(engine))
    assert result.ok and result.postmortem is not None
