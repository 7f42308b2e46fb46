"""Post-mortems written in French, German, Spanish, Portuguese, Dutch or Italian (issue 27): their action
sections, table columns and status words are read as the English ones are. Made-up documents only."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse import parse_document
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
