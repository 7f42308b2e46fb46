"""Reading intent from an item's wording: owners written into the sentence, completion stated
in the past tense, placeholders left from a template.

Deliberately conservative: a false "done" hides work, so gerunds ("Adding …") and imperatives
never count as past tense, and adjectives like "Automated" only do when a determiner follows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "all",
        "our",
        "this",
        "these",
        "those",
        "its",
        "their",
        "his",
        "her",
        "some",
        "every",
        "each",
        "any",
        "both",
        "several",
        "no",
    ]
)
# -ed words that usually open a noun phrase ("Automated tests for …") rather than report work.
_ADJECTIVES = frozenset(
    [
        "automated",
        "detailed",
        "improved",
        "dedicated",
        "advanced",
        "distributed",
        "centralized",
        "centralised",
        "increased",
        "reduced",
        "expanded",
        "extended",
        "enhanced",
        "standardized",
        "standardised",
        "required",
        "shared",
        "related",
        "limited",
        "scheduled",
        "documented",
        "updated",
        "unified",
        "simplified",
        "structured",
        "integrated",
        "managed",
        "coordinated",
        "targeted",
        "focused",
        "enforced",
        "tested",
        "versioned",
        "tiered",
        "isolated",
        "segregated",
        "separated",
        "combined",
        "consolidated",
        "named",
        "based",
        "expected",
    ]
)
_IRREGULAR_PAST = frozenset(
    [
        "sent",
        "built",
        "made",
        "wrote",
        "ran",
        "began",
        "brought",
        "bought",
        "caught",
        "did",
        "drew",
        "drove",
        "fed",
        "felt",
        "fought",
        "found",
        "froze",
        "gave",
        "got",
        "grew",
        "held",
        "hid",
        "kept",
        "knew",
        "led",
        "left",
        "lent",
        "lost",
        "meant",
        "met",
        "paid",
        "rode",
        "rose",
        "sold",
        "sought",
        "shook",
        "shot",
        "showed",
        "spoke",
        "spent",
        "stood",
        "stole",
        "struck",
        "swore",
        "swept",
        "swam",
        "took",
        "taught",
        "tore",
        "told",
        "thought",
        "threw",
        "understood",
        "woke",
        "wore",
        "won",
        "withdrew",
    ]
)
# Orders in the other languages teams write post-mortems in, as their lists write them: the infinitive
# (Portuguese, Spanish, French, Italian, German) or the imperative. Words that are English nouns or adjectives
# too ("former", "tester", "mover", "remover") are left out: an English line must not read as an order by
# accident; so are words opening with an accented letter, which the word pattern does not start on.
_ORDERS_ABROAD = """
    adicionar ajustar alterar atualizar automatizar configurar corrigir criar definir documentar estabelecer
    exigir fazer forçar garantir implementar incluir investigar melhorar migrar monitorar preparar
    revisar substituir testar validar verificar abrir fechar enviar usar utilizar avaliar planejar treinar
    contratar publicar ressaltar comunicar agendar reforçar limitar bloquear habilitar desabilitar ativar
    desativar escrever adicione ajuste atualize configure corrija crie defina documente implemente revise
    añadir agregar actualizar corregir crear establecer hacer forzar garantizar asegurar mejorar monitorear
    eliminar reemplazar probar planificar deshabilitar activar desactivar escribir revisar añada agregue
    actualice cree establezca haga asegure mejore elimine reemplace pruebe
    ajouter ajuster mettre configurer corriger créer définir documenter exiger faire forcer garantir
    assurer implémenter inclure améliorer migrer surveiller déplacer préparer supprimer revoir réviser
    remplacer valider vérifier ouvrir fermer envoyer utiliser planifier communiquer bloquer activer
    désactiver automatiser rédiger sauvegarder ajoutez mettez corrigez créez vérifiez
    aggiungere configurare correggere creare definire documentare implementare migliorare verificare
    aggiornare automatizzare rimuovere testare monitorare
    einrichten prüfen hinzufügen erstellen dokumentieren automatisieren aktualisieren einführen
    entfernen verbessern implementieren anpassen migrieren
    """
_IMPERATIVES = frozenset(
    [
        # Operations on a running service: what a responder's next steps order ("Revoke the webhook", "Restart
        # Grafana").
        "revoke",
        "restart",
        "reboot",
        "redeploy",
        "regenerate",
        "reinstall",
        "rerun",
        "re-run",
        "invalidate",
        "flush",
        "recover",
        "reconfigure",
        "reindex",
        "terminate",
        "sanitize",
        "sanitise",
        "uninstall",
        "downgrade",
        "deactivate",
        "unblock",
        "patch",
        # Improvements ordered in general words ("Conduct a review", "Revamp incident response", "Beef up the
        # monitoring", "Fine-tune logging").
        "conduct",
        "revamp",
        "overhaul",
        "bolster",
        "strengthen",
        "fine-tune",
        "beef",
        "add",
        "adopt",
        "align",
        "alert",
        "allow",
        "analyse",
        "analyze",
        "archive",
        "articulate",
        "audit",
        "automate",
        "build",
        "bring",
        "change",
        "check",
        "clarify",
        "clean",
        "communicate",
        "confirm",
        "consider",
        "continue",
        "create",
        "decide",
        "define",
        "delete",
        "deploy",
        "design",
        "develop",
        "disable",
        "discuss",
        "document",
        "enable",
        "enforce",
        "ensure",
        "establish",
        "evaluate",
        "expand",
        "explore",
        "extend",
        "fail",
        "find",
        "fix",
        "follow",
        "freeze",
        "gather",
        "get",
        "give",
        "identify",
        "implement",
        "improve",
        "increase",
        "install",
        "introduce",
        "investigate",
        "keep",
        "limit",
        "look",
        "make",
        "migrate",
        "monitor",
        "move",
        "notify",
        "obtain",
        "pair",
        "plan",
        "plug",
        "prepare",
        "prevent",
        "prioritize",
        "prioritise",
        "provide",
        "publish",
        "raise",
        "ramp",
        "re-introduce",
        "reconsider",
        "reduce",
        "refactor",
        "remove",
        "renew",
        "reorder",
        "replace",
        "report",
        "require",
        "research",
        "restrict",
        "review",
        "rewrite",
        "rotate",
        "route",
        "run",
        "schedule",
        "separate",
        "set",
        "setup",
        "share",
        "ship",
        "simplify",
        "start",
        "stop",
        "switch",
        "teach",
        "test",
        "time",
        "track",
        "train",
        "try",
        "turn",
        "update",
        "upgrade",
        "use",
        "validate",
        "verify",
        "work",
        "write",
        "adjust",
        "apply",
        "ask",
        "assess",
        "assign",
        "backport",
        "be",
        "block",
        "cache",
        "cap",
        "capture",
        "clarify",
        "collect",
        "compile",
        "configure",
        "consolidate",
        "contact",
        "convert",
        "coordinate",
        "deliver",
        "deprecate",
        "detect",
        "do",
        "draft",
        "drop",
        "educate",
        "encrypt",
        "enhance",
        "escalate",
        "expand",
        "expose",
        "file",
        "formalise",
        "formalize",
        "harden",
        "hire",
        "hold",
        "host",
        "include",
        "inform",
        "invest",
        "involve",
        "isolate",
        "label",
        "learn",
        "lock",
        "log",
        "mark",
        "measure",
        "merge",
        "mitigate",
        "offer",
        "onboard",
        "organise",
        "organize",
        "out",
        "perform",
        "pin",
        "port",
        "post",
        "present",
        "prototype",
        "prune",
        "purge",
        "put",
        "rate",
        "re-enable",
        "re-evaluate",
        "reach",
        "reassess",
        "rebuild",
        "record",
        "redesign",
        "refine",
        "release",
        "rename",
        "reorganize",
        "repair",
        "request",
        "reset",
        "resolve",
        "restore",
        "retire",
        "retry",
        "revert",
        "revise",
        "revisit",
        "rework",
        "roll",
        "scale",
        "secure",
        "send",
        "shard",
        "ship",
        "shorten",
        "split",
        "standardise",
        "standardize",
        "streamline",
        "sunset",
        "support",
        "survey",
        "tag",
        "tighten",
        "trace",
        "transition",
        "tune",
        "tweak",
        "understand",
        "unify",
        "upstream",
        "watch",
        "wrap",
    ]
) | frozenset(_ORDERS_ABROAD.split())
_PASSIVE_DONE = re.compile(
    r"^(?:[\w./'`*(),-]+\s+){1,10}?(?:is|are|was|were|(?:has|have)(?: all| both)? been)"
    r"\s+(?:now\s+|also\s+|already\s+)?"
    r"(?P<v>[a-z-]+)\b",
    re.I,
)
# Participles that do not end in -ed.
_IRREGULAR_PARTICIPLES = frozenset(
    [
        "withdrawn",
        "taken",
        "written",
        "rewritten",
        "done",
        "made",
        "built",
        "rebuilt",
        "sent",
        "shown",
        "known",
        "given",
        "set",
        "put",
        "run",
        "shut",
        "cut",
        "begun",
        "brought",
        "found",
        "held",
        "kept",
        "left",
        "lost",
        "paid",
        "sold",
        "spent",
        "told",
        "thought",
        "undone",
        "upheld",
    ]
)
_SEQUENCE_WORD = re.compile(
    r"^(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|also|additionally|in addition|furthermore|moreover|finally"
    r"|lastly|next)\b,?\s*",
    re.I,
)
_WE_DID = re.compile(
    r"^(?:we|they|the team|our team|i)(?:['’]ve\s+|\s+(?:(?:have|has|had)\s+)?)"
    r"(?:(?:also|already|now|recently|just|since|"
    r"for \w+ \w+)\s+)*(?P<v>[a-z-]+)\b",
    re.I,
)
_WE_ARE_DOING = re.compile(
    r"^(?:we|they|the team|our team|(?:the |our )?[\w-]+ team)(?:['’]re\s+|\s+(?:are|is|am)\s+)"
    r"(?:also\s+|currently\s+|now\s+|actively\s+|still\s+)*(?P<v>[a-z]+ing)\b",
    re.I,
)
_REJECTED = re.compile(
    r"\b(?:was|were|has been|have been|got)\s+(?:\w+\s+)?(?:rejected|declined|abandoned|cancell?ed|dropped)\b"
    r"|\bdecided (?:against|not to)\b|\bwon't (?:do|fix)\b",
    re.I,
)
# "QA now includes …", "Accounts of former developers no longer have access …": a change in force.
_NOW_DOES = re.compile(
    r"^(?:[\w./'`-]+\s+){1,4}now\s+(?:[a-z]+s|has|have)\b"
    r"|^(?:[\w./'`-]+\s+){1,6}no\s+longer\s+(?:[a-z]+s|has|have|can|is|are)\b",
    re.I,
)
# "An analysis is needed", "a review is recommended": what is wanted, in the form of a passive report.
_WANTED = frozenset({"needed", "required", "recommended", "suggested", "proposed", "planned", "expected", "desired"})
_PARTICLES = frozenset(["back", "out", "up", "down", "off", "over", "in"])
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\$\{.*?\}|<[^>]*(?:goes here|here>)|\bTBD\b|\bTODO: fill\b", re.IGNORECASE)
_CODE_SPAN = re.compile(r"`[^`]+`")
_BRACED_CONTENT = re.compile(r"\{\{\s*(?:[^{}\s]+\s+){4,}[^{}]*?(?:\}\}|$)[^{}]*")
_ANGLED = re.compile(r"<[^<>]{3,}>")  # "<Include the agreed solutions here>": a template's instruction
_NUMBERED_ITEM = re.compile(r"(?:action )?item\s*#?\d+")
_PLACEHOLDER_TEXTS = frozenset(
    {
        "",
        "…",
        "...",
        "tbd",
        "tba",
        "n/a",
        "na",
        "-",
        "--",
        "example",
        "item",
        "action",
        "action item",
        "description",
        "value",
        "placeholder",
        "xxx",
        "todo",
        "lorem ipsum",
    }
)


def _is_past_form(word: str) -> bool:
    lower = word.lower()
    if "-" in lower and not lower.startswith(("re-", "pre-", "un-", "co-")):
        return False  # "Property-based", "well-tested": compound adjectives, not reports of work
    if lower in _IRREGULAR_PAST:
        return True
    return len(lower) > 4 and lower.endswith("ed") and not lower.endswith("eed")


def reads_as_wont_do(text: str) -> bool:
    """True when the item says it was decided against ("… it was rejected", "decided not to")."""
    # Every rejection wording holds one of these; lower() finds what re.I would (only i and s fold otherwise).
    lowered = text.lower()
    if not any(word in lowered for word in ("reject", "dec", "abandon", "cancel", "dropped", "won't")):
        return False
    return bool(_REJECTED.search(text))


def reads_as_in_progress(text: str) -> bool:
    """True for "We are improving …", "The team is migrating …" (not "We are going to …")."""
    match = _WE_ARE_DOING.match(_SEQUENCE_WORD.sub("", text))
    return bool(match) and match is not None and match.group("v").lower() != "going"


def opens_with_order(text: str) -> bool:
    """Whether the first word is an order ("Test the failover again …"): what follows it is the work
    asked for, so its clauses ("as we no longer have the logs") say nothing of its status."""
    words = _WORD.findall(text[:40])
    return bool(words) and words[0].lower() in _IMPERATIVES


def starts_with_past_form(text: str) -> bool:
    """Whether the first word is a past form ("Updated …"), adjective-like or not."""
    words = _WORD.findall(text)
    if len(words) > 1 and len(words[0]) > 4 and words[0].lower().endswith("ly"):
        words = words[1:]  # "Temporarily doubled the bounty": an adverb before the verb
    return bool(words) and _is_past_form(words[0])


# Verbs whose past form is their base form: "Set up backups" is an order alone, a report among "Implemented x"
# and "Updated y".
_SAME_PAST = frozenset({"set", "put", "cut", "shut", "reset", "spread", "hit", "let", "read"})


def starts_with_past_or_same_form(text: str) -> bool:
    """Whether the first word is a past form, or a verb whose past form is the same word ("Set up …")."""
    words = _WORD.findall(text)
    return starts_with_past_form(text) or (bool(words) and words[0].lower() in _SAME_PAST)


def reads_as_done(text: str) -> bool:
    """True when the item reports finished work ("Reverted the …", "Issued credits …",
    "Execution clients implemented a fix …", "EIP-6110 is updated …", "We enabled …",
    "QA now includes …")."""
    text = _SEQUENCE_WORD.sub("", text)
    if reports_in_cyrillic(text):
        return True
    we_did = _WE_DID.match(text)
    if we_did and _is_past_form(we_did.group("v")) and we_did.group("v").lower() not in ("need", "needed"):
        return True
    if "no" in text.lower() and _NOW_DOES.match(text):  # "now …", "no longer …"
        return True
    words = _WORD.findall(text)
    if len(words) < 2:
        return False
    first, second = words[0], words[1].lower()
    if _is_past_form(first):
        if first.lower() in _ADJECTIVES:
            return second in _DETERMINERS
        return True
    lowered = [w.lower() for w in words[:5]]
    if lowered[0] in _IMPERATIVES or lowered[0].endswith("ing"):
        return False  # an order or a gerund, whatever follows ("Make sure X are monitored")
    passive = _PASSIVE_DONE.match(text)
    if (
        passive
        and passive.group("v").lower() not in _WANTED
        and (_is_past_form(passive.group("v")) or passive.group("v").lower() in _IRREGULAR_PARTICIPLES)
    ):
        return True
    if _headline_report(text, words):
        return True
    # "<noun phrase> <past verb> <determiner>": a subject that is not itself an order.
    for index in range(1, min(4, len(words) - 1)):
        word = words[index]
        if lowered[index - 1] in _IMPERATIVES or lowered[index - 1] in _DETERMINERS:
            return False
        following = words[index + 1].lower()
        if following in _PARTICLES and index + 2 < len(words):
            following = words[index + 2].lower()  # "validators rolled back their states"
        if _is_past_form(word) and word.lower() not in _ADJECTIVES and following in _DETERMINERS:
            return True
    return False


# A headline reports work with its verb left out: "Attacker contracts and transactions identified (Section 5).",
# "Dashboard for replication lag added". The participle closes the entry, no finite verb precedes it, and no
# colon or dash joins a title to a sentence ("KM620 - upgrade fails: files get mixed" states a problem).
_HEADLINE_END = re.compile(r"(?P<v>[A-Za-z][\w-]*)(?:\s*\([^()]*\))?\s*\.?$")
_FINITE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|has|have|had|will|would|should|must|can|could|may|might|need|needs"
    r"|get|gets|got)\b|[:;]|\s[-–—]\s",
    re.IGNORECASE,
)


# "PostgreSQL upgrade planned", "Rollback proposed": participles that name a state short of done.
_NOT_DONE_PARTICIPLES = frozenset(
    {"planned", "proposed", "suggested", "recommended", "needed", "required", "requested", "expected"}
)


def _headline_report(text: str, words: Sequence[str]) -> bool:
    end = _HEADLINE_END.search(text)
    if end is None or len(words) > 20 or "," in text[end.start() - 2 : end.start()]:
        return False
    verb = end.group("v")
    return (
        _is_past_form(verb)
        and verb.lower() not in _ADJECTIVES
        and verb.lower() not in _NOT_DONE_PARTICIPLES
        and not _FINITE.search(text)
    )


def is_placeholder(text: str) -> bool:
    """Template residue: ``{{ … }}``, ``${ … }``, "Item 1", "Example", "TBD", "…"."""
    if "`" in text:
        text = _CODE_SPAN.sub("`code`", text)  # "Replaced `${{ }}` interpolation": code, not a placeholder
    # Each placeholder shape holds a brace, an angle bracket, "tbd" or "todo" (lower() folds t, b, d, o fully).
    lowered = text.lower()
    marked = "{" in text or "<" in text or "tbd" in lowered or "todo" in lowered
    if marked and (_PLACEHOLDER.search(text) or _ANGLED.fullmatch(text.strip())):
        # "{{ Start writing after action reports for future outages }}": a template's braces around an
        # item the author did write are residue around content, not a placeholder.
        return not _BRACED_CONTENT.fullmatch(text.strip())
    return _placeholder_text(text)


def _placeholder_text(text: str) -> bool:
    normalized = " ".join(text.lower().split()).strip(" .:")
    if not any(c.isalnum() for c in normalized):
        return True  # "???", "—": a cell marked as still to fill
    # "... another item", "… more items": a template's row saying more rows go here.
    normalized = normalized.lstrip(".… ").removeprefix("another ").removeprefix("more ")
    return normalized in _PLACEHOLDER_TEXTS or normalized == "items" or bool(_NUMBERED_ITEM.fullmatch(normalized))


_TEMPLATE_TITLES = frozenset(
    {
        "title",
        "incident title",
        "issue name",
        "incident name",
        "title (incident #)",
        "title (incident)",
        "title of the incident",
        "title of the incident: date",
        "postmortem template",
        "post-mortem template",
        "template",
        "incident report template",
    }
)


def is_placeholder_title(title: str) -> bool:
    """A title left unfilled: "Incident Title", "[Date]: [Title]", "{{ incident date }}…"."""
    stripped = title.strip()
    lower = " ".join(stripped.lower().split())
    if lower in _TEMPLATE_TITLES or _PLACEHOLDER.search(stripped):
        return True
    if re.search(r"\bYYYY\b|\bDD/MM\b|\bMM/DD\b|\byyyy-mm-dd\b|\bYYYY-MM-DD\b", stripped):
        return True
    return bool(re.fullmatch(r"\[[^\]]+\](?:\s*[:\-–]\s*\[[^\]]+\])*", stripped))


# What opens a standing order before its verb.
_STANDING = frozenset({"always", "never", "please"})
_NOT_FORBIDDEN = frozenset({"know", "think", "see", "understand", "remember", "care", "worry", "get", "have"})
_COMMITMENT = re.compile(
    r"^(?:we|i|the team|they)(?:'ll|\s+will|\s+should|\s+need to|\s+must|\s+are going to|\s+plan to|\s+intend to)\b",
    re.IGNORECASE,
)
_SUBJECT_WILL = re.compile(r"^(?:@[\w.-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s+(?:will|should|to|must)\b")


# After "have", words that make it an auxiliary or a question ("Have you …", "Have been …"), not an order.
_NOT_AFTER_HAVE = frozenset(
    {"you", "we", "they", "i", "he", "she", "it", "been", "had", "not", "no", "to", "got", "never", "already"}
)


def reads_as_action(text: str) -> bool:
    """True when a plain line reads as something to do: an order ("Add alerting …"), a commitment
    ("We will …") or an owner's promise ("@kim will …"). Description ("The ideal pattern would be …")
    and reports of what happened are not."""
    if names_cjk_task(text) or orders_in_cyrillic(text):
        return True
    words = _WORD.findall(text)
    if not words:
        return False
    first = words[0].lower()
    if first in _IMPERATIVES and not (len(words) > 1 and words[1].lower() in ("is", "are", "was", "were", "has")):
        return True
    asked = text.rstrip().endswith("?")
    if first == "have" and len(words) > 2 and words[1].lower() not in _NOT_AFTER_HAVE and not asked:
        return True  # "Have a whiteboard", "Have building managers with radios": an order to provide a thing
    return promises_work(text) or bool(_OUTCOME.search(text) or _NOW_DOES.match(text))


# Orders as Russian and Ukrainian lists write them: the infinitive, after an adverb or not ("Жестко привязывать
# контейнеры …", "Исследовать детально …", "Додати алерт …"), "нужно …" (it is needed to …), or "<subject>
# должен …" (must). Nouns that end as infinitives do ("память", "сеть", "путь") are left out.
_CYRILLIC = "А-Яа-яЁёІіЇїЄє"
_CYRILLIC_ORDER = re.compile(
    rf"^(?:[{_CYRILLIC}]+[ое]\s+)?(?P<v>[{_CYRILLIC}]+(?:ать|ять|еть|ить|уть|ыть|ться|тись|сти|зти|чь|ати|яти|ити|іти|ути))"
    rf"(?![{_CYRILLIC}])"
    r"|^(?:нужно|надо|необходимо|следует|стоит|треба|потрібно)\b"
    r"|^(?:[^\s:]+\s+){0,2}?(?:должен|должна|должно|должны|повинен|повинна|повинні)\b",
    re.IGNORECASE,
)
_NOT_INFINITIVES = frozenset({"память", "печать", "сеть", "путь", "суть", "есть", "ртуть", "треть", "власть"})


# Done work as Russian reports write it: a short passive participle ("Удалён webhook", "Порт исправлен на …",
# "Куки обновлены") or a past tense ("Добавили проверку", "Я удалил …") of a verb of change, among the first
# three words. The stems are the verbs such reports use; a noun of the same stem ("Исправления", "Добавление")
# ends otherwise.
_CYRILLIC_CHANGE = (
    "добав",
    "удал",
    "исправ",
    "обнов",
    "настро",
    "измен",
    "замен",
    "перенес",
    "внедр",
    "включ",
    "отключ",
    "установ",
    "созда",
    "реализова",
    "переписа",
    "почин",
    "устран",
    "оптимизирова",
    "увелич",
    "уменьш",
    "огранич",
    "вынес",
    "задокументирова",
    "зафиксирова",
    "убра",
    "поправ",
    "выполн",
    "сдела",
    "разверн",
    "откат",
    "перезапу",
    "закры",
    "написа",
    "покры",
    "поменя",
    "подключ",
    "пересобра",
    "перевед",
    "очищ",
    "очист",
)
# What follows the stem in such a participle or past tense: "-лен", "-ён", "-н", "-ут" (and the endings of gender and
# number), "-ил", "-или", "-л". A noun ("Замена", "Установка", "Обновление") or an infinitive ends otherwise.
_CYRILLIC_REPORTED = re.compile(r"^(?:[а-яё]{0,2}[её]н|н|[уы]?т)[аоы]?$|^[иаяеуы]?л[иао]?$")
_CYRILLIC_WORD = re.compile(rf"[{_CYRILLIC}]+|[^\s{_CYRILLIC}]+")


def reports_in_cyrillic(text: str) -> bool:
    """ "Удалён webhook через Telegram API", "Порт исправлен на `10000`": a change reported done, in Russian."""
    if text.isascii():
        return False
    for word in _CYRILLIC_WORD.findall(text)[:3]:
        lower = word.lower()
        for stem in _CYRILLIC_CHANGE:
            if lower.startswith(stem) and _CYRILLIC_REPORTED.match(lower[len(stem) :]):
                return True
    return False


def orders_in_cyrillic(text: str) -> bool:
    """ "Отказаться от постоянно запущенных серверов …", "SourceTV должен иметь префикс": an order or an
    obligation in Russian or Ukrainian (not a question)."""
    if text.isascii() or text.rstrip().endswith("?"):
        return False
    match = _CYRILLIC_ORDER.match(text)
    return match is not None and (match.group("v") or "").lower() not in _NOT_INFINITIVES


# Tasks as Japanese, Korean and Chinese write them: a noun phrase closed by the work's noun ("ロードテストの実施",
# "발송 실패 알림 설정"), or opened by the verb in Chinese ("添加外键约束", "建立数据验证机制"); a trailing note in
# parentheses ("（Sentry推奨）") and a full stop may follow.
_CJK_TASK = re.compile(
    r"(?:(?:実施|導入|作成|策定|見直し|強化|整備|構築|追加|実装|自動化|徹底|移行|設定)(?:する)?"
    r"|(?:설정|기록|유지|명시|추가|구축|도입|개선|작성|수행|검토|적용|강화|점검|문서화|자동화)(?:하기|할 것)?)"
    r"(?:\s*[（(][^（）()]*[)）])?\s*[。.]?$"
    # "必ず最新バックアップを取得する。", "全件削除にならないようにする。": a Japanese sentence ending in the plain
    # form of "to do" (or "not to"), as rules and to-dos are written.
    r"|(?:する|しない)[。.]?$"
    r"|^(?:添加|建立|完善|设置|增加|优化|加强|引入|实施|制定|定期|修复|配置|部署|编写|补充|清理)",
)


def names_cjk_task(text: str) -> bool:
    """ "ロードテストの実施", "발송 실패 알림 설정": a task as CJK writes it, a noun phrase, which names the work
    whether it is to do or done (under a resolution, "Cloudflare Turnstile 도입" reports it done)."""
    return not text.isascii() and _CJK_TASK.search(text) is not None


def is_standing_order(text: str) -> bool:
    """ "Always do a trial run …", "Never use Skype …", "Don't compose a scene …" (not "Don't know why"): a
    rule to follow from now on. Under a lessons heading such lines are what was learnt, so only a reading
    that already knows the line answers a problem (a record's solution field) takes them as orders."""
    words = _WORD.findall(text)
    if len(words) < 2:
        return False
    first, second = words[0].lower(), words[1].lower()
    if first in ("don't", "don’t", "dont"):
        return second not in _NOT_FORBIDDEN
    return first in _STANDING and second in _IMPERATIVES


def promises_work(text: str) -> bool:
    """A commitment or obligation in the opening sentence: "We will …", "Back-up systems should be
    implemented …", "It would be useful to …" (not inside a relative clause: "… that will be …")."""
    if _COMMITMENT.match(text) or _SUBJECT_WILL.match(text):
        return True
    first = first_sentence(text)
    return bool(_OBLIGATION.search(first) or _WOULD_HELP.search(first))


def first_sentence(text: str) -> str:
    """The text up to its first full stop, question or exclamation mark (all of it when there is none)."""
    sentence = _FIRST_SENTENCE.match(text)
    return sentence.group(0) if sentence else text


_FIRST_SENTENCE = re.compile(r".*?[.!?](?=\s|$)|.+", re.S)
_OBLIGATION = re.compile(
    # "Alice is going to rotate the keys": a named person's or team's plan, as "Alice will …" is; under an
    # action heading, "We'd like to move the uploads …" is the writers' plan, hedged.
    r"(?<!\bthat )(?<!\bwhich )(?<!\bwho )(?<!\bif )(?<!\bwhen )"
    r"\b(?:should|must|shall|needs? to|will|is going to|would like to|'d like to|hope to)\s+"
    # "I must admit a mistake", "we should note": the writers speaking, no obligation to act.
    r"(?!not\b|admit\b|say\b|confess\b|acknowledge\b|note\b|stress\b|emphasi[sz]e\b|apologi[sz]e\b|thank\b"
    # "We would like to extend our warmest thanks to …", "express our gratitude": thanks, no work.
    r"|(?:extend|express|offer|give)\s+(?:our|my|a)\s+(?:\w+\s+){0,2}(?:thanks|gratitude|appreciation|apolog))\w+",
    re.I,
)
_WOULD_HELP = re.compile(r"\bit would be (?:useful|good|nice|great|helpful|better|worth)\b", re.I)
_OUTCOME = re.compile(r"\((?:fixed|done|added|completed|resolved|implemented|filed)\b[^()]*\)\s*\.?$", re.I)


# Verbs a running thing does that are no orders to a team ("spin up", "return", "poll"): with the orders above,
# the stems whose third-person forms tell what a pipeline, script or check does.
_BEHAVIOURS = frozenset(
    [
        "spin",
        "trigger",
        "return",
        "page",
        "poll",
        "fetch",
        "read",
        "call",
        "reject",
        "skip",
        "compare",
        "scan",
        "send",
        "start",
        "stop",
        "retry",
        "write",
    ]
)


def third_person_verb(word: str) -> bool:
    """ "Uses", "Runs", "Spins": a verb in the third person (what a thing does)."""
    lower = word.lower()
    if len(lower) < 4 or not lower.endswith("s") or lower.endswith(("ss", "us", "is")):
        return False
    stems = [lower[:-1]]
    if lower.endswith("es"):
        stems.append(lower[:-2])
    if lower.endswith("ies"):
        stems.append(lower[:-3] + "y")
    return any(stem in _IMPERATIVES or stem in _BEHAVIOURS for stem in stems)


def describes_behaviour(texts: Sequence[str]) -> bool:
    """Entries that each open with a verb in the third person ("Spins up a test database", "Runs migrations",
    "Fails the build if …"): two or more lines telling what a thing does, not work for anyone to do."""
    firsts = [_WORD.findall(text[:40]) for text in texts]
    return len(firsts) >= 2 and all(words and third_person_verb(words[0]) for words in firsts)
