"""Classes of writing met in blind batches 125 onwards (issue 27, twenty-fourth round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.model import Status
from sync.core.parse.evidence import names_horizon
from sync.core.parse.wording import orders_in_cyrillic
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    ("first", "second", "third"),
    [
        ("### Sofortmaßnahmen", "### Kurzfristig (diese Woche)", "### Langfristig"),
        ("### Ações imediatas", "### Curto prazo", "### Longo prazo"),
        ("### Mesures immédiates", "### Court terme", "### Long terme"),
        ("### 即時対策", "### 短期", "### 長期（継続的に）"),
    ],
)
def test_horizon_headings_after_an_action_section_continue_it(first: str, second: str, third: str) -> None:
    body = (
        f"{_STORY}## Umsetzung\n\n{first}\n\n- [x] Restore the user table.\n\n"
        f"{second}\n\n- [ ] Set up a nightly backup.\n\n{third}\n\n- [ ] Train the team on migrations.\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Restore the user table.", Status.DONE),
        ("Set up a nightly backup.", Status.OPEN),
        ("Train the team on migrations.", Status.OPEN),
    ]


def test_a_horizon_heading_alone_opens_no_action_section() -> None:
    # A roadmap's horizons with nothing naming actions before them: the plan of a product, not follow-ups.
    body = f"{_STORY}## Roadmap\n\n### Kurzfristig\n\n- Dark mode for the dashboard.\n- Export to CSV.\n"
    assert items(body) == ()


@pytest.mark.parametrize(
    ("title", "horizon"),
    [
        ("Kurzfristig (diese Woche)", True),
        ("Médio prazo (backlog)", True),
        ("### 2. Long-Term (Planned)", True),
        ("短期措施", True),
        ("Immediate Implementation:", True),
        ("즉시 실행 스크립트", False),  # "a script to run at once": names a script
        ("Long term monitoring of the pool", False),
        ("Timeline", False),
    ],
)
def test_a_horizon_is_the_heading_s_head_with_at_most_one_word_more(title: str, horizon: bool) -> None:
    assert names_horizon(title) is horizon


def test_a_day_first_dotted_date_on_a_group_heading_is_its_items_deadline() -> None:
    body = f"{_STORY}## Maßnahmen\n\n### Sofort (14.02.2026)\n\n- [ ] Rotate the database password.\n"
    [item] = items(body)
    assert (item.deadline_raw, item.deadline) == ("14.02.2026", dt.date(2026, 2, 14))


@pytest.mark.parametrize(
    "frame", ["nächsten 2 Wochen", "próximas 2 semanas", "prochaines 2 semaines", "prossime 2 settimane"]
)
def test_a_coming_span_in_other_languages_is_the_group_s_deadline(frame: str) -> None:
    body = f"{_STORY}## Actions\n\n### Mittelfristig ({frame})\n\n- [ ] Test the backup restore.\n"
    [item] = items(body)
    assert item.deadline_raw == frame


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("Жестко привязывать контейнеры к производительным ядрам.", True),  # an adverb, then the infinitive
        ("Отказаться от постоянно запущенных серверов.", True),
        ("SourceTV должен иметь префикс.", True),  # an obligation: "must"
        ("Нужно добавить алерт на диск.", True),
        ("Додати алерт на заповнення диска.", True),  # Ukrainian
        ("Сервера подвисали после двух часов аптайма.", False),  # a report of what happened
        ("Память закончилась на втором сервере.", False),  # a noun that ends as an infinitive does
        ("Что делать дальше?", False),
        ("Важно: токен должен содержать только буквы.", False),  # a note's rule, behind its label
    ],
)
def test_orders_in_russian_and_ukrainian(text: str, order: bool) -> None:
    assert orders_in_cyrillic(text) is order


def test_a_russian_future_section_of_plain_paragraphs_holds_its_orders() -> None:
    body = (
        f"{_STORY}## Сервера фризили\n\nСервера подвисали после долгого аптайма.\n\n"
        "### Что нужно сделать в будущем?\n\nОтказаться от постоянно запущенных серверов.\n"
    )
    assert [item.text for item in items(body)] == ["Отказаться от постоянно запущенных серверов."]


_RECORDS = (
    "## Ações tomadas\n\n### 1. Revogação da chave ✅\n\n**Status**: Chave revogada  \n**Ação**: Revogada no painel\n\n"
    "### 2. Limpeza do histórico ✅\n\n**Status**: Histórico reescrito  \n**Ferramenta**: `git-filter-repo`\n\n"
    "**Resultado**:\n- Arquivo removido de todos os commits\n- Force push executado\n\n---\n\n## Lições\n\nNada.\n"
)


def test_numbered_sub_headings_over_field_records_are_the_items_whatever_labels_and_rules_close_them() -> None:
    # "**Resultado**:" inside the second record and the "---" that closes the section belong to the records.
    assert [(item.text, item.status) for item in items(f"{_STORY}{_RECORDS}")] == [
        ("Revogação da chave", Status.DONE),
        ("Limpeza do histórico", Status.DONE),
    ]


def test_a_numbered_sub_heading_over_entries_titled_in_bold_files_those_entries() -> None:
    body = (
        f"{_STORY}## Remediation\n\n### 1. Solver safety\n\nThe solver must fail safely:\n\n"
        "* **Domain checks:** Check the invariant before each step.\n* **Checked math:** Replace unsafe math.\n\n"
        "### 2. Testing depth\n\nFuture work must cover:\n\n* **Fuzzing:** Fuzz the solver inputs.\n\n---\n\n"
        "## Timeline\n\n- 10:00 deposit\n"
    )
    assert [item.text.split(":")[0] for item in items(body)] == ["Domain checks", "Checked math", "Fuzzing"]


def test_measures_a_parenthesis_says_are_in_place_are_done_items_even_under_lessons() -> None:
    body = (
        f"{_STORY}## Lessons learned\n\n### What went wrong\n\n1. **Weak SSH configuration**: root login enabled\n\n"
        "### Prevention Measures (Already Prepared)\n\n1. **SSH hardening**: key-only auth, no root login\n"
        "2. **Firewall**: UFW configured\n"
    )
    assert [(item.text.split(":")[0], item.status) for item in items(body)] == [
        ("SSH hardening", Status.DONE),
        ("Firewall", Status.DONE),
    ]
    # Without the parenthesis the section may discuss practices: its entries are asked about, not ticketed.
    assert [item.confidence for item in items(body.replace(" (Already Prepared)", ""))] == ["low", "low"]


def test_thanks_after_the_next_steps_are_no_commitment() -> None:
    body = (
        f"{_STORY}### **Next Steps**\n\n ✅**DNS Documentation**: Define what is managed where.  \n"
        " ✅ **Process**: Add verification steps.\n\nWe recognize the impact this incident had on our users.\n\n"
        "We would like to extend our warmest thanks to our peers who worked with us to resolve the issues.\n"
    )
    assert [item.text.split(":")[0] for item in items(body)] == ["DNS Documentation", "Process"]
