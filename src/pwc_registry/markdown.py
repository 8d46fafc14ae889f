"""Text for people: numbers as the paper wrote them, and Markdown that user data cannot break."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from .characters import JOINERS, joins

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """One line, with control characters and line breaks (LF, CR, NEL, U+2028, U+2029) shown as
    escapes, so user data cannot rewrite a terminal or forge a line of a log."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def counted(count: int, noun: str) -> str:
    """``1 result``, ``2 results``: a count with its noun (a regular plural)."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def number(value: float | None, missing: str = "") -> str:
    """``66.4``, ``88`` (not ``88.0``), or ``missing``. Below 1e16, where ``repr`` takes an
    exponent, an integral float is written as the integer it is exactly (2**53 as
    ``9007199254740992``, not ``9007199254740992.0``)."""
    if value is None:
        return missing
    if float(value).is_integer() and abs(value) < 1e16:
        return repr(int(value))
    return repr(value)


# What a cell shows as text that Markdown (GitHub's included) would otherwise run: `[` and `]`
# open links, images and footnotes (without them `!`, `(` and `)` start nothing, so names such
# as "Large (News+Factors)" stay as written); a backtick opens code; `<` and `>` HTML and
# autolinks; `@name` notifies a person and `#12` links and cross-references an issue, so a
# zero-width space (as an entity) goes between the sign and what follows, as in the release
# notes GitHub's own bots post: GitHub finds both in the rendered text, where a backslash
# escape would leave them whole. `&` is escaped too, or `&#64;name` would render as `@name`.
# `*`, `_` and `~` mark emphasis and strike-through: a model named "~~X~~ **withdrawn**" would
# show a published row struck out. `$` opens math on GitHub (`$x^{2}$`; a `%` hides the rest
# of it): an entity, which its math parser does not read as one, shows the sign.
_CELL = str.maketrans({
    **{chr(c): chr(c).encode("unicode_escape").decode("ascii")
       for c in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029]},
    "\\": "\\\\", "|": "\\|", "<": "&lt;", ">": "&gt;", "\n": " ", "\t": " ",
    "[": "\\[", "]": "\\]", "`": "\\`", "@": "@&#8203;", "#": "#&#8203;",
    "&": "&amp;", "*": "\\*", "_": "\\_", "~": "\\~", "$": "&#36;",
})


_SHORTCODE = re.compile(r":([a-z0-9_+\\-]+):")  # "\_" as cell escapes "_"


def cell(text: str) -> str:
    """Text inside a Markdown table cell or line: no HTML, link, image, code, emphasis,
    strike-through, math, mention or issue reference, no column breaks, one line, control
    characters shown as escapes. (Snapshots call this millions of times: text with nothing to
    escape is returned as it is, found in a fifth of the time a translate pass takes. Every
    character _CELL maps is either one of those tested here or not printable.)"""
    if text.isprintable() and "|" not in text and "\\" not in text and "<" not in text \
            and ">" not in text and "[" not in text and "]" not in text and "`" not in text \
            and "@" not in text and "#" not in text and "&" not in text \
            and "*" not in text and "_" not in text and "~" not in text and "$" not in text \
            and "://" not in text and "www." not in text and text.count(":") < 2:
        return text
    return escaped(text)


def escaped(text: str) -> str:
    """:func:`cell`'s escaping, applied whatever ``text`` holds (the quick test is cell's)."""
    out = text.translate(_CELL)
    if not out.isprintable():
        # Format characters (bidirectional overrides, zero-width ones) would reorder or hide
        # what the line shows: shown as escapes, as control characters are; but a joiner that
        # is spelling (Persian "علی‌رضا", load.joins) is text, shown as it is.
        out = "".join(c.encode("unicode_escape").decode("ascii")
                      if unicodedata.category(c) == "Cf"
                      and not (c in JOINERS and joins(out, i)) else c
                      for i, c in enumerate(out))
    # GitHub makes a link of a bare address and an emoji of a :shortcode:, in any text: a
    # zero-width space (as an entity) keeps each as written.
    out = out.replace("://", ":&#8203;//").replace("www.", "www&#8203;.")
    return _SHORTCODE.sub(r":&#8203;\1:", out)


def code_span(text: str, *, in_table: bool = False) -> str:
    """``text`` as a code span, shown as it is: no escape means anything inside one (a file
    name's ``_`` written ``\\_`` shows the backslash), so none is made, and the fence is longer
    than any run of backticks the text holds. Line breaks and control characters are shown
    as escapes; ``in_table``, a ``|`` is escaped, as GitHub splits a table's cells even there
    (and shows ``\\|`` there as ``|``)."""
    shown = printable(text)
    if in_table:
        shown = shown.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    # One space inside each end is taken off where both ends have one (CommonMark): given back.
    pad = " " if shown.startswith("`") or shown.endswith("`") or (
        shown.startswith(" ") and shown.endswith(" ") and shown.strip(" ")) else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


class Markdown(str):
    """Text that is Markdown already, made here from escaped parts: :func:`table` keeps it."""


def link(text: str, target: str) -> Markdown:
    """A link to one of the tool's own files (``target`` is a path made from ids), showing
    ``text`` as text."""
    return Markdown(f"[{cell(text)}]({target})")


#: A web address Markdown takes whole as a link's target: nothing in it that could end the
#: target, open another construct or break a table's column.
_LINKABLE = re.compile(r"https?://[^\s()<>\[\]`\\|\"']+")


def web_link(url: str) -> Markdown:
    """A link to a web address a record gives (its code), showing the address as it is, in
    a code span (where ``*``, ``_`` and ``~`` mark nothing up, and which no backtick of the
    address can end); as text where the address holds anything Markdown would read
    otherwise."""
    if _LINKABLE.fullmatch(url):
        return Markdown(f"[`{url}`]({url})")
    return Markdown(cell(url))


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c if isinstance(c, Markdown) else cell(c) for c in row) + " |"
              for row in rows]
    return "\n".join(lines) + "\n"
