"""Formatting a validation report: human text, JSON, GitHub Actions annotations, Markdown.

Reporters only format; they never decide what is a problem or how the process exits.
"""

from __future__ import annotations

import json

from .diagnostics import Diagnostic
from .markdown import cell, printable
from .validate import Report


def summary_line(report: Report) -> str:
    counted = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}"
                        for kind, n in sorted(report.checked.items())) or "no files"
    verdict = "clean" if not report.diagnostics else (
        f"{report.errors} error{'s' if report.errors != 1 else ''}, "
        f"{report.warnings} warning{'s' if report.warnings != 1 else ''}")
    return f"checked {counted} ({report.scope}): {verdict}"


def text(report: Report) -> str:
    lines: list[str] = []
    for d in report.diagnostics:
        lines.append(printable(f"{d.file}:{d.line}:{d.column}: {d.code} {d.message} "
                               f"[{d.problem.name}{', warning' if d.severity == 'warning' else ''}]"))
        if d.hint:
            lines.append(printable(f"    hint: {d.hint}"))
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    payload = {
        "version": 1,
        "scope": report.scope,
        "summary": {"checked": dict(sorted(report.checked.items())), "errors": report.errors,
                    "warnings": report.warnings},
        "diagnostics": [_record(d) for d in report.diagnostics],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _record(d: Diagnostic) -> dict[str, object]:
    return {"code": d.code, "name": d.problem.name, "severity": d.severity, "file": d.file,
            "line": d.line, "column": d.column, "message": d.message, "hint": d.hint}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """Workflow commands GitHub turns into annotations on the diff (it shows at most 10 of a
    kind per step, so :func:`markdown` gives the full list for the job summary)."""
    lines = []
    for d in report.diagnostics:
        message = printable(d.message) + (f"\n{printable(d.hint)}" if d.hint else "")
        props = (f"file={_escape_property(d.file)},line={d.line},col={d.column},"
                 f"title={_escape_property(f'{d.code} {d.problem.name}')}")
        lines.append(f"::{d.severity} {props}::{_escape_data(message)}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def markdown(report: Report) -> str:
    """The full report as Markdown, for a CI job summary or a pull-request comment."""
    out = ["## pwc validate", "", summary_line(report), ""]
    if report.diagnostics:
        out += ["| | file | line | code | message |", "|---|---|---|---|---|"]
        for d in report.diagnostics:
            mark = "❌" if d.severity == "error" else "⚠️"
            message = d.message + (f" — {d.hint}" if d.hint else "")
            out.append(f"| {mark} | `{cell(d.file)}` | {d.line}:{d.column} | "
                       f"{d.code} {d.problem.name} | {cell(message)} |")
    return "\n".join(out) + "\n"
