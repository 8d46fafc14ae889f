"""The one canonical way to write a registry record as YAML.

Every tool that writes registry files (the importer, ``pwc new``, ``pwc fmt``) writes through
:func:`dump`, so a diff between two versions of a file shows only what changed in the data:

- the first line points editors at the file's schema (``# yaml-language-server: $schema=``);
- keys follow the order of the schema's properties; keys the schema does not list keep their
  order (metric values keep the order the paper gives them);
- a string is written plain only when every YAML reader, 1.1 or 1.2, reads it back as the same
  string; otherwise double-quoted. Long single-line text is folded (``>-``) at the line width,
  text with line breaks is written as a literal block when that is exact, quoted otherwise;
- a number is written without an exponent (YAML 1.1 reads ``1e-05`` as a string) and an
  integral float without ``.0``, as the paper would print it; a number read from a file is
  written as the file wrote it (``66.360`` stays ``66.360``: the digits are the paper's).

The writer accepts the plain data the loader returns (dicts, lists, str, int, float, bool).
"""

from __future__ import annotations

import dataclasses
import decimal
import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from . import layout, schema
from .characters import invisible_at
from .diagnostics import Pointer
from .load import looks_numeric, resolve_plain, yaml11_reading

WIDTH = 100
_INDENT = "  "

