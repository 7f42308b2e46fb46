"""Evidence that a section holds action items and that a block states one, and how strongly.

Items are found in two passes. The structural pass reads every block of a section whose heading names
actions in so many words ("Action Items", "Follow-ups", "Remediation": :func:`sections.classify_title`).
The candidate pass (:mod:`sync.core.parse.candidates`) looks further: at sections whose heading only
*leans* towards actions (a stem such as "prevent" or "improv", a question such as "How do we stop this
happening again?", a heading with a typo, or one that combines two topics) and at commitments written
as prose anywhere outside the narrative ("Over the next month we will …"). Each candidate is scored on
the evidence below; what is kept carries ``confidence`` ``high`` or ``low``, and a low item is asked
about rather than ticketed.

Evidence for: the heading's strength, a checkbox or status marker, an owner, a date, a priority, a
ticket reference, commitment or imperative phrasing. Against: a leading timestamp (a timeline entry),
narrative of what happened, a lesson stated as a fact, quoted logs or code, a question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sync.core.model import Status
from sync.core.parse.memo import short_text_cache
from sync.core.parse.sections import classify_title, normalize_title, without_numbering
from sync.core.parse.wording import (
    first_sentence,
    is_standing_order,
    names_cjk_task,
    opens_with_order,
    promises_work,
    reads_as_action,
)

STRONG = 2
LEANING = 1
NEUTRAL = 0
NARRATIVE = -1

# Stems of words that say "what we will do about it" in a heading. Matched against each word of the
# heading after a light stemming, and with one typo allowed on words of five letters or more.
_ACTION_STEMS = (
    "action",
    "actionabl",
    "followup",
    "remedi",
    "remediat",
    "prevent",
    "improv",
    "fix",
    "todo",
    "correct",
    "recommend",
    "commit",
    "mitig",
    "harden",
    "strengthen",
    "safeguard",
    "guardrail",
    "countermeasur",
    "respons",
    "next",
    "futur",
    "forward",
    "avoid",
    "recurr",
    "task",
)
# The same stems in Portuguese, Spanish and German: "Solucionado? Se sim, como:", "Melhorias", "Mejoras",
# "Verbesserungen". Matched exactly: one edit away is the English "Solutions", often the story of the fix.
# "Cómo prevenir un próximo incidente", "Como evitar que aconteça", "Comment éviter", "Wie wir das vermeiden":
# preventing it, as the English stems "prevent" and "avoid" say.
_FOREIGN_STEMS = ("soluci", "melhor", "mejor", "verbesser", "preven", "préven", "evit", "évit", "vermeid", "verhind")
# The same stems in Chinese, Japanese and Korean, matched anywhere (no spaces between words): "后续集群的优化"
# (the cluster's follow-up optimisation), "今後の改善", "후속 개선". 优化 alone is "optimisation", as a stem is.
_CJK_LEANING = re.compile(r"后续|後続|今後|优化|改善|改进|改進|対策|对策|再発防止|防止|개선|후속|대책|예방|방지")
# The same stems in Russian (Cyrillic, which the Latin word pattern does not read): "Исправления" (fixes),
# "Превентивные меры" (preventive measures), "Предотвращение" (prevention), "Улучшения" (improvements),
# "Дальнейшие действия" (further actions), "Задачи" (tasks).
_CYRILLIC_LEANING = re.compile(
    r"\b(?:исправлен|превентивн|предотвращ|профилакти|улучшени|доработк|последующ|действи|задач|меры\b|мероприяти)",
    re.IGNORECASE,
)
# Words of a question or phrase that turn a heading towards actions: "What are we doing about it?",
# "How will we make sure this does not happen again?", "What comes next".
_ACTION_PHRASES = re.compile(
    # "Recovery Plan", "Remediation plan": the work still to do to put it right, beside what it discusses.
    r"\b(?:recovery|remediation|fix|repair|restoration|mitigation) plan\b|"
    # "Permanent Controls", "Permanent measures": what stays in place after the incident, not its stopgap.
    r"\bpermanent (?:controls|measures|changes|solutions?|safeguards|protections)\b|"
    # The same in Portuguese, Spanish, French and German: "Plano de recuperação", "Plan de reprise".
    r"\bplan[oa]? de (?:recupera[çc][ãa]o|recuperaci[óo]n|remedia[çc][ãa]o|remediaci[óo]n|reprise|rem[ée]diation)\b"
    r"|\bwiederherstellungsplan\b|"
    r"\bwhat (?:comes |happens )?next\b|\bnext\b|\bgoing forward\b|\bmoving forward\b|\bfrom here\b"
    r"|\bhappen(?:ing|s)? again\b|\bnever again\b|\bin (?:the )?future\b|\bdoing about\b|\bwe(?:'re| are| will|'ll)"
    r" (?:do|doing|change|changing|fix|fixing|improv\w*|prevent\w*)\b|\bwhat we (?:did|have done|changed)\b"
    # "Conclusions - What We Plan to Change".
    r"|\bwe(?:'re| are)? (?:plan|planning|intend|aim|going) to (?:do|change|fix|improv\w*|prevent\w*|address)\b"
    # "How do we stop it from repeating?"
    r"|\b(?:stop|keep|prevent) (?:it|this|that)(?: \w+)? from (?:repeating|recurring|happening)\b"
    r"|\bwhat (?:we|i) (?:will|are going to) do\b|(?<!would )(?<!'d )\bdo differently\b|\bto do\b|\bwhat was done\b"
    # "Steps taken after the incident", "Changes made since the outage": the follow-ups, already made.
    r"|\b(?:steps|actions|measures|changes) (?:taken|made|done) (?:after|since|following)\b"
    # "How am I fixing it?", "How are we preventing this?".
    r"|\bhow (?:am i|are we|will we|will i|do we|do i)"
    r" (?:fix|fixing|prevent|preventing|address|addressing|solve|solving)\b"
    # "What can be changed", "What needs to change", "What we should do better": the change to come (not
    # "What could be improved", a retrospective's name for what went wrong).
    r"|\bwhat (?:can|should|must|will|needs? to|we can|we should|we must|we will|we need to)"
    r" (?:be )?(?:changed?|done|do (?:better|differently)|improved?|fixed|fix)\b"
    # "What is being done to prevent future incidents?": a long question that still names the plan.
    r"|\bbeing done\b|\bto (?:prevent|avoid)\b|\b(?:prevent|avoid)(?:ing)? (?:future|recurrence|similar|this|it)\b"
    # "Ideas", "A couple of ideas we missed:", "Suggestions for next year": proposals, what could be done.
    r"|\b(?:ideas|suggestions)\b"
)
# Headings whose sections tell the story or explain it: their prose is never read for commitments.
_NARRATIVE_KINDS = frozenset(
    {"timeline", "whys", "factors", "went_well", "went_wrong", "lucky", "root_cause", "impact", "detection", "cost"}
)
# "log" as the verb of signing in ("Users unable to log in") names an incident, not a log.
_NARRATIVE_WORDS = re.compile(
    r"\bwhat happened\b|\bhappened\b|\bchronolog\w*\b|\bevents?\b|\blogs\b|\blog\b(?! ?(?:in|on|out)\b)"
    r"|\bbackground\b|\bcontext\b"
    r"|\bdescription\b|\bdetails\b|\binvestigation\b|\bsymptoms?\b|\bglossary\b|\bappendix\b"
    # How the incident was diagnosed and put right: the steps of the response, not what comes of it.
    # ("Steps taken after the incident" is what followed from it.)
    r"|\bdiagnos\w*|\btroubleshoot\w*|\bsteps? taken\b(?! (?:after|since|following)\b)|\bverification\b"
    # "## How do I do this?" under a fix heading: the code of the fix explained, not more work.
    r"|^how (?:do|did) (?:i|we) do (?:this|it)\b|\bhow (?:it|this) works\b|\bimplementation details\b"
    # The write-up's own history of edits.
    r"|\bchange ?log\b|\brevision history\b|\bdocument history\b|\brevisions\b"
)
# A word of a lower-cased heading, accented letters of Latin scripts included ("cómo prevenir" is two words).
_WORD = re.compile(r"[a-z\u00e0-\u00f6\u00f8-\u00ff][a-z\u00e0-\u00f6\u00f8-\u00ff'-]*")
# "How did we respond?", "How we responded": the story of the response, not what comes of it.
_TELLS_RESPONSE = re.compile(r"\bhow (?:did (?:we|the team) respond|(?:we|the team) responded)\b")
_READER = re.compile(r"\byou(?:r|rs|'re)?\b")
_COMBINED = re.compile(r"\s+(?:and|&|\+)\s+|\s*[/,;]\s*", re.IGNORECASE)
_CHECKLIST = re.compile(r"\brecurrence prevention\b|\bchecklist\b")
# "Features Present" is no typo of "prevent".
_NOT_ACTION_WORDS = frozenset({"responder", "respondent", "planet", "planning", "present"})
_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ed", "es", "s")


def _stem(word: str) -> str:
    word = word.replace("-", "").replace("'", "")
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _near(word: str, stem: str) -> bool:
    """``word`` starts with ``stem``, or does so after one edit (a typo: "remidiation", "acton")."""
    if word.startswith(stem):
        return True
    if len(stem) < 6 or len(word) < 5 or (word[0] != stem[0] and word[1:3] != stem[1:3]):
        return False  # a typo keeps the word's start, in one of its first letters at least
    head = word[: len(stem) + 1]
    return _one_edit(head[: len(stem)], stem) or _one_edit(head, stem) or _one_edit(head[: len(stem) - 1], stem)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one substitution, insertion, deletion or adjacent swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:index] + long[index + 1 :] == short for index in range(len(long)))


@short_text_cache(maxsize=4096)  # a corpus repeats the same few dozen headings
def heading_strength(title: str) -> int:
    """How strongly a heading means "actions": :data:`STRONG` (named in so many words), :data:`LEANING`
    (a stem, a question or a phrase that points there, possibly misspelt), :data:`NEUTRAL`, or
    :data:`NARRATIVE` (a section that tells or explains what happened). A heading that combines two
    topics ("Recovery and next steps") is as strong as its stronger part."""
    if _NAMES_FILE.match(title):
        return NARRATIVE  # "### File: `src/lib/supabase.ts`": the code changed in one file, told line by line
    whole = _strength(title)
    if whole >= STRONG:
        return whole
    parts = [p for p in _COMBINED.split(title) if p.strip()]
    if len(parts) < 2 or len(title.split()) > 6:
        return whole  # a long heading names a topic ("Lack of vendor, product and fixed data")
    return max(whole, *(_strength(part) for part in parts))


# A heading that names when its work is due rather than what it is: "### Short-term", "### Kurzfristig (diese
# Woche)", "### Médio prazo", "### 長期（継続的に）". Alone it says nothing of actions (a plan's phases, a
# roadmap's horizons); beside an action section it continues it.
_HORIZON = re.compile(
    r"\b(?:immediate|short|near|medium|mid|long)(?:[- ]?term)?\b|\bphase\b"
    r"|\b(?:sofort|kurzfristig|mittelfristig|langfristig)\w*"
    r"|\b(?:court|moyen|long) terme\b|\bimm[ée]diat"
    r"|\b(?:corto|medio|largo|curto|m[ée]dio|longo) (?:plazo|prazo)\b|\bimediat|\binmediat"
    r"|\b(?:breve|medio|lungo) termine\b|\bimmediat"
    r"|\b(?:korte|middellange|lange) termijn\b|\bonmiddellijk"
    r"|短期|中期|長期|长期|即時|即座|立即|即刻|단기|중기|장기|즉시",
    re.IGNORECASE,
)


# What may stand beside the horizon: a parenthesis ("(this week)", "(Completed)"), numbering, marks.
_BESIDE_HORIZON = re.compile(r"[(（][^()（）]*[)）]|^\W*\d+(?:\.\d+)*[.)]?|[^\w\s]", re.UNICODE)


def names_horizon(title: str) -> bool:
    """Whether a heading names a time horizon and at most one word more ("Short-term", "Curto prazo (pendente)",
    "短期措施", "Immediate Implementation"); "즉시 실행 스크립트" (a script to run at once) names a script."""
    bare = " ".join(_BESIDE_HORIZON.sub(" ", title).split())
    match = _HORIZON.search(bare)
    return match is not None and match.start() == 0 and len(bare[match.end() :].split()) <= 1


# "Response Actions", "Actions taken during the incident": what the responders did, the story of the response.
_RESPONSE_ACTIONS = re.compile(
    # "Immediate response", "Initial response steps": what was done while the incident lasted.
    r"^(?:incident |immediate |initial |emergency |first )?response actions?$"
    r"|^(?:immediate|initial|emergency|first) response(?: steps?| measures?)?$"
    r"|^actions? taken (?:during|to (?:mitigate|resolve|restore))\b"
    # "Remediation Actions Taken", "Phase 1: Immediate Containment", "Eradication": the incident-response
    # phases (containment, eradication, recovery), what was done while it lasted.
    r"|^(?:remediation|recovery|containment|response) (?:actions|steps|measures) taken\b"
    r"|^(?:phase \d+\s*[:\-–]\s*)?(?:immediate |initial )?(?:containment|eradication)"
    r"(?: (?:and|&) (?:eradication|recovery))?(?: (?:actions|steps|measures))?$"
    # "What did NOT fix it", "What didn't work", "Failed attempts": the fixes tried and dropped, the story.
    r"|^what (?:did ?not|didn.t|does ?not|doesn.t) (?:fix|work|help|solve)\b"
    r"|^(?:failed|unsuccessful|abandoned) (?:attempts?|fixes|approaches)\b|^(?:what|things) (?:we |i )?tried\b",
    re.IGNORECASE,
)


def holds_no_follow_ups(title: str) -> bool:
    """A heading over the response as it happened ("3. Containment actions") or over what was left out ("What
    was NOT done"): an "Action" column in a table under it lists those, not follow-ups."""
    bare = " ".join(without_numbering(title).split()).strip(" :")
    return _RESPONSE_ACTIONS.search(bare) is not None or _LEFT_OUT.search(bare) is not None


# "What was NOT done (scope guard)", "Out of scope", "Non-goals": what the write-up says it did not take on.
_LEFT_OUT = re.compile(
    r"^what (?:was|were|we|i) (?:not|did not|didn't|did ?n't) (?:do|done)\b"
    r"|^(?:out of scope|not in scope|non-goals?)\b",
    re.IGNORECASE,
)


def _strength(title: str) -> int:
    if holds_no_follow_ups(title):
        return NARRATIVE
    kind = classify_title(title)
    if kind == "actions":
        return STRONG
    if kind == "supporting":
        return NARRATIVE  # appendices, references, and the readers' own next steps
    normalized = normalize_title(title) or " ".join(title.lower().split())
    if kind == "prevention" and _CHECKLIST.search(normalized):
        return NARRATIVE  # the template's "Recurrence Prevention" checklist is read as one (PostMortem.prevention)
    if kind == "prevention":
        return LEANING  # "Prevention", "预防": what is done so it does not recur
    words = [_stem(w) for w in _WORD.findall(normalized)]
    if kind in _NARRATIVE_KINDS or _READER.search(normalized):
        return NARRATIVE  # "Are you affected?", "If you find evidence of compromise": guidance for readers
    # "Actions planned", "Action taken", "Acton items": a short heading whose noun is "action(s)".
    if len(words) <= 4 and any(_one_edit(w, "action") for w in words):
        return STRONG
    if _TELLS_RESPONSE.search(normalized):
        return NARRATIVE
    if _ACTION_PHRASES.search(normalized):
        return LEANING
    if _WHAT_CHANGED.match(normalized):
        return LEANING  # "What changed", "What has changed since": the changes made because of it
    if _PROBLEMS_FIXED.match(normalized):
        return NEUTRAL  # "Fixed Issues", "Bugs resolved": the problems the incident showed, each told as one
    # A long heading names a topic ("Lack of vendor and fixed data"); its words are no section name.
    for word in words if len(words) <= 6 else ():
        if word not in _NOT_ACTION_WORDS and any(_near(word, stem) for stem in _ACTION_STEMS):
            return LEANING
        if word.startswith(_FOREIGN_STEMS):
            return LEANING
    if _CJK_LEANING.search(normalized) or _CYRILLIC_LEANING.search(normalized):
        return LEANING
    if kind in ("supporting",) or _NARRATIVE_WORDS.search(normalized) or _WHEN.match(title.strip()):
        return NARRATIVE
    return NEUTRAL


_NAMES_FILE = re.compile(r"^\W{0,4}(?:files?|modules?)\s*:\s*\S", re.IGNORECASE)
_WHAT_CHANGED = re.compile(
    r"^what(?:'s| has| have| was| were| has been| got)? changed"
    r"(?: since| afterwards| after(?:wards)? (?:it|this|that|the incident)| because of (?:it|this|that))?$"
)
# "Fixed Issues", "Issues resolved", "Resolved bugs": a heading whose noun is the problems, "fixed" only saying
# what became of them; its entries name what went wrong (a problem per row), not the work.
_PROBLEMS_FIXED = re.compile(
    r"^(?:(?:fixed|resolved|addressed|closed|solved) (?:issues|problems|bugs|defects|errors)"
    r"|(?:issues|problems|bugs|defects|errors) (?:fixed|resolved|addressed|closed|solved))$"
)


# A heading that names the day and what happened on it: "Wednesday — we start receiving requests", "Day 2:
# the graphs go flat": a part of the story told in order. (A day alone may head an event's part, its notes
# and ideas; a date alone heads an incident log's entry, over its own "Prevention" section.)
_WHEN = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day(?:\s+(?:morning|afternoon|evening|night))?|day \d+)"
    r"\s*[-—–:]\s*\S",
    re.IGNORECASE,
)


