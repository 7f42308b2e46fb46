"""Classes of writing met in blind batches 51 onwards (issue 27, ninth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse import parse_document
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Queue outage 2026-03-04", body)


_LOG = (
    "# Incident log\n\n"
    "## Outages\n\n"
    "#### 2026-02-03 02:27 - 04:03\n\n"
    "- Duration: 1h 36m\n"
    "- Impact: 504 responses on the proxy\n"
    "- Paged the on-call twice during the night\n"
    "- Cause: retries after rate-limited responses\n"
    "- {resolution}: Applied a 5 second timeout to every upstream call\n"
    "  - slow upstreams return nothing after the timeout\n\n"
    "#### 2026-01-20 14:37 - 15:58\n\n"
    "- Duration: 1h 21m\n"
    "- {mitigation}: Blocked the requests at the firewall\n"
    "- Cause: a flood of requests?\n"
    "- {resolution}\n"
    "  - Introduced a bot challenge on the sign-up form\n"
    "  - Narrowed the middleware's path matcher\n"
)


@pytest.mark.parametrize(
    ("resolution", "mitigation"),
    [("Resolution", "Mitigation"), ("Fix", "Workaround"), ("**Solution**", "**Mitigation**"), ("해결", "조치")],
)
def test_an_incident_logs_resolution_field_holds_the_changes_made(resolution: str, mitigation: str) -> None:
    result = parse_document(_LOG.format(resolution=resolution, mitigation=mitigation), "log.md")
    assert result.postmortem is not None
    found = result.postmortem.action_items
    assert [item.text for item in found] == [
        "Applied a 5 second timeout to every upstream call",
        "Introduced a bot challenge on the sign-up form",
        "Narrowed the middleware's path matcher",
    ]
    # The field reports the change made; it is asked about, not ticketed unasked.
    assert all(item.status is Status.DONE and item.confidence == "low" for item in found)


def test_a_resolution_field_that_promises_is_open() -> None:
    found = items(
        "## Incidents\n\n"
        "- Duration: 20 minutes\n"
        "- Impact: no logins\n"
        "- Resolution: We will move the session store to its own cluster\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("We will move the session store to its own cluster", Status.OPEN)
    ]


@pytest.mark.parametrize(
    "value",
    [
        "Both incidents resolved successfully",
        "Natural network recovery",
        "unknown?",
        "[frontend #398](https://example.invalid/pull/398)",
    ],
)
def test_a_resolution_field_saying_how_it_ended_or_linking_the_change_is_no_item(value: str) -> None:
    found = items(f"## Incidents\n\n- Duration: 20 minutes\n- Impact: no logins\n- Resolution: {value}\n")
    assert found == ()


def test_a_stray_fix_line_in_a_story_is_no_record() -> None:
    found = items("## What happened\n\n- The disk filled up.\n- Fix: cleared the old logs by hand\n")
    assert found == ()


def test_beside_the_documents_own_action_list_the_resolution_field_is_a_summary() -> None:
    found = items(
        "## Summary\n\n"
        "- Duration: 20 minutes\n"
        "- Impact: no logins\n"
        "- Resolution: Restarted the session store\n\n"
        "## Action items\n\n"
        "| # | Action | Owner |\n|---|---|---|\n| 1 | Alert on session store memory | @sre |\n"
    )
    assert [item.text for item in found] == ["Alert on session store memory"]


@pytest.mark.parametrize(
    "sentence",
    [
        "We will not deploy schema changes on Fridays until the migration linter runs in CI.",
        "And that means that we will not re-add the widget library until it can be bundled.",
        "We will never store signing keys in the repository again.",
    ],
)
def test_a_negative_promise_is_a_rule_the_writers_set(sentence: str) -> None:
    found = items(f"## The schema change\n\nThe deploy broke the schema. {sentence}\n")
    assert [(item.text, item.status, item.confidence) for item in found] == [(sentence, Status.OPEN, "low")]


@pytest.mark.parametrize(
    "sentence",
    [
        "We will never let this happen again.",
        "We will not disclose any information on the blocking.",
        "I'll not sugar-coat it, the cause was a deleted volume.",
        "We will not know the full impact until Monday.",
    ],
)
def test_a_negation_that_commits_to_no_work_is_no_item(sentence: str) -> None:
    assert items(f"## The schema change\n\nThe deploy broke the schema. {sentence}\n") == ()


@pytest.mark.parametrize("heading", ["What we did right", "What went right", "What I did well"])
def test_what_the_writers_did_right_is_the_response_not_follow_up_work(heading: str) -> None:
    found = items(
        f"## {heading}\n\n"
        "As soon as we were alerted, we locked the site behind a login. We then started investigating the hack.\n\n"
        "## What we will do differently\n\n"
        "We are currently working to audit every dependency we load from a CDN.\n"
    )
    assert [item.text for item in found] == ["We are currently working to audit every dependency we load from a CDN."]


@pytest.mark.parametrize(
    "resolution",
    ["- Resolution:", "- Resolution: (P1)", "- Resolution\n  - ```\n    rotate\n    ```\n  - Rotated the keys"],
)
def test_an_empty_resolution_field_or_sub_entry_holds_nothing(resolution: str) -> None:
    found = items(f"## Incidents\n\n- Duration: 20 minutes\n- Impact: no logins\n{resolution}\n")
    assert [item.text for item in found] == (["Rotated the keys"] if "Rotated" in resolution else [])


@pytest.mark.parametrize(
    ("heading", "orders"),
    [
        ("Solucionado? Se sim, como:", ["Fazer uma reunião antes do evento", "Exigir um contato técnico por sala"]),
        ("Mejoras", ["Crear una alerta de disco lleno", "Revisar los permisos de la base"]),
        ("Verbesserungen", ["Prüfen, ob die Sicherung läuft", "Einrichten einer Warnung für volle Platten"]),
    ],
)
def test_orders_and_headings_in_other_languages_are_read_as_english_ones(heading: str, orders: list[str]) -> None:
    found = items(f"## Contexto\n\nO disco encheu.\n\n## {heading}\n\n- {orders[0]}\n- {orders[1]}\n")
    assert [item.text for item in found] == orders


@pytest.mark.parametrize("heading", ["Solutions", "Résolution"])
def test_an_english_solution_heading_stays_the_story_of_the_fix(heading: str) -> None:
    found = items(f"## {heading}\n\n- ssh into the main node\n- `screen -r gaia`\n- restore the processes\n")
    assert found == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "This was fixed by treating a handoff as a read-repair, so old and new data are merged.",
        "The bug was patched in the 2.3 release by merging the data on handoff.",
    ],
)
def test_under_a_fix_heading_the_fix_reported_in_the_passive_is_done(sentence: str) -> None:
    found = items(f"## What happened\n\nThe handoff overwrote the data.\n\n## The fix\n\n{sentence}\n")
    assert [(item.text, item.status) for item in found] == [(sentence, Status.DONE)]


def test_elsewhere_a_passive_fix_is_the_story() -> None:
    found = items("## What happened\n\nThe handoff overwrote the data. This was fixed by a restart at 10:05.\n")
    assert found == ()


def test_a_paragraph_that_weighs_the_problem_then_resolves_to_act_is_the_resolution() -> None:
    found = items(
        "## Fix action #2\n\n"
        "I decided that awareness of breaking changes was the pain point I could address. "
        "I resolved to set up a feed reader and subscribe to the image's release feed.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("I resolved to set up a feed reader and subscribe to the image's release feed.", Status.OPEN)
    ]


def test_a_pledge_that_names_no_work_is_no_item() -> None:
    found = items(
        "## Secrets leak\n\nTokens leaked from the build. "
        "We pledge to use this as an opportunity to strengthen the security of the platform.\n"
    )
    assert found == ()
