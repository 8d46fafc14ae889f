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
  integral float without ``.0``, as the paper would print it.

The writer accepts the plain data the loader returns (dicts, lists, str, int, float, bool).
"""

from __future__ import annotations

import decimal
import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from . import layout, schema
from .load import resolve_plain, yaml11_reading

WIDTH = 100
_INDENT = "  "

# Plain scalars are limited to a conservative alphabet: no indicator may start them and no
# ': ' or ' #' may appear inside. Everything else is quoted.
_PLAIN_SAFE = re.compile(r"^[A-Za-z0-9_(./$][A-Za-z0-9 _()./+,;$=~^'\"@%&:-]*$")
_NOT_PRINTABLE = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


def header(kind: str) -> str:
    """The editor hint on a file's first line; the relative path depends on the folder depth."""
    up = "../../../" if kind == layout.PAPER else "../../"
    return f"# yaml-language-server: $schema={up}schemas/{kind}.schema.json\n"


def dump(record: Mapping[str, Any], kind: str) -> str:
    """The canonical text of a record of ``kind``."""
    lines: list[str] = []
    _mapping(record, _node(kind), 0, lines, kind)
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
             lines: list[str], kind: str) -> None:
    pad = _INDENT * depth
    for key in _ordered(data, node):
        value = data[key]
        child = _child(node, key, kind)
        label = f"{pad}{_key(key)}:"
        _value(label, value, child, depth, lines, kind)


def _value(label: str, value: Any, node: Mapping[str, Any] | None, depth: int,
           lines: list[str], kind: str) -> None:
    if isinstance(value, Mapping):
        if not value:
            lines.append(f"{label} {{}}")
            return
        lines.append(label)
        _mapping(value, node, depth + 1, lines, kind)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            lines.append(f"{label} []")
            return
        lines.append(label)
        item_node = _items(node, kind)
        pad = _INDENT * (depth + 1)
        for item in value:
            if isinstance(item, Mapping) and item:
                sub: list[str] = []
                _mapping(item, item_node, depth + 2, sub, kind)
                first = sub[0][len(_INDENT) * (depth + 2):]
                lines.append(f"{pad}- {first}")
                lines.extend(sub[1:])
            else:
                _value(f"{pad}-", item, item_node, depth + 1, lines, kind)
    else:
        lines.extend(_scalar(label, value, depth))


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


@functools.lru_cache(maxsize=1 << 16)
def _plain_ok(text: str) -> bool:
    if _WORDY.fullmatch(text) and not text.endswith(" "):
        return text.lower() not in _SPECIAL_WORDS
    if not text or text != text.strip() or not _PLAIN_SAFE.fullmatch(text):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    return resolve_plain(text) == text and yaml11_reading(text) is None


def _quoted(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) < 0x10000
                              else f"\\U{ord(m.group()):08x}", out)


def _string(label: str, text: str, depth: int) -> list[str]:
    pad = _INDENT * (depth + 1)
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