# -- evidence of one candidate -------------------------------------------------------------------

# Work the writers say is under way, after "we're …" or "we are …" alike.
_UNDER_WAY = (
    r"(?:adding|building|introducing|implementing|reviewing|updating|improving|moving|migrating|changing"
    r"|rolling out|writing|creating|replacing|removing|enabling|putting|setting up|installing|deploying"
    r"|configuring|automating|exploring|evaluating|examining|assessing|researching|auditing|prototyping|piloting"
    r"|working|investigating|looking into|looking at ways (?:of|to)"
    r"|planning|developing)"
)
# Prose that commits to or reports starting an action: "we will", "we are going to", "we have begun",
# "the platform team is adding". The subject is the writers or a team: "the tag will move" is no promise.
_COMMITS = re.compile(
    r"(?:^|[,;:]\s*|\b(?:so|and|then|now|therefore|hence|next|also|soon|finally|additionally),?\s+"
    # "I want to assure you that I will be building better monitoring": a promise reported in a that-clause.
    r"|\b(?:assure|promise|guarantee|confirm)(?: (?:you|everyone|our users|the community))? that\s+"
    # "And that means that we will not re-add …": a consequence the writers draw and commit to.
    r"|\b(?:means|meaning) that\s+"
    r"|\b(?:over|in|within|during) the (?:next|coming) (?:\w+ ){0,3}\w+,?\s+"
    # "Going forward we will …", "In the future we are looking to …": a time lead-in, with or without its comma.
    r"|\b(?:going forward|moving forward|in (?:the )?future|from now on|from here on|in the (?:long|short|medium) term"
    r"|next time|furthermore|moreover|in addition|as a result(?: of (?:this|the|that)(?: \w+){0,3})?"
    # "To fix this issue we will …": a purpose lead-in naming what the work is for.
    r"|to (?:fix|address|solve|resolve|prevent|avoid|mitigate|remedy) (?:this|that|the|these)(?: \w+){0,3}"
    # Any adverbial opening a sentence, comma or not: "This week we will …", "For the next release we will …",
    # "Once the vendor ships the patch we will …" (a preposition or adverb first, never a noun: "The data we
    # will need" is no promise).
    r"|^(?:in|on|at|for|over|during|after|before|by|within|next|this (?=week|month|quarter|year|sprint|time)|once"
    r"|starting|beginning|until|later|today"
    r"|tomorrow|tonight|separately|consequently|accordingly|meanwhile|eventually|ultimately)\b[^,.;:!?]{0,60}?"
    # "Monitoring wise we also started working on …": the topic named first.
    r"|^[\w-]+[ -]wise),?\s+)"
    r"(?:we|i|the team|our team|(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?\s+team|the (?-i:[A-Z]{2,6}))"
    r"(?:'ll|'(?:re|m) (?:(?:now |also |still |therefore |just |definitely |really |certainly )*going to"
    r"|(?:now |also |currently |actively |still )*(?:" + _UNDER_WAY + "|in the (?:process|middle) of))"
    r"|\s+(?:will|shall|(?:are|is|am) (?:no longer |now |also |therefore |still |thus )?going to"
    r"|plan to|are planning to|intend to|aim to"
    r"|have plans to|(?:are|were) planning on|(?:are|am|is) looking to|(?P<need>need to)"
    r"|(?:are|am|is) (?:also |now )?looking at ways (?:of|to)"
    r"|(?:will )?continue to work (?:on|to|towards)"
    # "we are actively overhauling …": any work under way said with "actively"/"currently" (not what is seen).
    r"|(?:are|is|am) (?:actively|currently) (?!seeing\b|experiencing\b|getting\b|having\b|receiving\b|noticing\b"
    r"|observing\b|waiting\b)[a-z]+ing"
    r"|have (?:now\s+)?(?:begun|started)(?: to)?"
    # "we also started working on a dashboard" (not "I started working on this at 15:43", the response).
    r"|(?:also\s+|now\s+)?(?:started|began)"
    r"(?=\s+working on\b(?!\s+(?:this|it|that|the (?:issue|problem|incident|fix))\b))"
    r"|(?:have )?committed to|are working (?:on|to)|is working (?:on|to)"
    # "I resolved to set up an RSS reader", "we promise to publish …": a resolution the writers make.
    r"|(?:have )?(?:resolved|promised|pledged|vowed) to|promise to|pledge to|vow to"
    # "We are still in the process of automating …": work under way, whatever adverb comes first.
    r"|(?:are|is|am) (?:now |also |currently |actively |still )*(?:" + _UNDER_WAY + "|in the (?:process|middle) of)))"
    # "we'll also hopefully get …", "we'll likely start …": a hedged promise is still the writers' plan.
    r"(?:\s+(?:also|now|then|soon|immediately|urgently|likely|probably|hopefully|definitely|certainly)){0,2}"
    r"\s+(?P<verb>[a-z]+)",
    re.IGNORECASE,
)
# What the write-up itself does: "In this post, I'll walk you through …", "To tell the story of the outage,
# I'll introduce …", "I'll start by saying that …", "I'll add that …".
_NARRATION = re.compile(
    r"^in this (?:blog(?: post)?|post|article|section|write-?up|document|report|retrospective|post-?mortem)\b"
    # "On this page, we will report any outages …": a status page saying what it is for.
    r"|^on this (?:page|site|status page|blog)\b"
    r"|\bto tell the story\b|\bstart with the (?:outage|incident|timeline|story)\b|\bwork our way back"
    r"|\b(?:start|begin|end|close) by (?:saying|noting|explaining|describing)\b|\badd(?: for [\w ]{1,25})? that\b"
    # "(This post will be updated when …)": the write-up's own future.
    r"|\b(?:this|the) (?:post|article|page|document|report|write-?up|blog)\b[^.]{0,20}\bwill be updated\b"
    # "I'm writing this from the train": the write-up being written.
    r"|\b(?:writing|typing) (?:this|these (?:lines|words)|the (?:post|article|report|post-?mortem|write-?up))\b",
    re.IGNORECASE,
)


