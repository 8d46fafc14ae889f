"""The import report every importer writes: what was read and what became of it, every problem
with where it came from — as Markdown for people and JSON for tools.

The counts speak of *rows*, a result as its source writes it (an archive row, a line of a
table, a model-index result), and what each became: a result, merged into another row, or not
imported (with a diagnostic saying why). Every row is one of the three.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..diagnostics import CATALOGUE, Diagnostic
from ..markdown import code_span, table
from .formats import FORMATS

#: The problems of one code listed in full in a report; the others are counted.
LISTED = 1000
_MESSAGE = 500
_POINTER_PART = 200


class Problems:
    """Diagnostics, each code's first :data:`LISTED` kept and the rest counted: a dump of a
    million broken records gives a report of thousands of lines, not of millions (a 3 KB gzip
    of a million empty records once made a 400 MB report). Text from the dump is shortened."""

    def __init__(self, listed: int = LISTED) -> None:
        self.listed = listed
        self.kept: list[Diagnostic] = []
        self.total: Counter[str] = Counter()
        self._kept: set[Diagnostic] = set()

    def add(self, diagnostic: Diagnostic) -> None:
        # One problem met again (a collection's bad Code URL, once per model in it) is one.
        if diagnostic in self._kept:
            return
        self.total[diagnostic.code] += 1
        if self.total[diagnostic.code] <= self.listed:
            self.kept.append(_short(diagnostic))
            self._kept.add(diagnostic)

    def count(self, code: str, more: int) -> None:
        """``more`` problems of ``code`` a reader counted without keeping them (past what the
        report lists): counted as every other, listed by none."""
        self.total[code] += more

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    def report(self, file: str) -> tuple[list[Diagnostic], Counter[str]]:
        """The problems to list — those kept, and for each code with more, an A019 (naming
        ``file``) that counts them — and the number of problems by code."""
        listed, totals = list(self.kept), Counter(self.total)
        for code, n in sorted(self.total.items()):
            if n > self.listed:
                listed.append(Diagnostic(
                    "A019", f"{n - self.listed:,} more {code} problems are not listed: the "
                    f"report lists the first {self.listed:,} of each code", file))
                totals["A019"] += 1
        return listed, totals


def _short(d: Diagnostic) -> Diagnostic:
    if len(d.message) <= _MESSAGE and not any(
            isinstance(p, str) and len(p) > _POINTER_PART for p in d.pointer or ()):
        return d
    pointer = None if d.pointer is None else tuple(
        p[:_POINTER_PART] + "..." if isinstance(p, str) and len(p) > _POINTER_PART else p
        for p in d.pointer)
    message = d.message if len(d.message) <= _MESSAGE else d.message[:_MESSAGE] + "..."
    return dataclasses.replace(d, message=message, pointer=pointer)


@dataclasses.dataclass
class ImportReport:
    sources: list[str]
    #: What the sources held and what became of it: rows, results, merged rows, skipped rows...
    counts: Counter[str]
    #: Files by kind and outcome: ("paper", "created"), ("task", "unchanged")...
    files: Counter[tuple[str, str]]
    #: The problems listed in full: the first of each code (see :class:`Problems`).
    diagnostics: list[Diagnostic]
    #: Metrics imported without a direction, for a maintainer to decide.
    undecided_metrics: list[str]
    #: Problems by code, listed or not.
    totals: Counter[str] = dataclasses.field(default_factory=Counter)
    #: What was imported, as the title says it: a format's subject (:data:`.formats.FORMATS`).
    subject: str = FORMATS["pwc-archive"].subject

    def __post_init__(self) -> None:
        if not self.totals:
            self.totals = Counter(d.code for d in self.diagnostics)

    @property
    def errors(self) -> int:
        return sum(n for code, n in self.totals.items() if CATALOGUE[code].severity == "error")

    @property
    def warnings(self) -> int:
        return sum(n for code, n in self.totals.items()
                   if CATALOGUE[code].severity == "warning")


_OUTCOMES = ("created", "updated", "unchanged", "kept", "not written")
_TITLE = "# Import of "
_JSON_START = re.compile(rb'^\{\s*"version": [0-9]+,\s*"sources": \[')


def is_markdown_report(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a report :func:`markdown` wrote, which a new
    import may replace (see :func:`..outputs.check_file`)."""
    return any(head.startswith(f"{_TITLE}{f.subject}\n".encode()) for f in FORMATS.values())


