"""Parser options: the synonym tables that map what documents say onto pmsync's enums.

The defaults cover the vocabulary seen in the shared corpus; callers (configuration) may replace
any table. Keys are matched case-insensitively after whitespace is collapsed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from sync.core.model import Priority, Severity, Status

DEFAULT_PRIORITY_SYNONYMS: Mapping[str, Priority] = MappingProxyType(
    {
        "p0": Priority.P0,
        "p1": Priority.P1,
        "p2": Priority.P2,
        "critical": Priority.P0,
        "blocker": Priority.P0,
        "urgent": Priority.P0,
        "highest": Priority.P0,
        "high": Priority.P1,
        "major": Priority.P1,
        "medium": Priority.P2,
        "normal": Priority.P2,
        "low": Priority.P2,
        "minor": Priority.P2,
        "lowest": Priority.P2,
        "nice to have": Priority.P2,
        # The same ladder as teams write it in their own languages (Spanish, Portuguese, French, Italian,
        # German, Chinese, Japanese, Korean): "🔴 Crítica", "Alta", "Moyenne", "hoch", "高", "높음".
        "crítica": Priority.P0,
        "critica": Priority.P0,
        "crítico": Priority.P0,
        "critico": Priority.P0,
        "critique": Priority.P0,
        "kritisch": Priority.P0,
        "urgente": Priority.P0,
        "dringend": Priority.P0,
        "紧急": Priority.P0,
        "緊急": Priority.P0,
        "最高": Priority.P0,
        # Korean: urgent, high, normal, low.
        "긴급": Priority.P0,
        "높음": Priority.P1,
        "보통": Priority.P2,
        "낮음": Priority.P2,
        "alta": Priority.P1,
        # The masculine forms, as a Spanish or Italian label agrees with "nivel", "impacto": "[ALTO]", "[BAJO]".
        "alto": Priority.P1,
        "medio": Priority.P2,
        "bajo": Priority.P2,
        "basso": Priority.P2,
        "haute": Priority.P1,
        "élevée": Priority.P1,
        "hoch": Priority.P1,
        "高": Priority.P1,
        "media": Priority.P2,
        "média": Priority.P2,
        "moyenne": Priority.P2,
        "mittel": Priority.P2,
        "baja": Priority.P2,
        "baixa": Priority.P2,
        "bassa": Priority.P2,
        "basse": Priority.P2,
        "faible": Priority.P2,
        "niedrig": Priority.P2,
        "中": Priority.P2,
        "低": Priority.P2,
    }
)

DEFAULT_STATUS_SYNONYMS: Mapping[str, Status] = MappingProxyType(
    {
        "open": Status.OPEN,
        "todo": Status.OPEN,
        "to do": Status.OPEN,
        "not started": Status.OPEN,
        "planned": Status.OPEN,
        "remaining": Status.OPEN,
        "outstanding": Status.OPEN,
        "pending": Status.OPEN,
        "proposed": Status.OPEN,
        "suggested": Status.OPEN,
        "backlog": Status.OPEN,
        "blocked": Status.OPEN,
        "not done": Status.OPEN,
        # The states before work starts that trackers and meeting notes give an item: it exists, not begun.
        "new": Status.OPEN,
        "triage": Status.OPEN,
        "triaged": Status.OPEN,
        "assigned": Status.OPEN,
        "unassigned": Status.OPEN,
        "not assigned": Status.OPEN,
        "noted": Status.OPEN,
        "discussion": Status.OPEN,
        "under discussion": Status.OPEN,
        "in discussion": Status.OPEN,
        "to discuss": Status.OPEN,
        "accepted": Status.OPEN,
        "agreed": Status.OPEN,
        "scheduled": Status.OPEN,
        "queued": Status.OPEN,
        "on hold": Status.OPEN,
        "deferred": Status.OPEN,
        # An hourglass is work waiting its turn: "⏳ Pending", "⏳ Pendiente", "⏳ Đang chờ" in every corpus.
        "⏳": Status.OPEN,
        # A calendar: work scheduled for later ("📅 Evaluate a remote console"), not yet begun.
        "📅": Status.OPEN,
        "🔜": Status.OPEN,
        "⬜": Status.OPEN,  # an empty box
        "selected for development": Status.OPEN,
        "in-progress": Status.IN_PROGRESS,
        "in_progress": Status.IN_PROGRESS,
        "doing": Status.IN_PROGRESS,
        "underway": Status.IN_PROGRESS,
        "in progress": Status.IN_PROGRESS,
        "ongoing": Status.IN_PROGRESS,
        "wip": Status.IN_PROGRESS,
        "started": Status.IN_PROGRESS,
        "in review": Status.IN_PROGRESS,
        # Part of the work done: under way ("parcial", "Partially done").
        "partial": Status.IN_PROGRESS,
        "partially done": Status.IN_PROGRESS,
        "partly done": Status.IN_PROGRESS,
        "parcial": Status.IN_PROGRESS,
        "parcialmente": Status.IN_PROGRESS,
        "partiel": Status.IN_PROGRESS,
        "teilweise": Status.IN_PROGRESS,
        "parziale": Status.IN_PROGRESS,
        "gedeeltelijk": Status.IN_PROGRESS,
        "🚧": Status.IN_PROGRESS,  # under construction
        "🔄": Status.IN_PROGRESS,
        "done": Status.DONE,
        "complete": Status.DONE,
        "completed": Status.DONE,
        "implemented": Status.DONE,
        "closed": Status.DONE,
        "resolved": Status.DONE,
        "fixed": Status.DONE,
        "shipped": Status.DONE,
        "deployed": Status.DONE,
        "merged": Status.DONE,
        "released": Status.DONE,
        "✅": Status.DONE,
        "**done**": Status.DONE,
        "won't do": Status.WONT_DO,
        "wont do": Status.WONT_DO,
        "won't fix": Status.WONT_DO,
        "wontfix": Status.WONT_DO,
        "wont fix": Status.WONT_DO,
        "not planned": Status.WONT_DO,
        "cancelled": Status.WONT_DO,
        "canceled": Status.WONT_DO,
        "dropped": Status.WONT_DO,
        "obsolete": Status.WONT_DO,
        "failed": Status.WONT_DO,  # an attempt that failed and was given up ("**FAILED**" in a status column)
        "abandoned": Status.WONT_DO,
        "duplicate": Status.WONT_DO,
        # The same words in French, German, Spanish, Portuguese, Dutch and Italian status columns.
        "à faire": Status.OPEN,
        "a faire": Status.OPEN,
        "prévu": Status.OPEN,
        "offen": Status.OPEN,
        "geplant": Status.OPEN,
        "pendiente": Status.OPEN,
        "pendente": Status.OPEN,
        "aberto": Status.OPEN,
        "aberta": Status.OPEN,
        "abierto": Status.OPEN,
        "abierta": Status.OPEN,
        "ouvert": Status.OPEN,
        "aperto": Status.OPEN,
        "gepland": Status.OPEN,
        "da fare": Status.OPEN,
        "en cours": Status.IN_PROGRESS,
        "in arbeit": Status.IN_PROGRESS,
        "in bearbeitung": Status.IN_PROGRESS,
        "en progreso": Status.IN_PROGRESS,
        "en curso": Status.IN_PROGRESS,
        "em andamento": Status.IN_PROGRESS,
        "em progresso": Status.IN_PROGRESS,
        "bezig": Status.IN_PROGRESS,
        "in uitvoering": Status.IN_PROGRESS,
        "in corso": Status.IN_PROGRESS,
        "fait": Status.DONE,
        "terminé": Status.DONE,
        "réalisé": Status.DONE,
        "erledigt": Status.DONE,
        "abgeschlossen": Status.DONE,
        "umgesetzt": Status.DONE,
        "hecho": Status.DONE,
        "completado": Status.DONE,
        "terminado": Status.DONE,
        "concluído": Status.DONE,
        "feito": Status.DONE,
        "implementado": Status.DONE,
        "implementada": Status.DONE,
        "implementato": Status.DONE,
        "implémenté": Status.DONE,
        "implementiert": Status.DONE,
        "pronto": Status.DONE,
        "pronta": Status.DONE,
        "listo": Status.DONE,
        "gedaan": Status.DONE,
        "afgerond": Status.DONE,
        "voltooid": Status.DONE,
        "fatto": Status.DONE,
        "completato": Status.DONE,
        # Norwegian, Swedish and Danish.
        "gjort": Status.DONE,
        "ferdig": Status.DONE,
        "fullført": Status.DONE,
        "klart": Status.DONE,
        "genomfört": Status.DONE,
        "færdig": Status.DONE,
        "pågår": Status.IN_PROGRESS,
        "pågående": Status.IN_PROGRESS,
        "i gang": Status.IN_PROGRESS,
        "planlagt": Status.OPEN,
        "planerad": Status.OPEN,
        # Russian, Polish and Turkish.
        "сделано": Status.DONE,
        "выполнено": Status.DONE,
        "готово": Status.DONE,
        "внедрено": Status.DONE,
        "внедрены": Status.DONE,
        "исправлено": Status.DONE,
        "завершено": Status.DONE,
        "в работе": Status.IN_PROGRESS,
        "в процессе": Status.IN_PROGRESS,
        "запланировано": Status.OPEN,
        "отложено": Status.OPEN,
        "отложены": Status.OPEN,
        "zrobione": Status.DONE,
        "wykonane": Status.DONE,
        "w toku": Status.IN_PROGRESS,
        "zaplanowane": Status.OPEN,
        "tamamlandı": Status.DONE,
        "devam ediyor": Status.IN_PROGRESS,
        "planlandı": Status.OPEN,
        # Chinese, Japanese and Korean.
        "已完成": Status.DONE,
        "完成": Status.DONE,
        "已修复": Status.DONE,
        "已解决": Status.DONE,
        "已实施": Status.DONE,
        "已验证": Status.DONE,
        "已上线": Status.DONE,
        "进行中": Status.IN_PROGRESS,
        "处理中": Status.IN_PROGRESS,
        "待处理": Status.OPEN,
        "待办": Status.OPEN,
        "未开始": Status.OPEN,
        "计划中": Status.OPEN,
        "完了": Status.DONE,
        "対応済み": Status.DONE,
        "対応済": Status.DONE,
        "実施済み": Status.DONE,
        "済み": Status.DONE,
        "対応中": Status.IN_PROGRESS,
        "進行中": Status.IN_PROGRESS,
        "未着手": Status.OPEN,
        "未対応": Status.OPEN,
        "완료": Status.DONE,
        "진행 중": Status.IN_PROGRESS,
        "진행중": Status.IN_PROGRESS,
        "예정": Status.OPEN,
        "미완료": Status.OPEN,
        "abandonné": Status.WONT_DO,
        "verworfen": Status.WONT_DO,
        "descartado": Status.WONT_DO,
    }
)

DEFAULT_SEVERITY_SYNONYMS: Mapping[str, Severity] = MappingProxyType(
    {
        "sev-1": Severity.SEV1,
        "sev1": Severity.SEV1,
        "sev 1": Severity.SEV1,
        "s1": Severity.SEV1,
        "critical": Severity.SEV1,
        "sev-2": Severity.SEV2,
        "sev2": Severity.SEV2,
        "sev 2": Severity.SEV2,
        "s2": Severity.SEV2,
        "major": Severity.SEV2,
        "high": Severity.SEV2,
        "sev-3": Severity.SEV3,
        "sev3": Severity.SEV3,
        "sev 3": Severity.SEV3,
        "s3": Severity.SEV3,
        "minor": Severity.SEV3,
        "low": Severity.SEV3,
        "medium": Severity.SEV3,
    }
)


@dataclass(frozen=True)
class ParseOptions:
    """How to read a document. Frozen so one instance can be shared across threads and runs."""

    priority_synonyms: Mapping[str, Priority] = field(default_factory=lambda: DEFAULT_PRIORITY_SYNONYMS)
    status_synonyms: Mapping[str, Status] = field(default_factory=lambda: DEFAULT_STATUS_SYNONYMS)
    severity_synonyms: Mapping[str, Severity] = field(default_factory=lambda: DEFAULT_SEVERITY_SYNONYMS)
    default_timezone: str = "UTC"
    # ``[parse] uncertain``: "ask" lists low-confidence items and leaves them out of planning;
    # "ticket" plans them like the others (the parser reports them either way).
    uncertain: Literal["ask", "ticket"] = "ask"

    def priority(self, raw: str) -> Priority | None:
        """Map a priority cell or prefix (``P1``, ``High``, ``🔴 Crítica``) to a Priority, or None."""
        key = _key(raw)
        found = self.priority_synonyms.get(key)
        if found is None and not key.isascii():
            # "🔴 Crítica", "🟢 Baja": a coloured mark beside the word; the word decides.
            found = self.priority_synonyms.get(_without_symbols(key))
        return found

    def status(self, raw: str) -> Status | None:
        """Map a status word (``In progress``, ``DONE``, ``✅``) to a Status, or None."""
        key = _key(raw)
        found = self.status_synonyms.get(key)
        if found is not None:
            return found
        # "**DONE**", "In Review (existing)", "**🔴 OUTSTANDING** (still live)": emphasis, a note after
        # the status word, a symbol beside it.
        plain = _key(key.replace("**", "").replace("__", ""))
        head = _key(plain.split("(", 1)[0]) if "(" in plain[1:] else plain
        for candidate in dict.fromkeys((plain, head)):
            found = self.status_synonyms.get(candidate) or self._marked_status(candidate)
            if found is not None:
                return found
        return self._mixed_status(plain) if ";" in plain else None

    def _mixed_status(self, key: str) -> Status | None:
        """ "recovery tool ready; normal integration open": clauses that each end (or open) with a status word.
        Work partly done and partly not is under way; clauses that agree give their status."""
        found: set[Status] = set()
        for part in (p.split() for p in key.split(";")):
            if not part:
                continue
            status = self.status_synonyms.get(part[-1]) or self.status_synonyms.get(part[0])
            if status is None:
                return None  # a clause without a status word: a note, not a status
            found.add(status)
        if len(found) == 1:
            return found.pop()
        return Status.IN_PROGRESS if found <= {Status.DONE, Status.OPEN, Status.IN_PROGRESS} else None

    def _marked_status(self, key: str) -> Status | None:
        """ "✅ Done", "Done ✅", "🚧 In progress": a symbol beside the word. The word decides; a symbol
        alone decides only when the word is unknown and every symbol agrees."""
        # No ASCII character is in category So, and U+FE0F is not ASCII: an ASCII key holds no symbol.
        symbols = [] if key.isascii() else [c for c in key if _is_symbol(c)]
        if not symbols:
            return None
        word = _without_symbols(key)
        found = self.status_synonyms.get(word) if word else None
        if found is None:
            marked = {self.status_synonyms.get(c) for c in symbols}
            found = marked.pop() if len(marked) == 1 else None
        return found

    def severity(self, raw: str) -> Severity | None:
        """Map a severity value (``SEV-1 (revenue impact)``, ``Major (High Impact…)``) to a Severity."""
        key = _key(raw)
        if key in self.severity_synonyms:
            return self.severity_synonyms[key]
        head = _key(key.split("(", 1)[0])
        if head in self.severity_synonyms:
            return self.severity_synonyms[head]
        first = head.split(" ", 1)[0].rstrip(".,;:") if head else ""
        return self.severity_synonyms.get(first)


def _is_symbol(char: str) -> bool:
    # Emoji and pictographs (category So), and the variation selector that follows many of them.
    return unicodedata.category(char) == "So" or char == "\ufe0f"


def _without_symbols(key: str) -> str:
    """The key with its emoji and pictographs taken out: the word a mark stands beside."""
    return _key("".join(" " if _is_symbol(c) else c for c in key))


def _key(raw: str) -> str:
    return " ".join(raw.replace("\u2019", "'").split()).lower()