def tells_the_story(text: str) -> bool:
    return _NARRATION.search(text) is not None


# Promises too general to ticket: "continue to take security seriously", "prevent similar incidents".
_GENERIC = re.compile(
    r"\bcontinue to (?:take|be|work hard)\b|\bseriously\b"
    r"|\b(?:similar|such|future) (?:incidents?|issues?|events?|problems?|situations?)\b"
    r"|\b(?:this|that) (?:sort|kind|type) of (?:problems?|issues?|incidents?|outages?)\b"
    r"|\bdo(?:es)?(?: not|n't) (?:happen|occur|recur) (?:again|in the future)\b"
    # "prevent this from happening again" (not "Next time I see this happening, I'm going to …", a condition).
    r"|\b(?:prevent|stop|avoid|ensure|sure|never|not|keep)\b[^.;]{0,25}\bthis (?:from )?happen"
    r"|\bthis (?:from )?happen\w*\s+again\b|\b(?:how|why) (?:this|it) (?:happen|occur)"
    r"|\bdiligently\b|\bkeep (?:you|everyone|the community)\b|\b(?:update|inform)"
    r" (?:you|everyone|the community|our users)\b|\bremind\b|\bbe (?:more )?(?:careful|vigilant)\b|\blearn from\b"
    # A status page's reassurance: "working hard to support everyone", "back up and running".
    r"|\bsupport (?:everyone|all of you|our (?:users|community))\b|\bup and running\b|\byour patience\b"
    # "We pledge to use this as an opportunity to strengthen …": a resolve, no work named.
    r"|\bas an opportunity\b"
    r"|\bdo better\b|\b(?:working on|looking into) it\b|\bdo(?:ing)? (?:everything|all we can|our best)\b|\bwork hard\b"
    # Waiting during the incident: "I'll give it 24-48 hours until I continue the investigation".
    r"|\bgive it (?:a few |another |some |\d[\d-]* )?(?:hours?|days?|weeks?|time|a while|a day|a week)\b"
    # A live update's "We will continue to monitor the situation".
    r"|\bmonitor(?:ing)? the situation\b"
    # Looking for the cause while the incident lasts is the response, not a follow-up.
    r"|\b(?:investigating|looking into) (?:the |this )?(?:root )?cause\b"
    # A status page's "We are investigating the issue.": the incident itself, looked into while it lasts.
    r"|\b(?:investigating|looking into) (?:the|this|an?) (?:issue|problem|incident|outage|matter|reports?)\s*[.!]?$"
    # "We will continue to update this page with status updates": the write-up's own upkeep.
    r"|\bupdate this (?:\w+ )?(?:page|post|document|report|thread|issue)\b|\bstatus updates\b"
    r"|" + _NARRATION.pattern,
    re.IGNORECASE,
)
_NOT_ACTION_VERBS = frozenset(
    {"be", "have", "not", "never", "like", "want", "try", "see", "need", "hope", "also"}
    # What the write-up itself will do: "We will also discuss the steps taken …", "I'll say it again, …".
    | {"discuss", "explain", "describe", "outline", "detail", "cover", "summarize", "summarise", "say", "repeat"}
)


# Verbs whose negation commits to nothing: "we will not hesitate to", "we won't let this happen again".
_NOT_REFRAINED = frozenset(
    {"know", "hesitate", "forget", "tolerate", "accept", "let", "allow", "only", "able", "rest"}
    # What the writers keep to themselves is no work: "We will not disclose any information on the blocking".
    | {"disclose", "share", "comment", "reveal", "speculate", "name", "publish"}
    # The write-up's own voice: "I'll not sugar-coat it", "we won't bore you with the details".
    | {"sugar-coat", "sugarcoat", "lie", "pretend", "mince", "bore", "waste", "dwell", "repeat"}
)


# A commitment with its subject left out, as notes are written: "Will follow up with the vendor.", "To make
# up for it, will be crediting every plan …" (after a leading clause of purpose or time, not "Once deployed,
# will restart", which says what a system does).
_SUBJECTLESS = re.compile(
    r"(?:^|^(?:to|in order to|as a result|going forward|moving forward|from now on|next|in the|over the|this|"
    r"within)\b[^,]{0,80},\s+)[Ww]ill\s+(?:be\s+(?=[a-z]+ing\b))?(?P<verb>[a-z]+)\b",
    re.IGNORECASE,
)


# A rule the writers set from now on, whoever its subject: "In future no single person will have exclusive
# access to the servers", "Going forward, every release will be signed by two maintainers".
_POLICY = re.compile(
    r"^(?:going forward|moving forward|in (?:the )?future|from now on|from here on|henceforth"
    r"|from this point (?:on|forward)),?\s+(?!we\b|i\b)(?:[\w'`.-]+\s+){1,8}?"
    r"(?:will|shall|must|won't|will not)\s+(?:no longer\s+|not\s+|never\s+|always\s+|only\s+)?"
    r"(?P<verb>[a-z]+)(?:\s+(?P<next>[a-z]+))?",
    re.IGNORECASE,
)


def sets_a_policy(text: str) -> bool:
    match = _POLICY.match(text.strip().replace("\u2019", "'"))
    if match is None or _GENERIC.search(text):
        return False
    verb, following = match.group("verb").lower(), (match.group("next") or "").lower()
    if verb == "be":
        # "every release will be signed": a rule; "the service will be more resilient": a hope.
        return following.endswith(("ed", "en")) and following != "needed"
    return verb not in _NOT_ACTION_VERBS - {"have"}


# A fix named in a sentence: "Temporary fix was to upgrade everything", "The long-term fix is to replace the
# queue", "Our permanent solution will be to shard the table". "was" reports it made; "is"/"will be" names
# the work to come.
_NAMED_FIX = re.compile(
    r"^(?:the |our |a )?(?:temporary|short[- ]term|long[- ]term|medium[- ]term|permanent|proper|real|final|quick)"
    r" (?:fix|solution|remedy|mitigation) (?P<tense>was|is|will be) to [a-z]+",
    re.IGNORECASE,
)


