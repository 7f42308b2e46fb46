"""Post-mortems written in French, German, Spanish, Portuguese, Dutch or Italian (issue 27): their action
sections, table columns and status words are read as the English ones are. Made-up documents only."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse import parse_document
from sync.core.parse.dates import parse_date
from sync.core.parse.evidence import LEANING, heading_strength
from sync.core.parse.options import ParseOptions
from sync.core.parse.sections import classify_title


def items(body: str) -> tuple[ActionItem, ...]:
    result = parse_document(f"# Incident 2026-03-04\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items


@pytest.mark.parametrize(
    "title",
    [
        "✅ Actions préventives (Follow-up / Prevention)",
        "Actions correctives",
        "Plan d'action",
        "Prochaines étapes",
        "Maßnahmen",
        "Massnahmen",
        "Folgemaßnahmen",
        "Nächste Schritte",
        "Acciones correctivas",
        "Próximos pasos",
        "Plano de ação",
        "Actiepunten",
        "Vervolgstappen",
        "Azioni correttive",
    ],
)
def test_an_action_section_title_in_another_language_is_an_action_section(title: str) -> None:
    assert classify_title(title) == "actions"


@pytest.mark.parametrize(
    "title", ["Chronologie", "Déroulé de l'incident", "Zeitlicher Ablauf", "Línea de tiempo", "Tijdlijn"]
)
def test_a_timeline_title_in_another_language_is_a_timeline(title: str) -> None:
    assert classify_title(title) == "timeline"


@pytest.mark.parametrize("title", ["Contexte", "Ursache", "Impacto", "Résolution de la panne"])
def test_other_titles_in_those_languages_are_no_action_sections(title: str) -> None:
    assert classify_title(title) != "actions"


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("En cours", Status.IN_PROGRESS),
        ("Terminé", Status.DONE),
        ("À faire", Status.OPEN),
        ("Erledigt", Status.DONE),
        ("In Arbeit", Status.IN_PROGRESS),
        ("Offen", Status.OPEN),
        ("Pendiente", Status.OPEN),
        ("Completado", Status.DONE),
        ("Afgerond", Status.DONE),
        ("✅ Fait", Status.DONE),
    ],
)
def test_status_words_in_those_languages_are_read(word: str, status: Status) -> None:
    assert ParseOptions().status(word) is status


def test_a_french_action_table_gives_action_owner_status_and_deadline() -> None:
    found = items(
        "## Chronologie\n\n| Date | Événement |\n|---|---|\n| 2026-03-04 | Alerte reçue |\n\n"
        "## ✅ Actions préventives\n\n| Action | État | Responsable | Échéance |\n|---|---|---|---|\n"
        "| Renforcer les contrôles CI des secrets | En cours | Équipe plateforme | 2026-04-30 |\n"
        "| Documenter la rotation des clés | À faire | Alice Martin | - |\n"
    )
    assert [(i.text, i.status, i.owner, i.deadline_raw) for i in found] == [
        ("Renforcer les contrôles CI des secrets", Status.IN_PROGRESS, "Équipe plateforme", "2026-04-30"),
        # A dash in the deadline column says there is none: no deadline to show, none to warn about.
        ("Documenter la rotation des clés", Status.OPEN, "Alice Martin", None),
    ]


def test_a_german_measures_list_is_read_and_the_timeline_is_not() -> None:
    found = items(
        "## Zeitlicher Ablauf\n\n- 08:00 Störung gemeldet\n- 09:30 Dienst wiederhergestellt\n\n"
        "## Maßnahmen\n\n- [x] Überwachung der Anmeldung einrichten\n- [ ] Notfallplan mit dem Anbieter abstimmen\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Überwachung der Anmeldung einrichten", Status.DONE),
        ("Notfallplan mit dem Anbieter abstimmen", Status.OPEN),
    ]


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("12 mai 2026", "2026-05-12"),
        ("1er avril 2026", "2026-04-01"),
        ("3. März 2026", "2026-03-03"),
        ("3 de marzo de 2026", "2026-03-03"),
        ("15 de setembro de 2026", "2026-09-15"),
        ("7 augustus 2026", "2026-08-07"),
        ("04.03.2026", "2026-03-04"),
        ("Dezember 9, 2026", "2026-12-09"),
    ],
)
def test_dates_written_in_those_languages_are_read(written: str, iso: str) -> None:
    assert str(parse_date(written)) == iso


@pytest.mark.parametrize("written", ["v1.10.2026", "31.02.2026", "v2.3.2026.1", "Mars rover 2026"])
def test_what_only_looks_like_such_a_date_is_none(written: str) -> None:
    assert parse_date(written) is None


def test_a_german_deadline_column_gives_the_due_date() -> None:
    (item,) = items(
        "## Maßnahmen\n\n| Maßnahme | Verantwortlich | Frist | Status |\n|---|---|---|---|\n"
        "| Zertifikate automatisch erneuern | Team Betrieb | 15.04.2026 | Offen |\n"
    )
    assert (item.text, item.owner, item.deadline, item.status) == (
        "Zertifikate automatisch erneuern",
        "Team Betrieb",
        dt.date(2026, 4, 15),
        Status.OPEN,
    )


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("再発防止策（案）", "actions"),
        ("今後の対応", "actions"),
        ("改进措施", "actions"),
        ("后续行动", "actions"),
        ("재발 방지 대책", "actions"),
        ("预防", "prevention"),
        ("復旧方法", "resolution"),
        ("修复", "resolution"),
        ("発生から復旧までのタイムライン", "timeline"),
        ("根因", "root_cause"),
        ("影響範囲", "impact"),
        ("背景", "summary"),
        ("复盘", "lessons"),
    ],
)
def test_chinese_japanese_and_korean_section_names(title: str, kind: str) -> None:
    assert classify_title(title) == kind


def test_a_japanese_recurrence_prevention_section_holds_items_and_a_chinese_prevention_list_leans_to_actions() -> None:
    first = "ローリングアップデートを実施することで、障害の影響範囲を小さく抑えられるようにする"
    second = "リリース予定日をGitHubで公表して、関係各所と連携した情報発信をできるようにする"
    result = parse_document(
        f"# v1.4.0の障害について\n\n## 今後の対応\n\n### 再発防止策（案）\n\n"
        f"再発防止策として、次の項目を検討している。\n\n- {first}\n- {second}\n",
        "ja.md",
    )
    assert result.postmortem is not None
    assert [item.text for item in result.postmortem.action_items] == [first, second]
    assert heading_strength("预防") == LEANING
