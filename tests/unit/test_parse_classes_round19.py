"""Classes of writing met in blind batches 85 onwards (issue 27, nineteenth round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.parse.sections import classify_title
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    ("heading", "frame"),
    [
        ("### Immédiat (Aujourd'hui)", "Aujourd'hui"),
        ("### Court terme (Cette semaine)", "Cette semaine"),
        ("### Moyen terme (Ce mois)", "Ce mois"),
        ("### Corto plazo (1-2 días)", "1-2 días"),
        ("### Mediano plazo (1 semana)", "1 semana"),
        ("### Largo plazo (1 mes)", "1 mes"),
        ("### Kurzfristig (diese Woche)", "diese Woche"),
        ("### Curto prazo (esta semana)", "esta semana"),
        ("### Niveau 1 : Quick wins (À FAIRE CETTE SEMAINE)", "CETTE SEMAINE"),
    ],
)
def test_a_time_frame_in_another_language_dates_its_group(heading: str, frame: str) -> None:
    body = f"{_STORY}## Prochaines étapes\n\n{heading}\n\n- [ ] Sauvegarder la configuration chaque nuit\n"
    (item,) = items(body)
    assert item.deadline_raw == frame


def test_a_word_that_is_no_time_frame_dates_nothing() -> None:
    body = f"{_STORY}## Prochaines étapes\n\n### Court terme (réseau)\n\n- [ ] Sauvegarder la configuration\n"
    (item,) = items(body)
    assert item.deadline_raw is None


def test_a_bold_title_over_one_line_is_the_item_and_the_line_says_how() -> None:
    body = (
        f"{_STORY}## Recommendations\n\n1. **Production error tracking (Sentry):**\n"
        "   - Configure the SDK to capture unhandled exceptions and alert in real time.\n"
        "2. **Synthetic uptime monitoring:**\n   - Configure a ping every 5 minutes on the booking routes.\n"
    )
    found = items(body)
    assert [item.text.rstrip(":") for item in found] == [
        "Production error tracking (Sentry)",
        "Synthetic uptime monitoring",
    ]
    assert "ping every 5 minutes" in found[1].extra["description"]


def test_a_label_over_several_orders_still_groups_them() -> None:
    body = (
        f"{_STORY}## Next steps\n\n- **Monitoring:**\n  - Add an alert on disk usage\n"
        "  - Add a dashboard of save errors\n"
    )
    assert [item.text for item in items(body)] == ["Add an alert on disk usage", "Add a dashboard of save errors"]


@pytest.mark.parametrize(
    "heading", ["## Prevention measures implemented", "## **PREVENTION MEASURES IMPLEMENTED**", "## Prevention actions"]
)
def test_prevention_named_as_work_is_an_action_section(heading: str) -> None:
    assert classify_title(heading.strip("# *")) == "actions"


def test_a_bare_prevention_measures_section_beside_the_action_list_stays_discussion() -> None:
    body = (
        f"{_STORY}## Prevention measures\n\n### Review every migration\n\nRead each generated file before merging.\n\n"
        "## Action items\n\n- [ ] Add a CI check that fails on DROP TABLE\n"
    )
    assert [item.text for item in items(body)] == ["Add a CI check that fails on DROP TABLE"]


@pytest.mark.parametrize(
    "heading", ["## Prevention measures implemented", "### Defenses added by this fix:", "## Safeguards now in place"]
)
def test_measures_named_as_put_in_place_are_done(heading: str) -> None:
    body = (
        f"{_STORY}## Action items\n\n- [ ] Alert on disk usage over 80 %\n\n{heading}\n\n"
        "1. Data validation before every save\n2. Code review checklist for data operations\n"
    )
    found = {item.text: item.status for item in items(body)}
    assert found["Data validation before every save"] is Status.DONE
    assert found["Code review checklist for data operations"] is Status.DONE
    assert found["Alert on disk usage over 80 %"] is Status.OPEN


def test_work_ahead_under_measures_implemented_is_not_done() -> None:
    body = (
        f"{_STORY}## Preventive measures implemented\n\n### Immediate\n\n1. ✅ Redeployed the bridge\n\n"
        "### Short-term actions (next 2 weeks)\n\n1. **Checklist**: create a deployment checklist\n"
    )
    found = {item.text: item for item in items(body)}
    later = next(item for text, item in found.items() if text.startswith("Checklist"))
    assert later.status in (None, Status.OPEN)
    assert later.deadline_raw == "next 2 weeks"


def test_a_numbered_bold_title_over_what_spells_it_out_is_one_item() -> None:
    body = (
        f"{_STORY}## Action items\n\n**1. External uptime monitoring** (free, 15 min setup)\n"
        "- ✅ 13 URLs prepared\n- → **Action**: create the account and import the monitors\n\n"
        "**2. Off-site config backup** (free, 30 min)\n```bash\n0 2 * * * scp host:/config.json ~/backups/\n```\n"
        "- → **ROI**: a bad config is fixed in 5 minutes\n\n"
        "**3. Restore procedure documented** ✅ DONE\n- `tasks/restore/`\n- Scripts ready\n"
    )
    found = items(body)
    assert [item.text.split(" (")[0] for item in found] == [
        "External uptime monitoring",
        "Off-site config backup",
        "Restore procedure documented DONE",
    ]
    assert "13 URLs prepared" in found[0].extra["description"]
    assert found[2].status is Status.DONE


@pytest.mark.parametrize(
    "entries",
    [
        "- [ ] Document every system to revoke\n- [ ] Remove the project access\n",
        "- Set up a nightly dump\n- Test a restore every week\n",
    ],
)
def test_a_numbered_bold_title_over_checkboxes_or_orders_groups_them(entries: str) -> None:
    body = f"{_STORY}## Action items\n\n**1. Offboarding checklist** (this week)\n{entries}"
    assert len(items(body)) == 2


@pytest.mark.parametrize(
    "entry",
    ["**09:15**: Expedited hardware replacement initiated", "07:00-09:00: Monitoring and traffic engineering"],
)
def test_an_entry_opened_by_a_time_of_day_is_the_story(entry: str) -> None:
    body = f"{_STORY}## Action items\n\n1. {entry}\n2. Keep a spare transceiver on site\n"
    assert [item.text for item in items(body)] == ["Keep a spare transceiver on site"]


@pytest.mark.parametrize("heading", ["## Remediation Actions Taken", "### Phase 1: Immediate Containment"])
def test_the_response_phases_are_the_story(heading: str) -> None:
    body = (
        f"{_STORY}{heading}\n\n- Killed the malicious processes\n- Removed the backdoor key\n\n"
        "## Follow-up actions\n\n- [ ] Disable password logins over SSH\n"
    )
    assert [item.text for item in items(body)] == ["Disable password logins over SSH"]


def test_containment_improvements_are_still_work() -> None:
    body = f"{_STORY}## Containment improvements\n\n- Add a kill switch for the scheduler\n"
    assert [item.text for item in items(body)] == ["Add a kill switch for the scheduler"]


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("4. Was ändern wir", "actions"),
        ("Qué vamos a hacer", "actions"),
        ("Ce que nous allons faire", "actions"),
        ("O que vamos fazer", "actions"),
        ("Was haben wir gelernt", "lessons"),
        ("LECCIONES APRENDIDAS", "lessons"),
        ("Leçons apprises", "lessons"),
    ],
)
def test_what_we_change_and_what_we_learnt_in_other_languages(heading: str, kind: str) -> None:
    assert classify_title(heading) == kind


@pytest.mark.parametrize(
    ("entry", "status"),
    [
        ("**Docker Hub Pro plan activated** -- removes the rate-limit risk", Status.DONE),
        ("**Docker Hub Pro Plan aktiviert** -- entfernt das Rate-Limit-Risiko", Status.DONE),
        ("**NAS als Backup-Storage isoliert** -- Hot-Path-Daten bleiben auf Linstor", Status.DONE),
        ("**Monatlicher Bericht** an das Team", None),
        ("**Periodic CSI GC** daily at 03:30", None),
    ],
)
def test_a_bold_title_ending_on_a_participle_reports_the_work_done(entry: str, status: Status | None) -> None:
    body = f"{_STORY}## What we change\n\n- {entry}\n- **Alert on disk usage** over 80 %\n"
    assert items(body)[0].status is status


def test_a_numbered_bold_line_alone_over_what_spells_it_out_is_one_item() -> None:
    body = (
        f"{_STORY}## Action items\n\n### Short term (this week)\n\n**1. External uptime monitoring**\n\n"
        "- ✅ 13 URLs prepared\n"
        "- → **ROI**: alerted within 5 minutes instead of 3 hours\n\n**2. Nightly config backup**\n\n"
        "- ✅ Script written\n- → **ROI**: a bad config is fixed in 5 minutes\n"
    )
    found = items(body)
    assert [(item.text, item.deadline_raw) for item in found] == [
        ("External uptime monitoring", "this week"),
        ("Nightly config backup", "this week"),
    ]


def test_a_numbered_bold_title_with_no_words_names_no_item() -> None:
    body = f"{_STORY}## Action items\n\n**1. ✅**\n\n- ✅ 13 URLs prepared\n- → **ROI**: alerted within 5 minutes\n"
    assert items(body) == ()