# "For a permanent fix, the Kubelet QPS was increased from 5 to 50": the fix named first, then what was done
# (or will be) in the passive.
_FIX_LEAD = re.compile(
    r"^(?:for|as) (?:a|the|our) (?:temporary|short[- ]term|long[- ]term|medium[- ]term|permanent|proper|real|final)"
    r" (?:fix|solution|remedy|mitigation),? [^,.;:]{2,80}? (?P<tense>was|were|has been|have been|will be)"
    r" [a-z]+(?:ed|en|wn|ut|t)\b",
    re.IGNORECASE,
)


def names_a_fix(text: str) -> str | None:
    """``done`` for a fix a sentence says was made, ``planned`` for one it says is to come, else None."""
    match = _NAMED_FIX.match(text.strip()) or _FIX_LEAD.match(text.strip())
    if match is None:
        return None
    return "planned" if match.group("tense").lower() in ("is", "will be") else "done"


# A sentence naming the incident's follow-ups in prose: "For this incident, our action items included rotating
# keys, …", "The follow-ups are to …".
_STATES_ACTIONS = re.compile(
    r"\b(?:our|the) (?:action items?|follow-?ups?|follow-?up actions|next steps|remediation (?:items|steps))"
    r" (?:(?:have )?include[sd]?|are|were|consist(?:ed)? of)\b",
    re.IGNORECASE,
)


def states_actions(text: str) -> bool:
    return bool(_STATES_ACTIONS.search(text))


_WONT = re.compile(r"\bwon't\b", re.IGNORECASE)


def commits_in_prose(text: str) -> bool:
    """A sentence that commits to (or reports starting) a specific action, by its writers or a team."""
    # "Next time we won't treat the criteria as requirements": the rule the writers set, read as "will not".
    text = _WONT.sub("will not", text.replace("\u2019", "'"))
    match = _COMMITS.search(text) or (None if "?" in text else _SUBJECTLESS.search(text))
    if match is None:
        return (
            sets_a_policy(text)
            or _ABROAD_PROMISE.search(text) is not None
            or _PLANS_STATED.search(text) is not None
            or hedges_next_time(text)
            or (_PASSIVE_PROMISE.search(text) is not None and not _GENERIC.search(text))
        )
    verb = match.group("verb").lower()
    if verb in ("not", "never"):
        # "We will not re-add the library until …", "we'll never store keys in the repo again": a rule the
        # writers set themselves; "we will not know", "we will never let this happen again": none.
        refrained = re.match(r"\s+([a-z][a-z-]*)", text[match.end() :], re.IGNORECASE)
        if refrained is None or refrained.group(1).lower() in _NOT_ACTION_VERBS | _NOT_REFRAINED:
            return False
        verb = refrained.group(1).lower()
    attempt = re.match(r"\s+to\s+([a-z]+)", text[match.end() :]) if verb == "try" else None
    if attempt is not None:
        verb = attempt.group(1).lower()  # "Next time we will try to use a different provider": the work is the use
    if verb == "be":
        # "we'll be making use of …", "we will be (immediately) activating …": a commitment; "we will be more
        # careful": none.
        following = [word for word in text[match.end() :].split(None, 3)[:3] if not word.lower().endswith("ly")]
        if not following or not following[0].lower().endswith("ing"):
            return False
    elif verb == "have" and _PROVIDES.match(text, match.end()):
        pass  # "we will have an internal dashboard …": a thing the writers will provide
    elif verb in _NOT_ACTION_VERBS:
        return False
    elif weighs_a_question(text[match.start("verb") :]):
        return False  # "we need to decide whether we continue …": a question still open, no work named
    elif match.groupdict().get("need") and not reads_as_action(text[match.start("verb") :]):
        # "We need to continue watching the metrics": work to do; "we need to sample events received by our
        # system": how the system works, no verb of an order.
        return False
    # "To prevent similar issues from recurring, we will be conducting maintenance on …": the purpose is
    # general, the commitment is not; judged without the purpose clause.
    return not _GENERIC.search(_PURPOSE.sub(" ", text))


# A question weighed, not work: "decide whether …", "learn if …", "figure out how …", "consider the form's
# usefulness".
_WEIGHING = r"decide|learn|think|understand|figure|determine|ask"
_WEIGHS = re.compile(
    rf"\b(?:(?:{_WEIGHING})\s+(?:out\s+|about\s+|ourselves\s+)?(?:whether|if|how|what|why)|consider)\b",
    re.IGNORECASE,
)
# The same verbs after an obligation, whatever follows: "we need to decide …", "We will need to consider …".
_OBLIGED_TO_WEIGH = re.compile(rf"\b(?:need|needs|should|must|have|has) to (?:{_WEIGHING}|consider)\b", re.I)


def weighs_a_question(text: str) -> bool:
    """Whether the clause from its verb on weighs a question ("decide whether we continue …")."""
    return _WEIGHS.match(text) is not None


def obliged_to_weigh(text: str) -> bool:
    """Whether the text holds an obligation to weigh a question ("we need to decide whether …")."""
    return _OBLIGED_TO_WEIGH.search(text) is not None


# "we will have an internal dashboard", "we'll have a second on-call": a thing to provide, not "we will have a
# look", "we will have more information", "we will have to …".
_PROVIDES = re.compile(
    r"\s+(?:a|an)\s+(?!(?:look|chance|think|go|try|better|clearer|good|great|lot|little|few|bit|hard|tough|problem"
    r"|issue|fix|answer|word|conversation|discussion|update|solution)\b)[a-z-]+",
    re.IGNORECASE,
)


# Work promised in the passive, with when it comes: "Server resource monitoring … will likely be implemented
# shortly", "a fix will soon be deployed" (not "Blocks will be created every two seconds": how a design works).
_PASSIVE_PROMISE = re.compile(
    r"\b(?:will|shall)\s+(?:(?:also|then|now|definitely|certainly)\s+)*"
    r"(?:(?:likely|probably|soon|eventually|shortly)\s+be\s+(?:[a-z]+ly\s+)?(?:MADE)\b"
    r"|be\s+(?:MADE)\s+(?:very\s+)?(?:soon|shortly)\b)".replace(
        "MADE",
        r"implemented|added|introduced|deployed|set up|created|built|configured|enabled|installed|automated"
        r"|migrated|replaced|upgraded|updated|improved|documented|rolled out|put in place",
    ),
    re.IGNORECASE,
)


# A plan stated as a fact: "My next step is to automate the backup", "There are plans to start refactoring
# them". Not "The next step was to restart it" (the story of the response), nor a step of any fix ("the
# first step is to fix it", "the next step is to resolve the issue": how problems are solved in general).
_PLANS_STATED = re.compile(
    r"(?:\b(?:my|our|the) (?:next|first|immediate) steps? (?:is|are|will be|would be)"
    r"|\bthere (?:are|is) (?:now |also |already )*(?:plans?|a plan)) to"
    r" (?!(?:be|fix|resolve|solve|address|learn|understand|figure|find|identify|determine)\b)[a-z]+",
    re.IGNORECASE,
)


# What the writers would do the next time round: "In a future CTF that I might organise I would plan the
# schedule better", "Next time, we'd book a bigger room", "If we run it again, I would …". The conditional of
# an event's organisers is their plan for its next edition.
_NEXT_TIME_WOULD = re.compile(
    r"^(?:next time|(?:in|for) (?:the|a|any) (?:future|next)\b[^,.;:!?]{0,60}?"
    r"|for (?:the |our )?next \w+[^,.;:!?]{0,40}?"
    r"|if (?:we|i) (?:ever )?(?:do|run|organi[sz]e|host|hold|try) (?:this|it|one|another)(?: \w+)? again"
    # "If I had to redo it, I would create a copy first": the writer's plan for the next time round.
    r"|if (?:we|i) (?:had|were) to (?:re-?do|do) (?:it|this|that)(?: (?:again|over))?)"
    r",?\s+(?:we|i)(?:'d|\s+would)\s+(?:(?:probably|definitely|certainly|also|rather|surely|likely)\s+)*"
    r"(?P<verb>[a-z]+)",
    re.IGNORECASE,
)


def hedges_next_time(text: str) -> bool:
    match = _NEXT_TIME_WOULD.match(text.strip().replace("\u2019", "'"))
    if match is None or _GENERIC.search(text):
        return False
    return match.group("verb").lower() not in _NOT_ACTION_VERBS | {"do", "say", "think", "expect", "guess"}


def promises_in_general(text: str) -> bool:
    """A promise too general to ticket, made by the writers: "We will take steps to ensure this does not
    happen again." (over a list, it announces the steps)."""
    text = text.replace("\u2019", "'")
    if _COMMITS.search(text) is None or _GENERIC.search(text) is None or tells_the_story(text):
        return False
    return _GENERIC.search(_PURPOSE.sub(" ", text)) is not None or _TAKES_STEPS.search(text) is not None


# Work named only as such: "take steps", "take the necessary measures".
_TAKES_STEPS = re.compile(
    r"\btak(?:e|ing) (?:(?:the |all )?(?:necessary|further|additional|appropriate|several|some) )?"
    r"(?:steps|measures|actions?|precautions)\b",
    re.IGNORECASE,
)


# A clause of purpose naming what the work is for ("to prevent this from happening again").
_PURPOSE = re.compile(
    r"(?:^|,\s*|\s)(?:in order )?to (?:prevent|avoid|minimi[sz]e|reduce|stop|ensure|make sure)\b[^,.;]*"
    r"(?:from \w+ing(?: again)?)?",
    re.IGNORECASE,
)


