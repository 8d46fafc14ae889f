"""``pwc import table``: a lab's results kept in a spreadsheet (CSV), with a mapping that says
what its columns are.

The mapping (a small YAML file, or the same as flags, flags winning)::

    model: "{model} @ {img_size}px"   # a column, or a template of columns in braces
    task: Image Classification        # registry names, ids or aliases
    dataset: ImageNet
    split: validation                 # optional
    metrics:                          # column: the registry metric it holds
      top1: Top-1 Accuracy
      top1_err: Top-1 Error
    unit: percent                     # optional: percent | fraction, as the table states it
    paper: paper                      # optional: a column naming each row's paper
    table: 2                          # a Markdown file's second table (1 for its first)
    source:                           # the source holding the results (source.schema.json)
      kind: library
      title: timm ImageNet results
      url: https://github.com/huggingface/pytorch-image-models/tree/main/results
      id: timm-imagenet-results       # optional: the id it should have

A Markdown file's pipe table (NLP-progress's) is read as a CSV table is: the only table of the
file, or the one ``table: N`` (``--table N``) numbers.

Each file is one batch (the unit rule judges a metric over the whole file). A row's cells are
read as text by the shared number reader; an empty cell is no value. A paper cell is an arXiv
id, a URL (arXiv, DOI, ACL Anthology, OpenReview) or a title.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..arxiv import ArxivError, normalise_id
from ..ids import fold
from ..layout import MAX_SLUG, SLUG, Unreadable, read_file
from ..load import MAX_FILE_BYTES, read_rich
from ..registry import SOURCE_KINDS as KINDS
from ..utf8 import NotUTF8, decode
from .formats import import_format
from .model_index import paper_identifiers
from .records import (
    Imported,
    ImportedResult,
    ImportedValue,
    Origin,
    PaperRef,
    SourceRef,
    link_title,
)
from .report import LISTED, ImportReport
from .sink import Progress

#: source.schema.json's kinds.
SOURCE_KINDS = tuple(KINDS)
UNITS = ("percent", "fraction")
#: Where a problem with a mapping given by flags alone is: no file, no line.
FLAGS = "the flags"
#: The largest table read (bytes): timm's largest file is 160 KB.
MAX_TABLE_BYTES = 64 * 1024 * 1024
_COLUMN = re.compile(r"\{([^{}]+)\}")


class MappingError(Exception):
    """The mapping cannot be used: (message, file, line, column)."""

    def __init__(self, message: str, file: str = "mapping", line: int = 1, column: int = 1
                 ) -> None:
        super().__init__(message)
        self.message, self.file, self.line, self.column = message, file, line, column


@dataclasses.dataclass(frozen=True)
class TableMapping:
    model: str
    task: str
    dataset: str
    #: column → the registry metric (name, id or alias) it holds.
    metrics: tuple[tuple[str, str], ...]
    source: SourceRef
    split: str | None = None
    paper: str | None = None
    unit: str | None = None
    #: Which table of a Markdown file (1 for its first): a file of several needs it.
    table: int | None = None

    def columns(self) -> list[str]:
        """Every column the mapping reads."""
        model = _COLUMN.findall(self.model) if "{" in self.model else [self.model]
        return [*model, *(c for c, _ in self.metrics), *([self.paper] if self.paper else [])]


_FIELDS = ("model", "task", "dataset", "split", "paper", "unit", "metrics", "source", "table")
_SOURCE_FIELDS = ("kind", "title", "url", "id", "description", "date")


def read_mapping(path: Path | None, flags: Mapping[str, Any]) -> TableMapping:
    """The mapping of a YAML file (or none) with ``flags`` laid over it: MappingError if it
    lacks something or says something the importer cannot use."""
    data: dict[str, Any] = {}
    name = str(path) if path else FLAGS
    if path is not None:
        try:
            raw = read_file(path, MAX_FILE_BYTES)
        except Unreadable as exc:
            raise MappingError(f"the mapping is {exc.strerror}", name) from exc
        except OSError as exc:
            raise MappingError(f"cannot read the mapping: {exc.strerror or exc}", name) from exc
        doc = read_rich(name, raw)
        problems = [d for d in doc.diagnostics if d.severity == "error"]
        if problems:
            raise MappingError(problems[0].message, name, problems[0].line, problems[0].column)
        if not isinstance(doc.data, dict):
            raise MappingError("the mapping is not a YAML mapping of the fields "
                               f"{', '.join(_FIELDS)}", name)
        data = dict(doc.data)
        for key in data:
            if key not in _FIELDS:
                line, column = doc.locate((key,), key=True)
                raise MappingError(f"'{key}' is not a field of a table's mapping (those are "
                                   f"{', '.join(_FIELDS)})", name, line, column)
        if data.get("source") is not None and not isinstance(data["source"], dict):
            line, column = doc.locate(("source",))
            raise MappingError("source is a mapping of kind, title, url, id", name, line, column)
        if data.get("metrics") is not None and not isinstance(data["metrics"], dict):
            line, column = doc.locate(("metrics",))
            raise MappingError("metrics is a mapping of a column to a registry metric", name,
                               line, column)
    source = dict(data.get("source") or {})
    for key, value in flags.items():
        if value in (None, (), []):
            continue
        if key.startswith("source_"):
            source[key.removeprefix("source_")] = value
        elif key == "metrics":
            data["metrics"] = {**(data.get("metrics") or {}), **dict(value)}
        else:
            data[key] = value
    for key in source:
        if key not in _SOURCE_FIELDS:
            raise MappingError(f"source: '{key}' is not a field (those are "
                               f"{', '.join(_SOURCE_FIELDS)})", name)
    text = {k: _text(data.get(k), k, name) for k in ("model", "task", "dataset", "split",
                                                      "paper", "unit")}
    for key in ("model", "task", "dataset"):
        if text[key] is None:
            raise MappingError(f"the mapping does not say the {key} (--{key})", name)
    metrics = tuple((str(column), _text(metric, f"metrics: {column}", name) or "")
                    for column, metric in (data.get("metrics") or {}).items())
    if not metrics or any(not m for _, m in metrics):
        raise MappingError("the mapping names no metric column (--metric COLUMN=METRIC)", name)
    held: dict[str, str] = {}
    for header_cell, metric in metrics:
        if (other := held.setdefault(fold(metric), header_cell)) != header_cell:
            # One result holds one value of a metric: every row would be left out (A006).
            raise MappingError(f"the columns {other!r} and {header_cell!r} both hold the metric "
                               f"{metric!r}: a row's result holds one value of a metric; map "
                               "one of them, and import the other with its own --dataset or "
                               "--split if it is another benchmark", name)
    if text["unit"] is not None and text["unit"] not in UNITS:
        raise MappingError(f"unit is one of {', '.join(UNITS)}, not {text['unit']!r}", name)
    kind, title = _text(source.get("kind"), "source: kind", name), \
        _text(source.get("title"), "source: title", name)
    if kind not in SOURCE_KINDS or title is None:
        raise MappingError("the source needs a kind (one of "
                           f"{', '.join(SOURCE_KINDS)}) and a title (--source-kind, "
                           "--source-title)", name)
    preferred = _text(source.get("id"), "id", name)
    if preferred is not None and not (SLUG.match(preferred) and len(preferred) <= MAX_SLUG):
        # It names the source's file: "../../x" would write outside the registry.
        raise MappingError(f"source: id {preferred!r} is not an id (lower-case letters and "
                           "digits in words joined by single hyphens, as in "
                           "'timm-imagenet-results'; --source-id)", name)
    table = data.get("table")
    if table is not None and (isinstance(table, bool) or not isinstance(table, int)
                              or table < 1):
        raise MappingError(f"table is a Markdown file's table by its number (1 for the first), "
                           f"not {table!r}", name)
    ref = SourceRef(kind=kind, title=title, preferred_id=preferred,
                    url=_text(source.get("url"), "url", name),
                    description=_text(source.get("description"), "description", name),
                    date=_text(source.get("date"), "date", name))
    return TableMapping(model=text["model"] or "", task=text["task"] or "",
                        dataset=text["dataset"] or "", metrics=metrics, source=ref,
                        split=text["split"], paper=text["paper"], unit=text["unit"],
                        table=table)


def check_metrics(registry: Path, mapping: TableMapping, name: str = FLAGS) -> None:
    """MappingError when two of the mapping's columns name one metric of ``registry`` by two
    of its names (an id, a name, an alias): each row's result would hold two values of it,
    and none would be imported (A006). The same spelling twice is refused reading the
    mapping (:func:`read_mapping`)."""
    from ..layout import discover_entities
    from ..vocabulary import Vocabulary

    vocabulary = Vocabulary(discover_entities(registry), lambda: ())
    held: dict[str, tuple[str, str]] = {}
    for column, metric in mapping.metrics:
        found, via_name = vocabulary.resolve("metric", metric)
        key = found or via_name or fold(metric)
        if key in held and held[key][0] != column:
            other, other_name = held[key]
            raise MappingError(f"the columns {other!r} and {column!r} both hold the metric "
                               f"'{key}' (as {other_name!r} and {metric!r}): a row's result "
                               "holds one value of a metric; map one of them, and import the "
                               "other with its own --dataset or --split if it is another "
                               "benchmark", name)
        held.setdefault(key, (column, metric))


def _text(value: Any, key: str, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise MappingError(f"{key}: expected text, found {type(value).__name__}", name)
    return str(value).strip() or None


#: A Markdown table's first line: "| Model | EM |" (NLP-progress's tables, a README's).
_MARKDOWN_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MARKDOWN_SUFFIXES = (".md", ".markdown")


def read_table(path: Path, mapping: TableMapping) -> Imported:
    """One CSV file (tab-separated: named ``.tsv``, or tabs and no comma in its first line) as
    a batch; what cannot be read is in the batch's problems (A038), and a
    mapping naming a column the file lacks stops the file (A037)."""
    file = str(path)
    # A problem with the whole table is placed at its first line (never line 0, column 0).
    origin = Origin(file, (), 1)
    raw = b""
    try:
        raw = read_file(path, MAX_TABLE_BYTES)
        text = decode(raw, mark=True)
    except Unreadable as exc:
        return _refused(mapping, origin, "A038", f"the table is {exc.strerror}")
    except NotUTF8 as exc:
        # Placed at the bad byte's line and column: the rest of the table is read by no
        # reader, so the whole table is refused.
        # Lines as the csv module breaks them (CR too); the column in characters.
        before = _LINE_BREAK.split(raw[:exc.start].decode("utf-8", "replace"))
        bad = Origin(file, (), len(before), len(before[-1]) + 1)
        return _refused(mapping, bad, "A038", f"the table is not UTF-8 text: {exc.message} "
                        f"(byte {exc.start}); save it as UTF-8 CSV")
    except OSError as exc:
        return _refused(mapping, origin, "A038", f"cannot read the table: {exc.strerror or exc}")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if _MARKDOWN_ROW.match(first) or path.suffix.lower() in _MARKDOWN_SUFFIXES:
        return _read_markdown(file, text, mapping)
    if mapping.table is not None:  # a CSV file holds one table: --table was meant for another
        return _refused(mapping, origin, "A037", f"--table {mapping.table} chooses a table of "
                        "a Markdown file; this file is read as CSV, which holds one")
    # Tab-separated: by the name, or a first line with tabs and no comma.
    tabs = path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first)
    # Strict: a quote left open swallowed every later row into one cell, and `"9"5` read as 95.
    reader = csv.reader(io.StringIO(text, newline=""), "excel-tab" if tabs else "excel",
                        strict=True)
    try:
        # The header is the first row with a cell: blank lines before it are not a table's.
        header: list[str] = []
        for cells in reader:
            header = [h.strip() for h in cells]
            if any(header):
                break
    except csv.Error as exc:
        return _refused(mapping, origin, "A038", f"the header is not CSV: {exc}")
    if not any(header):
        return _refused(mapping, origin, "A038", "the table is empty: no header row")
    missing = _columns_problem(mapping, header, file, reader.line_num)
    if missing is not None:
        return missing
    text_lines = _LINE_BREAK.split(text)
    delimiter = "\t" if tabs else ","
    results, problems, more, unread = _rows(
        reader, header, mapping, file, ends_whole=_ends_whole(text, delimiter),
        starts=lambda line: _cell_columns(text_lines[line - 1], delimiter)
        if line <= len(text_lines) else [])
    return Imported(origin, mapping.source, results, problems, unread_rows=unread,
                    more_problems=more)


def _columns_problem(mapping: TableMapping, header: Sequence[str], file: str, line: int
                     ) -> Imported | None:
    """The table refused (A037) when the mapping names a column its header (at ``line``)
    lacks or has twice; None when every column is there once."""
    at_header = Origin(file, (), line)
    missing = [c for c in mapping.columns() if c not in header]
    if missing:
        # A table separated by semicolons (a spreadsheet's CSV in some locales) is one column.
        separator = " (its one column holds ';': save it with commas, or as tab-separated)" \
            if len(header) == 1 and ";" in header[0] else ""
        return _refused(mapping, at_header, "A037",
                        f"the mapping names columns the table lacks: {', '.join(missing)} (it "
                        f"has {', '.join(header)}){separator}")
    twice = [c for c in dict.fromkeys(mapping.columns()) if header.count(c) > 1]
    if twice:  # which of them holds the values the mapping means is a guess
        places = {c: ", ".join(str(i + 1) for i, h in enumerate(header) if h == c) for c in twice}
        return _refused(mapping, at_header, "A037",
                        "the mapping names columns the table has more than once: "
                        + "; ".join(f"{c} (columns {at})" for c, at in places.items()))
    return None


@dataclasses.dataclass
class _MarkdownTable:
    """One pipe table of a Markdown file: its header's line, the heading above it, its header's
    cells, and the lines (1-based, first and last) of its rows, whose cells are split only when
    the table is read (a file of millions of rows and tables is not held split)."""

    line: int
    heading: str | None
    first_row: int
    last_row: int

    def header(self, lines: Sequence[str]) -> list[str]:
        return _markdown_cells(lines[self.line - 1])

    def rows(self, lines: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of each row: a row of more cells than the header (refused for that)
        is given as that many placeholders, counted but not split."""
        width_of_header = _cell_count(lines[self.line - 1])
        for number in range(self.first_row, self.last_row + 1):
            line = lines[number - 1]
            width = _cell_count(line)
            yield number, ["…"] * width if width > width_of_header else _markdown_cells(line)


