"""Reading registry files: bytes in, plain data plus positions and diagnostics out.

Two readers that must agree (``tests/test_load.py`` checks that they do):

* :func:`read_fast` parses with a Rust YAML parser and returns the data only when the file is
  certainly free of every hazard below; otherwise it returns ``None``.
* :func:`read_rich` builds the data from PyYAML's event stream (libyaml when present), so it sees
  anchors, aliases, tags, document markers and whether a scalar was quoted, and it records the
  line and column of every value and key. It is the reference: every diagnostic comes from it.

Both resolve plain scalars by the YAML 1.2 core schema. A plain scalar that YAML 1.1 reads
differently (``NO``, ``010``, ``1_000``, ``2022-11-10``) is an error, since other tools reading
the same file would see another value. Nothing is ever constructed from a tag, nothing fetched.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import math
import re
import unicodedata
from typing import Any

import yaml

from . import utf8
from .characters import IGNORABLE_BLANKS as IGNORABLE_BLANKS
from .characters import INVISIBLE as INVISIBLE
from .characters import JOINERS as JOINERS
from .characters import find_invisible as find_invisible
from .characters import joins as joins
from .diagnostics import Diagnostic, Pointer

# Defined where registry files are read; the importers read it from here.
from .layout import MAX_FILE_BYTES as MAX_FILE_BYTES
from .values import beyond_float, held_as, read_integer

MAX_DEPTH = 32
#: How many values aliases may add to someone else's file (:func:`read_rich`'s ``aliases``):
#: a library's metafile shares a list between models (PyYAML's dumper writes ``&id001``), but
#: aliases of aliases double at every level ("billion laughs"), so their copies are counted.
MAX_ALIASED_VALUES = 100_000
#: How many characters aliases may repeat in all: no more than a file may hold (copies share
#: their strings while read, but whoever takes them apart later copies each).
MAX_ALIASED_CHARACTERS = 2 * 1024 * 1024

_EVENT_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER_11 = yaml.resolver.Resolver()


def _tag_11(text: str) -> str:
    """The tag a YAML 1.1 reader (PyYAML's resolver) gives a plain scalar."""
    tag: str = _RESOLVER_11.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return tag

#: Control characters (C0 but tab and line feed, DEL, C1), LINE and PARAGRAPH SEPARATOR, and
#: halves of surrogate pairs (JSON's "\ud800" escapes one): not text a registry string holds
#: (V005). One set for the validator, the importers and `pwc papers fill`.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def without_hidden(text: str) -> str:
    """``text`` without the control and invisible characters a registry string may not hold
    (V005, V010): what an importer or `pwc papers fill` writes of someone else's text."""
    return INVISIBLE.sub(lambda m: m.group() if m.group() in JOINERS
                         and joins(m.string, m.start()) else "", CONTROL.sub("", text))


#: Letters that look like Latin ones in a script of their own: Cyrillic's, and the Greek
#: capitals and omicron that do (not α, β or μ: "αNLI" and "μP" are real names). A word mixing
#: them with Latin letters ("Lаrge" with a Cyrillic а) looks like a word it is not (Q014).
LOOKALIKE = re.compile("[\u0400-\u052f\u0391\u0392\u0395-\u0397\u0399\u039a\u039c\u039d"
                       "\u039f\u03a1\u03a4\u03a5\u03a7\u03bf]")

#: Booleans of the YAML 1.1 type repository that PyYAML's resolver leaves out (strings to it),
#: but readers that follow the repository to the letter take as true and false (go-yaml v2).
_YAML11_ONE_LETTER_BOOLEANS = frozenset({"y", "Y", "n", "N"})

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


@dataclasses.dataclass
class Document:
    """A file's data, or ``None`` when it could not be read, with what was found on the way.

    ``positions`` maps a pointer to the 1-based (line, column) of the value there;
    ``key_positions`` to that of its key (for mapping members). Empty for fast reads.
    """

    data: Any
    diagnostics: list[Diagnostic]
    #: False only when the text has no escape sequence, no odd character, no invisible one
    #: (:data:`INVISIBLE`) and no look-alike letter (:data:`LOOKALIKE`), so no string in the
    #: data can hold a control or invisible character, or mix look-alike scripts.
    may_hold_controls: bool = True
    positions: dict[Pointer, tuple[int, int]] = dataclasses.field(default_factory=dict)
    key_positions: dict[Pointer, tuple[int, int]] = dataclasses.field(default_factory=dict)
    #: The text of each plain value read as other than a string (``2405.01234``, ``no`` that
    #: YAML 1.1 reads as false): what quoting it would write (rich reads only).
    plain_texts: dict[Pointer, str] = dataclasses.field(default_factory=dict)
    #: When the only problems are plain values YAML 1.1 reads otherwise (Y007), the data as
    #: YAML 1.2 reads it: the file is still refused (``data`` is None), but the checker can say
    #: what else is wrong with it and `pwc fmt` can fix what is mechanical (:mod:`.plain`).
    ambiguous: Any = None
    #: When every problem is confined to one value or one list entry (a number no float holds,
    #: a plain value YAML 1.1 reads otherwise, a key written twice), the data as read, for
    #: :func:`salvage` (rich reads only; registry files are refused whole).
    partial: Any = None

    def locate(self, pointer: Pointer, *, key: bool = False) -> tuple[int, int]:
        """The position of ``pointer``, or of its nearest located ancestor."""
        table = self.key_positions if key else self.positions
        p = pointer
        while True:
            if p in table:
                return table[p]
            if p in self.positions:
                return self.positions[p]
            if not p:
                return (1, 1)
            p = p[:-1]


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text.lower() == "true"
    if _INT10.match(text):
        return read_integer(text)  # ±inf past a float's range, which the reader reports (Y020)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def yaml11_reading(text: str) -> str | None:
    """How a YAML 1.1 reader would take this plain scalar, when that differs from YAML 1.2."""
    if text in _YAML11_ONE_LETTER_BOOLEANS:
        return "a boolean"
    tag = _tag_11(text)
    kind = tag.rsplit(":", 1)[-1]
    value = resolve_plain(text)
    if kind == "str":
        return None if isinstance(value, str) else "a string"
    if kind == "null":
        return None if value is None else "null"
    if kind == "bool":
        return None if isinstance(value, bool) else "a boolean"
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                same = yaml.safe_load(text) == value
            except yaml.YAMLError:
                same = False
            return None if same else "another integer"
        return "an integer"
    if kind == "float":
        if isinstance(value, float):
            return None
        return "a number"
    if kind == "timestamp":
        return "a date"
    return f"a {kind} value"


# --- the reference reader ---------------------------------------------------------------


#: What the parser says when a line is indented other than its neighbours.
_INDENTATION_PROBLEMS = ("did not find expected", "mapping values are not allowed",
                         "expected <block end>", "could not find expected ':'")


#: A number in Markdown's bold or italic marks, as a table of a paper's README shows its best.
_BOLD_NUMBER = re.compile(r"\*{1,2}\s*([-+]?[0-9][0-9.]*)\s*\*{1,2}")


def _double_quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


class _Stop(Exception):
    """Ends reading at the first structural problem; its diagnostic is already recorded."""


@dataclasses.dataclass
class _Anchored:
    """An anchor's value, and what reading it found: how many values and characters it holds,
    how many levels below its own it reaches, and its problems and plain texts by pointer
    inside it (each alias's copy has them too)."""

    value: Any
    values: int
    characters: int
    depth: int
    diagnostics: list[tuple[Pointer, Diagnostic]]
    plain_texts: list[tuple[Pointer, str]]


class _Builder:
    def __init__(self, file: str, text: str, *, aliases: bool = False) -> None:
        self.file = file
        self.text = text
        #: Anchors and aliases are read (someone else's file), not refused (Y003).
        self.aliases = aliases
        #: Each anchor's value and what reading it found, once read.
        self.anchored: dict[str, _Anchored] = {}
        #: Values and characters read so far, counting each alias's copy; how many came from
        #: aliases; the deepest level reached.
        self.values = 0
        self.characters = 0
        self.aliased_values = 0
        self.aliased_characters = 0
        self.deepest = 0
        #: The pointers of plain_texts in the order they were found.
        self.plain_found: list[Pointer] = []
        self.diagnostics: list[Diagnostic] = []
        self.positions: dict[Pointer, tuple[int, int]] = {}
        self.key_positions: dict[Pointer, tuple[int, int]] = {}
        self.plain_texts: dict[Pointer, str] = {}
        self.aliased: set[str | None] = set()

    def report(self, code: str, message: str, mark: Any, hint: str | None = None,
               pointer: Pointer | None = None) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.diagnostics.append(
            Diagnostic(code, message, self.file, line, column, hint=hint, pointer=pointer)
        )

    def build(self) -> Any:
        events = yaml.parse(self.text, Loader=_EVENT_LOADER)
        documents = 0
        result: Any = None
        try:
            for event in events:
                if isinstance(event, yaml.DocumentStartEvent):
                    documents += 1
                    if documents == 2:
                        self.report("Y005", "a second YAML document starts here", event.start_mark,
                                    hint="a registry file holds exactly one document")
                        raise _Stop
                elif isinstance(event, (yaml.NodeEvent, yaml.CollectionStartEvent)):
                    result = self._node(event, events, (), 1)
        except _Stop:
            return None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "cannot parse"
            self.report("Y001", f"invalid YAML: {problem}", mark,
                        hint=self._parse_hint(mark, problem))
            return None
        except yaml.reader.ReaderError as exc:
            before = self.text[: exc.position]
            line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
            self.diagnostics.append(Diagnostic(
                "Y001", f"invalid YAML: character U+{exc.character:04X} is not allowed in YAML",
                self.file, line, column, hint="remove the control character"))
            return None
        except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports all with a mark
            self.report("Y001", f"invalid YAML: {exc}", None)
            return None
        return result

    def _parse_hint(self, mark: Any, problem: str) -> str | None:
        """What usually stops the parser at ``mark``: a tab, or a line indented other than
        its neighbours."""
        lines = self.text.split("\n")
        row = getattr(mark, "line", None)
        line = lines[row] if isinstance(row, int) and 0 <= row < len(lines) else ""
        above = lines[row - 1] if isinstance(row, int) and 0 < row <= len(lines) else ""
        for number, text in ((row, above), ((row or 0) + 1, line)):
            indent = text[:len(text) - len(text.lstrip(" \t"))]
            if "\t" in indent:
                return (f"line {number} is indented with a tab: YAML indents with spaces only "
                        "(pwc fmt cannot read the file to fix it)")
        column = getattr(mark, "column", None)
        if isinstance(column, int):
            # "**79.1**", a table's bold copied: `*` is YAML's alias marker (helper-74).
            bold = next((m for m in _BOLD_NUMBER.finditer(line)
                         if m.start() <= column <= m.end()), None)
            if bold is not None:
                return f"bold marks are not part of the number: write {bold.group(1)}"
        if "mapping values are not allowed" in problem and isinstance(row, int):
            # "title: LERT: A Linguistically..." — the second ": " in a plain value.
            key, colon, value = line.partition(": ")
            if colon and ": " in value and not value.lstrip().startswith(("'", '"')):
                return (f"the value after '{key.strip()}:' holds ': ': quote it, "
                        f"{key.strip()}: \"{_double_quoted(value.strip())}\"")
        if not any(words in problem for words in _INDENTATION_PROBLEMS):
            return None
        return ("check the indentation of this line and the one above it: a key's fields sit "
                "deeper than the key, a list item's fields line up under the first one after "
                "'- ', and a line starting a new key sits where its siblings do")

    def _node(self, event: Any, events: Any, pointer: Pointer, depth: int,
              *, is_key: bool = False) -> Any:
        mark = event.start_mark
        if not is_key:
            self.positions[pointer] = (mark.line + 1, mark.column + 1)
        if depth > MAX_DEPTH:
            self.report("Y011", f"data nested deeper than {MAX_DEPTH} levels", mark)
            raise _Stop
        self.values += 1
        self.deepest = max(self.deepest, depth)
        if isinstance(event, yaml.AliasEvent) and self.aliases:
            return self._alias(event, pointer, depth)
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.aliased:  # one report per anchor: bombs repeat them
                self.aliased.add(event.anchor)
                self.report("Y003", f"alias *{event.anchor} is not allowed", mark,
                            hint="write the value out in full", pointer=pointer)
            return None
        if event.anchor is not None and self.aliases:
            return self._anchor(event, events, pointer, depth, is_key)
        if event.anchor is not None:
            self.report("Y003", f"anchor &{event.anchor} is not allowed", mark,
                        hint="remove the anchor", pointer=pointer)
        return self._unanchored(event, events, pointer, depth, is_key)

    def _anchor(self, event: Any, events: Any, pointer: Pointer, depth: int,
                is_key: bool) -> Any:
        """An anchored value (``aliases``), kept with what reading it found for its aliases."""
        if event.anchor in self.anchored:  # YAML 1.2 allows it; PyYAML, the libraries' reader,
            # refuses the file, so which value an alias means depends on the reader
            self.report("Y003", f"anchor &{event.anchor} is defined twice", event.start_mark,
                        pointer=pointer)
            raise _Stop
        values, characters, deepest = self.values, self.characters, self.deepest
        diagnostics, plain = len(self.diagnostics), len(self.plain_found)
        self.deepest = depth
        value = self._unanchored(event, events, pointer, depth, is_key)
        inside = len(pointer)
        self.anchored[event.anchor] = _Anchored(
            value, self.values - values + 1, self.characters - characters, self.deepest - depth,
            [((d.pointer or pointer)[inside:], d) for d in self.diagnostics[diagnostics:]],
            [(p[inside:], self.plain_texts[p]) for p in self.plain_found[plain:]])
        self.deepest = max(self.deepest, deepest)
        return value

    def _alias(self, event: Any, pointer: Pointer, depth: int) -> Any:
        """A copy of the value an alias names (``aliases``); a value of its own at each place,
        so that leaving out or changing one does not change the other, with the problems its
        anchor's value had, placed at the alias (a doubtful number is as doubtful in each
        copy)."""
        mark = event.start_mark
        found = self.anchored.get(event.anchor)
        if found is None:  # undefined, or its own anchor's value still being read
            self.report("Y003", f"alias *{event.anchor} names no anchor read before it",
                        mark, pointer=pointer)
            raise _Stop
        if depth + found.depth > MAX_DEPTH:
            self.report("Y011", f"data nested deeper than {MAX_DEPTH} levels (through alias "
                        f"*{event.anchor})", mark)
            raise _Stop
        self.deepest = max(self.deepest, depth + found.depth)
        self.aliased_values += found.values
        self.aliased_characters += found.characters
        self.values += found.values - 1
        self.characters += found.characters
        if self.aliased_values > MAX_ALIASED_VALUES \
                or self.aliased_characters > MAX_ALIASED_CHARACTERS:
            what = f"{MAX_ALIASED_VALUES:,} values" if self.aliased_values > MAX_ALIASED_VALUES \
                else f"{MAX_ALIASED_CHARACTERS:,} characters"
            self.report("Y003", f"aliases repeat more than {what}: the file is not read", mark,
                        pointer=pointer)
            raise _Stop
        for inner, d in found.diagnostics:
            self.diagnostics.append(dataclasses.replace(
                d, line=mark.line + 1, column=mark.column + 1, pointer=(*pointer, *inner)))
        for inner, text in found.plain_texts:
            self._plain(((*pointer, *inner)), text)
        return copy.deepcopy(found.value)

    def _plain(self, pointer: Pointer, text: str) -> None:
        self.plain_texts[pointer] = text
        self.plain_found.append(pointer)

    def _unanchored(self, event: Any, events: Any, pointer: Pointer, depth: int,
                    is_key: bool) -> Any:
        mark = event.start_mark
        explicit_tag = event.tag is not None and event.tag != "!"
        if isinstance(event, yaml.ScalarEvent):
            explicit_tag = explicit_tag and not event.implicit[0] and not event.implicit[1]
        if explicit_tag:
            self.report("Y004", f"tag {event.tag} is not allowed", mark,
                        hint="registry files hold plain data; remove the tag", pointer=pointer)
        if isinstance(event, yaml.ScalarEvent):
            return self._scalar(event, pointer, is_key=is_key)
        if isinstance(event, yaml.SequenceStartEvent):
            items: list[Any] = []
            for child in events:
                if isinstance(child, yaml.SequenceEndEvent):
                    return items
                items.append(self._node(child, events, (*pointer, len(items)), depth + 1))
            raise _Stop  # pragma: no cover - the parser always closes what it opens
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping(events, pointer, depth)
        raise _Stop  # pragma: no cover

    def _mapping(self, events: Any, pointer: Pointer, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_event in events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return out
            key_mark = key_event.start_mark
            key = self._node(key_event, events, pointer, depth + 1, is_key=True)
            value_event = next(events)
            if not isinstance(key, str):
                shown = key_event.value if isinstance(key_event, yaml.ScalarEvent) else "..."
                self.report("Y015", f"mapping key {shown!r} is read as {describe_value(key)}, "
                            "not a string", key_mark, hint=f'quote it: "{shown}"')
                self._node(value_event, events, (*pointer, str(shown)), depth + 1)
                continue
            child: Pointer = (*pointer, key)
            if key in out:
                first = self.key_positions[child]
                self.report("Y002", f"duplicate key {key!r} (first at line {first[0]})",
                            key_mark, hint="keep one of the two and merge the values",
                            pointer=child)
                self._node(value_event, events, (*pointer, f"{key} (duplicate)"), depth + 1)
                continue
            self.key_positions[child] = (key_mark.line + 1, key_mark.column + 1)
            out[key] = self._node(value_event, events, child, depth + 1)
        raise _Stop  # pragma: no cover

    def _scalar(self, event: Any, pointer: Pointer, *, is_key: bool = False) -> Any:
        text: str = event.value
        self.characters += len(text)
        if event.style:  # quoted or block scalar: always a string (libyaml says "" for plain)
            return text
        value = resolve_plain(text)
        if _INF.match(text) or _NAN.match(text):
            self.report("Y006", f"{text} is not a finite number", event.start_mark,
                        hint="leave the value out if the paper gives none", pointer=pointer)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            problem = beyond_float(value, text)
            if problem:  # reported alone: reading it as YAML 1.1 would choke on it too
                shown = text if len(text) <= 40 else f"{text[:20]}…{text[-8:]} ({len(text):,} " \
                    "characters)"
                self.report("Y020", f"{shown} {problem}", event.start_mark,
                            hint="write the number the paper gives; no result is this large "
                            "or this small", pointer=pointer)
                if not is_key:
                    self._plain(pointer, text)
                return value
            held = held_as(value, text)
            if held is not None:
                self.report("V015", f"{text} has more digits than a 64-bit float keeps: the "
                            f"leaderboards would hold {held}", event.start_mark,
                            hint=f"write the number as the paper prints it, or {held}",
                            pointer=pointer)
        other = yaml11_reading(text)
        if not is_key and (other is not None or not isinstance(value, str)):
            self._plain(pointer, text)
        if other is not None:
            self.report(
                "Y007",
                f"plain value {text!r} is {describe_value(value)} in YAML 1.2 but {other} in YAML 1.1",
                event.start_mark,
                hint=_alike_hint(text, value),
                pointer=pointer,
            )
        return value


def _alike_hint(text: str, value: Any) -> str:
    """How to write a plain value both YAML versions read alike: a number as a number (quoted,
    a metric's value would be text, V001), anything else quoted."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        form = repr(value)
        if "e" in form and "." not in form:  # YAML 1.1 reads "1e+20" as text: "1.0e+20"
            mantissa, _, exponent = form.partition("e")
            form = f"{mantissa}.0e{exponent}"
        return f"write {form}, which both versions read as this number"
    return f"quote it (\"{text}\") or write it in a form both versions read alike"


def describe_value(value: Any) -> str:
    """``a list``, ``a number``... as a message says what a value is."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


def _decode(file: str, raw: bytes) -> tuple[str | None, list[Diagnostic]]:
    if len(raw) > MAX_FILE_BYTES:
        # Only the limit is known: a larger file is read no further than one byte past it.
        return None, [Diagnostic("Y010", f"file is over the limit of {MAX_FILE_BYTES:,} bytes",
                                 file)]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [Diagnostic("Y009", "file starts with a UTF-8 byte-order mark", file,
                                 hint="save the file as UTF-8 without BOM")]
    try:
        text = utf8.decode(raw)
    except utf8.NotUTF8 as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        return None, [Diagnostic("Y008", exc.message, file, line, column, hint=utf8.HINT)]
    # (Most files are ASCII without a carriage return: no search.)
    if (not text.isascii() or "\r" in text) and (found := _HIDDEN_BREAK.search(text)):
        preceding = text[: found.start()]
        line = preceding.count("\n") + 1
        column = found.start() - preceding.rfind("\n")
        if found.group() == "\r":
            why = ("a carriage return alone: a line break to YAML, none to git diff and most "
                   "viewers")
            hint = "end the line with a line feed, as every other line of a registry file ends"
        else:
            why = (f"U+{ord(found.group()):04X} ({unicodedata.name(found.group(), 'NEL')}): "
                   "YAML 1.1 readers take it for a line break, YAML 1.2 readers and most "
                   "editors do not")
            hint = "remove it, or write it as an escape in a double-quoted string (\\u2028)"
        return None, [Diagnostic("Y022", f"{why}, so the file reads two ways", file, line,
                                 column, hint=hint)]
    return text, []


#: Line breaks some readers or viewers do not see: NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR
#: (YAML 1.1's alone) and a carriage return not before a line feed (helper-90, helper-91: after
#: a `#`, a metric no reviewer saw).
_HIDDEN_BREAK = re.compile("[\x85\u2028\u2029]|\r(?!\n)")


#: Problems confined to one value or one list entry (at their pointer): see :func:`salvage`.
_ONE_VALUE = frozenset({"Y002", "Y006", "Y007", "Y020", "V015"})


@dataclasses.dataclass
class Salvaged:
    """What :func:`salvage` keeps of a document: its data and positions, and each list entry
    left out, with the problem that left it out (the first, when several did)."""

    doc: Document
    left_out: list[tuple[Diagnostic, Pointer]]


def _entry_of(pointer: Pointer) -> Pointer | None:
    """The innermost list entry holding the value at ``pointer`` (or a mapping's key there),
    or None when no list holds it."""
    for end in range(len(pointer), 0, -1):
        if isinstance(pointer[end - 1], int):
            return pointer[:end]
    return None


def _at(data: Any, pointer: Pointer) -> Any:
    """The value at ``pointer`` in ``data`` (None where there is none)."""
    for step in pointer:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def salvage(doc: Document) -> Salvaged | None:
    """What an importer can still take from someone else's file whose problems are each
    confined to one value (:attr:`Document.partial`), or None when there is no such part.

    A number no float holds (Y020, Y006, V015), or one YAML 1.1 reads as text (Y007
    ``3.22e1``), becomes its text as written, which the value reader then reads or reports as
    it would a quoted one. A key written twice (Y002: readers differ on which value they keep)
    or a number that YAML 1.1 and 1.2 read as two numbers (Y007 ``010``: 10 or 8) makes its
    value a guess, as does a YAML 1.1 merge key (``<<``, a key of its own in YAML 1.2), and
    the list entry holding it (a card's metric, a result, a
    model), whose other keys describe that value, is left out whole; outside any list entry, the
    document is refused. Positions are renumbered for the entries left out, so a value keeps its
    line. The document itself is not changed; the work is linear in its size."""
    if doc.partial is None:
        return None
    doubtful: dict[Pointer, Diagnostic] = {}
    as_written: set[Pointer] = set()  # values kept as their text
    for d in doc.diagnostics:
        pointer = d.pointer or ()
        two_numbers = False
        if pointer in doc.plain_texts:
            text = doc.plain_texts[pointer]
            value = resolve_plain(text)
            is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
            # 010: 10 in YAML 1.2, 8 in 1.1. But 3.22e1 is text in 1.1, which reads as 32.2.
            two_numbers = d.code == "Y007" and is_number and yaml11_reading(text) in (
                "another integer", "an integer", "a number")
            if d.code in ("Y006", "Y020", "V015") or (d.code == "Y007" and is_number
                                                       and not two_numbers):
                as_written.add(pointer)
        # A YAML 1.1 merge key (``<<: {config: mrpc}``), flagged at its mapping: read as
        # YAML 1.2 reads it, its keys would be lost unsaid (the Hub merges them).
        merge_key = d.code == "Y007" and pointer not in doc.plain_texts \
            and isinstance(mapping := _at(doc.partial, pointer), dict) and "<<" in mapping
        if d.code == "Y002" or two_numbers or merge_key:
            entry = _entry_of(pointer)
            if entry is None:
                return None
            doubtful.setdefault(entry, d)
    # An entry inside another left out goes with it.
    dropped = [e for e in sorted(doubtful)
               if not any(e[:n] in doubtful for n in range(1, len(e)))]
    removed: dict[Pointer, list[int]] = {}
    for entry in dropped:
        removed.setdefault(entry[:-1], []).append(int(entry[-1]))
    for indices in removed.values():
        indices.sort()

    def renumbered(pointer: Pointer) -> Pointer | None:
        out = list(pointer)
        for at in range(len(pointer)):
            indices = removed.get(pointer[:at])
            if indices is None or not isinstance(pointer[at], int):
                continue
            index = int(pointer[at])
            before = bisect.bisect_left(indices, index)
            if before < len(indices) and indices[before] == index:
                return None  # in an entry left out
            out[at] = index - before
        return tuple(out)

    data = copy.deepcopy(doc.partial)
    holder = [data]

    def find(pointer: Pointer) -> Any:
        found: Any = holder
        for step in (0, *pointer):
            try:
                found = found[step]
            except (KeyError, IndexError, TypeError):
                return None
        return found

    for pointer in sorted(as_written):  # as written, where still kept
        if renumbered(pointer) is not None:
            parent, last = find(pointer[:-1]), pointer[-1]
            if isinstance(parent, dict):
                if last in parent:
                    parent[last] = doc.plain_texts[pointer]
            elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
                parent[last] = doc.plain_texts[pointer]
    lists = [(find(list_pointer), set(gone)) for list_pointer, gone in removed.items()]
    for found, left in lists:  # all found first, then thinned: no index moves before
        if isinstance(found, list):
            found[:] = [item for i, item in enumerate(found) if i not in left]

    def table(positions: dict[Pointer, Any]) -> dict[Pointer, Any]:
        out = {}
        for pointer, value in positions.items():
            moved = renumbered(pointer)
            if moved is not None:
                out[moved] = value
        return out

    kept = Document(data, [], positions=table(doc.positions),
                    key_positions=table(doc.key_positions), plain_texts=table(doc.plain_texts))
    return Salvaged(kept, [(doubtful[e], e) for e in dropped])


def read_rich(file: str, raw: bytes, *, any_shape: bool = False, aliases: bool = False
              ) -> Document:
    """Read ``raw`` (the bytes of ``file``) with full positions and every diagnostic.

    ``any_shape``: a list or a scalar is data too (importers read other people's files, whose
    documents may be lists); registry files are mappings. ``aliases``: an alias is read as a
    copy of its anchor's value (up to :data:`MAX_ALIASED_VALUES` values in all), as YAML
    readers do, where a registry file may hold neither (Y003); a value inside a copy is located
    at its alias."""
    text, problems = _decode(file, raw)
    if text is None:
        return Document(None, problems)
    builder = _Builder(file, text, aliases=aliases)
    data = builder.build()
    doc = Document(data, builder.diagnostics, positions=builder.positions,
                   key_positions=builder.key_positions, plain_texts=builder.plain_texts)
    if doc.diagnostics:
        if isinstance(data, dict) and all(d.code == "Y007" for d in doc.diagnostics):
            doc.ambiguous = data
        if all(d.code in _ONE_VALUE and d.pointer for d in doc.diagnostics):
            doc.partial = data
        doc.data = None
    elif data is not None and not isinstance(data, dict) and not any_shape:
        doc.diagnostics.append(Diagnostic("Y014", f"the document is {describe_value(data)}, "
                                          "not a mapping", file, *doc.locate(())))
        doc.data = None
    elif data is None and not doc.diagnostics:
        doc.diagnostics.append(Diagnostic("Y014", "the file holds no data", file,
                                          hint="a record is a mapping (id: ..., then its "
                                          "fields); delete the file if it is not meant to be one"))
    return doc


# --- the fast reader --------------------------------------------------------------------

# What the fast reader cannot see in the data it gets back: anchors, aliases and tags (resolved
# away), document markers, odd characters, and plain scalars that YAML 1.1 reads differently from
# YAML 1.2 (the Rust parser reads them one way, as strings or numbers). A hit only means the
# reference reader decides, so every check here errs on the side of a hit.
#
# Only a plain scalar that starts with one of ``-+._0-9`` can be a number, a date or a time in
# either version (or in yaml_rs, which reads ``_0`` as 0); the others that differ are a few
# words (yes, no, y, n, on, off, ``<<``, ``=``), and keys that are not strings (a number, true,
# null, ``~``, nothing). In block style a plain scalar starts after ``: `` or at the start of a line
# (after indentation and ``- ``), so the patterns look there only. A number-like scalar is let
# through when it is a plain decimal to the end of its line (the same number in both versions),
# or when its first line has a character no number, date or time can hold (then it is a string
# in both).
#: The characters a number, a date or a time is written with, in any YAML reader's forms (a
#: sign, digits, `.`, `_`, `:`, hexadecimal digits, base prefixes, exponents, `T`/`Z` of times,
#: `inf`/`nan`, a space of "2001-12-14 21:59"): a plain scalar of these alone, starting as a
#: number does, may be one to some reader. One definition for the fast reader (which leaves such
#: files to the reference reader) and for `pwc fmt` (which quotes such a string).
NUMERIC_CHARACTERS = "-+._:0-9a-fA-FxXoOtTzZiInN "
_NOT_NUMERIC = f"[^{NUMERIC_CHARACTERS}\r\n#]".encode()  # no number, date or time holds these
_LOOKS_NUMERIC = re.compile(f"[-+._0-9][{NUMERIC_CHARACTERS}]*\\Z")


def looks_numeric(text: str) -> bool:
    """Whether ``text``, written plain, is made of :data:`NUMERIC_CHARACTERS` alone and starts
    as a number does: a lax reader may take it for a number (yaml_rs reads ``0_9`` as 9)."""
    return bool(_LOOKS_NUMERIC.match(text))
# At most 15 digits: every such decimal is a 64-bit float with the same digits (DBL_DIG); a longer
# one may be rounded, which the reference reader reports (V015).
_SAFE_NUMBER = (rb"-?(?=[0-9.]{1,16}(?![0-9.]))(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?[ ]*"
                rb"(?:[ ]\#[^\n]*)?(?:\r?\n|\Z)")
_PLAIN_SCALAR_HAZARD = (  # at the start of a plain scalar
    rb"(?=[-+._0-9yYnNoOtTfF~:<=])"  # fails fast on the usual first letters
    rb"(?:(?=[+._0-9]|-[^ \r\n])(?!" + _SAFE_NUMBER + rb")(?![^#:\n]*?" + _NOT_NUMERIC + rb")"
    rb"|(?:[yY](?:es|ES)?|[nN][oO]?|[oO](?:[nN]|ff|FF)|<<|=)[ ]*(?:\r?\n|:|\#|\Z)"
    rb"|(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~)?[ ]*:(?:[ \r\n]|\Z))"
)
# Each pattern starts with one literal character, which the regex engine finds at C speed; a
# pattern that could start with either of two characters is tried at every byte, several times
# slower. `(?=(...))\1` takes a line's indentation and `- ` indicators whole (an atomic group
# before Python 3.11): retrying with fewer spaces would cost more than the rest of the scan.
_AFTER_COLON = re.compile(rb":[ ]+" + _PLAIN_SCALAR_HAZARD)
_AT_LINE_START = re.compile(rb"\n(?=([ ]*(?:-[ ]+)*))\1" + _PLAIN_SCALAR_HAZARD)
_COMPLEX_KEY = re.compile(rb"\n[- ]*\?(?:[ \r\n]|\Z)")
# A document marker or directive at a line's start, or a line possibly nested deeper than
# MAX_DEPTH (see below): one pattern, since each one led by a line break reads every line.
_MARKER_OR_DEEP = re.compile(rb"\n(?:---|\.\.\.|%|[- ?]{15})")
_LONE_CR = re.compile(rb"\r(?!\n)")  # a line break the patterns above would not see
# Depth: in block style a nested collection starts at least one column right of its parent,
# except a sequence under a mapping key, which may start in the key's column. So a collection at
# depth 32 starts at column 15 or more, behind nothing but spaces and `- `/`? ` on its line, and
# a file whose lines all leave column 15 sooner holds nothing deeper than MAX_DEPTH.
# A flow collection (`[a, b]`, `{a: 1}`): YAML 1.1 and 1.2 parsers disagree on many corner cases
# inside them, so the reference reader decides. The registry's own layout is block style.
_FLOW_START = re.compile(rb"(?:^|[:\-?,\[{])[ \t]*[\[{]", re.MULTILINE)
# An escaped UTF-16 surrogate ("\uD83D\uDE00"): yaml_rs joins a pair into one character where
# the reference reader refuses it (Y001); the reference reader decides, so that `pwc validate`
# and `pwc fmt` give one verdict (found by an attack on the exports).
_SURROGATE_ESCAPE = re.compile(rb"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\n\r"
# Characters YAML forbids, that PyYAML reads as line breaks (NEL, LS, PS), byte-order marks and tabs.
_ODD_CHARACTER = re.compile(
    r"[^\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _hazardous(raw: bytes, text: str) -> bool:
    if raw.translate(None, _PRINTABLE_ASCII) and _ODD_CHARACTER.search(text):
        return True
    if b"&" in raw or b"*" in raw or b"!" in raw:
        return True
    if b"\\" in raw and _SURROGATE_ESCAPE.search(raw):
        return True
    if (b"[" in raw or b"{" in raw) and _FLOW_START.search(raw):
        return True
    if _block_scalar_ends_file(raw):
        return True
    lines = b"\n" + raw  # every line, the first too, starts after a line break
    return bool(_AFTER_COLON.search(raw) or _AT_LINE_START.search(lines)
                or _MARKER_OR_DEEP.search(lines)
                or (b"?" in raw and _COMPLEX_KEY.search(lines))
                or (b"\r" in raw and _LONE_CR.search(raw)))


def _block_scalar_ends_file(raw: bytes) -> bool:
    """Whether the file may end in a block scalar that yaml_rs reads apart from YAML: without a
    final line break it adds one (``a: |`` then ``  x`` is ``"x\\n"``, not ``"x"``), and an empty
    one at the end it reads as ``"\\n"``, not ``""`` (found by the agreement tests). A file whose
    last line has no ``|`` or ``>`` cannot end in an empty one."""
    if not raw.endswith(b"\n"):
        return True
    content = raw.rstrip(b" \r\n")
    last_line = content[content.rfind(b"\n") + 1:]
    return b"|" in last_line or b">" in last_line


def read_fast(raw: bytes) -> dict[str, Any] | None:
    """The data of a file that is certainly clean, or ``None`` if :func:`read_rich` must decide."""
    if len(raw) > MAX_FILE_BYTES or raw.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _hazardous(raw, text):
        return None
    try:
        data = _yaml_rs_loads(text)
    except Exception:  # any parser complaint: the reference reader explains it
        return None
    return data if isinstance(data, dict) else None


def _yaml_rs_loads(text: str) -> Any:
    import yaml_rs

    # Its date parsing also turns quoted dates into date objects: keep every date a string and
    # leave plain dates to _AFTER_COLON and _AT_LINE_START.
    return yaml_rs.loads(text, parse_datetime=False)


def _to_check(text: str) -> bool:
    return INVISIBLE.search(text) is not None or LOOKALIKE.search(text) is not None


def read(file: str, raw: bytes) -> Document:
    """Fast when the file is clean, the reference reader otherwise."""
    data = read_fast(raw)
    if data is not None:
        return Document(data, [], may_hold_controls=b"\\" in raw or (
            not raw.isascii() and _to_check(raw.decode("utf-8"))))
    return read_rich(file, raw)