_WE_REPORT = re.compile(
    r"(?:^|[,;:]\s*|\b(?:step|first|then|so|and|now|also|finally|later|afterwards|eventually|ultimately|instead)\s+"
    # "Due to the weirdness we encountered I added …", "After that week I rewrote …": a lead-in, comma or not.
    r"|^(?:due to|because of|thanks to|following|after|since|once)\b[^,.;:!?]{0,60}?,?\s+(?=(?:we|i)\s))"
    r"(?:we|i|the team|our team)(?:'ve|\s+have|\s+has)?\s+(?:(?:also|already|now|then|immediately|"
    r"quickly|promptly|since|subsequently|first)\s+)*(?P<verb>[a-z]+ed|made|built|wrote|took|set|put|ran|sent|"
    r"began|rebuilt|shut|cut|moved|rolled)\b",
    re.IGNORECASE,
)
_NOT_REPORTS = frozenset(
    {
        "decided",
        "noticed",
        "observed",
        "detected",
        "received",
        "learned",
        "realized",
        "realised",
        "discussed",
        "agreed",
        "concluded",
        "tried",
        "wanted",
        "need",
        "needed",
        "suspected",
        "caused",
        "experienced",
        # What the write-up told: "In the first article, we talked about …".
        "talked",
        "explained",
        "described",
        "mentioned",
        "seen",  # "we have seen four failures": an observation
        # Findings: "we have identified the missing data", "we found the cause".
        "identified",
        "found",
        "determined",
        "discovered",
        "located",
        "traced",
        "been",  # "we have been unable to ship": a state, not work done
    }
)


# Why work reported was done: "… so this doesn't happen again", "To prevent this from happening again, …".
_PREVENTS = re.compile(
    r"\b(?:so|so that|to (?:make sure|ensure)(?: that)?)\s+(?:this|it|that|the same(?: \w+)?)\s+"
    r"(?:doesn't|does not|won't|will not|can't|cannot|never|no longer|isn't|is not)\s+(?:\w+\s+)?"
    r"(?:happen|occur|recur|repeat|be repeated)"
    r"|\bto (?:prevent|avoid|stop)\s+(?:this|it|that|a repeat|a recurrence|recurrence|the same)\b",
    re.IGNORECASE,
)


def reports_prevention(text: str) -> bool:
    """Work the writers report doing so the incident does not recur: "We added an alert on disk usage so
    this doesn't happen again", "To prevent this from happening again, I moved the backups …" (the purpose
    tells it from the response, which only puts the incident right)."""
    text = text.replace("\u2019", "'")
    return _PREVENTS.search(text) is not None and reports_action(text)


def reports_action(text: str) -> bool:
    """A sentence reporting an action taken: "We immediately rotated …", "I moved …", "torchtriton has
    been removed …", "A fix is now in place"."""
    text = text.replace("\u2019", "'")
    if any(match.group("verb").lower() not in _NOT_REPORTS for match in _WE_REPORT.finditer(text)):
        return True
    return bool(_PASSIVE_REPORT.search(text) or _IN_PLACE.search(text))


# "This was fixed by treating the handoff as a read-repair", "The bug got patched in 2.3": under a heading
# naming the fix, its report in the passive (elsewhere "was fixed" is as often the story of the response).
_FIX_REPORT = re.compile(
    r"^(?:this|it|that|the (?:bug|issue|problem|error|race(?: condition)?|leak|vulnerability|defect|regression))"
    r" (?:was|got|has been|have been) (?:[a-z]+ly )?(?:fixed|resolved|addressed|solved|patched|corrected)\b",
    re.IGNORECASE,
)


def reports_fix(text: str) -> bool:
    return bool(_FIX_REPORT.match(text.strip()))


# "has been removed", "have been revoked": the present perfect passive reports work done (a plain past
# passive, "was deployed", is as often the story of the incident).
_PASSIVE_REPORT = re.compile(
    r"\b(?:has|have) (?:now |also |already |all |both )?been (?:[a-z]+ly )?"
    # "have been seen by the dev team": a perception, not work.
    r"(?!(?:seen|noticed|observed|detected|experienced|known|shown|given|told)\b)[a-z]+(?:ed|en|wn|ut|et)\b",
    re.I,
)
_IN_PLACE = re.compile(r"\b(?:is|are) (?:now|already) (?:put )?in place\b|\bnow (?:put )?in place\b", re.I)
_ONGOING = re.compile(
    r"\b(?:work|efforts?|investigation|(?:a |the )?(?:project|migration|rewrite)) (?:is|are) (?:also |still |now )?"
    r"(?:ongoing|underway|in progress)\b"
    # "additional measures are being applied": remedial work in the passive progressive.
    r"|\b(?:measures|changes|fixes|improvements|steps|mitigations) (?:is|are) (?:also |still |now )?being "
    r"[a-z]+(?:ed|en|wn|ut)\b"
    # "We're still in the process of hardening …", "we are in the middle of an ongoing effort to …".
    r"|\b(?:we|i|the team|our team)(?:'re|'m| are| am| is) (?:also |still |now |currently )*"
    r"in the (?:process|middle) (?:of|with) "
    r"(?:[a-z]+ing\b|(?:an? )?(?:ongoing )?(?:effort|project|migration|rewrite|review)\b)",
    re.I,
)


# What the response to an incident does, reported: telling the people it hit ("we have reached out to them
# directly", "we've added information to our logon news") and bringing the service back ("we made the decision
# to restore the last backup"). The story of the response, not work that prevents the next incident.
_RESPONSE_REPORT = re.compile(
    r"\b(?:reached out|notified|informed|contacted|e-?mailed|messaged|apologi[sz]ed)\b.{0,60}?"
    r"\b(?:users?|customers?|them|you|everyone|members|clients|community|affected|people|owners)\b"
    r"|\b(?:added|posted|published|put up|sent out)\b.{0,40}?\b(?:information|notices?|announcements?|updates?"
    r"|messages?|banners?)\b.{0,40}?\b(?:news|status page|website|site|blog|forums?|channels?|social media|motd)\b"
    r"|\b(?:decision|decided|chose|opted) to (?:restore|roll ?back|revert|restart|reboot|fail ?over)\b"
    r"|\brestored? (?:the |a |our )?(?:last |latest |most recent |previous )?(?:known[- ]good |working )?backups?\b"
    r"|\b(?:is|are) (?:now )?back (?:in service|on ?line|up|to normal)\b|\boperational again\b"
    # "NFS and SMB services have been suspended temporarily": what the response switched off.
    r"|\b(?:has|have) been (?:temporarily )?(?:suspended|paused|taken offline|shut down)\b"
    r"|\b(?:incident|issue|problem|outage) (?:has been|is now) (?:fully )?(?:resolved|fixed|mitigated)\b"
    r"|\bsent (?:out )?(?:\w+ ){0,2}(?:notifications?|e-?mails?|notices?|messages?|letters?) to\b",
    re.I,
)


# A status page's update, labelled with the incident's state ("*Investigating* - We are looking into …",
# "Resolved: A fix has been implemented …"): the story of the incident as it was told live.
_UPDATE_LABELS = (
    r"(?:investigating|identified|monitoring|update|updated|mitigating|mitigated|(?:partly |partially )?resolved"
    r"|recovering|degraded|verifying|scheduled)"
)
_STATUS_UPDATE = re.compile(
    rf"^[*_ ]{{0,3}}{_UPDATE_LABELS}[*_ ]{{0,3}}\s*[-–—:][*_ ]{{0,3}}\s"
    # "**Resolved** This incident has been resolved.": the bold label alone marks it.
    rf"|^(?:\*\*|__){_UPDATE_LABELS}(?:\*\*|__)\s",
    re.IGNORECASE,
)
# "Update #1 at 2018-09-22 23:15 EDT", "MONITORING at 00:05": a timestamped entry of a live log.
_LOG_ENTRY = re.compile(
    rf"^{_UPDATE_LABELS}(?: #?\d+)? (?:at|@) \d"
    # "**09:15**: Expedited hardware replacement initiated", "07:00-09:00: Monitoring …": a time of day (or a span
    # of them) that opens the entry and is set off from it: when it happened, the story told in order.
    r"|^[0-2]?\d:[0-5]\d(?::[0-5]\d)?(?:\s*[-–]\s*[0-2]?\d:[0-5]\d)?(?:\s*(?:UTC|GMT|[A-Z]{2,4}))?\s*(?::|[-–—]\s)",
    re.IGNORECASE,
)


# "Alerts configured", "Runbook written", and in German "Docker Hub Pro Plan aktiviert", "Best-Practice
# dokumentiert" (a lower-case participle: German nouns are capitalised): a title that reports the work done.
_ENDS_DONE = re.compile(
    r"^[A-Z0-9][\w -]{2,60}\s(?:[a-z]+ed|built|set up|written|done)$"
    r"|^[\wÄÖÜ][\w .:/-]{2,80}\s(?:[a-zäöüß]*ge[a-zäöüß]+t|[a-zäöüß]+iert|(?:ver|be|er|ent|zer)[a-zäöüß]+t)$"
)


def title_reports_done(title: str) -> bool:
    """Whether a title (a heading's, an entry's bold one) ends on a participle that reports the work done."""
    return bool(_ENDS_DONE.search(title.strip().rstrip(":")))


def is_log_entry(text: str) -> bool:
    """A timestamped entry of a live incident log ("Update #2 at 23:30 EDT", "09:15: Replacement ordered"),
    never an action."""
    return bool(_LOG_ENTRY.match(text))


def is_status_update(text: str) -> bool:
    return bool(_STATUS_UPDATE.match(text)) or is_log_entry(text)


def reports_response(text: str) -> bool:
    """A report of the incident response itself: users told, service restored from a backup."""
    return bool(_RESPONSE_REPORT.search(text.replace("\u2019", "'")))


