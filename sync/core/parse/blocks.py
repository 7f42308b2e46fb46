"""Markdown → blocks with source lines, and inline Markdown → plain text with link positions.

One module-level MarkdownIt instance is built once (building it is far costlier than a parse) and
each document is parsed exactly once; everything downstream walks the resulting tree.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock, RuleFuncBlockType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token
from markdown_it.utils import EnvType

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")
# Inline parsing is half of markdown-it's cost and most prose is never looked at inline, so the
# core "inline" rule is off and inline_tokens() parses a block's inline content on first use.
_MD.core.ruler.disable(["inline", "text_join"])

# Block rules that cannot match a document lacking every one of their marks. markdown-it tries each
# rule at every line; leaving out the ones that cannot fire gives the same tree for less work (about a
# sixth of the block pass on typical post-mortems, which have no HTML, quotes, fences or references).
_RULE_MARKS: dict[str, tuple[str, ...]] = {
    "html_block": ("<",),
    "blockquote": (">",),
    "fence": ("```", "~~~"),
    "reference": ("]:",),
    "table": ("|",),
    "code": ("    ", "\t"),  # an indented code block needs four columns of indent
}
# Block rules that fire only on a line of a shape these find; a document with no such line gets the same
# tree without them (a quarter of the remaining block pass on typical post-mortems). "hr" needs a line that
# ends in three of one of -*_ with only blanks between. "lheading" needs an underline below a first line: a
# line of only - or = after blanks and quote marks. (A failing lheading leaves state.parentType at
# "paragraph"; only the list rule reads it, and only when called by a rule that has just set it.)
_RULE_SHAPES: dict[str, re.Pattern[str]] = {
    "hr": re.compile(r"([-*_])[ \t]*(?:\1[ \t]*){2,}$", re.MULTILINE),
    "lheading": re.compile(r"\n[ \t>]*(?:-+|=+)[ \t]*$", re.MULTILINE),
}
_BLOCK_PARSERS: dict[frozenset[str], MarkdownIt] = {frozenset(): _MD}


# The core rule that rewrites line ends and NULs. Its pattern matches every "\n" too, so on a text holding
# neither "\r" nor NUL (every document once decoded: parse_document normalises both) it rewrites each line end
# to itself: an eighth of the block pass, for nothing.
_NORMALIZE = "normalize"


def _block_parser(text: str) -> MarkdownIt:
    """The block parser for ``text``: the full rule set less the rules none of whose marks it holds."""
    idle = frozenset(rule for rule, marks in _RULE_MARKS.items() if not any(mark in text for mark in marks)) | {
        rule for rule, shape in _RULE_SHAPES.items() if not shape.search(text)
    }
    if "\r" not in text and "\0" not in text:
        idle |= {_NORMALIZE}
    parser = _BLOCK_PARSERS.get(idle)
    if parser is None:
        # Building one costs far more than a parse, so each rule set is built once per process.
        parser = MarkdownIt("commonmark", {"html": True}).enable("table")
        parser.core.ruler.disable(["inline", "text_join", *(idle & {_NORMALIZE})])
        parser.block.ruler.disable(sorted(idle - {_NORMALIZE}))
        _dispatch_by_first_character(parser)
        if _LEAN_TOKENS:
            lean = _LeanParserBlock()
            lean.ruler = parser.block.ruler
            parser.block = lean
        _BLOCK_PARSERS[idle] = parser
    return parser


# A document's couple of hundred block tokens cost a fifth of the block pass to build through Token's own
# __init__ (two default factories and a __post_init__ converting empty attrs); setting the fields directly
# builds the same token. Only done while Token has exactly these fields, so a new markdown-it field is never
# left unset (tests/property compares the trees with the full parser).
_TOKEN_FIELDS = (
    "type",
    "tag",
    "nesting",
    "attrs",
    "map",
    "level",
    "children",
    "content",
    "markup",
    "info",
    "meta",
    "block",
    "hidden",
)
_LEAN_TOKENS = tuple(f.name for f in dataclasses.fields(Token)) == _TOKEN_FIELDS
_new_token = object.__new__


class _LeanState(StateBlock):
    def __init__(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> None:
        # markdown-it's own set-up, on an empty text: every field it keeps, at its start value. The marks of
        # the lines of ``src`` are then found a line at a time with C string methods (split, lstrip) instead
        # of markdown-it's Python loop, which calls a function per line to test its first character (a
        # tenth of the block pass). Same marks (tests/property compares the states and the trees).
        super().__init__("", md, env, tokens)
        self.src = src
        begins: list[int] = []
        ends: list[int] = []
        shifts: list[int] = []
        counts: list[int] = []
        length = len(src)
        start = 0
        for line in src.split("\n"):
            end = start + len(line)
            body = line.lstrip(" \t")  # markdown-it's blanks (isStrSpace): space and tab only
            if not body and end == length:
                break  # a last line of blanks alone, no line end after it, gets no marks (as in markdown-it)
            indent = len(line) - len(body)
            offset = indent
            if indent and "\t" in line[:indent]:
                offset = 0
                for character in line[:indent]:
                    offset += 4 - offset % 4 if character == "\t" else 1  # a tab goes to the next stop of 4
            begins.append(start)
            ends.append(end)
            shifts.append(indent)
            counts.append(offset)
            start = end + 1
        # markdown-it's fake last line, which spares its rules a bounds check
        begins.append(length)
        ends.append(length)
        shifts.append(0)
        counts.append(0)
        self.bMarks, self.eMarks, self.tShift, self.sCount = begins, ends, shifts, counts
        self.bsCount = [0] * len(begins)
        self.lineMax = len(begins) - 1

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        token: Token = _new_token(Token)
        token.type, token.tag, token.nesting = ttype, tag, nesting
        token.attrs, token.map, token.children = {}, None, None
        token.content = token.markup = token.info = ""
        token.meta, token.block, token.hidden = {}, True, False
        if nesting < 0:
            self.level -= 1  # closing tag
        token.level = self.level
        if nesting > 0:
            self.level += 1  # opening tag
        self.tokens.append(token)
        return token


class _LeanParserBlock(ParserBlock):
    """markdown-it's ParserBlock.parse, with the state that builds tokens directly."""

    def parse(self, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]) -> list[Token] | None:
        if not src:
            return None
        state = _LeanState(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


# The character a block rule needs first on the line it is tried at (after the indent); on any other it
# fails before touching the state. Rules not named here (code, lheading, paragraph) are always tried.
_RULE_STARTS: dict[str, frozenset[str]] = {
    "fence": frozenset("~`"),
    "blockquote": frozenset(">"),
    "hr": frozenset("*-_"),
    "list": frozenset("*-+0123456789"),
    "reference": frozenset("["),
    "html_block": frozenset("<"),
    "heading": frozenset("#"),
}
# A table needs its next line to start a delimiter row ("|---|", "---|", ":--"): two of these characters
# ("- " after a paragraph is a list item, not a row).
_DELIMITER_STARTS = frozenset(a + b for a in "|-:" for b in "|-:") | {"|\t", "| ", ":\t", ": "}


def _dispatch_by_first_character(parser: MarkdownIt) -> None:
    """Make each rule chain one rule that tries only the rules the line's first character allows.

    markdown-it tries every rule of a chain at every line (and every terminator at every line of a
    paragraph), and most tries fail at once; the calls alone were a third of the block pass. Rules keep
    their order and a skipped rule is one that would have failed without side effects, so the tokens are
    the same (tests/property compares with the full parser). A later enable/disable recompiles the chains.
    """
    ruler = parser.block.ruler
    ruler.getRules("")  # compiles the chains
    names = {id(rule.fn): rule.name for rule in ruler.__rules__ if rule.enabled}
    chains = ruler.__cache__ or {}
    ruler.__cache__ = {
        chain: [_dispatcher([(names[id(fn)], fn) for fn in rules])] if rules else [] for chain, rules in chains.items()
    }


def _fast_escaped_split(string: str) -> list[str]:
    """markdown-it's escapedSplit (a table row into cells), which walks the row a character at a time; a
    row without a backslash has no escaped pipe, so every pipe splits it: ``str.split`` gives the same."""
    return string.split("|") if "\\" not in string else escapedSplit(string)


def _with_fast_split(rule: RuleFuncBlockType) -> RuleFuncBlockType:
    """markdown-it's table rule itself, run with the split above in place of its module's (that module and
    every other parser keep theirs)."""
    function = cast(types.FunctionType, rule)
    if function.__globals__.get("escapedSplit") is not escapedSplit:
        return rule  # not the rule this was written against: left as it is
    scope = {**function.__globals__, "escapedSplit": _fast_escaped_split}
    clone = types.FunctionType(function.__code__, scope, function.__name__, function.__defaults__, function.__closure__)
    return cast(RuleFuncBlockType, clone)


def _dispatcher(rules: list[tuple[str, RuleFuncBlockType]]) -> RuleFuncBlockType:
    # "table" is first in markdown-it's order
    table = _with_fast_split(rules[0][1]) if rules[0][0] == "table" else None
    rest = rules[1:] if table is not None else rules
    always = tuple(fn for name, fn in rest if name not in _RULE_STARTS)
    by_start = {
        start: tuple(fn for name, fn in rest if name not in _RULE_STARTS or start in _RULE_STARTS[name])
        for name, _ in rest
        for start in _RULE_STARTS.get(name, ())
    }

    def dispatch(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        src, marks, shifts = state.src, state.bMarks, state.tShift
        if table is not None and line + 1 < len(marks):
            ahead = marks[line + 1] + shifts[line + 1]
            if src[ahead : ahead + 2] in _DELIMITER_STARTS and table(state, line, end, silent):
                return True
        position = marks[line] + shifts[line]
        for rule in by_start.get(src[position : position + 1], always):  # noqa: SIM110 - a generator costs more
            if rule(state, line, end, silent):
                return True
        return False

    return dispatch


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


_SPACES = re.compile(r"\s+")


@dataclass(eq=False, slots=True)
class Node:
    """A block of the Markdown syntax tree (a lighter stand-in for markdown-it's Node):
    ``type`` without the ``_open`` suffix, ``map`` = [first line, line after] 0-based."""

    type: str
    tag: str = ""
    map: list[int] | None = None
    token: Token | None = None
    children: list[Node] = field(default_factory=list)
    rendered: Inline | None = None

    @property
    def content(self) -> str:
        return self.token.content if self.token is not None else ""


@dataclass(frozen=True)
class Link:
    """A link inside rendered inline text: ``text[start:end]`` is the link text."""

    text: str
    url: str
    start: int
    end: int
    autolink: bool = False


@dataclass
class Inline:
    """Inline Markdown rendered to plain text (emphasis dropped, links → their text, code kept in
    backticks, whitespace collapsed) plus where the links sit in that text."""

    text: str = ""
    links: list[Link] = field(default_factory=list)
    bold_prefix: str | None = None  # text of a leading **bold** run, if the inline starts with one

    @property
    def opens_bold(self) -> bool:
        """Whether the text opens with its bold run ("**Fix the cache:** …"), not a space or a mark before it."""
        return bool(self.bold_prefix) and self.text.startswith(self.bold_prefix or "")

    def append(self, piece: str) -> None:
        if "  " in piece or not piece.isprintable():  # else its only blanks are single spaces (all others unprintable)
            piece = _SPACES.sub(" ", piece)
        if not piece:
            return
        if (not self.text or self.text.endswith(" ")) and piece.startswith(" "):
            piece = piece[1:]
        self.text += piece


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split YAML front matter off the top. Returns (yaml or None, body with the front matter
    lines blanked so line numbers stay true, first line of the front matter block or 0)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text, 0
    block = match.group(0)
    blank = "\n" * block.count("\n")
    return match.group("body") or "", blank + text[match.end() :], 1


_OPEN_TYPES = {
    f"{kind}_open": kind
    for kind in [
        "paragraph",
        "heading",
        "bullet_list",
        "ordered_list",
        "list_item",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
}


# reStructuredText's auto-numbered list entry ("#. Identify the zones"): no Markdown construct (a heading's
# "#" needs a space after it), read as the numbered entry it is. Same width, so lines keep their columns.
_AUTO_ENUMERATOR = re.compile(r"^([ \t]*)#\.(?=[ \t])", re.MULTILINE)


# "1.            Arrange the rewrite …": a list marker followed by five blanks or more opens an indented code
# block in CommonMark, which is never what such a writer meant (text pasted from a word processor). The
# blanks are kept but one moves before the marker, so the entry reads as text and lines keep their numbers.
_WIDE_MARKER = re.compile(r"^([ \t]{0,3})(\d{1,9}[.)]|[-*+])( {5,})(?=\S)", re.MULTILINE)


# "a) Restore the records" / "(b) Resolve the bug": entries lettered in order, written as paragraphs (no
# Markdown list has letters). Read as the numbered list they are, each letter becoming its digit in the same
# width ("a)" -> "1)", "(b)" -> " 2)"), so lines keep their columns.
_LETTERED = re.compile(r"^([ \t]{0,3})(\(?)([a-i])\)(?=[ \t]+\S)", re.MULTILINE)


def _lettered_as_numbered(text: str) -> str:
    letters = [match.group(3) for match in _LETTERED.finditer(text)]
    if len(letters) < 2 or letters != [chr(ord("a") + n) for n in range(len(letters))]:
        return text  # one letter, or letters out of order ("i) …" of a Roman list, "c) …" quoted): not a list
    return _LETTERED.sub(lambda m: f"{m.group(1)}{' ' if m.group(2) else ''}{ord(m.group(3)) - ord('a') + 1})", text)


def parse_tree(text: str) -> tuple[Node, dict[str, Any]]:
    """Parse ``text`` once; return the syntax tree and the markdown-it env (link references)."""
    env: dict[str, Any] = {}
    if "#." in text:
        text = _AUTO_ENUMERATOR.sub(r"\g<1>1.", text)
    if "a) " in text:
        text = _lettered_as_numbered(text)
    if "     " in text:
        text = _WIDE_MARKER.sub(r"\g<1>\g<2> ", text)
    tokens = _block_parser(text).parse(text, env)
    root = Node("root")
    # A document has a couple of hundred block tokens: this loop is kept lean on purpose.
    children = root.children
    stack = [children]
    for token in tokens:
        nesting = token.nesting
        if nesting == 1:
            kind = token.type
            node = Node(_OPEN_TYPES.get(kind) or kind.removesuffix("_open"), token.tag, token.map)
            children.append(node)
            children = node.children
            stack.append(children)
        elif nesting == -1:
            # markdown-it's block tokens are balanced: every close pops what its open pushed.
            stack.pop()
            children = stack[-1]
        else:
            if token.type == "inline":
                token.meta["env"] = env
            children.append(Node(token.type, token.tag, token.map, token))
    return root, env


def first_line(node: Node) -> int:
    """1-based first source line of a block node (1 when markdown-it gives no map)."""
    return node.map[0] + 1 if node.map else 1


def last_line(node: Node) -> int:
    """1-based last source line of a block node."""
    return max(node.map[1], node.map[0] + 1) if node.map else 1


def inline_tokens(node: Node) -> list[Token]:
    """The inline tokens of a paragraph/heading/cell node (empty when it has none)."""
    for child in node.children:
        if child.type == "inline" and child.token is not None:
            token = child.token
            if not token.meta.get("parsed"):
                token.meta["parsed"] = True
                token.children = []
                if token.content:
                    _MD.inline.parse(token.content, _MD, token.meta.get("env", {}), token.children)
            return list(token.children or [])
    return []


# Characters that start an inline construct in the commonmark preset (escape, code, emphasis,
# entity, autolink/HTML): "\\`*_&<". Content without any of them, and without a link, renders to its own
# words. What the simple renderer (_simple_events) cannot reproduce exactly is the same less "*": such
# content goes to markdown-it. Both are tested as one substring test per mark (a C scan of the text each):
# frozenset.isdisjoint hashed every character of the text in turn, and most texts hold no mark at all, so
# it cost four to eight times as much on a line of prose (the test runs on every block rendered).

# A leading bold run markdown-it certainly reads as <strong>: alphanumeric at both inner ends.
_LEADING_STRONG = re.compile(r"\*\*(?P<body>[A-Za-z0-9](?:[^*\[\]]*[A-Za-z0-9])?)\*\*")
# A link destination markdown-it keeps as written (its normalisation leaves these characters alone).
_SIMPLE_DESTINATION = re.compile(r"\((?P<url>https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][A-Za-z0-9._~/?#=+:@,;-]*)?)\)")

# Rendering events: ("text", s), ("code", s), ("break", ""), ("link", href), ("autolink", href),
# ("link_close", ""), ("strong", ""), ("strong_close", "").
_Event = tuple[str, str]


def node_text(node: Node) -> Inline:
    """The rendered inline content of a paragraph/heading/cell node (computed once per node)."""
    if node.rendered is None:
        node.rendered = _render_node(node)
    return node.rendered


def _render_node(node: Node) -> Inline:
    inline: Token | None = None
    for child in node.children:  # a plain loop: a generator here costs more than the lookup (every node)
        if child.type == "inline" and child.token is not None:
            inline = child.token
            break
    if inline is None:
        return Inline()
    content = inline.content
    if is_plain(content):
        return Inline(" ".join(content.split()))
    if not inline.meta.get("parsed"):
        # Most item lines hold only a leading **label** and [text](url) links: render those without
        # markdown-it's inline pass, which costs more than the rest of the item pipeline.
        events = _simple_events(content, inline.meta.get("env", {}))
        if events is not None:
            return _render(events)
    return render_inline(inline_tokens(node))


def _simple_events(content: str, env: dict[str, Any]) -> list[_Event] | None:
    """Events for content made of text, one leading ``**bold**`` run and plain links; None otherwise."""
    if (
        "\\" in content
        or "`" in content
        or "_" in content
        or "&" in content
        or "<" in content
        or "![" in content
        or ("[" in content and env.get("references"))
    ):
        return None
    events: list[_Event] = []
    position = 0
    if "*" in content:
        strong = _LEADING_STRONG.match(content)
        if strong is None or "*" in content[strong.end() :]:
            return None
        events += [("strong", ""), ("text", strong.group("body")), ("strong_close", "")]
        position = strong.end()
    while True:
        opening = content.find("[", position)
        closing = content.find("]", opening + 1) if opening >= 0 else -1
        if closing < 0:
            events.append(("text", content[position:]))
            return events
        if "[" in content[opening + 1 : closing]:
            return None  # nested brackets: leave the label rules to markdown-it
        if content.startswith("(", closing + 1):
            destination = _SIMPLE_DESTINATION.match(content, closing + 1)
            if destination is None:
                return None
            events += [
                ("text", content[position:opening]),
                ("link", destination.group("url")),
                ("text", content[opening + 1 : closing]),
                ("link_close", ""),
            ]
            position = destination.end()
        else:
            events.append(("text", content[position : closing + 1]))
            position = closing + 1


def is_plain(content: str) -> bool:
    """Whether inline source renders to its own words with blanks collapsed (no markup, no link)."""
    return not (
        "[" in content
        or "\\" in content
        or "`" in content
        or "*" in content
        or "_" in content
        or "&" in content
        or "<" in content
    )


def render_source(content: str, env: dict[str, Any] | None = None) -> Inline:
    """Render a piece of inline Markdown source (one line of a paragraph) like :func:`node_text`."""
    if is_plain(content):
        return Inline(" ".join(content.split()))
    env = env if env is not None else {}
    events = _simple_events(content, env)
    if events is not None:
        return _render(events)
    tokens: list[Token] = []
    _MD.inline.parse(content, _MD, env, tokens)
    return render_inline(tokens)


def inline_source(node: Node) -> tuple[str, dict[str, Any]]:
    """The raw inline Markdown of a paragraph/heading node and the document env (link references)."""
    inline = next((c.token for c in node.children if c.type == "inline" and c.token is not None), None)
    if inline is None:
        return "", {}
    return inline.content, inline.meta.get("env", {})


def render_inline(tokens: Sequence[Token]) -> Inline:
    """Render inline tokens to plain text, recording link positions and a leading bold run."""
    return _render(_token_events(tokens))


def _token_events(tokens: Sequence[Token]) -> list[_Event]:
    events: list[_Event] = []
    for token in tokens:
        kind = token.type
        if kind in ("text", "text_special"):
            events.append(("text", token.content))
        elif kind == "code_inline":
            # Kept as written: "``uh-iaas.no``" (reStructuredText's literal, Markdown's span around a backtick).
            events.append(("code", f"{token.markup}{token.content}{token.markup}"))
        elif kind in ("softbreak", "hardbreak"):
            events.append(("break", ""))
        elif kind == "link_open":
            events.append(("autolink" if token.markup == "autolink" else "link", str(token.attrGet("href") or "")))
        elif kind in ("link_close", "strong_close"):
            events.append((kind, ""))
        elif kind == "strong_open":
            events.append(("strong", ""))
        # em, s, images and inline HTML carry no text we keep.
    return events


def _render(events: Sequence[_Event]) -> Inline:
    out = Inline()
    link_stack: list[tuple[str, int, bool]] = []
    bold_depth = 0
    bold_start: int | None = None
    seen_content = False
    for kind, value in events:
        if kind == "text":
            out.append(value)
            seen_content = seen_content or bool(value.strip())
        elif kind == "code":
            out.append(value)
            seen_content = True
        elif kind == "break":
            out.append(" ")
        elif kind in ("link", "autolink"):
            link_stack.append((value, len(out.text), kind == "autolink"))
        elif kind == "link_close":  # both event sources pair every close with its open
            href, start, autolink = link_stack.pop()
            start = min(start + (1 if out.text[start : start + 1] == " " else 0), len(out.text))
            end = len(out.text.rstrip(" "))
            out.links.append(Link(text=out.text[start:end], url=href, start=start, end=end, autolink=autolink))
        elif kind == "strong":
            if bold_depth == 0 and not seen_content and out.bold_prefix is None:
                bold_start = len(out.text)
            bold_depth += 1
        else:  # "strong_close", the last kind of event
            bold_depth = max(0, bold_depth - 1)
            if bold_depth == 0 and bold_start is not None and out.bold_prefix is None:
                out.bold_prefix = out.text[bold_start:].strip()
                bold_start = None
            seen_content = True
    # Inline.append never lets the text start with a space, so only the end needs trimming.
    out.text = out.text.rstrip(" ")
    return out
