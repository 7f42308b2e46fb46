"""Headings and pseudo-headings: where sections start, what they are called, what kind they are.

A section starts at an ATX or setext heading, at a paragraph that is only bold text (plus an
optional ':' and footnote marker, as in ``**Action Items**:^[165](…)^``), at a bare line that is a
known section name directly followed by a list ("Action Items" in doc 16), or at a bold-label list
item with nested bullets (``- **Review actions**:``). Sections are flat in ``PostMortem.sections``
(each ends where the next starts); the hierarchy that matters for action items (sub-headings are
groups) is computed from heading depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it.token import Token

from sync.core.parse.blocks import Inline, Link, Node, first_line, inline_tokens, node_text, render_inline
from sync.core.parse.memo import short_text_cache

PSEUDO_DEPTH = 7

_FOOTNOTE = re.compile(r"\s*\^?\[?\[\d+\]\]?\^?|\s*\^\d+\^|\^")
_NUMBERING = re.compile(r"^\s*(?:(?:section|step|part)\s+)?(?:\d+(?:\.\d+)*|[ivx]+|[a-z])[.)]\s+", re.IGNORECASE)
# With the full-width parentheses of Chinese and Japanese headings: "修复（已上线并验证）".
_PARENS = re.compile(r"\s*[(（][^)）]*[)）]")
EMOJI = re.compile(r":[a-z0-9_+-]+:|[\u2600-\u27bf\U0001f300-\U0001faff]\ufe0f?")

# Changes made because of what went wrong: done work, named as such (without the cause, "Changes made" is
# how the fix was made: a resolution). One phrase, for the section's kind here and its entries' status in items.
CHANGES_MADE_BECAUSE = (
    r"\b(?:changes|improvements|fixes) (?:made|introduced|implemented)\b.{0,40}?\b(?:based on|in response to"
    r"|as a result of|because of|following|after) (?:the |this |that |your |our |last )?(?:feedback|incident"
    r"|outage|event|post-?mortem|retrospective|review|year)\b"
)

# "Correção aplicada", "Solución aplicada (en 3 oleadas)": the fix applied (Portuguese, Spanish, French), the
# resolution's kind here and its entries' status (done) in items.
FIX_APPLIED = (
    r"^(?:correção|correções|corrección|correcciones|solução|soluções|solución|soluciones|mitigación|mitigação)"
    r" (?:aplicadas?|aplicados?|implementadas?|implementados?)"
    # The same in French: "Correctifs appliqués", "Corrections apportées".
    r"|^(?:correctifs?|corrections?|solutions?) (?:appliqu[ée]e?s?|apport[ée]e?s?|d[ée]ploy[ée]e?s?|mise?s? en place)"
)
# "## Pendências", "## Pendientes", "## Offene Punkte", "## 残留事项": work still to do, in Portuguese, Spanish,
# German, Chinese, Japanese and Korean; an action section here and its entries' status (open) in items.
WORK_LEFT_ABROAD = (
    r"^pend[êe]ncias\b|^pendientes\b|^offene punkte\b"
    r"|\b(?:deuda|tareas|trabajo|acciones|temas|puntos) pendientes?\b"
    r"|\b(?:d[íi]vida|tarefas|trabalho|a[çc][õo]es|itens|pontos) pendentes?\b"
    r"|残留(?:事项|问题)|遗留(?:事项|问题)|待(?:解决|处理)(?:事项|问题)|未完成(?:事项|任务)|残課題|残タスク|残作業"
    r"|未対応(?:事項|課題)|남은 (?:작업|과제)|미해결 (?:과제|사항)"
)

# Ordered: the first matching rule wins. Action synonyms come first so that "Lessons Learned and
# Future Improvements" is actions; "Further Mitigations and Learnings" matches none of them.
_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "actions",
            # "Patched versions used during remediation": what was done while it lasted, no section of actions.
            # "Actionables" (a noun) names the items; "Actionable" alone is an adjective (a guideline).
            r"\baction ?items?\b|\bactionables\b|\bfollow[- ]?ups?\b"
            r"|(?<!during )(?<!during the )\bremediations?\b(?! (?:actions|steps) taken\b)"
            r"|\bcorrective\b"
            r"|\bprevent(?:at)?ive (?:measures|actions|steps)\b|\bprevention (?:actions|items|tasks)\b"
            # "Prevention measures implemented": the measures named as put in place (a bare "Prevention
            # measures" section often discusses practices beside the document's own action list).
            r"|\bprevent(?:ion|ive|ative) (?:measures|steps|changes|controls)"
            r" (?:implemented|taken|added|deployed|applied|in place|put in place)\b"
            r"|\bnext steps\b|\breview actions\b|\brecommendations?\b"
            r"|\b(?:future|further) improvements\b"
            r"|\b(?:immediate|proactive|remedial|resolving|mitigating|planned|long-term|short-term|follow-on)"
            r" (?:actions?|measures|steps|fixes|improvements)\b"
            r"|\bwhat we(?:'re| are) doing about it\b|\bwhat (?:has been|(?:we|i)(?:'ve| have)) done\b"
            r"|\bpreventing the issue from happening again\b|\baction plan\b"
            r"|^actions?$|\bto-?dos?\b"
            # Post-mortems of launches, deadlines and deals name their commitments in plain words.
            r"|\bwhat we(?:'ll| will| are|'re)? (?:do|doing|change|changing)\b"
            r"|(?<!would )(?<!'d )\bdo(?:ing)? differently\b"
            r"|\bgoing forward\b|\bcommitments?\b|\baction points?\b|\bcountermeasures?\b"
            r"|\bimprovement (?:plan|actions|items|opportunities)\b|\b(?:opportunities|areas?) for improvement\b"
            r"|\bwork items\b|\bchanges we\b"
            # "Fixes required", "What we built to fix it": the fixes, to make or made.
            r"|\b(?:fixes|changes|improvements|updates) (?:required|needed|planned|to make)\b"
            r"|\b(?:required|needed) (?:fixes|changes)\b|\bwhat we built\b"
            r"|^(?:lo )?qu[eé] construimos$|^o que constru[íi]mos$|^ce que nous avons construit$"
            # "Here are some of the changes made in 2012 based on feedback from last year".
            rf"|{CHANGES_MADE_BECAUSE}"
            # The same sections in the other languages teams write post-mortems in (French, German, Spanish,
            # Portuguese, Dutch, Italian, the Scandinavian languages): corrective/preventive actions, action plans,
            # follow-up, next steps.
            r"|\bactions? (?:correctives?|pr[ée]ventives?|de suivi|[àa] mener|(?:de )?pr[ée]vention)\b"
            r"|\bplan d.actions?\b"
            r"|\bprochaines [ée]tapes\b|\bmesures (?:correctives|pr[ée]ventives)\b"
            r"|ma(?:ß|ss)nahmen\b|\bn[äa]chste schritte\b|\baufgaben\b"
            r"|\bacciones (?:correctivas|preventivas|de seguimiento)\b|\bplan de acci[óo]n\b|\bpr[óo]ximos pasos\b"
            r"|\baccionables\b|\bacion[áa]veis\b|^(?:seguimiento|suivi|acompanhamento)$"
            # "Acciones tomadas", "Ações tomadas", "Mesures prises": the actions taken, named as such.
            r"|^(?:acciones|a[çc][õo]es|medidas) (?:tomadas|adoptadas|adotadas|realizadas|implementadas)$"
            r"|^(?:actions|mesures) (?:prises|mises en place|réalisées)$"
            r"|\ba[çc][õo]es (?:corretivas|preventivas)\b|\bplano de a[çc][ãa]o\b|\bpr[óo]ximos passos\b"
            rf"|\bpreven[çc][õo]es implementadas\b|{WORK_LEFT_ABROAD}"
            r"|\bactiepunten\b|\bvervolgacties\b|\bvervolgstappen\b|\bmaatregelen\b"
            r"|\bazioni (?:correttive|preventive)\b|\bprossimi passi\b"
            # "Was ändern wir", "Ce que nous allons faire", "Qué vamos a hacer": what the writers will do or change.
            r"|\bwas (?:ändern|tun|machen|verbessern) wir\b|\bwas wir (?:ändern|tun|machen|verbessern)\b"
            r"|\bwie geht es weiter\b"
            r"|\bce que nous (?:allons (?:faire|changer)|changeons|faisons)\b|\bqu.allons-nous faire\b"
            r"|\bqu[ée] (?:vamos a (?:hacer|cambiar)|cambiamos|haremos)\b"
            r"|\blo que (?:vamos a hacer|haremos|cambiaremos)\b"
            r"|\bo que (?:vamos (?:fazer|mudar)|faremos|mudamos|mudaremos)\b|\bwat (?:gaan we doen|veranderen we)\b"
            r"|\bcosa (?:faremo|cambieremo)\b"
            # Norwegian, Swedish and Danish: action points, measures, follow-up, next steps.
            r"|\baksjonspunkter\b|\btiltak\b|\boppf[øo]lging(?:spunkter)?\b|\bneste steg\b"
            r"|\b[åa]tg[äa]rd(?:er|spunkter)\b|\bn[äa]sta steg\b|\buppf[öo]ljning\b"
            r"|\bhandlingspunkter\b|\bopf[øo]lgning\b|\bn[æa]ste skridt\b"
            # "Hva må gjøres videre", "Vad måste göras", "Hvad skal gøres": what must be done.
            r"|\bhva (?:må|skal|bør) gj[øo]res\b|\bvad (?:måste|ska|bör) g[öo]ras\b|\bhvad (?:skal|bør|må) g[øo]res\b"
            # The same heading alone ("## Acciones", "## Действия"), and Russian, Ukrainian, Polish, Czech, Turkish,
            # Indonesian and Vietnamese: actions, measures, action plans, next steps.
            r"|^(?:acciones|a[çc][õo]es|azioni|действия|дії|działania|akce|aksiyonlar)$"
            # Recommendations, as the English heading names them.
            r"|\b(?:рекомендации|рекомендації|zalecenia|öneriler|empfehlungen|recommandations|recomendaciones"
            r"|recomendações|aanbevelingen|raccomandazioni|rekommendationer|anbefalinger)\b"
            r"|\bплан действий\b|\b(?:дальнейшие|следующие|последующие) (?:шаги|действия)\b"
            r"|\bмеры по\b|^(?:меры|задачи|улучшения)\b|\bчто (?:будем делать|сделать|делаем|доделать)\b"
            # What must be done: "Что нужно сделать в будущем?", "Šta treba uraditi", "Co musimy zmienić" (what
            # was done, "Что было сделано (шаг за шагом)", is as often the story of the response).
            r"|\bчто (?:нужно|надо|необходимо|следует) (?:сделать|изменить|улучшить)\b"
            r"|\bšta (?:treba|moramo) (?:uraditi|promijeniti|popraviti)\b"
            r"|\bšto (?:treba|moramo) (?:učiniti|napraviti)\b"
            r"|\bco (?:trzeba|musimy) (?:zrobić|zmienić)\b|\bco (?:je třeba|musíme) (?:udělat|změnit)\b"
            r"|\b(?:превентивные|профилактические|предупредительные) меры\b"
            r"|\bнаступні кроки\b|\bплан дій\b|\bзаходи\b"
            r"|\bdziałania (?:naprawcze|zapobiegawcze|następcze)\b|\bnast[ęe]pne kroki\b|\bplan dzia[łl]a[ńn]\b"
            r"|\bnápravná opatření\b|\bdalší kroky\b"
            r"|\bsonraki adımlar\b|\b(?:düzeltici|önleyici) (?:faaliyetler|eylemler|aksiyonlar)\b|\baksiyon planı\b"
            r"|\btindakan (?:perbaikan|pencegahan|lanjutan)\b|\blangkah (?:selanjutnya|berikutnya)\b"
            r"|\brencana tindak lanjut\b"
            r"|\bh[àa]nh đ[ộo]ng (?:kh[ắa]c ph[ụu]c|ph[òo]ng ng[ừu]a|ti[ếe]p theo)\b|\bc[áa]c b[ưu][ớo]c ti[ếe]p theo\b"
            r"|\bbi[ệe]n ph[áa]p (?:kh[ắa]c ph[ụu]c|ph[òo]ng ng[ừu]a)\b|\bvi[ệe]c c[ầa]n l[àa]m\b"
            # Chinese, Japanese and Korean (no word boundaries between their characters): recurrence
            # prevention measures, countermeasures, improvement measures, follow-up actions, action items.
            r"|再発防止|防止策|対策|今後の(?:対応|課題|予定|タスク|作業)|改善(?:策|点|案)|アクションアイテム|フォローアップ"
            r"|改进措施|改进项|后续(?:行动|措施|计划|工作|改进)|行动项|待办|整改|预防措施|防范措施|防护措施|跟进事项|下一步"
            # "数据完整性建议", "改进建议": recommendations, the heading's last word (as "Recommendations" is).
            r"|(?:建议|建議|提案|推奨事項)\s*$|권장\s?사항\s*$"
            r"|재발\s?방지|후속\s?조치|개선\s?(?:사항|방안|조치)|액션\s?아이템"
            # Preventive measures, further measures or plans, measures to take.
            r"|예방\s?(?:조치|대책)|(?:향후|추가)\s?(?:조치|계획|과제)|조치\s?사항|실행할\s?조치",
        ),
        ("whys", r"\b(?:5|five) whys\b|\bwhys\b"),
        (
            "timeline",
            r"\btimeline\b|\bchain of events\b|\bsequence of events\b"
            r"|\bchronolog(?:ie|ía|ia)\b|\bd[ée]roul[ée]\b|\bzeitleiste\b|\bzeitlicher ablauf\b|\bl[íi]nea de tiempo\b"
            r"|\blinha do tempo\b|\btijdlijn\b|\bcronologia\b|时间线|^经过$|^过程$|タイムライン|経緯|타임라인",
        ),
        ("factors", r"\bcontributing (?:factors?|conditions)\b"),
        ("went_well", r"\bwent (?:well|right)\b|\bwhat worked\b|\bwhat (?:we|i) did (?:right|well)\b"),
        (
            "went_wrong",
            r"\bwent (?:wrong|poorly|badly)\b|\bcould have gone better\b|\bdidn.t go well\b"
            r"|^what could (?:have )?(?:been |gone |go |be )?(?:better|improved?)$",
        ),
        ("lucky", r"\bgot lucky\b|\bget lucky\b"),
        ("prevention", r"\brecurrence prevention\b|\bprevention checklist\b|^prevention$|^预防$|^予防$|^예방$"),
        ("cost", r"\bcost\b|\bcosts\b"),
        (
            "lessons",
            # "What I would do differently": hindsight, not a plan ("What we will do differently" is one).
            r"\b(?:would|'d) (?:have )?do(?:ne)? (?:\w+ )?differently\b|\bhindsight\b|"
            r"\blessons?\b|\blearnings?\b|\blearnt\b|\bwhat (?:we|i) learned\b|\btakeaways?\b|\binsights?\b"
            # The same in Spanish, French, Portuguese, German, Italian and Dutch.
            r"|\blecciones\b|\ble[çc]ons\b|\bli[çc][õo]es\b|\bgelernt\b|\berkenntnisse\b|\blezioni\b|\bgeleerd\b"
            r"|教训|复盘|教訓|振り返り|교훈",
        ),
        (
            "summary",
            r"\bsummary\b|\boverview\b|\bmetadata\b|\bbackground\b|^(?:resumen|resumo|r[ée]sum[ée]|riepilogo"
            r"|sommario|zusammenfassung|samenvatting)$|^背景$|概要|小结|总结|まとめ|요약|개요",
        ),
        ("impact", r"\bimpact\b|\bfallout\b|影响|影響|영향"),
        (
            "root_cause",
            r"\broot causes?\b|\bwhat caused\b|\bcause of\b|\bidentified cause\b|\btrigger\b|根因|根本原因|^原因|원인",
        ),
        ("detection", r"\bdetection\b"),
        (
            "resolution",
            r"\bresolution\b|\brecovery\b|\bmitigation\b|\bremediation (?:actions|steps) taken\b"
            # "## Technical Changes": how the fix was made, beside the resolution.
            r"|^(?:technical|code|configuration|config|implementation) changes$|^changes (?:made|applied|deployed)$"
            rf"|^修复|^解决|^处理|復旧|^対応|해결|{FIX_APPLIED}\b",
        ),
        ("supporting", r"\bsupporting\b|\bappendix\b|\bapendix\b|\bappendinx\b|\bresources\b|\breferences\b"),
    )
)

_GENERIC_TITLE_WORDS = frozenset(
    [
        "example",
        "sample",
        "template",
        "templates",
        "postmortem",
        "postmortems",
        "post-mortem",
        "post-mortems",
        "post",
        "mortem",
        "incident",
        "report",
        "reports",
        "for",
        "the",
        "a",
        "an",
        "of",
        "retrospective",
        "review",
    ]
)


@dataclass
class Header:
    """One section start."""

    title: str
    level: int
    depth: int
    kind: str
    line: int
    node: Node
    block: int | None
    links: list[Link] = field(default_factory=list)
    effective_kind: str = "other"


def clean_title(text: str) -> str:
    """Display title: footnote markers, trailing ':' and surrounding space removed."""
    if "^" in text or "[" in text:  # every footnote marker holds one
        text = _FOOTNOTE.sub("", text)
    text = text.strip()
    return text.rstrip(":").strip()


def without_numbering(text: str) -> str:
    """A title without its emoji and section number ("🛠️ Lo que construimos", "3. ACCIONES TOMADAS", "Step 2)
    Fixes"): what the words name."""
    return _NUMBERING.sub("", EMOJI.sub(" ", text).strip())


def normalize_title(text: str) -> str:
    """Lower-case title without numbering, parentheticals, footnotes or punctuation noise."""
    text = without_numbering(clean_title(text))  # ":ballot_box_with_check: Follow-up tasks", "3. Actions"
    text = _PARENS.sub("", text)
    text = text.replace("&", " and ").replace("\u2019", "'")
    colon = ":" in text or "：" in text
    text = re.sub(r"[—–:：]+.*$", "", text) if colon and not re.search(r"action items?:", text, re.I) else text
    return " ".join(text.lower().split()).strip(" .:-")


# Steps for the readers of a notice: "User next steps", "Next steps for customers", "Customer action required".
_FOR_READERS = re.compile(
    r"^(?:user|customer|client|member)s?'?s? (?:next steps|action items|actions?(?: required)?)\b"
    r"|\bnext steps for (?:users|customers|clients|you|members)\b"
)


@short_text_cache(maxsize=4096)  # the same few dozen titles recur across a corpus
def classify_title(text: str) -> str:
    """The section kind a title names (``actions``, ``timeline``…), ``other`` when unknown."""
    normalized = normalize_title(text)
    if not normalized:
        return "other"
    if _FOR_READERS.search(normalized):
        return "supporting"  # "User Next Steps": what the readers are to do, not the team's follow-ups
    for kind, pattern in _KIND_RULES:
        if pattern.search(normalized):
            return kind
    # "Path Forward: Next Steps", "Section 7 — Follow-ups": a lead the rules do not know, then a short name
    # (not a document's title, "Incident Report: …", nor a subject, "Cause RC-3: Incomplete localhost detection").
    parts = re.split(r"[—–:：]", clean_title(text), maxsplit=1)
    if len(parts) == 2 and 0 < len(parts[1].split()) <= 3 and not is_generic_title(parts[0]):
        return classify_title(parts[1])
    return "other"


def is_generic_title(text: str) -> bool:
    """A title that names the genre rather than the incident ("Example Postmortem")."""
    words = re.findall(r"[a-z-]+", text.lower())
    return bool(words) and all(word in _GENERIC_TITLE_WORDS for word in words)


# A status mark before a title ("✅ **1. Updated .gitignore**", "⏳ 2. Rotate the keys"), which stays part of the title
# (its status).
STATUS_MARK = r"[\u2705\u2611\u2714\u274c\u23f3\u2b1c\U0001f7e2\U0001f7e1\U0001f534\U0001f504]\ufe0f?"
_LEAD_MARK = re.compile(rf"{STATUS_MARK}\s+")


def pseudo_heading(node: Node) -> Inline | None:
    """The rendered label when a paragraph is only bold text (+ ':' / footnote marker), a status mark before
    it or not."""
    raw = _raw(node).strip()
    mark = _LEAD_MARK.match(raw)
    if node.type != "paragraph" or not raw.startswith(("**", "__"), mark.end() if mark else 0):
        return None
    if raw[-1:].isalnum() or raw.endswith("."):
        # Text after the bold run ("**Add cache**: for the queue."): no label alone. Deciding it here spares
        # markdown-it's inline pass, the costliest step of reading such a line.
        return None
    tokens = [t for t in inline_tokens(node) if t.type != "text" or t.content]
    if mark is not None and tokens and tokens[0].type == "text" and tokens[0].content.strip() == mark.group().strip():
        labelled = _pseudo_label(tokens[1:])
        if labelled is None:
            return None
        shift = len(mark.group())
        return Inline(
            text=mark.group() + labelled.text,
            links=[Link(ln.text, ln.url, ln.start + shift, ln.end + shift, ln.autolink) for ln in labelled.links],
            bold_prefix=mark.group() + (labelled.bold_prefix or ""),
        )
    return _pseudo_label(tokens)


def _pseudo_label(tokens: list[Token]) -> Inline | None:
    if not tokens or tokens[0].type != "strong_open":
        return None
    rendered = render_inline(tokens)
    if not rendered.bold_prefix:
        return None
    # The first token opens the bold run, so the rendered text starts with it.
    rest = _FOOTNOTE.sub("", rendered.text[len(rendered.bold_prefix) :]).strip()
    if rest not in ("", ":"):
        return None
    label = rendered.bold_prefix.rstrip(":").strip()
    if not label or len(label) > 80:
        return None
    return rendered


# A line drawn with box-drawing or rule characters ("━━━━━━━━", "═════", "~~~~~~") that Markdown does not
# read as a rule or a setext underline.
_DRAWN_RULE = re.compile(r"^[\u2500-\u257f\u2580-\u259f\u25ac=~*_\u2014\u2015-]{5,}$")


def framed_heading(node: Node) -> Inline | None:
    """A title framed by drawn rules, as messages written for a chat app set their sections
    ("━━━━━━\n✅ PRÓXIMOS PASSOS\n━━━━━━"): the one line between the rules names the section."""
    if node.type != "paragraph":
        return None
    lines = [line.strip() for line in _raw(node).split("\n")]
    if not 2 <= len(lines) <= 3 or not _DRAWN_RULE.match(lines[-1]):
        return None
    if len(lines) == 3 and not _DRAWN_RULE.match(lines[0]):
        return None
    title = lines[-2]
    if not title or len(title) > 80 or _DRAWN_RULE.match(title):
        return None
    return Inline(text=title.strip("*_ "))


def bare_heading(node: Node, following: Node | None) -> Inline | None:
    """A one-line paragraph naming a known section, followed by a list (doc 16; a blank line may
    separate them, as in "Action items" written without '#')."""
    if node.type != "paragraph" or following is None or following.type not in ("bullet_list", "ordered_list"):
        return None
    if not node.map or not following.map or node.map[1] - node.map[0] != 1:
        return None
    if len(_raw(node)) > 80:
        return None
    rendered = node_text(node)
    if len(rendered.text) > 60 or rendered.links:
        return None
    if classify_title(rendered.text) != "actions":
        return None
    return rendered


def _raw(node: Node) -> str:
    inline = next((c for c in node.children if c.type == "inline"), None)
    return inline.content if inline is not None else ""


# A section's opening words that name what follows as the writers' commitments: "Below are steps we are
# committed to taking as a direct result of this incident", "Here are the changes we will make".
_NAMES_COMMITMENTS = re.compile(
    r"\b(?:below|here) are (?:the )?(?:\w+ ){0,2}(?:steps|actions|changes|measures|items|things)(?: that)?"
    r" we(?:'re| are)? (?:committed to|will|'ll|going to|plan to|planning to|intend to)\b"
    r"|\bthe following (?:\w+ ){0,2}(?:steps|actions|changes|measures|items) (?:will|are going to) be (?:taken|made)\b"
    # "As a result, Sourcegraph is committing to numerous changes to ensure …".
    r"|\b(?:is|are|we're|i'm) commit(?:ting|ted) to (?:\w+ ){0,2}(?:changes|steps|actions|measures|improvements)\b",
    re.IGNORECASE,
)


def find_headers(blocks: list[Node]) -> list[Header]:
    """Every section start among the top-level blocks, in document order, kinds inherited."""
    headers: list[Header] = []
    for index, node in enumerate(blocks):
        if node.type == "heading":
            rendered = node_text(node)
            level = int(node.tag[1:]) if node.tag[1:].isdigit() else 1
            header = _header(rendered, level, level, node, index)
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            # "## Looking Forward" opened by "Below are steps we are committed to taking": an action section.
            if (
                header.kind == "other"
                and following is not None
                and following.type == "paragraph"
                and _NAMES_COMMITMENTS.search(node_text(following).text.replace("\u2019", "'"))
            ):
                header.kind = "actions"
            headers.append(header)
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        label = pseudo_heading(node) or framed_heading(node) or bare_heading(node, following)
        if label is not None:
            headers.append(_header(label, 0, PSEUDO_DEPTH, node, index))
    _inherit_kinds(headers)
    return headers


def _header(rendered: Inline, level: int, depth: int, node: Node, index: int | None) -> Header:
    title = clean_title(rendered.bold_prefix if level == 0 and rendered.bold_prefix else rendered.text)
    return Header(
        title=title,
        level=level,
        depth=depth,
        kind=classify_title(title),
        line=first_line(node),
        node=node,
        block=index,
        links=list(rendered.links),
    )


def _inherit_kinds(headers: list[Header]) -> None:
    # A sub-heading with no recognisable name belongs to its parent's kind ("### Process" under
    # "## Action items" is a group of actions).
    stack: list[Header] = []
    for header in headers:
        while stack and stack[-1].depth >= header.depth:
            stack.pop()
        if header.kind == "other" and stack:
            header.effective_kind = stack[-1].effective_kind
        else:
            header.effective_kind = header.kind
        stack.append(header)
