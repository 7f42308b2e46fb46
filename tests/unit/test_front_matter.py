"""Issue 24.1 and 22.4: YAML front matter is measured before it is built (alias bombs, self-references and
deep nesting refused as PM010 at their line), and front matter that cannot be read but names the incident
id is an error (PM011) so the document is not synced keyed by its file name."""

from __future__ import annotations

import pytest

from sync.core.parse import parse_document
from sync.core.parse.codes import Collector
from sync.core.parse.front_matter import MAX_DEPTH, MAX_NODES, Refused, check_expansion, load_yaml, read_front_matter

BODY = "# Outage\n\n## Action Items\n\n- [ ] Add an alert (@kim, P1)\n"


def bomb(levels: int = 9, fan: int = 9) -> str:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * fan) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * fan) + "]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def codes_of(text: str) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in parse_document(text, "pm.md").diagnostics if d.code.startswith("PM01")]


def test_an_alias_bomb_is_refused_at_the_line_where_it_passes_the_bound() -> None:
    text = "---\ntitle: Bomb\n" + bomb() + "---\n" + BODY
    result = parse_document(text, "pm.md")
    [refused] = [d for d in result.diagnostics if d.code == "PM010"]
    assert f"more than {MAX_NODES} values" in refused.message
    assert refused.line == 7  # a4 (line 7 of the document) is the first level past 10,000 values
    assert result.postmortem is not None and result.postmortem.title == "Outage"  # the body is still read
    assert result.postmortem.metadata == {}


@pytest.mark.parametrize(
    ("yaml_text", "line"),
    [("a: &a [*a]\n", 2), ("meta: &m\n  k: *m\n", 3), ("x: 1\nlist: &l\n  - 1\n  - *l\n", 5)],
    ids=["sequence", "mapping", "nested"],
)
def test_a_self_referencing_alias_is_a_located_warning_not_a_crash(yaml_text: str, line: int) -> None:
    result = parse_document("---\n" + yaml_text + "---\n" + BODY, "pm.md")
    assert [(d.code, d.line) for d in result.diagnostics if d.code.startswith("PM0")][:1] == [("PM010", line)]
    assert "refers to the value that contains it" in result.diagnostics[0].message
    assert result.postmortem is not None


def test_deep_nesting_is_refused_before_it_is_built() -> None:
    deep = "x: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    assert codes_of("---\n" + deep + "---\n" + BODY) == [("PM010", 2)]
    with pytest.raises(Refused, match="nested more than"):
        check_expansion(deep)


def test_an_alias_to_a_deep_anchor_counts_its_expanded_depth() -> None:
    half = MAX_DEPTH // 2 + 2
    text = "a: &a " + "[" * half + "]" * half + "\nb: " + "[" * half + "*a" + "]" * half + "\n"
    with pytest.raises(Refused, match="nested more than"):
        check_expansion(text)


def test_ordinary_aliases_and_merge_keys_still_work() -> None:
    text = "---\nincident_id: INC-7\nbase: &base {team: sre, tags: [db, cache]}\nother: *base\n---\n" + BODY
    result = parse_document(text, "pm.md")
    assert result.postmortem is not None and result.postmortem.incident_id == "INC-7"
    assert result.postmortem.metadata["other"] == {"team": "sre", "tags": ["db", "cache"]}
    assert not [d for d in result.diagnostics if d.code.startswith("PM01")]


def test_broken_front_matter_naming_the_id_is_an_error_at_the_id_line() -> None:
    text = "---\ntitle: Outage\nincident_id: INC-9\nteam: [unclosed\n---\n" + BODY
    result = parse_document(text, "pm.md")
    assert codes_of(text) == [("PM010", 4), ("PM011", 3)]
    assert not result.ok  # sync plans only documents without errors: no tickets keyed by the file name
    [lost] = [d for d in result.diagnostics if d.code == "PM011"]
    assert "incident id" in lost.message and lost.hint == "fix the front matter (line 4)"


@pytest.mark.parametrize("key", ["id", "Incident-ID", "incident id", "'incident'"])
def test_every_spelling_of_the_id_key_counts(key: str) -> None:
    assert ("PM011", 2) in codes_of(f"---\n{key}: INC-1\nx: [\n---\n" + BODY)


def test_broken_front_matter_without_an_id_stays_a_warning() -> None:
    text = "---\ntitle: Outage\n  nested_id: 3\nteam: [unclosed\n---\n" + BODY
    result = parse_document(text, "pm.md")
    assert [c for c, _ in codes_of(text)] == ["PM010"]
    assert result.ok


def test_a_refused_bomb_naming_the_id_is_refused_too() -> None:
    assert [c for c, _ in codes_of("---\nincident_id: INC-1\n" + bomb() + "---\n" + BODY)] == ["PM010", "PM011"]


def test_values_a_constructor_rejects_are_invalid_front_matter() -> None:
    data, error, _ = load_yaml("n: " + "9" * 5000 + "\n")
    assert data is None and error is not None and error.startswith("invalid YAML value")


def test_front_matter_that_is_not_a_mapping_or_empty() -> None:
    assert load_yaml("- a\n- b\n")[1] == "front matter is a list, not a mapping"
    assert load_yaml("  \n") == ({}, None, None)
    assert load_yaml("# only a comment\n") == ({}, None, None)
    collector = Collector("pm.md")
    assert read_front_matter("[1, 2]\n", collector).fields == {}
    assert [(d.code, d.line) for d in collector.items] == [("PM010", 1)]


def test_an_undefined_alias_is_the_loaders_error() -> None:
    data, error, line = load_yaml("a: *nowhere\n")
    assert data is None and error == "invalid YAML: found undefined alias" and line == 0
