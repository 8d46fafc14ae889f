"""Checks on loaded records: one record against the registry's vocabulary, and across records.

Every function here is pure: data in, diagnostics out. A check names the place of a problem by
a pointer into the record; :class:`Findings` turns pointers into lines and columns, reading the
file again with positions only when there is something to report.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import html
import html.entities
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import dates, layout, schema
from .diagnostics import Diagnostic, Pointer, pointer_text
from .ids import (
    CITES_SCHEME,
    PAPER_IDENTIFIERS,
    TITLE_SCHEME,
    ResultIdentity,
    board_problem,
    fold,
    identifier_key,
    identifiers_in,
    identifiers_known,
    identity_of,
    name_keys,
    split_key,
    undated,
)
from .leaderboard import MAX_TASK_DEPTH, ancestors
from .load import CONTROL, LOOKALIKE, Document, find_invisible, read_rich
from .markdown import number as shown_number
from .suggest import phrase
from .values import float_artefact
from .vocabulary import Entry, Limits, Vocabulary

#: An HTML character reference: "&amp;", "&#38;", "&#x26;".
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
#: A word: a run of letters (of any script).
_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile("[A-Za-z]")
#: What the sota-extractor left where it had cut out markup (``wzxhzdk:12``): never real text.
PLACEHOLDER = re.compile(r"wzxhzdk:[0-9]+")
_MARKDOWN_LINK = re.compile(r"\]\(|\[[^[\]]*\]\[")
_URL = re.compile(r"https?://|^\s*www\.", re.I)
#: "Xiaodong Liu et al. '19", "Smith et al. (2020)": "et al" and then a year (searched for in
#: two steps, so that a title of many "et al"s is not read once per each).
_ET_AL = re.compile(r"\b[Ee]t al\b")
_YEAR = re.compile(r"\b(?:19|20)[0-9]{2}\b|'[0-9]{2}\b")
#: "Anonymous '18", "Wang & Jiang '15"; reference markers alone: "[10]", "[Preprint] [2]".
_CITATION = re.compile(r"^[^\s'\"]+(?: [^\s'\"]+){0,2}\s+'[0-9]{2}[a-z]?$"
                       r"|^\s*(?:\[[^\]]*\]\s*)+$")
#: A title none of the patterns below can match holds none of these.
_TITLE_MARKS = ("[", "]", "http", "www", "t al", "'", "*", "_", "`")
#: Emphasis (``**bold**``, ``*it*``, ``__it__``, ``_it_``), code spans, a trailing footnote mark.
_MARKUP = re.compile(r"(\*\*|__)\S.*?\1|(?<![\w*])\*[^\s*][^*]*?(?<!\s)\*(?![\w*])"
                     r"|(?<!\w)_[^\s_][^_]*?(?<!\s)_(?!\w)|`[^`]+`|\s\*+$")

#: The references an entity may hold, by kind: (field, kind referred to).
ENTITY_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "task": (("parent", "task"), ("area", "area")),
    "dataset": (("parent", "dataset"), ("paper", "paper")),
    "method": (("paper", "paper"), ("area", "area")),
    "metric": (),
    "area": (),
    "benchmark": (("task", "task"), ("dataset", "dataset"), ("primary_metric", "metric"),
                  ("metrics", "metric"), ("directions", "metric")),
}


#: The "did you mean" hints one file is given: each is searched for among every id, name and
#: alias of its kind, and a file naming 10,000 unknown datasets kept validate busy for
#: minutes (found by fuzzing). Past these, an unknown reference says what to add.
SUGGESTED = 25


class Findings:
    """Diagnostics of one file, located lazily: positions are read only if something is found."""

    def __init__(self, file: layout.RegistryFile, doc: Document) -> None:
        self.file = file
        self._doc = doc
        self._pending: list[tuple[str, str, Pointer, str | None, bool]] = []
        self.diagnostics: list[Diagnostic] = list(doc.diagnostics)
        #: How many "did you mean" hints the file may still be given (see SUGGESTED).
        self.suggestions_left = SUGGESTED

    def add(self, code: str, message: str, pointer: Pointer, hint: str | None = None,
            *, key: bool = False) -> None:
        self._pending.append((code, message, pointer, hint, key))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    def positioned_document(self) -> Document:
        if not self._doc.positions:
            self._doc = read_rich(self.file.name, self.file.read_bytes())
        return self._doc

    def result(self) -> list[Diagnostic]:
        if not self._pending and not self.diagnostics:
            return []  # the usual case, a clean file
        if self._pending:
            doc = self.positioned_document()
            for code, message, pointer, hint, key in self._pending:
                line, column = doc.locate(pointer, key=key)
                self.diagnostics.append(Diagnostic(code, message, self.file.name, line, column,
                                                   hint=hint, pointer=pointer))
            self._pending.clear()
        # A malformed reference or benchmark id breaks the schema's id pattern too; the specific
        # diagnostic says more (it suggests the id), so the pattern one is dropped.
        references = {d.pointer for d in self.diagnostics if d.code in ("R001", "R002", "I004")}
        references |= {p[:-1] for p in references if p and len(p) > 2 and p[-2] == "metrics"}
        return sorted((d for d in self.diagnostics
                       if not (d.code == "S004" and d.pointer in references)),
                      key=Diagnostic.sort_key)


def check_record(file: layout.RegistryFile, doc: Document, vocabulary: Vocabulary,
                 today: dt.date) -> list[Diagnostic]:
    """Everything that can be said of one record given the vocabulary."""
    findings = Findings(file, doc)
    if doc.data is None:
        if doc.ambiguous is not None:
            return _check_ambiguous(file, doc, vocabulary, today)
        return findings.result()
    data = doc.data
    if not schema.is_valid(file.kind, data):
        reference = findings.positioned_document()
        if reference.data is None:  # the reference reader rejects it: its word is final
            return sorted(reference.diagnostics, key=Diagnostic.sort_key)
        findings.extend(schema.explain(file.kind, reference, file.name))
    _check_id(findings, data)
    if doc.may_hold_controls:
        _check_strings(findings, data, ())
        _check_written_plainly(findings, data)
    _check_dates(findings, data, today)
    if file.kind == layout.PAPER:
        _check_paper(findings, data, vocabulary, today)
    elif file.kind == layout.SOURCE:
        _check_placeholder(findings, data.get("title"), ("title",))
        _check_results(findings, data, vocabulary, today)
    else:
        for field, kind in ENTITY_REFERENCES[file.kind]:
            value = data.get(field)
            # An entity is never suggested as its own parent.
            own = (file.stem,) if kind == file.kind else ()
            if isinstance(value, str):
                _check_reference(findings, vocabulary, kind, value, (field,), exclude=own)
            elif isinstance(value, list):
                for i, ref in _strings(value):
                    _check_reference(findings, vocabulary, kind, ref, (field, i), exclude=own)
            elif isinstance(value, dict):
                for ref in value:
                    _check_reference(findings, vocabulary, kind, ref, (field, ref), key=True,
                                     exclude=own)
        _check_placeholder(findings, data.get("name"), ("name",))
        for i, alias in _strings(data.get("aliases")):
            _check_placeholder(findings, alias, ("aliases", i))
        if file.kind == layout.BENCHMARK:
            _check_benchmark(findings, data)
        if file.kind == "metric" and "direction" not in data:
            findings.add("V008", f"metric '{data.get('name', file.stem)}' has no direction: its "
                         "leaderboards are listed but not ranked", ("id",),
                         hint="add direction: higher or direction: lower, from the metric's "
                         "definition")
        if file.kind == "metric":
            _check_range(findings, data)
    return findings.result()


def range_problem(low: Any, high: Any) -> str | None:
    """Why a metric's range (``min``, ``max``) admits no value, or None: V017, and what `pwc new
    metric` refuses to write."""
    numbers = [v for v in (low, high) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) == 2 and numbers[0] > numbers[1]:
        return (f"min {shown_number(numbers[0])} is above max {shown_number(numbers[1])}: no "
                "value of the metric is possible")
    return None


def _check_range(findings: Findings, data: Mapping[str, Any]) -> None:
    """V017: a metric's least value above its greatest, which refuses every value of it."""
    bounds = data.get("range")
    if isinstance(bounds, dict) and (why := range_problem(bounds.get("min"),
                                                          bounds.get("max"))):
        findings.add("V017", f"range: {why}", ("range", "min"),
                     hint="swap them, or correct the one that is wrong")


def title_problem(title: str) -> tuple[str, str] | None:
    """The code and a phrase for a paper title that is not a title (a citation, a URL,
    Markdown), else None. One definition, for the validator and ``pwc stats``."""
    if not any(mark in title for mark in _TITLE_MARKS):
        return None  # the usual case, on the validator's hot path: no pattern can match
    if _MARKDOWN_LINK.search(title):
        return "Q004", "holds a Markdown link"
    if _URL.search(title):
        return "Q003", "holds a URL"
    et_al = _ET_AL.search(title)
    if (et_al and _YEAR.search(title, et_al.end())) or _CITATION.search(title):
        return "Q002", "looks like a citation"
    if _MARKUP.search(title):
        return "Q004", "holds Markdown or a footnote mark"
    return None


def _check_placeholder(findings: Findings, text: Any, pointer: Pointer) -> None:
    """Q001 and Q015: what a page's markup left in a name (both found only in names and
    titles: a description is prose with Markdown, where an entity may be meant)."""
    if isinstance(text, str) and "&" in text:
        entity = next((m.group() for m in _ENTITY.finditer(text)
                       if m.group()[1:] in html.entities.html5
                       or (m.group()[1] == "#" and html.unescape(m.group()) != m.group())),
                      None)
        if entity is not None:
            findings.add("Q015", f"{pointer_text(pointer)}: '{text}' holds the HTML entity "
                         f"'{entity}', shown as written", pointer,
                         hint=f"write {html.unescape(entity)!r} (a correction names the result "
                         "by its name as it was, if it is published)")
    if isinstance(text, str) and "wzxhzdk" in text:
        m = PLACEHOLDER.search(text)
        if m:
            around = text[max(0, m.start() - 30):m.end() + 30]
            shown = text if len(text) <= 80 else f"…{around}…"
            findings.add("Q001", f"{pointer_text(pointer)}: '{shown}' holds the extractor's "
                         f"placeholder '{m.group()}' where it cut out markup", pointer,
                         hint="write the name as the source gives it (the cut-out part is "
                         "often a link or a citation marker)")


def _check_benchmark(findings: Findings, data: Mapping[str, Any]) -> None:
    task, dataset, split = data.get("task"), data.get("dataset"), data.get("split")
    if isinstance(task, str) and isinstance(dataset, str) and isinstance(split, str) and split:
        found = board_problem(task, dataset, split)
        if found is not None and found[0] == "V011":  # a long id is the schema's (maxLength)
            findings.add("V011", f"{found[1]}: these settings would be those of the leaderboard "
                         "of results that give no split", ("split",), hint=_BOARD_HINTS["V011"])
    if isinstance(task, str) and isinstance(dataset, str) and isinstance(data.get("id"), str):
        expected = layout.benchmark_id(task, dataset, split if isinstance(split, str) else None)
        if data["id"] != expected:
            findings.add("I004", f"benchmark of {task} on {dataset}"
                         f"{f' ({split})' if isinstance(split, str) else ''} has the id "
                         f"'{expected}', not '{data['id']}'", ("id",),
                         hint=f"rename the file to registry/benchmarks/{expected}.yaml and set "
                         f"id: {expected}")
    primary, metrics = data.get("primary_metric"), data.get("metrics")
    if isinstance(primary, str) and isinstance(metrics, list) and primary not in metrics:
        findings.add("B001", f"primary metric '{primary}' is not in the metrics list",
                     ("primary_metric",), hint=f"add {primary} to metrics (first, usually)")


def _check_id(findings: Findings, data: Mapping[str, Any]) -> None:
    record_id = data.get("id")
    pattern = layout.BENCHMARK_ID if findings.file.kind == layout.BENCHMARK else layout.SLUG
    if not isinstance(record_id, str) or not pattern.match(record_id):
        return  # the schema reports it
    reserved = layout.RESERVED_IDS.get(findings.file.kind)
    if reserved is not None and reserved.fullmatch(record_id):
        findings.add("I010", f"{findings.file.kind} id '{record_id}' is reserved: the site "
                     "writes a page of its own by that name", ("id",),
                     hint="choose another id; docs/registry.md lists the reserved ones")
    expected = layout.relative_path(findings.file.kind, record_id)
    if not findings.file.name.endswith("/" + expected):
        findings.add("I001", f"id '{record_id}' belongs at registry/{expected}", ("id",),
                     hint=f"move the file to registry/{expected}, or change the id to "
                     f"'{findings.file.stem}'")


def text_problems(text: str) -> list[tuple[str, str, str]]:
    """(code, what, hint) for each character a registry string may not hold (V005, V010):
    one rule for the validator and for what `pwc new` is asked to write."""
    found = []
    m = CONTROL.search(text)
    if m:
        found.append(("V005", f"control character U+{ord(m.group()):04X} at offset {m.start()}",
                      "remove it; use a plain space or newline"))
    at = find_invisible(text)
    if at is not None:
        found.append(("V010", f"invisible character U+{ord(text[at]):04X} "
                      f"({unicodedata.name(text[at], 'unnamed')}) at offset {at}",
                      "remove it"))
    if LOOKALIKE.search(text):
        for word in _WORD.finditer(text):
            letters = word.group()
            alike = LOOKALIKE.findall(letters)
            # (A word of look-alikes alone, "МОЕ" among Latin words, is not told from a real
            # one: "Whisper (СССР subset)".)
            if alike and _LATIN.search(letters):
                shown = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}"
                                  for c in dict.fromkeys(alike))
                found.append(("Q014", f"the word {letters!r} mixes Latin letters with {shown} "
                              f"(at offset {word.start()}): it reads as a Latin word it is not",
                              "write the word in one script"))
                break
    return found


def _check_strings(findings: Findings, value: Any, pointer: Pointer) -> None:
    if isinstance(value, str):
        for code, what, hint in text_problems(value):
            findings.add(code, f"{pointer_text(pointer)}: {what}", pointer, hint=hint)
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(findings, k, (*pointer, k))
            _check_strings(findings, v, (*pointer, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_strings(findings, v, (*pointer, i))


def _check_ambiguous(file: layout.RegistryFile, doc: Document, vocabulary: Vocabulary,
                     today: dt.date) -> list[Diagnostic]:
    """A file refused only for plain values YAML 1.1 reads otherwise (Y007) is checked as
    YAML 1.2 reads it too, so that one round of fixes finds every problem. Each Y007 says what
    to write where that is mechanical (``false`` for ``no`` on a boolean, not "no"); the
    schema's complaint about the same value (S..., V001) is left out."""
    from . import plain

    found = plain.fixes(file.kind, doc.ambiguous, doc, file.name)
    ambiguous = [dataclasses.replace(d, hint=found[d.pointer].hint) if d.pointer in found
                 else d for d in doc.diagnostics]
    covered = {d.pointer for d in ambiguous}
    provisional = dataclasses.replace(doc, data=doc.ambiguous, diagnostics=[], ambiguous=None)
    rest = [d for d in check_record(file, provisional, vocabulary, today)
            if not (d.pointer in covered and (d.code.startswith("S") or d.code == "V001"))]
    return sorted([*ambiguous, *rest], key=Diagnostic.sort_key)


def _names_of_records(kind: str, data: Mapping[str, Any]
                      ) -> Iterator[tuple[Pointer, Any, bool]]:
    """Where ``data`` names a record (its own id, a task, dataset, paper or metric, an
    identifier): the pointer, the name, and whether the name is a mapping's key."""
    yield ("id",), data.get("id"), False
    if kind in layout.HOLDER_KINDS:
        identifiers = data.get("identifiers")
        for scheme, value in (identifiers.items() if isinstance(identifiers, dict) else ()):
            yield ("identifiers", scheme), value, False
        results = data.get("results")
        for i, result in enumerate(results if isinstance(results, list) else ()):
            if isinstance(result, dict):
                for field in ("task", "dataset", "paper"):
                    yield ("results", i, field), result.get(field), False
                metrics = result.get("metrics")
                for metric in metrics if isinstance(metrics, dict) else ():
                    yield ("results", i, "metrics", metric), metric, True
        return
    for field, _ in ENTITY_REFERENCES.get(kind, ()):
        value = data.get(field)
        if isinstance(value, str):
            yield (field,), value, False
        elif isinstance(value, dict):
            for item in value:
                yield (field, item), item, True
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield (field, i), item, False


def _written(text: str, pointer: Pointer, name: str, key: bool) -> bool:
    """Whether ``name`` is in ``text`` as the searches for it find it: a whole word (as
    ``git grep -w`` reads one: "astock" in "astocks" is not), and a field's value on the line
    of its field ("paper: X", as the search for papers crediting another reads it; a value
    folded onto the next line is not)."""
    first = text.find(name)
    if first < 0:  # the usual answer for a name written otherwise, found fast
        return False
    word = re.escape(name)
    if key:
        found = rf"(?<![A-Za-z0-9_])(['\"]?){word}\1[ \t]*:"
    elif isinstance(pointer[-1], str):
        found = rf"(?<![A-Za-z0-9_]){re.escape(pointer[-1])}:[ \t]*(['\"]?){word}\1" \
                r"(?![A-Za-z0-9_])"
    else:  # an item of a list
        found = rf"(?<![A-Za-z0-9_]){word}(?![A-Za-z0-9_])"
    # A match holds the name, on one line with its field's key: none starts before the line
    # of the name's first place (searching the whole text for each of thousands of names after
    # a long abstract took minutes).
    start = text.rfind("\n", 0, first) + 1
    return re.compile(found).search(text, start) is not None


def _check_written_plainly(findings: Findings, data: Mapping[str, Any]) -> None:
    """Each name of a record written as it is (Y021). The checks of a pull request find the
    files that name a record by searching their text for it (git grep): written with an escape
    sequence ("\\x61stock") or a line folded in it, it is not found, and a change to what it
    names is compared without that file (a metric's direction flipped with nothing said).
    Only files whose text has an escape sequence get here."""
    text = findings.file.read_bytes().decode("utf-8", "replace")
    # A name is as findable wherever a record names it: asked once per name and field.
    asked: dict[tuple[str, bool, object], bool] = {}
    for pointer, name, key in _names_of_records(findings.file.kind, data):
        # A name holding a line break or another character no name has is the schema's or
        # V005's to report, and one holding a quote or a backslash (a DOI may) is written
        # otherwise by any quoting: neither is asked to appear as it is.
        if isinstance(name, str) and name and name.isprintable() \
                and not any(c.isspace() or c in "\"'\\" for c in name):
            field = pointer[-1] if isinstance(pointer[-1], str) else None
            if (name, key, field) not in asked:
                asked[(name, key, field)] = _written(text, pointer, name, key)
            if not asked[(name, key, field)]:
                findings.add("Y021", f"{pointer_text(pointer)}: '{name}' is not written as it "
                             "is (an escape sequence, or a line folded in it)", pointer,
                             hint=f"write it plainly: {name}", key=key)


def _check_reference(findings: Findings, vocabulary: Vocabulary, kind: str, ref: str,
                     pointer: Pointer, *, key: bool = False,
                     exclude: Collection[str] = ()) -> None:
    found, alias_of = vocabulary.resolve(kind, ref)
    if found:
        return
    where = pointer_text(pointer)
    if alias_of:
        findings.add("R002", f"{where}: '{ref}' is a name or alias of {kind} '{alias_of}'",
                     pointer, hint=f"write the id: {alias_of}", key=key)
        return
    guesses: list[str] = []
    if findings.suggestions_left > 0:
        findings.suggestions_left -= 1
        guesses = vocabulary.suggest(kind, ref, exclude)
    findings.add("R001", f"{where}: unknown {kind} '{ref}'", pointer,
                 hint=phrase(guesses) or
                 f"add registry/{layout.relative_path(kind, ref)} or use an existing {kind}",
                 key=key)


def _check_date(findings: Findings, value: Any, pointer: Pointer, today: dt.date) -> None:
    # The schema says where a month alone may stand (a paper's and a result's date).
    if not isinstance(value, str) or not dates.DAY_OR_MONTH.match(value):
        return
    try:
        later = dates.after(value, today)
    except ValueError:
        what = "a day" if len(value) == 10 else "a month"
        findings.add("V007", f"{pointer_text(pointer)}: {value} is not {what} of the calendar",
                     pointer)
        return
    if later:
        findings.add("V004", f"{pointer_text(pointer)}: {value} is after today ({today})",
                     pointer, hint="check the year; results are filed once published")


def _check_dates(findings: Findings, data: Mapping[str, Any], today: dt.date) -> None:
    """The dates of a record but its results' (checked with them): a paper's or an entity's
    own, a dataset's introduction, and each correction's."""
    for field in ("date", "introduced"):
        if field in data:
            _check_date(findings, data[field], (field,), today)
    year = data.get("introduced_year")
    if type(year) is int and year > today.year:
        findings.add("V004", f"introduced_year: {year} is after this year ({today.year})",
                     ("introduced_year",), hint="check the year")
    corrections = data.get("corrections")
    if isinstance(corrections, list):
        for i, correction in enumerate(corrections):
            if isinstance(correction, dict) and "date" in correction:
                _check_date(findings, correction["date"], ("corrections", i, "date"), today)


def _check_title_unknown(findings: Findings, ids: Mapping[str, Any],
                         links: Any = None) -> None:
    known = next(((scheme, ids[scheme]) for scheme in PAPER_IDENTIFIERS
                  if isinstance(ids.get(scheme), str)), None)
    if known is None:
        link = next((links[k] for k in ("abstract", "pdf") if isinstance(links, dict)
                     and isinstance(links.get(k), str)), None)
        if link is not None:
            findings.add("Q009", f"the title is unknown: the paper is known by its link {link} "
                         "only", ("links",), hint="write the title from the paper's own page, "
                         "and its arXiv id or DOI if it has one")
        return  # else the schema says what is missing (S001)
    scheme, value = known
    hint = (f"run `pwc papers fill {value}` to fetch the title, authors, date and abstract "
            "from arXiv"
            if scheme == "arxiv" else "write the title from the paper's own page "
            "(`pwc papers fill` reads arXiv only)")
    findings.add("Q009", f"the title is unknown: the paper is known by "
                 f"{PAPER_IDENTIFIERS[scheme]}{value} only", ("identifiers", scheme), hint=hint)


def _check_paper(findings: Findings, paper: Mapping[str, Any], vocabulary: Vocabulary,
                 today: dt.date) -> None:
    for field, kind in (("tasks", "task"), ("methods", "method")):
        for i, ref in _strings(paper.get(field)):
            _check_reference(findings, vocabulary, kind, ref, (field, i))
    title = paper.get("title")
    if isinstance(title, str):
        _check_placeholder(findings, title, ("title",))
        problem = title_problem(title)
        if problem is not None:
            findings.add(problem[0], f"title '{title}' {problem[1]}, not a paper's title",
                         ("title",), hint="write the title the paper gives itself (from its "
                         "arXiv or publisher page)")
    elif "title" not in paper:
        ids = paper.get("identifiers")
        _check_title_unknown(findings, ids if isinstance(ids, dict) else {}, paper.get("links"))
    if "date" not in paper:
        ids = paper.get("identifiers")
        arxiv = ids.get("arxiv") if isinstance(ids, dict) else None
        month = dates.month_of_arxiv(arxiv) if isinstance(arxiv, str) else None
        if month is not None:
            findings.add("Q008", f"the paper has no date, but its arXiv id {arxiv} says it "
                         f"first appeared in {month}", ("identifiers", "arxiv"),
                         hint=f'add date: "{month}" (or the day, from the paper\'s first version)')
    _check_links_name_the_paper(findings, paper)
    _check_results(findings, paper, vocabulary, today)
    _check_result_dates(findings, paper)


def _check_links_name_the_paper(findings: Findings, paper: Mapping[str, Any]) -> None:
    """Q016: a link that gives a paper's identifier away (an arXiv abstract) which the paper's
    identifiers do not hold, or hold otherwise."""
    links, ids = paper.get("links"), paper.get("identifiers")
    if not isinstance(links, dict):
        return
    known = dict(reversed(identifiers_known(
        (k, v) for k, v in (ids.items() if isinstance(ids, dict) else ())
        if isinstance(k, str) and isinstance(v, str))))
    for name, url in sorted(links.items()):
        if not isinstance(name, str) or not isinstance(url, str):
            continue
        for scheme, value in identifiers_in(url).items():
            if scheme not in PAPER_IDENTIFIERS:
                continue
            shown = f"{PAPER_IDENTIFIERS[scheme]}{value}"
            held = known.get(scheme)
            if held is None:
                findings.add("Q016", f"links.{name} names {shown}, which the paper's identifiers "
                             "do not hold", ("links", name),
                             hint=f'add {scheme}: "{value}" under identifiers: (a copy of the '
                             "paper under another id is found by its identifiers, I003), or "
                             "correct the link")
            elif identifier_key(scheme, held) != identifier_key(scheme, value):
                findings.add("Q016", f"links.{name} names {shown}, but identifiers.{scheme} "
                             f"is {held}: one of them is another paper's", ("links", name),
                             hint="check both against the paper's own page")


def _check_result_dates(findings: Findings, paper: Mapping[str, Any]) -> None:
    """V016: the paper's own results dated before the paper."""
    date, results = paper.get("date"), paper.get("results")
    if not isinstance(date, str) or not isinstance(results, list):
        return
    for i, result in enumerate(results):
        if not isinstance(result, dict) or "paper" in result:
            continue
        own = result.get("date")
        if isinstance(own, str) and dates.before(own, date):
            findings.add("V016", f"results[{i}].date: {own} is before the paper's date "
                         f"({date})", ("results", i, "date"),
                         hint="remove the result's date, or correct the paper's")


def _check_results(findings: Findings, holder: Mapping[str, Any], vocabulary: Vocabulary,
                   today: dt.date) -> None:
    """The results of a paper or a source."""
    results = holder.get("results")
    if not isinstance(results, list):
        return
    # The hot loop of a full validation: a known id and an in-range value cost a lookup each.
    known = {"task": vocabulary.ids("task"), "dataset": vocabulary.ids("dataset")}
    metric_ids, limits = vocabulary.ids("metric"), vocabulary.limits
    seen: dict[ResultIdentity, int] = {}
    on_board: dict[tuple[str, str, str], list[int]] = {}
    for i, result in enumerate(results):
        if not isinstance(result, dict):
            continue
        for field in ("task", "dataset"):
            target: Any = result.get(field)
            if isinstance(target, str) and target not in known[field]:
                _check_reference(findings, vocabulary, field, target, ("results", i, field))
        if "date" in result:
            _check_date(findings, result["date"], ("results", i, "date"), today)
        metrics = result.get("metrics")
        if isinstance(metrics, dict):
            for metric_id, value in metrics.items():
                if metric_id not in metric_ids:
                    _check_reference(findings, vocabulary, "metric", metric_id,
                                     ("results", i, "metrics", metric_id), key=True)
                    continue
                number: Any = value.get("value") if isinstance(value, dict) else value
                if type(number) is float and (short := float_artefact(number)) is not None:
                    pointer = ("results", i, "metrics", metric_id,
                               *(("value",) if isinstance(value, dict) else ()))
                    findings.add("Q012", f"{pointer_text(pointer)}: {number!r} looks like "
                                 f"{short!r} computed in floating point", pointer,
                                 hint=f"if the paper prints {short!r}, write {short!r}")
                limit = limits(metric_id)
                if limit is not None and type(number) in (int, float):
                    _check_limits(findings, limit, number, ("results", i, "metrics", metric_id))
        if "paper" in result and isinstance(result["paper"], str):
            _check_reference(findings, vocabulary, "paper", result["paper"], ("results", i, "paper"))
        identity = identity_of(result)
        if identity is None:  # a list or mapping where a name belongs: the schema reports it
            continue
        _check_placeholder(findings, result["model"], ("results", i, "model"))
        _check_board(findings, vocabulary, result, identity, i)
        first = seen.setdefault(identity, i)
        if first != i:
            findings.add("V006", f"results[{i}] is the same result as results[{first}] "
                         f"(task, dataset, split and model '{result['model']}' compared without "
                         "case, spacing or invisible characters)",
                         ("results", i), hint=f"merge its metrics into results[{first}]")
        elif len(results) > 1:
            on_board.setdefault(identity[:3], []).append(i)
    for indices in on_board.values():
        if len(indices) > 1:  # seldom: most papers have one result on a board
            _check_same_values(findings, results, indices)
    _check_alias_names(findings, results, seen)


def _check_alias_names(findings: Findings, results: list[Any],
                       seen: dict[ResultIdentity, int]) -> None:
    """V006 for an alias that names another result of the record on its board (its model,
    or another's alias): the importer finds a result by its aliases, and the archive export
    writes a row under each, so the two results' values would be taken one for the other."""
    if not any(isinstance(r, dict) and r.get("aliases") for r in results):
        return  # the usual paper, on the validator's hot path
    named = dict(seen)
    for i, result in enumerate(results):
        aliases = result.get("aliases") if isinstance(result, dict) else None
        if not isinstance(aliases, list) or identity_of(result) is None:
            continue
        for k, alias in enumerate(aliases):
            key = identity_of({**result, "model": alias}) if isinstance(alias, str) else None
            if key is None:
                continue
            other = named.setdefault(key, i)
            if other != i:
                findings.add("V006", f"results[{i}].aliases[{k}] '{alias}' names results[{other}] "
                             f"('{results[other]['model']}') on the same leaderboard: two results "
                             "cannot share a name", ("results", i, "aliases", k),
                             hint="remove the alias, or merge the two results if they are one")


def _check_board(findings: Findings, vocabulary: Vocabulary, result: Mapping[str, Any],
                 identity: ResultIdentity, i: int) -> None:
    """The leaderboard a result is on (:func:`.ids.board_problem`): a split that names one
    (V011), an id that fits in a file's name (V012)."""
    task, dataset = identity[:2]
    split = result.get("split")
    if not isinstance(split, str) or not split:  # no split, or the schema's to report
        split = None
    found = board_problem(task, dataset, split, vocabulary.longest_task_id(task))
    if found is not None:
        code, why = found
        at: Pointer = ("results", i, "split" if split else "dataset")
        findings.add(code, f"results[{i}]: {why}" + (
            ": the result would be ranked with results that give no split"
            if code == "V011" else ""), at, hint=_BOARD_HINTS[code])


_BOARD_HINTS = {"V011": "write the split in Latin letters or digits (\"validation\", \"test\"); "
                        "the paper's words can go in notes",
                "V012": "shorten the split, or the task's or dataset's id"}


def values_key(metrics: Mapping[str, Any]) -> tuple[tuple[str, float], ...] | None:
    """A result's values as two results with the same values compare equal; None if one is not
    a number (the schema reports it)."""
    out = []
    for metric_id, value in metrics.items():
        number: Any = value.get("value") if isinstance(value, dict) else value
        if type(number) not in (int, float):
            return None
        out.append((metric_id, float(number)))
    return tuple(sorted(out)) if out else None


def _check_same_values(findings: Findings, results: list[Any], indices: list[int]) -> None:
    """Q005/Q006 among the results at ``indices``, all on one board."""
    for code, i, j in same_value_pairs(results, indices):
        name, other = results[i]["model"], results[j]["model"]
        if code == "Q005":
            findings.add("Q005", f"results[{i}] '{name}' is results[{j}] '{other}' again: "
                         "same board, same values, and the names differ only by a year or a "
                         "footnote mark", ("results", i, "model"),
                         hint=f"remove results[{i}]; the board shows one row per result")
        else:
            findings.add("Q006", f"results[{i}] '{name}' has every value of results[{j}] "
                         f"'{other}' on the same board "
                         f"({len(results[i]['metrics'])} metrics)", ("results", i, "model"),
                         hint="check the paper: if they are one model, keep one result")


def same_value_pairs(results: list[Any], indices: list[int]) -> Iterator[tuple[str, int, int]]:
    """Among the results at ``indices`` (schema-valid, all on one board), each later one with
    every value of an earlier one: ("Q005", i, j) where their names differ only by a year or a
    footnote mark (one result listed twice), ("Q006", i, j) where they differ otherwise and two
    metrics or more agree. The one definition of a duplicate row, for the validator and for
    ``scripts/merge_duplicate_rows.py``."""
    # Each group of equal values: its first result (with its name undated), and the first
    # result of each undated name, so that each result costs one lookup (a scan of the earlier
    # results of a value took 11 minutes over 34,000 rows of one value; helper-79).
    by_values: dict[tuple[tuple[str, float], ...], tuple[int, str, dict[str, int]]] = {}
    for i in indices:
        metrics = results[i].get("metrics")
        values = values_key(metrics) if isinstance(metrics, dict) else None
        if values is None:
            continue
        name = undated(results[i]["model"])
        group = by_values.get(values)
        if group is None:
            by_values[values] = (i, name, {name: i})
            continue
        first, first_name, named = group
        if len(values) > 1:  # two values or more agreeing: a duplicate, named so or not
            yield ("Q005" if first_name == name else "Q006"), i, first
        elif name in named:
            yield "Q005", i, named[name]
        named.setdefault(name, i)


def rows_by_board(results: list[Any]) -> list[list[int]]:
    """The indices of a paper's results, grouped by the board they are on (task, dataset and
    split, as :func:`.ids.result_identity` has them), results whose names are not all strings
    left out."""
    on_board: dict[tuple[str, str, str], list[int]] = {}
    for i, result in enumerate(results):
        identity = identity_of(result)
        if identity is not None:
            on_board.setdefault(identity[:3], []).append(i)
    return list(on_board.values())


def _check_limits(findings: Findings, limit: Limits, number: float, pointer: Pointer) -> None:
    refused = limit.refuses(number)
    if refused is not None:
        findings.add("V002", f"{pointer_text(pointer)}: {refused}", pointer,
                     hint="check the value and its unit against the paper (the range is set "
                     "by the metric's file, registry/metrics/)")
    elif limit.percent and 0 < number <= 1:
        # The percent by decimal arithmetic: 0.07 * 100 is 7.000000000000001 as floats.
        percent = format((decimal.Decimal(repr(number)) * 100).normalize(), "f")
        findings.add("V003", f"{pointer_text(pointer)}: {number} looks like a fraction, but "
                     f"{limit.name} is in percent", pointer,
                     hint=f"if the paper says {percent}%, write {percent}"
                     if number >= 1e-6 else "check the value and its unit against the paper")




def _strings(value: Any) -> Iterator[tuple[int, str]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield i, item


# --- across records ---------------------------------------------------------------------


def check_names(entries: Iterable[Entry], locate: Callable[[str, Pointer], tuple[int, int]]
                ) -> list[Diagnostic]:
    """A name or alias that leads to two entities of one kind (I002)."""
    claims: dict[tuple[str, str], list[tuple[Entry, Pointer]]] = {}
    for entry in entries:
        names: list[tuple[str, Pointer]] = [(entry.id, ("id",))]
        if entry.name:
            names.append((entry.name, ("name",)))
        names += [(a, ("aliases", i)) for i, a in enumerate(entry.aliases)]
        mine: set[str] = set()
        for name, pointer in names:
            folded = fold(name)
            if folded not in mine:
                mine.add(folded)
                claims.setdefault((entry.kind, folded), []).append((entry, pointer))
    out: list[Diagnostic] = []
    conflicts = [(key, holders) for key, holders in claims.items()
                 if len(holders) > 1 and len({e.id for e, _ in holders}) > 1]
    for (kind, _), holders in sorted(conflicts, key=lambda c: c[0]):
        for entry, pointer in holders:
            others = _some([(e.id, f"'{e.id}' ({e.file})") for e, _ in holders], entry.id)
            line, column = locate(entry.file, pointer)
            out.append(Diagnostic(
                "I002", f"{kind} '{entry.id}' claims the name '{_claimed(entry, pointer)}', "
                f"also claimed by {kind} {others}",
                entry.file, line, column, hint="keep the name on one of them", pointer=pointer))
    return out


def check_near_names(entries: Iterable[Entry],
                     locate: Callable[[str, Pointer], tuple[int, int]]) -> list[Diagnostic]:
    """Two entities of one kind whose names or aliases are the same but for case, spacing,
    punctuation or an abbreviation spelt out beside them (Q010): "ASR" and "Automatic speech
    recognition (ASR)", "Knowledge-based" and "Knowledge-based:". Names the same as identity
    reads them are I002's, not repeated here."""
    holders: dict[tuple[str, str], dict[str, tuple[Entry, Pointer, str]]] = {}
    for entry in entries:
        if entry.kind == "benchmark":
            continue
        names: list[tuple[str, Pointer]] = [(entry.name, ("name",))] if entry.name else []
        names += [(a, ("aliases", i)) for i, a in enumerate(entry.aliases)]
        for name, pointer in names:
            for key in name_keys(name):
                holders.setdefault((entry.kind, key), {}).setdefault(entry.id,
                                                                     (entry, pointer, name))
    # Each entity with the others it shares a name with: one diagnostic an entity, naming the
    # first other and counting the rest (one a pair wrote a million lines for 1,000 entities
    # named "Same:", "Same::"...).
    groups: dict[tuple[str, str], list[dict[str, tuple[Entry, Pointer, str]]]] = {}
    for (kind, _), by_id in holders.items():
        if len(by_id) > 1:
            for entity_id in by_id:
                groups.setdefault((kind, entity_id), []).append(by_id)
    # Each name folded once, each group's members in id order: an entity costs a look at the
    # first few others of its groups, not a pass over them all (9,000 datasets of one name
    # took 67 s; helper-81).
    folded: dict[int, tuple[list[tuple[str, str, Entry, str]], Counter[str]]] = {}
    for by_id in holders.values():
        if len(by_id) > 1:
            members = sorted((b.id, fold(nb), b, nb) for b, _, nb in by_id.values())
            folded[id(by_id)] = (members, Counter(f for _, f, _, _ in members))
    out: list[Diagnostic] = []
    for (kind, entity_id), shared in sorted(groups.items()):
        a, pointer, name = shared[0][entity_id]
        mine = fold(name)
        others: dict[str, tuple[Entry, str]] = {}
        counts = []
        for by_id in shared:
            members, per_fold = folded[id(by_id)]
            counts.append(len(members) - per_fold[mine] - (0 if a.id in by_id and fold(
                by_id[a.id][2]) == mine else 1))
            taken = 0
            for b_id, f, b, nb in members:
                if taken == 4:
                    break
                if b_id != a.id and f != mine:  # else I002 says it
                    others.setdefault(b_id, (b, nb))
                    taken += 1
        if not others:
            continue
        (b, other), *rest = [others[k] for k in sorted(others)][:4]
        # Exact with one group (the usual case); across several, the largest group's count.
        count = max(counts) - 1 if len(shared) > 1 else counts[0] - 1
        more = f" (and {'at least ' if len(shared) > 1 else ''}{count} other {kind}s: " \
            f"{', '.join(repr(e.id) for e, _ in rest[:3])}{', ...' if count > 3 else ''})" \
            if count > 0 else ""
        line, column = locate(a.file, pointer)
        out.append(Diagnostic(
            "Q010", f"{kind} '{a.id}' is named '{name}', and {kind} '{b.id}' ({b.file}) "
            f"'{other}'{more}: the same name but for case, punctuation or an abbreviation",
            a.file, line, column, hint=f"if they are one {kind}, merge them: keep one id, the "
            "other's name as an alias (scripts/merge_entities.py)", pointer=pointer))
    return out


def _claimed(entry: Entry, pointer: Pointer) -> str:
    if pointer == ("id",):
        return entry.id
    if pointer == ("name",):
        return entry.name or ""
    index = pointer[1]
    return entry.aliases[index] if isinstance(index, int) else ""


def check_task_tree(tasks: Mapping[str, Entry],
                    locate: Callable[[str, Pointer], tuple[int, int]]) -> list[Diagnostic]:
    """Cycles through ``parent`` (R003), reported once on each task of the cycle; a task with
    more ancestors than :data:`.leaderboard.MAX_TASK_DEPTH` (R004), reported on each task just
    past that depth."""
    out: list[Diagnostic] = []
    plain = {task_id: entry.data for task_id, entry in tasks.items()}
    for task_id, entry in sorted(tasks.items()):
        over = ancestors(plain, task_id, MAX_TASK_DEPTH + 1)
        if len(over) > MAX_TASK_DEPTH and len(ancestors(plain, over[0], MAX_TASK_DEPTH + 1)) \
                == MAX_TASK_DEPTH and task_id not in over:
            line, column = locate(entry.file, ("parent",))
            out.append(Diagnostic(
                "R004", f"task '{task_id}' has more than {MAX_TASK_DEPTH} ancestors "
                f"({' → '.join(over[:3])} → ...): its results would count on the leaderboards "
                f"of its {MAX_TASK_DEPTH} nearest only", entry.file, line, column,
                hint="give it a parent nearer the root", pointer=("parent",)))
    return out + parent_cycles(tasks, "task", locate)


def parent_cycles(entries: Mapping[str, Entry], kind: str,
                  locate: Callable[[str, Pointer], tuple[int, int]]) -> list[Diagnostic]:
    """Cycles through ``parent`` among tasks (R003) or datasets (R005), reported once on each
    entity of the cycle."""
    code = "R003" if kind == "task" else "R005"
    out: list[Diagnostic] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(entries):
        path: list[str] = []
        node: str | None = start
        while node is not None and node in entries and state.get(node) is None:
            state[node] = 1
            path.append(node)
            parent = entries[node].data.get("parent")
            node = parent if isinstance(parent, str) else None
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node):]
            # A long cycle is shown by its ends (each of its entities is reported: the whole
            # of it in each message made the report grow as its square).
            shown = " → ".join([*cycle, cycle[0]]) if len(cycle) <= 6 else \
                " → ".join([*cycle[:3], "...", *cycle[-2:], cycle[0]]) + \
                f" ({len(cycle)} {kind}s)"
            for entity_id in cycle:
                entry = entries[entity_id]
                line, column = locate(entry.file, ("parent",))
                out.append(Diagnostic(code, f"{kind} '{entity_id}' is its own ancestor: {shown}",
                                      entry.file, line, column,
                                      hint=f"remove 'parent' from one {kind} of the cycle",
                                      pointer=("parent",)))
        for entity_id in path:
            state[entity_id] = 2
    return out


#: (task id, dataset id, split slug, metric id): a metric some result reports on a board.
BoardMetric = tuple[str, str, str, str]


def board_metrics(data: Any) -> set[BoardMetric]:
    """The metrics a paper's results report, by the board they are filed on."""
    results = data.get("results") if isinstance(data, dict) else None
    out: set[BoardMetric] = set()
    if isinstance(results, list):
        for result in results:
            if not isinstance(result, dict):
                continue
            task, dataset, split = result.get("task"), result.get("dataset"), result.get("split")
            metrics = result.get("metrics")
            if isinstance(task, str) and isinstance(dataset, str) and isinstance(metrics, dict) \
                    and (split is None or isinstance(split, str)):
                board = (task, dataset, split_key(split))  # as ids.result_identity has it
                out.update((*board, m) for m in metrics if isinstance(m, str))
    return out


#: (task id, dataset id, split slug, split as written, file, result index): a result's split.
SplitSpelling = tuple[str, str, str, str, str, int]


def split_spellings(file: str, data: Any) -> list[SplitSpelling]:
    """The splits a holder's results write, for :func:`check_split_spellings`."""
    results = data.get("results") if isinstance(data, dict) else None
    out: list[SplitSpelling] = []
    if isinstance(results, list):
        for i, result in enumerate(results):
            split = result.get("split") if isinstance(result, dict) else None
            if isinstance(split, str) and split:
                task, dataset = result.get("task"), result.get("dataset")
                key = split_key(split)
                if key and isinstance(task, str) and isinstance(dataset, str):
                    out.append((task, dataset, key, split, file, i))
    return out


def check_split_spellings(splits: Iterable[SplitSpelling],
                          locate: Callable[[str, Pointer], tuple[int, int]]
                          ) -> list[Diagnostic]:
    """Results on one leaderboard that write its split differently (Q011): a split is its slug,
    so "C++" and "C", or "test-clean" and "test clean", are one split, ranked together."""
    by_board: dict[tuple[str, str, str], dict[str, list[SplitSpelling]]] = {}
    for spelling in splits:
        by_board.setdefault(spelling[:3], {}).setdefault(fold(spelling[3]), []).append(spelling)
    out: list[Diagnostic] = []
    for (task, dataset, key), spellings in sorted(by_board.items()):
        if len(spellings) < 2:
            continue
        # The most common spelling is the board's; each other one is reported where written.
        usual = min(spellings.values(),
                    key=lambda found: (-len(found), min((f[4], f[5]) for f in found)))
        for found in spellings.values():
            if found is usual:
                continue
            for _, _, _, split, file, i in found:
                pointer: Pointer = ("results", i, "split")
                line, column = locate(file, pointer)
                out.append(Diagnostic(
                    "Q011", f"results[{i}]: split {split!r} is on the leaderboard "
                    f"{layout.benchmark_id(task, dataset, key)} with results that write it "
                    f"{usual[0][3]!r} ({usual[0][4]}): one split, ranked together",
                    file, line, column, pointer=pointer,
                    hint=f"write it {usual[0][3]!r}, or, if it is another split, a name whose "
                    "slug differs"))
    return out


def check_primary_metrics(benchmarks: Mapping[str, Entry], tasks: Mapping[str, Entry],
                          metric_ids: Collection[str], reported: Iterable[BoardMetric],
                          locate: Callable[[str, Pointer], tuple[int, int]]
                          ) -> list[Diagnostic]:
    """A benchmark whose primary metric no result on its board reports (Q007). A result filed
    under a subtask is on its ancestors' boards too, as leaderboards are compiled. An unknown
    metric is left to R001, which suggests the id."""
    on_board: dict[tuple[str, str, str], set[str]] = {}
    for task, dataset, split, metric in reported:
        node: str | None = task
        seen: set[str] = set()
        while node is not None and node not in seen:
            seen.add(node)
            on_board.setdefault((node, dataset, split), set()).add(metric)
            parent = tasks[node].data.get("parent") if node in tasks else None
            node = parent if isinstance(parent, str) else None
    out: list[Diagnostic] = []
    for entry in sorted(benchmarks.values(), key=lambda e: e.file):
        board: Any = entry.data.get("task"), entry.data.get("dataset"), entry.data.get("split")
        primary: Any = entry.data.get("primary_metric")
        listed: Any = entry.data.get("metrics")
        # Without primary_metric, the first metric listed ranks the board (leaderboard.py).
        pointer: Pointer = ("primary_metric",)
        if primary is None and isinstance(listed, list) and listed:
            primary, pointer = listed[0], ("metrics", 0)
        if not (isinstance(board[0], str) and isinstance(board[1], str)
                and isinstance(primary, str) and primary in metric_ids
                and (board[2] is None or isinstance(board[2], str))):
            continue
        metrics = on_board.get((board[0], board[1], split_key(board[2])))
        if metrics is None or primary in metrics:
            continue  # no results yet: the settings may be written before them
        line, column = locate(entry.file, pointer)
        first = " (the first of its metrics, which ranks it when it names no primary_metric)" \
            if pointer[0] == "metrics" else ""
        out.append(Diagnostic("Q007", f"benchmark '{entry.id}': no result reports its primary "
                              f"metric '{primary}'{first} (its results report "
                              f"{', '.join(sorted(metrics))})", entry.file, line, column,
                              hint="make primary_metric one that its results report",
                              pointer=pointer))
    return out


def check_identifiers(owners: Mapping[tuple[str, str], list[str]],
                      locate: Callable[[str, Pointer], tuple[int, int]]) -> list[Diagnostic]:
    """An identifier (arXiv id, DOI...) held by two papers (I003); a title two papers have
    (Q013, :data:`.ids.TITLE_SCHEME`)."""
    out: list[Diagnostic] = []
    shared = sorted((key, sorted(files)) for key, files in owners.items() if len(files) > 1)
    for (scheme, value), files in shared:
        if scheme == CITES_SCHEME:
            continue  # two papers citing one: nothing wrong
        if scheme == TITLE_SCHEME:
            for file in files:
                others = _some([(f, f) for f in files], file)
                line, column = locate(file, ("title",))
                out.append(Diagnostic(
                    "Q013", f"the paper has the title of {others}", file, line, column,
                    hint="if it is the same paper, merge the files (a rename with "
                    "corrections: docs/registry.md); if not, nothing to do", pointer=("title",)))
            continue
        for file in files:
            others = _some([(f, f) for f in files], file)
            line, column = locate(file, ("identifiers", scheme))
            out.append(Diagnostic("I003", f"{scheme} {value} is also the identifier of {others}",
                                  file, line, column, hint="merge the papers into one file",
                                  pointer=("identifiers", scheme)))
    return out


def _some(items: Sequence[tuple[str, str]], leave_out: str, shown: int = 3) -> str:
    """The labels of ``items`` (key, label) but those keyed ``leave_out``: the first
    ``shown``, then how many more (a list of every other in each of n diagnostics made a
    report grow as n², 68 MB for 1,000 papers sharing an arXiv id)."""
    others = [label for key, label in items if key != leave_out]
    return ", ".join(others[:shown]) + (f" and {len(others) - shown} more"
                                        if len(others) > shown else "")


def check_holder_ids(sources: Iterable[layout.RegistryFile], paper_ids: Collection[str],
                     locate: Callable[[str, Pointer], tuple[int, int]]) -> list[Diagnostic]:
    """A source with the id of a paper (I011)."""
    out: list[Diagnostic] = []
    for f in sources:
        if f.kind == layout.SOURCE and f.stem in paper_ids:
            line, column = locate(f.name, ("id",))
            out.append(Diagnostic(
                "I011", f"the source '{f.stem}' has the id of the paper at "
                f"registry/{layout.relative_path(layout.PAPER, f.stem)}", f.name, line, column,
                hint="give the source another id: papers and sources share one set",
                pointer=("id",)))
    return out


def position_finder(root: Path) -> Callable[[str, Pointer], tuple[int, int]]:
    """Locate a pointer in a file named relative to ``root``, reading it with positions."""
    cache: dict[str, Document] = {}

    def locate(name: str, pointer: Pointer) -> tuple[int, int]:
        if name not in cache:
            cache[name] = read_rich(name, (root / name).read_bytes())
        return cache[name].locate(pointer)

    return locate
