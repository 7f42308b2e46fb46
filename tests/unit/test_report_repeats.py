"""Repeat detection: a planted pair is found; incidents sharing only a factor or only some words are not."""

from __future__ import annotations

import pytest

from reports.facts import IncidentFacts, ReportData, ReportSettings
from reports.render_markdown import render_markdown
from reports.repeats import NAMED, SIMILAR, cosine, find_pairs, repeats_report, terms, tfidf_vectors
from tests.unit.report_fixtures import at, incident, item

SETTINGS = ReportSettings()

CERT_1 = (
    "Logins failed because the identity provider rotated its signing certificate. "
    "The service provider trusted only the old certificate fingerprint. "
    "Certificate rotation was a manual step that nobody scheduled."
)
CERT_2 = (
    "Single sign-on rejected assertions after the signing certificate was rotated by the identity provider. "
    "Our trust store pinned the previous certificate fingerprint; rotation remained manual and unscheduled."
)
QUEUE = (
    "Webhooks were late because three queue partitions held almost all pending messages. "
    "The partition key was the customer id and one customer produced most traffic."
)
DISK = (
    "The database ran out of disk because write-ahead log archiving stalled. "
    "Archive uploads failed silently after the storage bucket policy changed."
)
CACHE = (
    "Patients saw notes of other patients because the CDN cached personalised responses. "
    "The cache key ignored the session cookie after a configuration change."
)


def corpus() -> list[IncidentFacts]:
    return [
        incident(
            "INC-10", start="2026-01-10 10:00", factors=[("change_management", 3), ("monitoring", 1)], root_cause=CERT_1
        ),
        incident("INC-11", start="2026-02-01 10:00", factors=[("change_management", 3)], root_cause=QUEUE),
        incident("INC-12", start="2026-02-15 10:00", factors=[("capacity", 3)], root_cause=DISK),
        # shares only some words with CERT_1 ("certificate", "rotation") but a different primary factor
        incident("INC-13", start="2026-03-01 10:00", factors=[("third_party", 3)], root_cause=CERT_2),
        incident("INC-14", start="2026-03-10 10:00", factors=[("testing", 3)], root_cause=CACHE),
        # the planted repeat of INC-10: same primary factor, similar text
        incident(
            "INC-15", start="2026-04-02 10:00", factors=[("change_management", 3), ("process", 2)], root_cause=CERT_2
        ),
    ]


def test_terms_normalise_case_stop_words_and_plurals() -> None:
    assert terms("The Certificates were ROTATED; timeouts, timeout!") == ["certificat", "rotat", "timeout", "timeout"]


def test_tfidf_vectors_are_normalised_and_cosine_is_symmetric() -> None:
    a, b, empty = tfidf_vectors([CERT_1, CERT_2, "the and of"])
    assert empty == {}
    assert cosine(a, a) == pytest.approx(1.0)
    assert cosine(a, b) == pytest.approx(cosine(b, a))
    assert cosine(a, empty) == 0.0


def test_finds_the_planted_pair_and_nothing_else() -> None:
    pairs = find_pairs(corpus(), SETTINGS)
    assert [(p.earlier.key, p.later.key, p.reason, p.shared_factors) for p in pairs] == [
        ("INC-10", "INC-15", SIMILAR, ("change_management",))
    ]
    assert pairs[0].similarity >= SETTINGS.repeat_similarity


def test_sharing_only_a_factor_is_not_a_repeat() -> None:
    # INC-10 and INC-11 share change_management = 3 but their texts are unrelated.
    pairs = find_pairs(corpus()[:2], SETTINGS)
    assert pairs == []


def test_sharing_only_words_is_not_a_repeat() -> None:
    # INC-10 and INC-13 have similar texts but no common primary factor.
    both = [corpus()[0], corpus()[3]]
    assert find_pairs(both, SETTINGS) == []
    vectors = tfidf_vectors([CERT_1, CERT_2])
    assert cosine(*vectors) >= SETTINGS.repeat_similarity  # the texts alone would have matched


def test_threshold_and_window_are_configurable() -> None:
    assert find_pairs(corpus(), ReportSettings(repeat_similarity=0.99)) == []
    assert find_pairs(corpus(), ReportSettings(repeat_window_days=30)) == []


def test_a_document_naming_the_earlier_incident_is_a_repeat() -> None:
    earlier = incident("INC-2026-0001", start="2026-01-01 10:00", root_cause=DISK)
    later = incident(
        "INC-2026-0090", start="2026-05-01 10:00", root_cause=QUEUE, mentions=QUEUE + " Same as inc-2026-0001."
    )
    unrelated = incident(
        "INC-2026-0091", start="2026-05-02 10:00", mentions="Mentions INC-2026-0999 and INC-2026-0091."
    )
    pairs = find_pairs([later, earlier, unrelated], SETTINGS)
    assert [(p.earlier.key, p.later.key, p.reason, p.shared_factors) for p in pairs] == [
        ("INC-2026-0001", "INC-2026-0090", NAMED, ())
    ]


