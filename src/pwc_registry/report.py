"""Formatting a validation report: human text, JSON, GitHub Actions annotations, Markdown.

Reporters only format; they never decide what is a problem or how the process exits.
"""

from __future__ import annotations

import json

from .diagnostics import Diagnostic
from .markdown import cell, code_span, printable
from .validate import Report


def summary_line(report: Report) -> str:
    counted = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}"
                        for kind, n in sorted(report.checked.items())) or "no files"
    verdict = "clean" if not report.diagnostics else (
        f"{report.errors} error{'s' if report.errors != 1 else ''}, "
        f"{report.warnings} warning{'s' if report.warnings != 1 else ''}")
    return f"checked {counted} ({report.scope}): {verdict}"


def partition(report: Report) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """The diagnostics to show one by one, the change's own files first, and the warnings to
    summarise: with --changed-since (or files named), those on files the change does not touch
    (every paper is checked when an entity changes, and their old warnings would bury the
    contributor's own).
    An error is always shown, wherever it is: the change may have caused it."""
    if report.changed is None:
        return report.diagnostics, []
    own = [d for d in report.diagnostics if d.file in report.changed]
    errors = [d for d in report.diagnostics if d.file not in report.changed
              and d.severity == "error"]
    old = [d for d in report.diagnostics if d.file not in report.changed
           and d.severity != "error"]
    return [*own, *errors], old


def summarised_line(old: list[Diagnostic]) -> str | None:
    """One line for the warnings on files a change does not touch (or, files named, on the
    others)."""
    if not old:
        return None
    files = len({d.file for d in old})
    return (f"{len(old)} warning{'s' if len(old) != 1 else ''} on {files} "
            f"file{'s' if files != 1 else ''} not changed or named, not listed "
            "(pwc validate lists every one)")


def text(report: Report, *, quiet: bool = False) -> str:
    """The diagnostics, the summary line last. ``quiet``: errors only (the summary still counts
    the warnings)."""
    lines: list[str] = []
    shown, old = partition(report)
    for d in shown:
        if quiet and d.severity != "error":
            continue
        lines.append(printable(f"{d.file}:{d.line}:{d.column}: {d.code} {d.message} "
                               f"[{d.problem.name}{', warning' if d.severity == 'warning' else ''}]"))
        if d.hint:
            lines.append(printable(f"    hint: {d.hint}"))
    note = summarised_line(old)
    if note and not quiet:
        lines.append(note)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    payload = {
        "version": 1,
        "scope": report.scope,
        "summary": {"checked": dict(sorted(report.checked.items())), "errors": report.errors,
                    "warnings": report.warnings},
        "diagnostics": [d.record() for d in report.diagnostics],
    }
    if report.changed is not None:
        payload["changed_files"] = sorted(report.changed)
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(report: Report) -> str:
    """Workflow commands GitHub turns into annotations on the diff (it shows at most 10 of a
    kind per step, so :func:`markdown` gives the full list for the job summary)."""
    lines = []
    shown, old = partition(report)
    # The change's own files first: GitHub shows only the first ten annotations of a kind.
    for d in shown:
        message = printable(d.message) + (f"\n{printable(d.hint)}" if d.hint else "")
        props = (f"file={_escape_property(d.file)},line={d.line},col={d.column},"
                 f"title={_escape_property(f'{d.code} {d.problem.name}')}")
        lines.append(f"::{d.severity} {props}::{_escape_data(message)}")
    note = summarised_line(old)
    if note:
        lines.append(note)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def markdown(report: Report) -> str:
    """The full report as Markdown, for a CI job summary or a pull-request comment."""
    out = ["## pwc validate", "", summary_line(report), ""]
    shown, old = partition(report)
    if shown:
        out += _table(shown)
    if old:
        # The full list, as annotations cannot give it; folded away, as text and annotations
        # count them in one line: they would bury the change's own problems.
        out += ["", f"<details><summary>{summarised_line(old)}</summary>", "", *_table(old),
                "", "</details>"]
    return "\n".join(out) + "\n"


def _table(diagnostics: list[Diagnostic]) -> list[str]:
    out = ["| | file | line | code | message |", "|---|---|---|---|---|"]
    for d in diagnostics:
        mark = "❌" if d.severity == "error" else "⚠️"
        message = d.message + (f" — {d.hint}" if d.hint else "")
        out.append(f"| {mark} | {code_span(d.file, in_table=True)} | {d.line}:{d.column} | "
                   f"{d.code} {d.problem.name} | {cell(message)} |")
    return out