#: A pipe table's delimiter row: "| --- | :---: |" (GitHub's tables; outer pipes optional).
#: (Matched against lines stripped of spaces at both ends: two runs of spaces side by side
#: in a pattern made a line of a million spaces take hours.)
_DELIMITER_ROW = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
#: A fence opening or closing a code block, and what follows it (an info string only opens).
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^#{1,6}(?:\s+(.*))?$")
#: A line that starts another block and so ends a table (GitHub's rule): a heading, a fence, a
#: block quote, an HTML block, a thematic break.
_BLOCK_START = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|`{3,}|~{3,}|>|<|(?:[-*_]\s*){3,}$)")
#: An HTML block's first line (CommonMark: at most 3 spaces in): a comment, or a tag.
_HTML_START = re.compile(r"^ {0,3}<(!--|/?[A-Za-z][A-Za-z0-9-]*)(?=[\s/>]|$)")
#: The HTML blocks that end at their closing tag, not at a blank line.
_RAW_HTML = frozenset({"script", "pre", "style", "textarea"})
#: A cell boundary: a pipe not escaped with a backslash.
_PIPE = re.compile(r"(?<!\\)\|")


def _cell_spans(line: str) -> list[tuple[int, int]]:
    """Where each cell of a pipe-table row is (start, end offsets); the outer pipes are
    optional, as GitHub reads them."""
    edges = [-1, *(m.start() for m in _PIPE.finditer(line)), len(line)]
    spans = [(left + 1, right) for left, right in itertools.pairwise(edges)]
    stripped = line.rstrip()
    if line.lstrip().startswith("|"):
        spans = spans[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|") and spans:
        spans = spans[:-1]
    return spans


def _cell_count(line: str) -> int:
    """How many cells :func:`_cell_spans` finds, counted without listing them."""
    stripped = line.strip()
    count = line.count("|") - line.count("\\|") + 1
    count -= stripped.startswith("|")
    count -= stripped.endswith("|") and not stripped.endswith("\\|") and count > 0
    return max(count, 0)


def _markdown_cells(line: str) -> list[str]:
    """A pipe-table row's cells, trimmed, ``\\|`` read as ``|``."""
    return [line[a:b].strip().replace("\\|", "|") for a, b in _cell_spans(line)]


def _cell_column(line: str, span: tuple[int, int]) -> int:
    """The column (1-based) where a cell's value starts: after the spaces that pad it."""
    a, b = span
    text = line[a:b]
    return a + 1 + (len(text) - len(text.lstrip()) if text.strip() else 0)


def markdown_tables(text: str) -> tuple[list[_MarkdownTable], list[str]]:
    """The pipe tables of a Markdown text as GitHub shows them, in order, and the text's lines:
    a header row, a delimiter row of as many cells, then the rows up to a blank line or the
    start of another block (a heading, a fence, a quote, HTML); none inside a fenced code block
    (closed by a fence of its kind, at least as long, with nothing after it), an HTML comment or
    an indented code block."""
    lines = _LINE_BREAK.split(text)
    tables: list[_MarkdownTable] = []
    heading: str | None = None
    fence: str | None = None  # inside a fenced code block: its fence, whose lines are code
    in_comment = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if in_comment:
            in_comment = "-->" not in line
            i += 1
            continue
        if m := _FENCE.match(line):
            if fence is None:
                fence = m.group(1)
            elif m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not m.group(2).strip():
                fence = None
            i += 1
            continue
        if fence is not None:
            i += 1
            continue
        html = _HTML_START.match(line)
        if html and html.group(1) == "!--":  # a comment, to its "-->" ("<!-->" ends at once)
            rest = line[html.end():]
            in_comment = not (rest.startswith(">") or rest.startswith("->") or "-->" in rest)
            i += 1
            continue
        if html:  # an HTML block shows no table: to its closing tag, or to a blank line
            closing = f"</{html.group(1).lower()}>" if html.group(1).lower() in _RAW_HTML \
                else None
            while i < len(lines) and (lines[i].strip() if closing is None
                                      else closing not in lines[i].lower()):
                i += 1
            i += 1
            continue
        if m := _HEADING.match(line.strip()):
            heading = (m.group(1) or "").rstrip("#").strip() or None
        indented = len(line) - len(line.lstrip(" ")) >= 4
        if not indented and "|" in line and i + 1 < len(lines) and "|" in lines[i + 1] \
                and not _BLOCK_START.match(line) \
                and _DELIMITER_ROW.match(lines[i + 1].strip()) \
                and _cell_count(line) == _cell_count(lines[i + 1]):
            start = i + 2
            i = start
            while i < len(lines) and "|" in lines[i] and lines[i].strip() \
                    and not _BLOCK_START.match(lines[i]):
                i += 1
            tables.append(_MarkdownTable(start - 1, heading, start + 1, i))
            continue
        i += 1
    return tables, lines


class _MarkdownRows:
    """A table's rows as :func:`_rows` reads a CSV reader: cells, and ``line_num``, the line
    of the row last given."""

    def __init__(self, table: _MarkdownTable, lines: Sequence[str]) -> None:
        self.line_num = table.line + 1  # the delimiter row
        self._rows = table.rows(lines)

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        line, cells = next(self._rows)
        self.line_num = line
        return cells


def _read_markdown(file: str, text: str, mapping: TableMapping) -> Imported:
    """A Markdown file's pipe table (NLP-progress's, a README's) as a batch: the only one, or
    the one ``mapping.table`` numbers; a file of several without it is refused (A037), each
    listed by line and heading."""
    tables, lines = markdown_tables(text)
    origin = Origin(file, (), 1)
    if not tables:
        return _refused(mapping, origin, "A038", "the file holds no Markdown table (a header "
                        "row, then a row such as '| --- | --- |')")
    # Short enough for the report, which cuts a message at 500 characters (all 11 of
    # NLP-progress's sentiment_analysis.md fit).
    listed = "; ".join(f"{n} at line {t.line}"
                       + (f" ({t.heading[:24].rstrip()})" if t.heading else "")
                       for n, t in enumerate(tables[:16], 1)) \
        + (f"; and {len(tables) - 16} more" if len(tables) > 16 else "")
    if mapping.table is None and len(tables) > 1:
        return _refused(mapping, origin, "A037", f"the file holds {len(tables)} tables; say "
                        f"which one with --table N (or 'table: N' in the mapping): {listed}")
    if mapping.table is not None and mapping.table > len(tables):
        return _refused(mapping, origin, "A037", f"--table {mapping.table}: the file holds "
                        f"{len(tables)} table{'s' if len(tables) > 1 else ''}: {listed}")
    table = tables[(mapping.table or 1) - 1]
    header = table.header(lines)
    missing = _columns_problem(mapping, header, file, table.line)
    if missing is not None:
        return missing
    # Where its cells' values start, found for the rows read only (a row of a million cells
    # is refused by its count first).
    results, problems, more, unread = _rows(
        _MarkdownRows(table, lines), header, mapping, file,
        starts=lambda line: [_cell_column(lines[line - 1], span)
                             for span in _cell_spans(lines[line - 1])])
    return Imported(origin, mapping.source, results, problems, unread_rows=unread,
                    more_problems=more)


def _refused(mapping: TableMapping, origin: Origin, code: str, message: str) -> Imported:
    return Imported(origin, mapping.source, (), ((code, message, origin),))


#: Where the csv module ends a line (it is given the text with newline="").
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _ends_whole(text: str, delimiter: str) -> bool:
    """Whether the table's last row ends where its writer ended it: a line break after it
    (lines of nothing but spaces or delimiters after that are no rows), or a closing quote,
    which a cell cut short would not have."""
    # rstrip, not a regex searched for at the end: that is tried from every position of a
    # long run of spaces (100 KB of them took 32 s).
    ending = text[len(text.rstrip(" \t\r\n" + delimiter)):]
    return "\n" in ending or "\r" in ending or text[:len(text) - len(ending)].endswith('"')


def _cell_columns(line: str, delimiter: str) -> list[int]:
    """The column (1-based) each cell of a one-line row starts at, as the csv module splits
    it: a quote opens a quoted cell only at a cell's start, and two inside it are one."""
    starts, state = [1], "start"
    for i, char in enumerate(line):
        if state in ("start", "plain"):
            if char == delimiter:
                starts.append(i + 2)
                state = "start"
            elif state == "start" and char == '"':
                state = "quoted"
            else:
                state = "plain"
        elif state == "quoted":
            if char == '"':
                state = "quote"  # closes the cell, or is the first of two
        elif char == '"':  # state "quote": two quotes are one, inside the cell
            state = "quoted"
        elif char == delimiter:
            starts.append(i + 2)
            state = "start"
        else:
            state = "plain"
    return starts


def _rows(reader: Iterator[list[str]], header: Sequence[str], mapping: TableMapping,
          file: str, *, ends_whole: bool = True,
          starts: Callable[[int], list[int]] = lambda line: []
          ) -> tuple[tuple[ImportedResult, ...], tuple[tuple[str, str, Origin], ...],
                     tuple[tuple[str, int], ...], int]:
    """The table's results, its problems (and by code how many more were counted, not kept),
    and how many of its rows were not read. A row
    that is not CSV is placed at the line it starts on, and every line it took with it (a
    stray quote runs on to the next) counts as a row not read. ``ends_whole``: whether the
    text ends where its writer ended it (:func:`_ends_whole`); else the file may be cut short
    inside its last cell
    (``94.1`` of ``94.170``), so a last row whose last cell the mapping reads is not read
    (one ending in a column the mapping does not read is: its values are whole)."""
    results: list[ImportedResult] = []
    problems = _RowProblems()
    unread = 0
    short_last: tuple[int, int, Origin, int] | None = None  # the result, row, where, cells
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    number = 0
    last_line: int | None = None
    mapped = set(mapping.columns())
    # How many cells a row must have to reach every column the mapping reads (found once: the
    # header's tail taken per row made a row of a 200,000-column header cost its width).
    needed = max((i + 1 for i, name in enumerate(header) if name in mapped), default=0)
    while True:
        # A row starts on the line after the last one read: a quoted cell may span lines, and
        # the reader counts to the row's last.
        before = getattr(reader, "line_num", None)
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = getattr(reader, "line_num", None)
            start = line if before is None or line is None else min(before + 1, line)
            lines = 1 if line is None or start is None else line - start + 1
            first, number = number + 1, number + lines
            rows = f"row {first}" if lines == 1 else \
                f"rows {first}–{number} (lines {start}–{line}, read as one)"
            problems.append(("A038", f"{rows} not CSV ({exc}); not imported",
                             Origin(file, (first,), start)))
            unread += lines
            short_last = None
            if line is None or line == last_line:  # read no further: it would not move on
                break
            last_line = line
            continue
        number += 1
        line = None if before is None else before + 1
        here = Origin(file, (number,), line)
        if not any(c.strip() for c in cells):
            number -= 1
            continue
        # A row may end early where only columns the mapping does not read are left (Excel
        # drops trailing empty cells); one with more cells than the header is misaligned.
        if len(cells) > len(header) or len(cells) < needed:
            problems.append(("A038", f"row {number} has {len(cells)} cells, the header "
                             f"{len(header)}; not imported", here))
            unread += 1
            short_last = None
            continue
        # Its last cell, if the file ends inside it, may be cut ("94.1" of "94.170"): said of
        # the last row below when the mapping reads that cell.
        last_read = len(cells) <= len(header) and header[len(cells) - 1] in mapped
        short_last = (len(results), number, here, len(cells)) if last_read else None

        def cell(column: str, cells: list[str] = cells) -> str:
            i = index[column]
            return cells[i].strip() if i < len(cells) else ""

        if "{" in mapping.model:
            # A name made of columns one of which is empty ("@ 224px") names no model: it is
            # left without one (A036), as a row whose model column is empty is.
            parts = [cell(column) for column in _COLUMN.findall(mapping.model)]
            model = _COLUMN.sub(lambda m: cell(m.group(1)), mapping.model) if all(parts) \
                else ""
        else:
            model = cell(mapping.model)
        # A cell's own column where its row is one line (a quoted cell may span several).
        one_line = line is not None and getattr(reader, "line_num", None) == line
        columns = starts(line) if one_line and line is not None else []

        def at(column: str, here: Origin = here, columns: list[int] = columns) -> Origin:
            i = index[column]
            where = here.at(column)
            return dataclasses.replace(where, column=columns[i]) if i < len(columns) else where

        values = tuple(ImportedValue(metric, value, at(column), mapping.unit)
                       for column, metric in mapping.metrics if (value := cell(column)))
        paper = _paper(cell(mapping.paper)) if mapping.paper else None
        results.append(ImportedResult(
            here, mapping.task, mapping.dataset, model, values, mapping.split, paper))
    if not ends_whole and short_last is not None and short_last[0] == len(results) - 1:
        _, row, here, width = short_last
        del results[-1]
        problems.always(("A038", f"row {row}, the last, has no line break after it, and its "
                         f"last cell ({header[width - 1]!r}, cell {width} of the header's "
                         f"{len(header)}) is one the mapping reads: the file may be cut short "
                         "inside it; not imported", here,))
        unread += 1
    return tuple(results), tuple(problems), tuple(sorted(problems.more.items())), unread


class _RowProblems(list[tuple[str, str, Origin]]):
    """The rows' problems, as many of each code as the report lists, the others counted (a
    table of three million ragged rows held a problem each: 1.4 GB); the report counts them
    as it counts those it does not list."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: Counter[str] = Counter()
        self.more: Counter[str] = Counter()

    def append(self, problem: tuple[str, str, Origin]) -> None:
        code = problem[0]
        if self.kept[code] < LISTED - 1:  # room for one always kept
            self.kept[code] += 1
            super().append(problem)
        else:
            self.more[code] += 1

    def always(self, problem: tuple[str, str, Origin]) -> None:
        """A problem unlike the rows' others (the last row cut short): kept whatever the count."""
        super().append(problem)


#: The address of a paper cell written as a Markdown link, ``[Title](URL)``: no space in it.
_LINK_ADDRESS = re.compile(r"https?://\S+")
def _markdown_link(text: str) -> tuple[str, str] | None:
    """(title, address) of a cell that starts with a Markdown link, ``[Title](URL)``, the title
    holding brackets and the address parentheses ("[[Re] Deep nets](…/Net_(maths))"), whatever
    follows it (a footnote, NLP-progress's ``[[code]](…)`` link to the code); None for anything
    else. In one pass: a pattern of nested repeats backtracked over every "](" of a long cell
    (quadratic: 37 s for 330 KB)."""
    split = text.find("](http")
    if not text.startswith("[") or split < 2:
        return None
    depth, end = 1, split + 2
    while end < len(text) and depth:  # the address's parentheses balanced, as Markdown's are
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    address = text[split + 2:end - 1]
    if depth or not _LINK_ADDRESS.fullmatch(address):
        return None
    return text[1:split], address


def _paper(text: str) -> PaperRef | None:
    """A paper cell: an arXiv id, a URL, a Markdown link (its text the title, its address
    the URL, whose identifier finds the paper first), or else a title."""
    if not text:
        return None
    if link := _markdown_link(text):
        title, url = link
        return PaperRef(title=link_title(title, bool(paper_identifiers(url))), url=url)
    try:
        return PaperRef(identifiers=(("arxiv", normalise_id(text.removeprefix("arXiv:"))),))
    except ArxivError:
        pass
    if re.match(r"^https?://", text):
        return PaperRef(url=text)
    return PaperRef(title=text)


def import_tables(registry: Path, paths: Sequence[Path], mapping: TableMapping, *,
                  jobs: int | None = None, progress: Progress | None = None) -> ImportReport:
    """Each table through the shared path (:mod:`.sink`): the report."""
    return import_format("table", registry, paths, mapping, jobs=jobs, progress=progress)
