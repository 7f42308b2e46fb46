"""Classes of writing met in blind batches 55 onwards (issue 27, tenth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Queue outage 2026-03-04", body)


_STORY = {
    "fr": (
        "## Ce qui s'est passé\n\n"
        "Hier j'ai eu un petit problème : le disque était plein. Nous avons exploré les journaux.\n\n"
    ),
    "es": "## Qué pasó\n\nAyer el disco se llenó y el sitio estuvo caído. Queremos pedir disculpas a todos.\n\n",
    "it": "## Cosa è successo\n\nIeri il disco si è riempito e il sito è rimasto giù per due ore.\n\n",
    "pt": "## O que aconteceu\n\nOntem o disco encheu e o site ficou fora do ar por duas horas.\n\n",
}


@pytest.mark.parametrize(
    ("language", "promise"),
    [
        ("fr", "Nous allons ajouter une alerte quand le disque dépasse 80 %."),
        ("fr", "Nous ajouterons une rotation des journaux."),
        ("es", "Vamos a añadir una alerta cuando el disco supere el 80 %."),
        ("es", "Añadiremos una rotación de los registros."),
        ("it", "Aggiungeremo un allarme quando il disco supera l'80 %."),
        ("pt", "Iremos adicionar um alerta quando o disco passar de 80 %."),
    ],
)
def test_a_promise_in_a_romance_language_is_an_open_item(language: str, promise: str) -> None:
    found = items(f"{_STORY[language]}## Next steps\n\n{promise}")
    assert [(item.text, item.status) for item in found] == [(promise, Status.OPEN)]
    assert found[0].confidence == "low"  # prose: asked about, not ticketed unasked


@pytest.mark.parametrize(
    ("language", "report"),
    [
        ("fr", "Pour éviter que cela ne se reproduise, j'ai désormais automatisé la vérification dans le code."),
        ("fr", "Nous avons également ajouté une alerte sur le disque."),
        ("es", "Ya hemos configurado la rotación de los registros."),
        ("it", "Abbiamo già configurato la rotazione dei log."),
    ],
)
def test_a_lasting_change_reported_in_a_romance_language_is_done(language: str, report: str) -> None:
    found = items(f"{_STORY[language]}## Et après\n\n{report}")
    assert [(item.text, item.status) for item in found] == [(report, Status.DONE)]


def test_the_story_in_the_past_tense_and_a_wish_are_no_items() -> None:
    # French tells its story in the perfect ("j'ai eu", "nous avons exploré"); "queremos" (we want) ends as
    # a Spanish future does.
    assert items(_STORY["fr"] + _STORY["es"]) == ()


def test_a_sentence_opening_so_to_names_no_owner() -> None:
    found = items(
        "## What happened\n\nThe word list was edited by hand and a step was missed.\n\n"
        "## Better safe than sorry\n\n"
        "So to prevent this from happening again, I have now automated the check in the code."
    )
    assert [(item.owner, item.status) for item in found] == [(None, Status.DONE)]


def test_a_named_subject_of_to_is_still_the_owner() -> None:
    found = items("## Follow-ups\n\n- Platform to add an alert on disk usage\n- Nóva to send the list of tenants")
    assert [item.owner for item in found] == ["Platform", "Nóva"]


_PAIRS = (
    "## Timeline\n\n"
    "### 9:00\n\n"
    "The webcam frame kept resizing during the whole day.\n\n"
    "- Issue 1: Uncontrolled resizing of the webcam source.\n"
    "- Solution: {first}\n\n"
    "### 12:15\n\n"
    "I forgot to mute the panel's audio sources, which gave a loud echo.\n\n"
    "- Issue 2: Echo due to several audio sources in an untested scene.\n"
    "- Solution: {second}\n"
)


def test_a_problem_beside_its_solution_is_a_record_whose_solution_is_the_item() -> None:
    found = items(
        _PAIRS.format(
            first="Always do a trial run with scenes that use several sources.",
            second="Don't compose a scene where the webcam overlays the slides.",
        )
    )
    assert [item.text for item in found] == [
        "Always do a trial run with scenes that use several sources.",
        "Don't compose a scene where the webcam overlays the slides.",
    ]
    # A standing order states no outcome: neither done nor invented open.
    assert all(item.status is None and item.confidence == "low" for item in found)


def test_a_solution_that_reports_the_change_is_done_and_an_unknown_or_asked_one_is_none() -> None:
    found = items(
        _PAIRS.format(first="unknown, we are still looking.", second="Applied a transform to stop the scaling.")
    )
    assert [(item.text, item.status) for item in found] == [("Applied a transform to stop the scaling.", Status.DONE)]
    asked = items(_PAIRS.format(first="Don't use Skype for long events?", second="Not sure yet?"))
    assert asked == ()


def test_a_lone_solution_line_in_a_story_is_no_record() -> None:
    # Two fields, neither naming the problem: a story's "Solution:" line, as a stray "Fix:" line is.
    found = items(
        "## What happened\n\nThe disk filled up.\n\n- Cause: a log file grew without bound.\n"
        "- Solution: rotate the logs daily.\n"
    )
    assert found == ()


@pytest.mark.parametrize(
    ("line", "ordered"),
    [
        ("Always do a trial run first.", True),
        ("Never use Skype again for a long event.", True),
        ("Don't compose a scene over the slides.", True),
        ("Don’t know why it resized.", False),
        ("Always the same problem with webcams.", False),
        ("Never again.", False),
    ],
)
def test_a_standing_order_is_told_from_a_remark(line: str, ordered: bool) -> None:
    from sync.core.parse.wording import is_standing_order

    assert is_standing_order(line) is ordered


_CHANGES = (
    "## Feedback\n\nLast year we collected 200 feedback forms from players.\n\n"
    "### {heading}\n\n"
    "**Private gaming rooms.** Nine guest rooms have been added to the convention.\n\n"
    "**Games on Demand.** Last year there was no dedicated room. This year it has its own room.\n"
)


@pytest.mark.parametrize(
    "heading",
    [
        "Here are some of the changes made in 2012 based on feedback from last year:",
        "Changes made after the outage",
        "Improvements introduced following the incident",
    ],
)
def test_changes_made_because_of_what_went_wrong_are_done_items(heading: str) -> None:
    found = items(_CHANGES.format(heading=heading))
    assert [(item.text.split(".")[0], item.status) for item in found] == [
        ("Private gaming rooms", Status.DONE),
        ("Games on Demand", Status.DONE),
    ]


def test_changes_made_alone_is_how_the_fix_was_made() -> None:
    # Without a cause ("based on feedback", "after the outage") such a heading tells the fix: its titled
    # paragraphs are not items (a perfect report inside one is still read, as anywhere, and asked about).
    found = items(_CHANGES.format(heading="Changes made"))
    assert not any(item.text.startswith(("Private gaming rooms", "Games on Demand")) for item in found)
    assert all(item.confidence == "low" for item in found)
