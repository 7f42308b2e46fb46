"""Classes of writing met in blind batches 121 onwards (issue 27, twenty-third round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    "lead_in",
    [
        "Now that the cause is known we can avoid this in the future. The future plans are to:",
        "It will not happen again soon, but long-term our plan is to:",
        "The wiki is back. To avoid a repeat we are going to:",
    ],
)
def test_a_plan_the_story_turns_to_is_read_from_the_list_it_completes(lead_in: str) -> None:
    body = f"{_STORY}{lead_in}\n\n1. Add an alert on disk usage.\n2. Move the uploads to object storage.\n"
    found = items(body)
    assert [(item.text, item.status, item.confidence) for item in found] == [
        ("Add an alert on disk usage.", Status.OPEN, "low"),
        ("Move the uploads to object storage.", Status.OPEN, "low"),
    ]


def test_the_response_plan_during_the_incident_is_no_follow_up() -> None:
    # "The game plan is:" in the story: what the responders did next, step by step; nothing looks ahead.
    body = f"{_STORY}The game plan is:\n\n1. Put the wiki in read-only mode.\n2. Copy the data to a bigger disk.\n"
    assert items(body) == ()


@pytest.mark.parametrize("heading", ["## 🛠️ Lo Que Construimos", "## Qué construimos", "## O que construímos"])
def test_what_we_built_in_spanish_or_portuguese_under_an_emoji_is_the_changes_made(heading: str) -> None:
    body = (
        f"{_STORY}{heading}\n\n1. **`backup.sh`** → Copia la base cada noche.\n"
        "2. **`alerts.yml`** → Avisa cuando el disco pasa del 80 %.\n"
    )
    assert [(item.text.split(" →")[0], item.status) for item in items(body)] == [
        ("`backup.sh`", Status.DONE),
        ("`alerts.yml`", Status.DONE),
    ]


def test_french_status_labels_open_the_entries_they_name() -> None:
    body = f"{_STORY}## Actions correctives\n\n- **Fait** : Rollback immédiat.\n- **À faire** : Ajouter des tests.\n"
    assert [(item.text, item.status) for item in items(body)] == [
        ("Rollback immédiat.", Status.DONE),
        ("Ajouter des tests.", Status.OPEN),
    ]


def test_a_pending_label_abroad_gives_the_status_and_stays_in_the_title() -> None:
    # As "Pending: request delisting" does in English: the word is part of the line as written.
    body = f"{_STORY}## Acciones\n\n- Pendiente: rotar la clave del proveedor.\n"
    assert [(item.text, item.status) for item in items(body)] == [
        ("Pendiente: rotar la clave del proveedor.", Status.OPEN)
    ]


def test_a_resolution_pseudo_heading_in_an_incident_log_is_its_fix_done() -> None:
    body = (
        "## Incident 1 — Import error\n\n**Symptôme**\n\nLes tests échouent.\n\n**Résolution**\n\n"
        "Ajout de `sentencepiece` aux dépendances du pipeline. Les tests passent.\n\n"
        "## Incident 2 — Disk\n\n**Symptom**\n\nThe disk filled.\n\n**Resolution**\n\n"
        "The service recovered by itself.\n"
    )
    found = items(body)
    # The first sentence of the fix; how an incident ended ("recovered by itself") changes nothing.
    assert [(item.text, item.status, item.confidence) for item in found] == [
        ("Ajout de `sentencepiece` aux dépendances du pipeline.", Status.DONE, "low")
    ]


def test_a_resolution_pseudo_heading_beside_the_documents_action_list_is_no_item() -> None:
    body = (
        "## Incident 1\n\n**Resolution**\n\nRestarted the worker pool.\n\n"
        "## Action items\n\n- Add an alert on the queue depth.\n"
    )
    assert [item.text for item in items(body)] == ["Add an alert on the queue depth."]


@pytest.mark.parametrize(
    "sentence",
    [
        "Le lien de réinitialisation est désormais automatiquement rendu invalide après un changement de mot de passe.",
        "J'ai tout de même fait en sorte d'interdire les intégrations par iframe.",
    ],
)
def test_a_lasting_change_reported_in_french_prose_is_work_done(sentence: str) -> None:
    body = f"Deux problèmes de sécurité m'ont été signalés en juillet.\n\n{sentence}\n"
    assert [(item.text, item.status) for item in items(body)] == [(sentence, Status.DONE)]


@pytest.mark.parametrize("title", ["3. Monitoring recommendations", "3. 监控建议"])
def test_a_numbered_sub_heading_naming_recommendations_lists_them(title: str) -> None:
    body = (
        f"{_STORY}## Prevention\n\n### 1. Automatic renewal\n\nA cron job renews the certificate daily.\n\n"
        f"### {title}\n\n- Check the certificate expiry monthly\n- Alert two weeks before expiry\n"
    )
    texts = [item.text for item in items(body)]
    assert texts[-2:] == ["Check the certificate expiry monthly", "Alert two weeks before expiry"]
    assert title.split(". ")[1] not in texts


@pytest.mark.parametrize("heading", ["## 数据完整性建议", "## 📝 Рекомендации", "## Empfehlungen", "## Aanbevelingen"])
def test_recommendations_headings_abroad_hold_the_actions(heading: str) -> None:
    body = f"{_STORY}{heading}\n\n- Add a foreign key on the product id\n- Validate the data before import\n"
    assert [item.text for item in items(body)] == [
        "Add a foreign key on the product id",
        "Validate the data before import",
    ]


def test_what_a_created_thing_does_is_no_item_and_its_verb_no_owner() -> None:
    body = (
        f"{_STORY}## Preventive measures implemented\n\n**Created `scripts/check.py`**:\n"
        "- Uses Playwright to test all admin pages\n- Runs after every deployment\n\n"
        "## Action items\n\n- Add file integrity monitoring\n"
    )
    texts = [(item.text, item.owner) for item in items(body)]
    assert ("Add file integrity monitoring", None) in texts
    assert not any(text.startswith(("Uses", "Runs")) for text, _ in texts)


def test_the_one_entry_under_a_numbered_bold_title_tells_its_status() -> None:
    body = (
        f"{_STORY}## Corrective measures\n\n**1. Config reviews:**\n\n- We added a weekly review of the config.\n\n"
        "**2. Runbook:**\n\n- Write the restore runbook.\n"
    )
    assert [(item.text, item.status) for item in items(body)] == [
        ("Config reviews", Status.DONE),
        ("Write the restore runbook.", None),
    ]


def test_a_plain_text_document_reads_the_lines_under_an_action_label() -> None:
    # No Markdown at all: the sections run together in one paragraph, each opened by a label line.
    body = (
        "Issue Summary:\nDuration: 10:00 to 14:00 UTC.\nRoot Cause: the disk filled with logs.\n"
        "Corrective and Preventative Measures:\nImprovements: Better monitoring overall.\n"
        "Tasks to Address the Issue:\n🔧 Implement disk space monitoring with Prometheus.\n"
        "Conduct a review of the logging configuration.\n"
        "By implementing these measures, we aim to catch such issues early.\n"
        "Conclusion: Add more disks next year, maybe.\n"
    )
    assert [(item.text, item.line) for item in items(body)] == [
        ("Implement disk space monitoring with Prometheus.", 9),
        ("Conduct a review of the logging configuration.", 10),
    ]


def test_lines_under_a_label_naming_something_else_are_no_items() -> None:
    body = "Summary:\nRestart the database.\nTimeline:\n10:00 Restart the database.\n"
    assert items(body) == ()


@pytest.mark.parametrize(
    ("group", "deadline"),
    [("### 短期（1週間以内）", "1週間以内"), ("### 중요 (이번 주)", "이번 주"), ("### Corto plazo (24-48h)", "24-48h")],
)
def test_a_time_frame_in_the_groups_parentheses_is_its_entries_deadline(group: str, deadline: str) -> None:
    body = f"{_STORY}## 再発防止策\n\n{group}\n\n- [ ] バックアップの自動化\n"
    assert [(item.text, item.deadline_raw) for item in items(body)] == [("バックアップの自動化", deadline)]


def test_a_horizon_alone_is_no_deadline() -> None:
    # "### 短期" / "### Short term" names when, not by when: the shared corpus keeps such entries without one.
    body = f"{_STORY}## Action items\n\n### Short term\n\n- Add an alert on disk usage\n"
    assert [item.deadline_raw for item in items(body)] == [None]


@pytest.mark.parametrize(("level", "priority"), [("🔴 緊急", "P0"), ("🟡 高", "P1"), ("🟢 中", "P2")])
def test_a_cjk_priority_in_the_groups_parentheses_is_its_entries_priority(level: str, priority: str) -> None:
    body = f"{_STORY}## 今後の対応\n\n### 7.2 実施すべき項目（優先度：{level}）\n\n- [ ] ロードテストの実施\n"
    assert [item.priority.value if item.priority else None for item in items(body)] == [priority]


@pytest.mark.parametrize(
    "heading", ["## 🛡️ 예방 조치 (Critical!)", "## 📋 체크리스트: 즉시 실행할 조치", "## 향후 계획"]
)
def test_korean_headings_of_measures_to_take_hold_the_actions(heading: str) -> None:
    body = f"{_STORY}{heading}\n\n- [ ] Cron 백업 작업 설정\n- [ ] 백업 복구 테스트 수행\n"
    assert [item.text for item in items(body)] == ["Cron 백업 작업 설정", "백업 복구 테스트 수행"]


@pytest.mark.parametrize(
    ("title", "entries"),
    [
        ("### 2. 문서화", ["환경변수 변경 시 반드시 변경 이력 기록", "`.env.example` 파일 최신 상태 유지"]),
        ("### 3. 監視", ["ロードテストの実施", "エラー監視ツールの導入（Sentry推奨）"]),
    ],
)
def test_cjk_tasks_under_a_numbered_sub_heading_are_the_items(title: str, entries: list[str]) -> None:
    # A task in CJK is a noun phrase closed by the work's noun: the entries are the work, the title groups them.
    lines = "".join(f"- {entry}\n" for entry in entries)
    body = f"{_STORY}## 再発防止策\n\n### 1. 検証\n\n検証する。\n\n{title}\n\n{lines}"
    assert [item.text for item in items(body)][-2:] == entries


def test_a_cjk_task_under_a_resolution_field_is_done() -> None:
    # "해결: Cloudflare Turnstile 도입": the noun phrase names the work; the field says it was done.
    body = "## 장애\n\n- 지속: 1시간\n- 원인: DDoS 공격\n- 해결: Cloudflare Turnstile 도입\n"
    assert [(item.text, item.status) for item in items(body)] == [("Cloudflare Turnstile 도입", Status.DONE)]


def test_japanese_sentences_ending_in_the_plain_form_of_to_do_are_tasks() -> None:
    body = (
        f"{_STORY}## 4. 今後のタスク\n\n1. バックアップの有無を確認し、全マスターを再投入する。\n"
        "2. 全件削除にならないようにする。\n"
    )
    assert [item.text for item in items(body)] == [
        "バックアップの有無を確認し、全マスターを再投入する。",
        "全件削除にならないようにする。",
    ]


def test_an_abbreviated_hour_or_day_is_a_span_only_after_a_number() -> None:
    body = (
        f"{_STORY}## Action items\n\n### Landing page (ad)\n\n- Fix the signup form\n\n"
        "### Hotfix (48h)\n\n- Rotate the key\n"
    )
    assert [(item.text, item.deadline_raw) for item in items(body)] == [
        ("Fix the signup form", None),
        ("Rotate the key", "48h"),
    ]