# The same three tenses in German prose (half of one blind batch was written in it):
# "Wir werden die Überwachung ausbauen" (a promise), "Parallel versuchen wir herauszufinden, …" (under way),
# "Die Gegenmaßnahmen sind getroffen", "Die Funktion wurde deaktiviert" (done; a restart is the story).
# The writers' promise in French, Spanish, Portuguese and Italian too: "nous allons ajouter", "nous
# ajouterons", "vamos a migrar", "añadiremos", "iremos migrar", "aggiungeremo". A future's first person plural
# only ("-aremos", "-rons" after "nous"): "queremos" (we want) is no promise.
_ABROAD_PROMISE = re.compile(
    r"\b(?:wir|ich) (?:werden|wollen|planen|möchten)\b|\b(?:werden|wollen|planen) wir\b"
    r"|\b(?:nous allons|je vais|on va|nous prévoyons de|nous comptons)\s+\w"
    r"|\bnous (?:\w+ ){0,2}?\w{2,}(?:erons|irons|ettrons|ferons)\b"
    r"|\b(?:vamos a|voy a|vou|iremos|planeamos|pretendemos|tenemos previsto)\s+\w"
    r"|\b(?!quer)\w{2,}(?:aremos|eremos|iremos)\b"
    r"|\b\w{2,}(?:eremo|iremo)\b|\babbiamo intenzione di\b",
    re.IGNORECASE,
)
_DE_ONGOING = re.compile(
    r"\b(?:versuchen|arbeiten|prüfen|untersuchen|evaluieren) wir\b|\bwir (?:versuchen|arbeiten|prüfen|untersuchen)\b",
    re.IGNORECASE,
)
# A live update's "we are working on a solution", "we are examining our log files": the response itself.
_DE_RESPONSE = re.compile(
    r"\ban (?:einer|der) (?:lösung|behebung|fehlerbehebung)\b|\b(?:logs?|logfiles|log-dateien|ursache|störung)\b",
    re.IGNORECASE,
)
_ABROAD_DONE = re.compile(
    r"\b(?:gegenmaßnahmen|maßnahmen|änderungen|anpassungen)\b.{0,40}?\b(?:sind|wurden) (?:\w+ )?"
    r"(?:getroffen|ergriffen|umgesetzt|eingeleitet|vorgenommen)\b"
    r"|\bwurden? (?:\w+ ){0,4}(?:deaktiviert|aktiviert|umgestellt|eingerichtet|behoben|ersetzt|entfernt|aktualisiert"
    r"|eingeführt|geändert|angepasst)\b"
    # "j'ai désormais automatisé ça", "nous avons maintenant ajouté …", "hemos añadido", "ya hemos migrado",
    # "abbiamo aggiunto": the writers' perfect. In French and Italian the perfect also tells the story ("hier
    # j'ai eu un problème"), so there only with an adverb of a lasting change or a verb of one.
    r"|\b(?:j'ai|nous avons|on a)\s+(?:désormais|maintenant|dorénavant)\s+\w+(?:é|ée|és|is|it)\b"
    r"|\b(?:j'ai|nous avons|on a)\s+(?:(?:également|aussi|donc|déjà|ensuite|alors)\s+)?"
    r"(?:ajouté|automatisé|mis en place|corrigé|configuré|activé|désactivé|remplacé|migré)\b"
    # "J'ai tout de même fait en sorte d'interdire …", "Le lien est désormais rendu invalide …": a lasting change.
    r"|\b(?:j'ai|nous avons|on a)\s+(?:(?:tout de même|quand même|aussi|également)\s+)?fait en sorte\b"
    r"|\b(?:est|sont)\s+(?:désormais|dorénavant)\s+(?:\w+ment\s+)?\w+(?:é|ée|és|ées|is|ise|it|ite|u|ue)\b"
    r"|\b(?:he|hemos)\s+(?:ya\s+|también\s+|ahora\s+)?\w+(?:ado|ido)\b"
    r"|\babbiamo\s+(?:già\s+|ora\s+|anche\s+)?(?:aggiunto|automatizzato|configurato|attivato|disattivato|sostituito"
    r"|corretto|migrato|introdotto|implementato)\b",
    re.IGNORECASE,
)


def ongoing_work(text: str) -> bool:
    """ "Work is also ongoing to scan all of our services …", "We're in the middle of …": work in progress."""
    german = _DE_ONGOING.search(text) is not None and _DE_RESPONSE.search(text) is None
    return bool(_ONGOING.search(text.replace("\u2019", "'")) or german)


# Adverbs between "we have" and the participle: "we've also added", "we've however created".
_PERFECT_ADVERBS = r"(?:also|already|now|since|however|therefore|recently|finally)"
# A past participle of work: the regular shapes and the irregular ones reports use ("we have set up …").
_PARTICIPLE = r"(?:[a-z]+(?:ed|en|wn|ut|de)|set up|put in place|built|rebuilt|begun)"
_WE_PERFECT = re.compile(
    rf"\b(?:we|i|the team|our team)(?:'ve| have| has)\s+(?:{_PERFECT_ADVERBS}\s+)*{_PARTICIPLE}\b",
    re.I,
)


# A capability the writers now have: "We now have the ability to test images internally", "we can now roll
# back per customer". What was built is reported by what it lets them do.
_CAPABILITY = re.compile(
    r"^(?:[\w,' -]{0,40}\s)?(?:we|i|the team|our team) (?:now )?(?:have|has) (?:now )?(?:the )?"
    r"(?:ability|capability|means|tooling|option) to\b"
    r"|^(?:[\w,' -]{0,40}\s)?(?:we|i) (?:can now|now can|are now able to|'re now able to|am now able to)\b",
    re.IGNORECASE,
)


# "As of today, we now set the rate limit per account", "We now run a restore test every night", "We no longer
# grant access to all buckets to one account": a practice the writers have in place, said in the present (not
# what they now know, see or must do).
_WE_NOW = re.compile(
    r"^(?:[\w,' -]{0,40}\s)?(?:we|the team|our team) (?:now|instead|no longer) (?!(?:know|knew|see|saw|think|believe"
    r"|understand|realize|realise|suspect|expect|hope|want|need|have to|had|must|should|could|would|will|can|may"
    r"|might|wait|waited)\b)[a-z]+(?<!ed)\b",
    re.IGNORECASE,
)


def states_practice(text: str) -> bool:
    """ "We now run a restore test every night": a practice the writers now have (see ``_WE_NOW``)."""
    return _WE_NOW.search(text.replace("\u2019", "'")) is not None


def reports_done_work(text: str) -> bool:
    """The present perfect of the writers ("we have revoked …", "we've established …") or a passive one
    ("has been removed"), or a capability they now have: work reported as done, wherever it is written."""
    text = text.replace("\u2019", "'")
    match = _WE_PERFECT.search(text)
    if match is not None and not any(word in match.group(0).lower() for word in _NOT_REPORTS):
        return True
    if _CAPABILITY.search(text) or _ABROAD_DONE.search(text) or _WE_NOW.search(text):
        return True
    passive = _PASSIVE_REPORT.search(text)
    if passive is not None and _HYPOTHETICAL.search(text[: passive.start()]):
        passive = None  # "could have been prevented", "users whose tokens have been revoked"
    return bool(passive or _IN_PLACE.search(text))


_HYPOTHETICAL = re.compile(r"\b(?:could|would|should|might|may|must|whose|which|that|who|if)\b[^.;]{0,60}$", re.I)
# A time frame written in words in a prose commitment ("later this year", "next quarter", "over the next
# month or two", "in the coming weeks", "within the day"): kept as the deadline as written, though it names no
# date ("ASAP" names no time at all).
_WORDED_DEADLINE = re.compile(
    r"\b(?:(?:over|within|in|during) the (?:next|coming|following) (?:few |couple of |two |three |several )?"
    r"(?:days?|weeks?|months?|quarters?|years?|sprints?)(?: or (?:two|so))?"
    # "within two weeks", "After a week or two", "in 30 days": a span counted from now.
    r"|(?:within|in|after) (?:a|an|one|two|three|four|five|six|a few|a couple of|\d{1,3})"
    r" (?:days?|weeks?|months?)(?: or (?:two|so))?"
    # "One week after the new token distribution, restore …": a span counted from an event, opening an entry.
    r"|^(?:a|an|one|two|three|four|five|six|\d{1,3}) (?:days?|weeks?|months?) (?:after|before) (?:the )?"
    r"[\w'/.-]+(?: [\w'/.-]+){0,5}(?=,)"
    r"|within the (?:day|week|month|hour)|in the near future"
    r"|later this (?:year|month|quarter|week)|(?:by|before) the end of (?:the|this) (?:year|month|quarter|week)"
    r"|(?<=starting with )the next (?:update|release|version|sprint|deploy(?:ment)?)"
    # "ahead of the next testnet upgrade", "before next year's conference": the next occasion of a recurring one.
    r"|(?:before|ahead of|prior to) (?:the )?next (?:[\w'’-]+ ){0,2}?(?:release|version|event|conference|upgrade"
    r"|update|sprint|season|edition|meeting|deploy(?:ment)?|launch|hackathon|ctf|migration|maintenance)s?"
    r"|(?:this|next) (?:year|quarter|month|week)"
    r"|(?:by|before) (?:the )?end of (?:january|february|march|april|may|june|july|august|september|october"
    r"|november|december)(?: \d{4})?)\b",
    re.IGNORECASE,
)


def worded_deadline(text: str, framed: bool = False) -> str | None:
    """The time frame in words a sentence names; ``framed``: only one a preposition opens ("over the next
    month", "by the end of the year"), not a bare "next week" (in a list entry, often when work starts)."""
    # Every time frame holds "th" (the, this), "next", "end of" or the unit of a span ("in 30 days", "after a
    # week or two"): most item texts hold none of them.
    lowered = text.lower()
    if not any(part in lowered for part in ("th", "next", "end of", "day", "week", "month")):
        return None
    match = _WORDED_DEADLINE.search(text)
    if match is None or (framed and not _FRAMED.match(match.group(0))):
        return None
    if _TOLD_BEFORE.search(text, max(0, match.start() - 40), match.start()):
        return None  # "they paid off within 4 days", "was restored within the day": how long it took
    return match.group(0)


# A verb in the past right before a time frame: the frame tells how long something took, not when it is due
# ("to be completed within two weeks" is still due then).
_TOLD_BEFORE = re.compile(
    r"(?<!\bbe )(?<!\bbeen )\b(?:[a-z]+ed|paid(?: off)?|took|was|were|had|came|went|got|did|ran"
    r"|made|built|found|began|grew|fell)(?: \w+)?\s+$",
    re.IGNORECASE,
)