def test_later_from_limits_the_later_incidents_only() -> None:
    assert find_pairs(corpus(), SETTINGS, later_from=at("2026-04-01 00:00"))[0].later.key == "INC-15"
    assert find_pairs(corpus(), SETTINGS, later_from=at("2026-05-01 00:00")) == []


def test_report_lists_earlier_items_fixed_but_recurred() -> None:
    items = (
        # done before the repeat on 2026-04-02: fixed, but it recurred
        item(
            "INC-10#1", incident="INC-10", text="Automate certificate rotation", history=[("done", "2026-02-01 09:00")]
        ),
        # still open when the repeat happened
        item("INC-10#2", incident="INC-10", text="Alert on certificate expiry", history=[("open", "2026-01-11 09:00")]),
        # done only after the repeat: open then
        item("INC-10#3", incident="INC-10", text="Runbook", history=[("done", "2026-05-01 09:00")]),
        # removed from the document: not listed
        item("INC-10#4", incident="INC-10", present=False),
        # its ticket was created after the repeat (a backfill): listed, its status then unknown
        item("INC-10#5", incident="INC-10", opened="2026-04-10 00:00", history=[("done", "2026-04-10 00:00")]),
    )
    report = repeats_report(ReportData(incidents=tuple(corpus()), items=items), at("2026-06-01 00:00"), SETTINGS)
    assert report.incidents == 6
    assert len(report.clusters) == 1
    cluster = report.clusters[0]
    assert [i.incident for i in cluster.incidents] == ["INC-10", "INC-15"]
    assert cluster.links[0].shared_factors == ["change_management"]
    rows = [(e.item, e.status_then, e.fixed_but_recurred) for e in cluster.earlier_items]
    assert rows == [
        ("INC-10#1", "done", True),
        ("INC-10#2", "open", False),
        ("INC-10#3", "open", False),
        ("INC-10#5", "no ticket yet", False),
    ]


def test_three_incidents_form_one_cluster() -> None:
    third = incident("INC-16", start="2026-05-02 10:00", factors=[("change_management", 3)], root_cause=CERT_1)
    report = repeats_report(ReportData(incidents=(*corpus(), third)), at("2026-06-01 00:00"), SETTINGS)
    assert [[i.incident for i in c.incidents] for c in report.clusters] == [["INC-10", "INC-15", "INC-16"]]
    text = render_markdown(report)
    assert "## Cluster 1: INC-10 → INC-15 → INC-16" in text
    assert "Fixed but recurred" not in text  # no earlier item was done
    # As of before the third, it is not considered; with a team filter that excludes all, nothing.
    assert len(repeats_report(ReportData(incidents=(*corpus(), third)), at("2026-05-01 00:00"), SETTINGS).clusters) == 1
    assert (
        repeats_report(ReportData(incidents=tuple(corpus())), at("2026-06-01"), ReportSettings(teams=("x",))).clusters
        == []
    )


def test_a_shared_rare_word_makes_a_candidate_but_not_a_repeat() -> None:
    a = incident("A-1", start="2026-01-01 10:00", factors=[("capacity", 3)], root_cause=DISK)
    b = incident(
        "A-2",
        start="2026-01-05 10:00",
        factors=[("capacity", 3)],
        root_cause=QUEUE + " Archiving unrelated.",  # one rare word in common with DISK
    )
    # Two other incidents (another factor) make the queue words common, so the rare shared word is probed.
    others = [
        incident(f"Q-{n}", start="2026-01-02 10:00", factors=[(factor, 3)], root_cause=QUEUE)
        for n, factor in ((1, "testing"), (2, "process"))
    ]
    assert find_pairs([a, b, *others], SETTINGS) == []


def test_first_only_stops_at_the_most_recent_match_and_named_pairs_are_all_kept() -> None:
    first = incident("B-1", start="2026-01-01 10:00", factors=[("change_management", 3)], root_cause=CERT_1)
    second = incident("B-2", start="2026-01-10 10:00", factors=[("change_management", 3)], root_cause=CERT_1)
    third = incident(
        "B-3",
        start="2026-01-20 10:00",
        factors=[("change_management", 3)],
        root_cause=CERT_2,
        mentions=CERT_2 + " See B-1 and B-2.",
    )
    every = find_pairs([first, second, third], SETTINGS)
    assert {(p.earlier.key, p.later.key) for p in every} == {("B-1", "B-2"), ("B-1", "B-3"), ("B-2", "B-3")}
    counted = find_pairs([first, second, third], SETTINGS, first_only=True)
    assert [(p.earlier.key, p.later.key) for p in counted] == [("B-1", "B-2"), ("B-2", "B-3")]
    unrelated = incident("C-1", start="2026-01-01 10:00", root_cause=DISK)
    naming = incident("C-2", start="2026-01-05 10:00", root_cause=QUEUE, mentions="C-1 again, also C-9")
    assert [(p.reason, p.earlier.key) for p in find_pairs([unrelated, naming], SETTINGS, first_only=True)] == [
        (NAMED, "C-1")
    ]
