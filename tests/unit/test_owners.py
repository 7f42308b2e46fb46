"""Owner cells → tracker users via the owner directory."""

from __future__ import annotations

import pytest

from mappings.owners import OwnerDirectory, OwnerEntry

DANA = OwnerEntry(
    name="Dana Smith", handles=("dana", "@dsmith"), emails=("dana@example.com",), jira="acc-dana", github="dana-s"
)
ALICE = OwnerEntry(name="Alice Jones", handles=("alice",), emails=("Alice@Example.com",), jira="acc-alice")
PLATFORM = OwnerEntry(
    name="platform-team", handles=("platform", "@platform-team"), jira="acc-platform", github="org/platform"
)
DANA_LEE = OwnerEntry(name="Dana Lee", handles=("dlee",), jira="acc-dlee")
ENTRIES = (DANA, ALICE, PLATFORM)


@pytest.mark.parametrize(
    ("raw", "entry", "how"),
    [
        ("@dana", DANA, "handle"),
        ("dana", DANA, "handle"),
        ("@DSmith", DANA, "handle"),
        ("dana@example.com", DANA, "email"),
        ("DANA@EXAMPLE.COM", DANA, "email"),
        ("alice@example.com", ALICE, "email"),
        ("Dana Smith", DANA, "name"),
        ("  dana   smith ", DANA, "name"),
        ("Alice", ALICE, "handle"),
        ("@dana-s", DANA, "github account"),
        ("platform-team", PLATFORM, "name"),
        ("@platform", PLATFORM, "handle"),
        ("Dana (SRE)", DANA, "handle"),
        ("owner: @alice", ALICE, "handle"),
        ("Dana S.", DANA, "first name"),  # "Dana S." → first word is a known handle
    ],
)
def test_resolves_known_owners(raw: str, entry: OwnerEntry, how: str) -> None:
    match = OwnerDirectory(ENTRIES, tracker="jira").resolve(raw)
    assert match.entry == entry
    assert match.user == entry.jira
    assert how in match.reason


def test_first_name_matches_when_unique() -> None:
    directory = OwnerDirectory([OwnerEntry(name="Mei Chen", jira="acc-mei")], tracker="jira")
    match = directory.resolve("mei")
    assert (match.user, match.reason) == ("acc-mei", "matched Mei Chen by first name")


def test_first_name_shared_by_two_people_is_ambiguous() -> None:
    directory = OwnerDirectory([OwnerEntry(name="Dana Smith"), DANA_LEE], tracker="jira")
    match = directory.resolve("Dana")
    assert match.user is None and match.entry is None
    assert "ambiguous" in match.reason and "Dana Lee" in match.reason and "Dana Smith" in match.reason


def test_full_name_does_not_match_a_namesake() -> None:
    # "Dana Jones" is not Dana Smith, even though both are "Dana".
    match = OwnerDirectory([DANA_LEE, ALICE], tracker="jira").resolve("Dana Jones")
    assert match.user is None
    assert "unknown owner 'Dana Jones'" in match.reason


@pytest.mark.parametrize(
    ("raw", "expected_user"),
    [
        ("@nobody-known, @alice", "acc-alice"),
        ("@dana / @alice", "acc-dana"),
        ("Alice Jones and Dana Smith", "acc-alice"),
        ("bob; platform", "acc-platform"),
    ],
)
def test_several_owners_first_resolvable_wins(raw: str, expected_user: str) -> None:
    assert OwnerDirectory(ENTRIES, tracker="jira").resolve(raw).user == expected_user


def test_several_unknown_owners_list_every_reason() -> None:
    match = OwnerDirectory(ENTRIES, tracker="jira").resolve("@bob, @carol")
    assert match.user is None
    assert "'@bob'" in match.reason and "'@carol'" in match.reason


@pytest.mark.parametrize("raw", [None, "", "   ", "TBD", "n/a", "-", "Unassigned", "owner: tbd"])
def test_no_owner(raw: str | None) -> None:
    match = OwnerDirectory(ENTRIES).resolve(raw)
    assert (match.user, match.entry, match.reason) == (None, None, "no owner given")


def test_unknown_owner_keeps_the_raw_text_in_the_reason() -> None:
    match = OwnerDirectory(ENTRIES).resolve("@zed")
    assert match.user is None and match.entry is None
    assert match.reason == "unknown owner '@zed': not in the owner directory"


@pytest.mark.parametrize(
    ("tracker", "raw", "user"),
    [
        ("jira", "@dana", "acc-dana"),
        ("github", "@dana", "dana-s"),
        ("local", "@dana", "Dana Smith"),
        ("github", "platform", "org/platform"),
    ],
)
def test_user_depends_on_the_tracker(tracker: str, raw: str, user: str) -> None:
    assert OwnerDirectory(ENTRIES, tracker=tracker).resolve(raw).user == user


def test_entry_without_an_account_on_this_tracker() -> None:
    match = OwnerDirectory(ENTRIES, tracker="github").resolve("alice@example.com")
    assert match.user is None
    assert match.entry == ALICE
    assert "has no github account" in match.reason


def test_duplicate_handles_across_entries_are_ambiguous() -> None:
    twins = [OwnerEntry(name="Sam A", handles=("sam",), jira="a"), OwnerEntry(name="Sam B", handles=("sam",), jira="b")]
    match = OwnerDirectory(twins, tracker="jira").resolve("@sam")
    assert match.user is None and "ambiguous" in match.reason


def test_empty_directory() -> None:
    match = OwnerDirectory([]).resolve("@dana")
    assert match.user is None and "unknown owner" in match.reason