# Plain scalars are limited to a conservative alphabet: no indicator may start them and no
# ': ' or ' #' may appear inside. Everything else is quoted.
_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_(./$][A-Za-z0-9 _()./+,;$=~^'\"@%&:-]*$")
_NOT_PRINTABLE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


_MAY_COMMENT = re.compile(rb"(?:^|\s)#")


def may_hold_comments(raw: bytes) -> bool:
    """Whether a file's text may hold comments besides the writer's editor hint on its first
    line (conservative: a ' #' inside a quoted string counts too)."""
    body = raw.split(b"\n", 1)[1] if raw.startswith(b"# yaml-language-server:") else raw
    return _MAY_COMMENT.search(body) is not None


def header(kind: str) -> str:
    """The editor hint on a file's first line; the relative path depends on the folder depth."""
    up = "../../../" if kind in layout.HOLDER_KINDS else "../../"
    return f"# yaml-language-server: $schema={up}schemas/{kind}.schema.json\n"


@dataclasses.dataclass(frozen=True)
class Comments:
    """What of a file's text to keep when it is written again, by the pointer of the node it
    belongs to: whole-line comments that stand before it, the comment at the end of its first
    line, and a number's text as the file writes it."""

    before: Mapping[Pointer, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    trailing: Mapping[Pointer, str] = dataclasses.field(default_factory=dict)
    end: tuple[str, ...] = ()
    numbers: Mapping[Pointer, str] = dataclasses.field(default_factory=dict)

    def texts(self) -> list[str]:
        """Every comment, in no particular order: what a rewrite must keep, each once."""
        return [*(c for group in self.before.values() for c in group),
                *self.trailing.values(), *self.end]


@dataclasses.dataclass(frozen=True)
class _Context:
    kind: str
    comments: Comments


def dump(record: Mapping[str, Any], kind: str, comments: Comments | None = None) -> str:
    """The canonical text of a record of ``kind``, with ``comments`` put back in place."""
    lines: list[str] = []
    ctx = _Context(kind, comments or Comments())
    _mapping(record, _node(kind), 0, lines, ctx, ())
    lines += ctx.comments.end
    return header(kind) + "\n".join(lines) + "\n"


def _node(kind: str) -> Mapping[str, Any]:
    return schema.schema(kind)


def _resolve(node: Mapping[str, Any] | None, kind: str) -> Mapping[str, Any] | None:
    """Follow a local ``$ref`` and the object branch of an ``anyOf``."""
    if node is None:
        return None
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target: Mapping[str, Any] = _node(kind)["$defs"][ref.rsplit("/", 1)[-1]]
        return _resolve(target, kind)
    branches: list[Mapping[str, Any]] = node.get("anyOf", [])
    for branch in branches:
        if branch.get("type") == "object" or "properties" in branch:
            return branch
    return node


def _ordered(data: Mapping[str, Any], node: Mapping[str, Any] | None) -> list[str]:
    known = list((node or {}).get("properties", {}))
    first = [k for k in known if k in data]
    return first + [k for k in data if k not in known]


def _child(node: Mapping[str, Any] | None, key: str, kind: str) -> Mapping[str, Any] | None:
    if node is None:
        return None
    props = node.get("properties", {})
    if key in props:
        return _resolve(props[key], kind)
    extra = node.get("additionalProperties")
    return _resolve(extra, kind) if isinstance(extra, dict) else None


def _items(node: Mapping[str, Any] | None, kind: str) -> Mapping[str, Any] | None:
    if node is None or not isinstance(node.get("items"), dict):
        return None
    return _resolve(node["items"], kind)


def _mapping(data: Mapping[str, Any], node: Mapping[str, Any] | None, depth: int,
             lines: list[str], ctx: _Context, pointer: Pointer) -> None:
    pad = _INDENT * depth
    for key in _ordered(data, node):
        here = (*pointer, key)
        lines += (pad + c for c in ctx.comments.before.get(here, ()))
        first = len(lines)
        _value(f"{pad}{_key(key)}:", data[key], _child(node, key, ctx.kind), depth, lines, ctx,
               here)
        _trail(lines, first, ctx, here)


def _trail(lines: list[str], first: int, ctx: _Context, pointer: Pointer) -> None:
    comment = ctx.comments.trailing.get(pointer)
    if comment and first < len(lines):
        lines[first] += f"  {comment}"


def _value(label: str, value: Any, node: Mapping[str, Any] | None, depth: int,
           lines: list[str], ctx: _Context, pointer: Pointer) -> None:
    if isinstance(value, Mapping):
        if not value:
            lines.append(f"{label} {{}}")
            return
        lines.append(label)
        _mapping(value, node, depth + 1, lines, ctx, pointer)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            lines.append(f"{label} []")
            return
        lines.append(label)
        item_node = _items(node, ctx.kind)
        pad = _INDENT * (depth + 1)
        for i, item in enumerate(value):
            here = (*pointer, i)
            lines += (pad + c for c in ctx.comments.before.get(here, ()))
            first = len(lines)
            if isinstance(item, Mapping) and item:
                sub: list[str] = []
                _mapping(item, item_node, depth + 2, sub, ctx, here)
                head = next(j for j, line in enumerate(sub)
                            if not line.lstrip().startswith("#"))
                lines += sub[:head]
                lines.append(f"{pad}- {sub[head][len(_INDENT) * (depth + 2):]}")
                lines += sub[head + 1:]
            else:
                _value(f"{pad}-", item, item_node, depth + 1, lines, ctx, here)
            _trail(lines, first, ctx, here)
    else:
        written = _number_as_written(value, ctx.comments.numbers.get(pointer))
        lines.extend([f"{label} {written}"] if written else _scalar(label, value, depth))


#: A number written in decimal digits, as papers print them: the only written form kept (a
#: reviewer reading a diff should not have to know that ``0x42`` is 66, or ``+63.`` 63).
_DECIMAL = re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?\Z")


def in_decimal_digits(text: str) -> bool:
    """Whether a number's text is written as :func:`dump` keeps it (``66.360``; not ``0x42``,
    ``007``, or the integer ``-0``, which is 0). A float's ``-0.0`` is kept: a published
    correction's number is compared as written, sign included (H007)."""
    return bool(_DECIMAL.match(text)) and not (
        text.startswith("-") and text.lstrip("-").strip("0") == "")


#: A number's parts as YAML writes a decimal one: sign, whole digits, point and fraction,
#: exponent (``+.50``, ``66.``, ``007.5``, ``-0.0``).
_PARTS = re.compile(r"^([-+]?)([0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?\Z")


def decimal_form(text: str, value: float) -> str | None:
    """``text``, a number written otherwise than in decimal digits, in them, with its digits
    and its type (integer or float) kept: ``+0.50`` → ``0.50``, ``66.`` → ``66.0``, ``.5`` →
    ``0.5``, ``007`` → ``7``, ``-0`` → ``0``, ``0x42`` → ``66``. A correction's ``new: 6.``
    stays a float (``6.0``): a published correction is compared as written (H007)."""
    parts = _PARTS.match(text)
    if parts is None:  # 0x42, 0o17: an integer with no decimal digits to keep
        return str(value) if isinstance(value, int) else None
    sign, whole, fraction, exponent = parts.groups()
    if not whole and not fraction:
        return None
    whole = whole.lstrip("0") or "0"
    fraction = (fraction + "0" if fraction == "." else fraction) if fraction else ""
    integer_zero = not fraction and not exponent and whole == "0"
    return f"{'-' if sign == '-' and not integer_zero else ''}{whole}{fraction}{exponent or ''}"


def _number_as_written(value: Any, text: str | None) -> str | None:
    """The file's own text of a number in decimal digits (written in them if it is not,
    :func:`decimal_form`), when it still reads as ``value``, an integer as an integer and a
    float as a float (a plain number that passed reading is the same number to YAML 1.1 and
    1.2 readers)."""
    if text is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    written = text if in_decimal_digits(text) else decimal_form(text, value)
    if written is None or not in_decimal_digits(written):
        return None
    reading = resolve_plain(written)
    return written if type(reading) is type(value) and reading == value else None


def _key(key: str) -> str:
    return key if _plain_ok(key) else _quoted(key)


def _scalar(label: str, value: Any, depth: int) -> list[str]:
    if value is None:
        return [f"{label} null"]
    if isinstance(value, bool):
        return [f"{label} {'true' if value else 'false'}"]
    if isinstance(value, int):
        return [f"{label} {value}"]
    if isinstance(value, float):
        return [f"{label} {number_text(value)}"]
    if not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} in a registry file")
    return _string(label, value, depth)


def number_text(value: float) -> str:
    """A float as YAML 1.1 and 1.2 both read it: no exponent, no trailing ``.0``."""
    if not math.isfinite(value):
        raise ValueError("registry files hold finite numbers only")
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        # The shortest repr, with the point moved instead of an exponent: exact, no rounding.
        text = format(decimal.Decimal(text), "f")
        if "." not in text:  # past 1e15 an integer reading would not be the same number
            text += ".0"
    return text


# Text starting with a letter that only YAML 1.1's booleans and null make special: most names,
# titles and ids, decided without the full resolution below.
_WORDY = re.compile(r"^[A-Za-z][A-Za-z0-9 _./()+,-]*$")
_SPECIAL_WORDS = frozenset(
    ["y", "yes", "n", "no", "true", "false", "on", "off", "null"])


_LAX_NUMBER = re.compile(r"_|0[XOB]")


@functools.lru_cache(maxsize=1 << 16)
def _plain_ok(text: str) -> bool:
    if _WORDY.fullmatch(text) and not text.endswith(" "):
        return text.lower() not in _SPECIAL_WORDS
    if not text or text != text.strip() or not _PLAIN_SAFE.fullmatch(text):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    # Text YAML 1.2's core schema leaves text but a lax reader takes for a number: number
    # characters alone with an underscore or a base prefix in capitals ("0_9", "_1", "0X09":
    # yaml_rs reads 9, as helper-90 and helper-91 found) is kept quoted. (Other such text,
    # "2018-06", every reader takes as text.)
    if looks_numeric(text) and _LAX_NUMBER.search(text):
        return False
    return resolve_plain(text) == text and yaml11_reading(text) is None


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


def _quoted(text: str, hidden: Sequence[int] = ()) -> str:
    """``text`` double-quoted, what does not print escaped, and the invisible characters at
    ``hidden`` too (written as themselves they would hide from the reviewer of the file)."""
    parts, start = [], 0
    for at in (*hidden, len(text)):
        parts.append(_NOT_PRINTABLE.sub(lambda m: _escape(m.group()),
                                        json.dumps(text[start:at], ensure_ascii=False)[1:-1]))
        if at < len(text):
            parts.append(_escape(text[at]))
        start = at + 1
    return f'"{"".join(parts)}"'


def _string(label: str, text: str, depth: int) -> list[str]:
    pad = _INDENT * (depth + 1)
    hidden = list(invisible_at(text))
    if hidden:  # V010's to report: kept in sight, as \u escapes (helper-110: fmt wrote them out)
        return [f"{label} {_quoted(text, hidden)}"]
    if "\n" not in text and len(label) + 1 + len(text) <= WIDTH and _plain_ok(text):
        return [f"{label} {text}"]
    if "\n" not in text and _foldable(text) and len(label) + 3 + len(text) > WIDTH:
        return [f"{label} >-", *_fold(text, pad)]
    if "\n" in text and _literal_ok(text):
        trailing = len(text) - len(text.rstrip("\n"))
        indicator = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
        body = text[: len(text) - trailing] if trailing else text
        lines = [f"{label} {indicator}"]
        lines += [f"{pad}{line}" if line else "" for line in body.split("\n")]
        lines += [""] * (trailing - 1 if trailing > 1 else 0)
        return lines
    return [f"{label} {_quoted(text)}"]


def _foldable(text: str) -> bool:
    return (text == text.strip() and "  " not in text and "\t" not in text
            and not _NOT_PRINTABLE.search(text) and "\r" not in text and " " in text)


def _fold(text: str, pad: str) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if line and len(pad) + len(line) + 1 + len(word) > WIDTH:
            lines.append(pad + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(pad + line)
    return lines


def _literal_ok(text: str) -> bool:
    if _NOT_PRINTABLE.search(text) or "\r" in text or "\t" in text:
        return False
    body = text.rstrip("\n")
    if not body or body.startswith((" ", "\n")):
        return False
    return all(line == line.rstrip(" ") for line in body.split("\n"))


def comments_of(text: str, positions: Mapping[Pointer, tuple[int, int]],
                key_positions: Mapping[Pointer, tuple[int, int]]) -> Comments:
    """The comments of ``text`` (a valid registry file), each tied to the node it is about,
    and the text of its numbers. A whole-line comment goes to the next node; an end-of-line
    comment to the deepest node that starts on its line, or whose multi-line value ends there;
    a comment on a line where no node starts (``- # why``, the item on the next line) to the
    next node. The editor hint on the first line is the writer's own, not kept."""
    import yaml

    lines = text.split("\n")
    in_scalar: set[int] = set()  # 0-based lines inside multi-line scalars: '#' there is text
    code_end: dict[int, int] = {}  # 0-based line → column where the last token on it ends
    closing: dict[int, int] = {}  # a multi-line scalar's last line → its first line
    number_at: dict[tuple[int, int], str] = {}  # 1-based start of a plain number → its text
    for token in yaml.scan(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        opened, closed = token.start_mark, token.end_mark
        if isinstance(token, yaml.ScalarToken) and token.plain:
            value = resolve_plain(token.value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                number_at[(opened.line + 1, opened.column + 1)] = token.value
        if closed.line > opened.line:
            in_scalar.update(range(opened.line + 1, closed.line))
            if closed.column:  # the value ends inside its last line: a comment may follow
                closing[closed.line] = opened.line
            header = re.match(r"^.*?[|>][-+0-9]*(?=\s+#|\s*$)", lines[opened.line])
            if header:  # a block scalar's header line: a comment may follow the indicator
                code_end[opened.line] = max(code_end.get(opened.line, 0), header.end())
        code_end[closed.line] = max(code_end.get(closed.line, 0), closed.column)
    # Where nodes start: a mapping member at its key, a sequence item at its value (the value of
    # a key starts where the key is, or on a later line that belongs to the key).
    starts: dict[int, list[tuple[int, Pointer]]] = {}
    for pointer, (row, column) in key_positions.items():
        starts.setdefault(row, []).append((column, pointer))
    for pointer, (row, column) in positions.items():
        if pointer and isinstance(pointer[-1], int):
            starts.setdefault(row, []).append((column, pointer))
    before: dict[Pointer, list[str]] = {}
    trailing: dict[Pointer, str] = {}
    pending: list[str] = []
    for number, line in enumerate(lines):
        if number in in_scalar:
            continue
        stripped = line.strip()
        if number + 1 in starts and pending:
            # The line's outermost node: the item of "- task: x", the key of "title: x".
            first = min(starts[number + 1], key=lambda s: (s[0], len(s[1])))[1]
            before.setdefault(first, []).extend(pending)
            pending = []
        if stripped.startswith("#") and number not in closing:
            if number == 0 and stripped.startswith("# yaml-language-server:"):
                continue
            pending.append(stripped)
        elif "#" in line[code_end.get(number, 0):]:
            comment = line[code_end.get(number, 0):].strip()
            if not comment.startswith("#"):
                continue
            owner = number if number + 1 in starts else closing.get(number)
            if owner is not None and owner + 1 in starts:
                deepest = max(starts[owner + 1], key=lambda s: (len(s[1]), s[0]))[1]
                trailing[deepest] = comment
            else:
                pending.append(comment)
    numbers = {pointer: number_at[at] for pointer, at in positions.items() if at in number_at}
    return Comments({k: tuple(v) for k, v in before.items()}, trailing, tuple(pending), numbers)
