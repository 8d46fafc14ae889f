"""The import report, as Markdown for people and JSON for tools. Formatting only."""

from __future__ import annotations

import json
import re
from typing import Any

from ..diagnostics import CATALOGUE, Diagnostic
from ..markdown import cell, table
from .importer import ImportReport

_OUTCOMES = ("created", "updated", "unchanged", "kept", "not written")
_TITLE = "# Import of the Papers with Code archive"
_JSON_START = re.compile(rb'^\{\s*"version": [0-9]+,\s*"sources": \[')


def is_markdown_report(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a report :func:`markdown` wrote, which a new
    import may replace (see :func:`..outputs.check_file`)."""
    return head.startswith(_TITLE.encode() + b"\n")


def is_json_report(head: bytes) -> bool:
    """Whether a file starting with ``head`` is a report :func:`as_json` wrote."""
    return _JSON_START.match(head) is not None


def _where(d: Diagnostic) -> str:
    return f"{d.file}:{d.line}:{d.column}" if d.line else d.file


def summary(report: ImportReport) -> str:
    counts = report.counts
    created = sum(n for (_, outcome), n in report.files.items() if outcome == "created")
    updated = sum(n for (_, outcome), n in report.files.items() if outcome == "updated")
    aliased = f" ({counts['aliased row']} as another name of its model)" \
        if counts["aliased row"] else ""
    held = f" ({counts['result in a source']} in {counts['source']} sources)" \
        if counts["source"] else ""
    return (f"{counts['row']} rows read: {counts['result']} results{held}, "
            f"{counts['merged row']} merged into another row{aliased}, "
            f"{counts['skipped row']} not imported; {created} files "
            f"created, {updated} updated; {report.errors} errors, {report.warnings} warnings")


def markdown(report: ImportReport) -> str:
    lines = [_TITLE, "", summary(report) + ".", "",
             "## Sources", "", *(f"- `{s}`" for s in report.sources), "", "## Records", ""]
    lines.append(table(["What", "Count"], [[k, str(v)] for k, v in sorted(report.counts.items())]))
    lines += ["", "## Files", ""]
    kinds = sorted({kind for kind, _ in report.files})
    lines.append(table(["Kind", *_OUTCOMES],
                       [[k, *(str(report.files[(k, o)]) for o in _OUTCOMES)] for k in kinds]))
    if report.undecided_metrics:
        lines += ["", "## Metrics without a direction", "",
                  "The table of known metrics does not know these names. Their leaderboards are "
                  "listed without ranks until a maintainer adds `direction` to each file.", "",
                  *(f"- `{m}`" for m in report.undecided_metrics)]
    by_code = report.totals
    if report.diagnostics:
        lines += ["", "## Problems", "",
                  table(["Code", "Problem", "Count"],
                        [[c, cell(CATALOGUE[c].title), str(n)] for c, n in sorted(by_code.items())]),
                  "", table(["Where", "Code", "Message"],
                            [[cell(_where(d)), d.code, cell(d.message)]
                             for d in report.diagnostics])]
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