_FRAMED = re.compile(
    r"(?:over|within|in|during|by|before|after|ahead of|prior to)\b|\w+ (?:days?|weeks?|months?) (?:after|before)\b",
    re.IGNORECASE,
)


# Advice to other people ("Package maintainers should …", "If you use Lerna, you can …"): a recommendation
# to readers, not a commitment of the team.
_ADVICE = re.compile(
    r"^if you\b|^(?:if [^,]{1,80},\s*)?(?:(?:package |application |plugin )?"
    r"(?:maintainers|users|developers|customers|operators|"
    r"readers|everyone|you|projects|teams)(?: and (?:\w+ )?\w+)?|you|they|(?:these|those|such|other) \w+)"
    r"\s+(?:should|can|could|must|may|need to)\b"
    # "We are asking all AI companies to …", "We also ask that they …": a request to others.
    r"|^we (?:also |are |would )*(?:ask|asking|urge|urging|encourage|encouraging|call on|calling on|invite|inviting)"
    r"\b(?! (?:our|the) (?:team|engineers|staff|developers)\b| you to (?:bear in mind|note|remember)\b)",
    re.IGNORECASE,
)


def advises_others(text: str) -> bool:
    return bool(_ADVICE.match(text.strip()))


# A notice of how things stay: "Public access to some services will remain suspended until …", "The old
# endpoint stays read-only until further notice". It names a state, not work anyone does.
_STATE_NOTICE = re.compile(
    r"^(?:[\w`'’./-]+ ){1,10}(?:(?:will|shall) (?:remain|stay|continue to be)|remains?|stays?)"
    r"\s+(?:\w+ ){0,2}(?:suspended|disabled|offline|unavailable|closed|paused|read-only|down|blocked|frozen|off)\b",
    re.IGNORECASE,
)


def notes_a_state(text: str) -> bool:
    # "Ensure the queue remains paused during deploys" is an order about a state, so work after all.
    lowered = text.lower()  # remain(s), stay(s), continue to be: parts without i or s, which re.I folds further
    if "rema" not in lowered and "tay" not in lowered and "nue to be" not in lowered:
        return False
    return bool(_STATE_NOTICE.match(text.strip())) and not opens_with_order(text)


# A sentence announcing items rather than being one: "In the future, there are several key actions we
# need to take", "We will do the following:".
_ANNOUNCES = re.compile(
    r"\b(?:there are|here are|below are)\b.{0,40}\b(?:actions|steps|items|things|changes|improvements|lessons)\b"
    r"|\b(?:the following|as follows)\b",
    re.IGNORECASE,
)


def announces_items(text: str) -> bool:
    return bool(_ANNOUNCES.search(text))


# A lead-in that counts the measures below without naming one: "We have implemented or are planning to implement
# several mitigations to prevent exposures of this kind in the future." over a numbered list of them.
_COUNTS_MEASURES = re.compile(
    r"\b(?:several|some|a few|a number of|multiple|a series of|a set of|two|three|four|five|six)"
    r"\s+(?:[\w-]+\s+)?(?:mitigations|measures|changes|actions|improvements|fixes|safeguards"
    r"|countermeasures|remediations|follow-?ups)\b",
    re.IGNORECASE,
)
# What the counted measures are for: it is their purpose that makes them follow-ups ("The migration requires
# several steps:" and "we went with the following steps:" are the response, told).
_MEASURES_FOR = re.compile(r"\b(?:prevent|avoid|future|again|recur|reduc|protect|improv|harden|strengthen)", re.I)


def counts_measures(text: str) -> bool:
    """One sentence that counts the measures of the list below it ("… several mitigations …")."""
    text = text.strip()
    return (
        len(text) <= 240
        and first_sentence(text) == text
        and _COUNTS_MEASURES.search(text) is not None
        and _MEASURES_FOR.search(text) is not None
    )


# A lead-in whose list spells out what one thing holds, not actions: "We now have a bot that runs every
# 12h and reports:" (the bot is the item, the list what it reports).
_ENUMERATES = re.compile(
    r"\b(?:that|which)\s+(?:[\w'-]+\s+){0,6}?(?:reports?|shows?|lists?|includes?|contains?|covers?|checks?|tracks?)"
    r"(?:\s+(?:on|for|whether))?\s*:\s*$",
    re.IGNORECASE,
)
# A lead-in naming a procedure: "For that we'll follow the steps", "The process is as follows:". Its list
# holds the steps of a runbook, not work to track.
_PROCEDURE = re.compile(
    r"\bfollow(?:s|ing)?\s+(?:the|these|those)\s+(?:\w+\s+)?steps\b"
    r"|\b(?:process|procedure)\s+(?:is|was)\s+as follows\b"
    # "The code runs as follows.", "The flow was as follows:": the order things happen in, told (in Korean,
    # Japanese and Chinese too: "코드는 다음과 같이 수행됩니다", "以下のように動作します", "执行流程如下").
    r"|\b(?:runs|ran|works|worked|proceeds|proceeded|executes|executed|behaves|behaved|happens|happened"
    r"|(?:is|was|are|were) (?:executed|performed|processed))\s+as follows\b"
    r"|\b(?:flow|sequence|order of events|call chain|execution)\s+(?:is|was)\s+as follows\b"
    r"|다음과 같이 (?:수행|동작|실행|진행|처리)|以下のように(?:動作|実行|処理|進行)"
    r"|(?:执行|运行|处理)(?:流程|过程|顺序)如下"
    # "The pre-agreed maintenance actions:": the plan carried out when the incident happened.
    r"|\bmaintenance (?:actions|steps|plan|procedure|tasks)\b"
    # "When creating a new target that runs TypeScript:": what to check each time that happens (not "After
    # working with our vendors, we've now deployed a fix to:", which reports work done).
    r"|^(?:when|whenever|before|after|each time)\s(?![^:]*\b(?:we|i)(?:'ve| have| had)\b)[^:]{3,150}:\s*$",
    re.IGNORECASE,
)
# "The site was restored by:", "The fix was to:": how the incident was put right.
_RESOLVED_BY = re.compile(
    r"^(?:the |this )?(?:site|service|system|issue|problem|outage|incident|it|access|cluster|app)?\s*"
    r"(?:was|were|has been|got) (?:restored|resolved|fixed|mitigated|recovered) by\b[^:]{0,80}:\s*$"
    r"|^the (?:fix|resolution|workaround|mitigation) (?:was|consisted of|involved)\b[^:]{0,60}:\s*$",
    re.IGNORECASE,
)


def names_resolution(text: str) -> bool:
    return bool(_RESOLVED_BY.search(text.strip()))


# "Pros:", "Expected effects:", "Risk:": a label over what an option or a proposed measure would bring or
# risk, not over work.
_OPTION_WEIGHED = re.compile(
    r"^(?:pros|cons|advantages|disadvantages|benefits|drawbacks|downsides|upsides|trade-?offs"
    # What a proposed measure would bring and risk ("Expected effects:", "Risk:"), in the languages measures are
    # proposed in: Spanish, Portuguese, French, German, Japanese, Chinese, Korean.
    r"|expected (?:effects?|benefits?|outcomes?|results?|impact)|risks?|side effects"
    r"|(?:beneficios|ventajas|desventajas|riesgos?|efectos esperados|benefícios|vantagens|desvantagens|riscos?"
    r"|efeitos esperados|avantages|inconvénients|risques?|effets attendus|vorteile|nachteile|risiken?"
    r"|erwartete (?:wirkung|effekte))"
    r"|期待される効果|期待効果|効果|リスク|懸念点?|预期效果|预期收益|效果|风险|기대 ?효과|효과|위험|리스크)\s*[:：]?$",
    re.IGNORECASE,
)


def weighs_option(label: str) -> bool:
    return _OPTION_WEIGHED.match(label) is not None


# "This ensures:", "This means:": the list says what a change brings about, not more work.
_EFFECTS = re.compile(
    r"^(?:this|that|it|which|the fix|the change)\s+(?:now\s+)?(?:ensures|means|guarantees|makes sure|allows|lets"
    r"|results in|gives us|prevents)\b[^:]{0,80}:\s*$"
    # "The sync functions are now fully operational and will:": what a fixed system does from now on.
    r"|^(?!we\b|i\b|our team\b|the team\b)[^:]{3,80}\b(?:is|are) now (?:fully )?(?:operational|working|live|running"
    r"|in place|fixed)\b[^:]{0,40}:\s*$"
    # "### Resultado" under what was built: what the work brought ("Bloqueadores eliminados: 5/5").
    r"|^(?:results?|outcomes?|resultados?|résultats?|ergebnis(?:se)?|resultaten|risultati)\s*:\s*$",
    re.IGNORECASE,
)


def names_effects(text: str) -> bool:
    return bool(_EFFECTS.search(text.strip()))


# A list entry that is one numbered step of a procedure ("step 2. update the peers").
STEP_ENTRY = re.compile(r"^step\s+\d+\b", re.IGNORECASE)


def enumerates_contents(text: str) -> bool:
    return bool(_ENUMERATES.search(text.strip()))


def names_procedure(text: str) -> bool:
    return bool(_PROCEDURE.search(text))