def is_json_report(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a report :func:`as_json` wrote."""
    return _JSON_START.match(head) is not None


def _where(d: Diagnostic) -> str:
    return f"{d.file}:{d.line}:{d.column}" if d.line else d.file


def summary(report: ImportReport) -> str:
    counts = report.counts
    created = sum(n for (_, outcome), n in report.files.items() if outcome == "created")
    updated = sum(n for (_, outcome), n in report.files.items() if outcome == "updated")
    # A file of results refused whole (A014: past the size limit, or the system said no):
    # its results are counted above but are not in the registry.
    unwritten = sum(n for (_, outcome), n in report.files.items() if outcome == "not written")
    refused = f", {unwritten} not written (A013, A014)" if unwritten else ""
    aliased = f" ({counts['aliased row']} as another name of its model)" \
        if counts["aliased row"] else ""
    held = f" ({counts['result in a source']} in {counts['source']} sources)" \
        if counts["source"] else ""
    return (f"{counts['row']} rows read: {counts['result']} results{held}, "
            f"{counts['merged row']} merged into another row{aliased}, "
            f"{counts['skipped row']} not imported; {created} files "
            f"created, {updated} updated{refused}; {report.errors} errors, "
            f"{report.warnings} warnings")


def markdown(report: ImportReport) -> str:
    lines = [_TITLE + report.subject, "", summary(report) + ".", "",
             "## Sources", "", *(f"- {code_span(s)}" for s in report.sources), "", "## Records", ""]
    lines.append(table(["What", "Count"], [[k, str(v)] for k, v in sorted(report.counts.items())]))
    lines += ["", "## Files", ""]
    kinds = sorted({kind for kind, _ in report.files})
    lines.append(table(["Kind", *_OUTCOMES],
                       [[k, *(str(report.files[(k, o)]) for o in _OUTCOMES)] for k in kinds]))
    if report.undecided_metrics:
        lines += ["", "## Metrics without a direction", "",
                  "The table of known metrics does not know these names. Their leaderboards are "
                  "listed without ranks until a maintainer adds `direction` to each file.", "",
                  *(f"- {code_span(m)}" for m in report.undecided_metrics)]
    by_code = report.totals
    if report.diagnostics:
        lines += ["", "## Problems", "",
                  table(["Code", "Problem", "Count"],
                        [[c, CATALOGUE[c].title, str(n)] for c, n in sorted(by_code.items())]),
                  "", table(["Where", "Code", "Message"],  # table() escapes each cell once
                            [[_where(d), d.code, d.message] for d in report.diagnostics])]
    return "\n".join(lines) + "\n"


def as_json(report: ImportReport) -> str:
    payload: dict[str, Any] = {
        "version": 1,
        "sources": report.sources,
        "counts": dict(sorted(report.counts.items())),
        "files": {kind: {o: report.files[(kind, o)] for o in _OUTCOMES}
                  for kind in sorted({k for k, _ in report.files})},
        "undecided_metrics": report.undecided_metrics,
        "summary": {"errors": report.errors, "warnings": report.warnings},
        "not_listed": {code: n - listed for code, n in sorted(report.totals.items())
                       if (listed := sum(d.code == code for d in report.diagnostics)) < n},
        "diagnostics": [{"code": d.code, "severity": d.severity, "file": d.file,
                         "line": d.line or None, "column": d.column or None,
                         "pointer": list(d.pointer) if d.pointer else None,
                         "message": d.message, "hint": d.hint} for d in report.diagnostics],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