# "**ALWAYS:**", "**NEVER:**", "Do's", "Don'ts": the rules the writers will work by, each entry a standing
# rule rather than a piece of work; "For network changes:", "### For Future Deployments", "Before any
# migration:": the checklist to go through each time that happens. A label or heading over such a list.
_RULES = re.compile(
    r"^(?:always|never|do|dos|do's|don't|don'ts|dont|donts|do not)$"
    r"|^for (?:all |any |every |each |future |new |major |critical |risky |later |upcoming )*(?:[\w-]+ ){0,2}?"
    r"(?:changes|deployments|deploys|releases|migrations|upgrades|rollouts|launches|maintenance windows)$"
    # "### When Images or Static Files Break", "### If Error Occurs in Production": what to do each time it does
    # (not "### If GPU TDR confirmed": work that waits on one finding).
    r"|^(?:when|whenever|in case|in the event)\b.{0,60}$"
    r"|^if\b(?!.*\b(?:confirmed|confirms|verified|proven|proves|turns out)\b).{0,60}$"
    r"|^before (?:any |each |every )?\w+ing\b.{0,40}$"
    # "**Checklist:**", "#### Pre-Deployment Checklist:" over boxes to tick each time ("- [ ] Login page loads"),
    # "**Debugging Protocol:**" over its steps: what to verify or follow each time, not work to track.
    r"|^(?!.*\b(?:actions?|follow[- ]?ups?|remediation|to-?dos?|tasks?)\b)(?:[\w-]+ ){0,2}check-?list$"
    r"|^(?:[\w-]+ ){0,2}(?:protocol|procedure|runbook|playbook)$",
    re.IGNORECASE,
)
_LABEL_EDGES = re.compile(r"^[\W_]+|[\s:*_]+$")


def names_rules(title: str) -> bool:
    """A label or heading over standing rules or a per-occasion checklist (see ``_RULES``)."""
    return bool(_RULES.match(_LABEL_EDGES.sub("", " ".join(title.split()).replace("\u2019", "'"))))


# "If recovery time > rebuild time: rebuild", "When in doubt, ask": a list of such entries is a decision rule.
_CONDITION = re.compile(r"^(?:if|when|whenever|unless|in case)\b", re.IGNORECASE)


def conditional_rules(texts: Sequence[str]) -> bool:
    """Every entry of a list (two or more) opens with a condition: rules for deciding, not work to do."""
    return len(texts) >= 2 and all(_CONDITION.match(t.strip()) for t in texts)


# Work still to do, said in a prose block's words: "we need to", "one of our top priorities to fix".
_OPEN_WORK = re.compile(
    r"\b(?:need to|needs to|must|should|will|'ll|going to|plans? to|aims? to|priorit(?:y|ies)|next steps?"
    r"|'d like to|would like to|hope to"
    r"|to be done)\b",
    re.I,
)


# A time still to come opening the sentence: "Starting with the next release, …", "From next week on, …".
_FUTURE_LEAD = re.compile(
    r"^(?:starting|beginning|from)(?: with| on| at)? (?:the )?next\b"
    r"|^next (?:week|month|quarter|year|sprint|release)\b",
    re.IGNORECASE,
)


_RESOLVES_TO = re.compile(r"\b(?:resolved|promised|pledged|vowed|promise|pledge|vow) to [a-z]", re.IGNORECASE)


# The status each answer of :func:`prose_status` stands for.
TENSE_STATUSES = {"open": Status.OPEN, "in_progress": Status.IN_PROGRESS, "done": Status.DONE}


def prose_status(text: str) -> str | None:
    """``open``, ``in_progress`` or ``done`` for a block of prose about one action, when its tense says."""
    text = _WONT.sub("will not", text.replace("\u2019", "'"))
    if _FUTURE_LEAD.match(text):
        # "Starting with the next update, we're changing how rollouts work": the progressive of a plan.
        return "open" if _BEGUN.search(text) or _OPEN_WORK.search(text) else None
    if _BEGUN.search(text) or ongoing_work(text):
        return "in_progress"
    if _ABROAD_DONE.search(text):
        return "done"
    if files_a_ticket(text):
        return "open"  # "We've created an issue to improve this": the ticket tracks work still to do
    if _RESOLVES_TO.search(text):
        return "open"  # "I resolved to set up a reader": the resolution is made, the work is to come
    if _NO_LONGER.search(text):
        return "done"  # "we will no longer update …": a change already made, in force from now on
    if _INITIATED.search(text):
        return "in_progress"  # "… a process which has already been initiated": begun, not finished
    done = _DONE_FIRST.search(text)
    if done is not None and any(word in done.group(0).lower().split() for word in _NOT_REPORTS):
        done = None  # "the downtime we have caused": no work reported
    work = _OPEN_WORK.search(text)
    # "I have revoked the token and will …": what the sentence opens with is the state of the item.
    if done is not None and (work is None or done.start() < work.start()):
        # "We have already improved, and will continue to improve, our alerting": begun, and going on.
        return "in_progress" if _CONTINUES.search(text, done.end()) else "done"
    if work is not None or _ABROAD_PROMISE.search(text) or hedges_next_time(text):
        return "open"
    if reports_action(text) or _NOW_DONE.search(text) or _WE_NOW.search(text):
        return "done"
    return None


def fix_status(text: str) -> Status | None:
    """The status of an entry whose label or heading reports work done (a resolution, a record's solution):
    done, unless its words promise the work or say it is under way; ``None`` for an order ("Always do a
    trial run …"), which states no outcome."""
    said = prose_status(text)
    if said is not None:
        return TENSE_STATUSES[said]
    ordered = reads_as_action(text) and not names_cjk_task(text)
    return None if ordered or is_standing_order(text) else Status.DONE


_DONE_FIRST = re.compile(
    rf"^(?:[\w,' -]{{0,40}}\s)?(?:we|i|the team|our team)(?:'ve| have| has)\s+(?:{_PERFECT_ADVERBS}\s+)*"
    rf"{_PARTICIPLE}\b|^\S+(?: \S+){{0,5}} (?:is|are) now\b",
    re.IGNORECASE,
)


_FILED = re.compile(
    r"\b(?:created|opened|filed|raised|logged)\s+(?:an?\s+|the\s+|some\s+)?"
    # "We opened an internal tracking issue to fix …".
    r"(?:(?:new|internal|tracking|separate|follow-?up|public|private|github|jira)\s+){0,3}"
    r"(?:issues?|tickets?|bugs?|tasks?)(?:\s+in\s+(?:the\s+)?[\w./-]+(?:\s+repo(?:sitory)?)?)?\s+(?:to|for|about)\b",
    re.IGNORECASE,
)


def files_a_ticket(text: str) -> bool:
    """ "We opened a bug to investigate why …": a ticket filed for work that is still to be done."""
    return bool(_FILED.search(text))


_NO_LONGER = re.compile(
    r"\b(?:we|i)(?:'ll|'re| will| are| am)? (?:(?:no longer|not) going to|no longer)\b", re.IGNORECASE
)
_BEGUN = re.compile(
    r"\b(?:we|the team|our team|i|work)(?:'ve|\s+have|\s+has)?\s+(?:now\s+|already\s+|also\s+)?(?:begun|started)\b"
    r"|\b(?:we|the team|our team|the organi[sz]ation|the company|the project|the (?-i:[A-Z]{2,6}))"
    r"(?:'re|\s+are|\s+is)\s+(?:(?:now|currently|also|actively)\s+)*"
    # "We are planning to …", "we are hoping to …": an intention, not work under way.
    # "so we're using a modern algorithm", "we are seeing fewer errors": a state described, not work going on.
    r"(?:working on|(?!(?:going|planning|hoping|thinking|considering|looking to|using|running|relying|seeing"
    r"|experiencing|getting|having|receiving|noticing|observing|waiting|hosting|serving|storing)\b)[a-z]+ing)\b"
    # A writer alone: only "I'm working on …" ("I'm writing this", "I'm afraid" tell no work).
    r"|\bi(?:'m|\s+am)\s+(?:(?:now|currently|also|actively|still)\s+)*working on\b",
    re.IGNORECASE,
)
# After work reported done: "…, and will continue to improve": the work goes on.
_INITIATED = re.compile(r"\b(?:has|have) (?:already )?been (?:initiated|started|begun|kicked off)\b", re.I)
_CONTINUES = re.compile(r"\b(?:will|'ll) (?:also )?continue to\b", re.I)
_NOW_DONE = re.compile(
    r"\b(?:is|are) now\b|\bnow (?:requires|includes|uses|has|runs|documents)\b|\b(?:we|the team|our team) now have\b",
    re.IGNORECASE,
)


# What a narrative or a lesson says: it explains, it does not commit.
_LESSON = re.compile(
    r"^(?:we (?:learned|learnt|realized|realised|noticed|found|saw|observed|discovered)|it (?:is|was) "
    r"(?:important|clear|unclear)|this (?:shows|showed|highlights|demonstrates)|lesson)",
    re.IGNORECASE,
)
# A lesson's contrast pair: "❌ **What we did**: Tried fixes at random", "✅ **What we should do**: Use the
# profiler early": the wrong way and the right one, said of the incident; the lesson's action is written apart.
_CONTRAST = re.compile(r"^\W*what (?:we|i) (?:did|should(?: have)? (?:do|done)|could have done)\s*:", re.IGNORECASE)


def contrasts_ways(text: str) -> bool:
    """An entry labelled as the way it went or the way it should have ("What we did:", "What we should do:")."""
    return bool(_CONTRAST.match(text))


_TIMESTAMP = re.compile(
    r"^\s*(?:\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}|\d{1,2}:\d{2}(?::\d{2})?\b|\[\d{1,2}:\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{1,2}:\d{2})",
    re.IGNORECASE,
)
_CODE = re.compile(r"`[^`]{25,}`|\b(?:ERROR|WARN|INFO|DEBUG|Traceback)\b|[{};]\s*$|^\s*\$ ")


def commits(text: str) -> bool:
    """A line that reads as an action item's wording: an order, an obligation or a commitment."""
    return commits_in_prose(text) or promises_work(text)


def item_evidence(
    text: str,
    *,
    owner: bool = False,
    date: bool = False,
    priority: bool = False,
    ticket: bool = False,
    marked: bool = False,
) -> int:
    """Points for and against one candidate: each field it states and its phrasing count for it;
    a timestamp, a lesson, quoted code or a question count against it."""
    score = sum((owner, date, priority, ticket, marked))
    if reads_as_action(text) or commits(text):
        score += 1
    if _TIMESTAMP.match(text):
        score -= 2
    if _LESSON.match(text) or _CODE.search(text):
        score -= 1
    if text.rstrip().endswith("?"):
        score -= 1
    if len(text) > 500:
        score -= 1
    return score
