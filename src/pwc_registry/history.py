"""Guards on history: what a change does to results that were already published.

Papers with Code died partly of open editing: values changed, results deleted. So, comparing
the merge base of a ref with the work tree (as a pull request would be compared):

- an existing metric value that changes (H001), a result that disappears (H002), a paper file
  that disappears (H003) are errors unless the paper records the change as a correction added
  in the same change, with a reason:

  .. code-block:: yaml

     corrections:
       - date: "2026-11-20"
         reason: Table 3 of v2 corrects the accuracy (66.63 in v1 was a typo)
         result: {task: stock-market-prediction, dataset: astock,
                  model: Chinese Lert Large (News)}
         metric: accuracy            # leave out to cover every value of the result
       - date: "2026-11-21"
         reason: the archive's slug was truncated
         renamed_from: lert-a-linguistically-motivated-pre-trained

- a paper renamed (its file gone, another with ``renamed_from`` naming it) is fine;
- a change that touches files outside ``registry/`` together with registry data is flagged
  for a maintainer (H004, a warning): tools and data are reviewed by different people.

A change that only adds papers and results has nothing here to say.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import layout
from .diagnostics import Diagnostic, Pointer
from .gitrefs import Changes, Version
from .load import read, read_rich
from .markdown import number


def _key(result: Mapping[str, Any]) -> tuple[Any, ...]:
    split = result.get("split")
    return (result.get("task"), result.get("dataset"),
            layout.slugify(split) if isinstance(split, str) else "", result.get("model"))


def _value(raw: Any) -> Any:
    return raw.get("value") if isinstance(raw, dict) else raw


def _corrections(data: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    found = data.get("corrections") if isinstance(data, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def _new_corrections(base: Mapping[str, Any] | None, head: Mapping[str, Any] | None
                     ) -> list[Mapping[str, Any]]:
    old = _corrections(base)
    return [c for c in _corrections(head) if c not in old and c.get("reason")]


def _covers(correction: Mapping[str, Any], result: Mapping[str, Any], metric: str | None) -> bool:
    target = correction.get("result")
    if not isinstance(target, dict) or _key(target) != _key(result):
        return False
    return metric is None or correction.get("metric") in (None, metric)


def compare_paper(name: str, base: Mapping[str, Any] | None, head: Mapping[str, Any] | None,
                  head_raw: bytes | None) -> list[Diagnostic]:
    """H001 and H002 for one paper file present in both versions (pure but for positions)."""
    if not isinstance(base, dict) or not isinstance(head, dict):
        return []
    new = _new_corrections(base, head)
    head_results = {_key(r): (i, r) for i, r in enumerate(head.get("results", []))
                    if isinstance(r, dict)}
    found: list[tuple[str, str, Pointer, str]] = []
    for old in base.get("results", []):
        if not isinstance(old, dict):
            continue
        label = f"'{old.get('model')}' on {old.get('dataset')} ({old.get('task')})"
        if _key(old) not in head_results:
            if not any(_covers(c, old, None) for c in new):
                found.append(("H002", f"the result {label} is removed", ("results",),
                              "keep it, or add a correction naming this result with the reason "
                              "it goes"))
            continue
        i, now = head_results[_key(old)]
        for metric, raw in (old.get("metrics") or {}).items():
            before, after = _value(raw), _value((now.get("metrics") or {}).get(metric))
            if before == after or any(_covers(c, old, metric) for c in new):
                continue
            change = (f"{number(before)} → {number(after)}" if after is not None
                      else f"{number(before)} is removed")
            found.append(("H001", f"{metric} of {label} changes: {change}",
                          ("results", i, "metrics", metric) if after is not None
                          else ("results", i, "metrics"),
                          "if the paper says so, add a correction with the reason (see "
                          "CONTRIBUTING.md); otherwise restore the value"))
    if not found:
        return []
    located = read_rich(name, head_raw) if head_raw is not None else None
    out = []
    for code, message, pointer, hint in found:
        line, column = located.locate(pointer) if located else (1, 1)
        out.append(Diagnostic(code, message, name, line, column, hint, pointer))
    return out


def check_history(registry: Path, changes: Changes) -> list[Diagnostic]:
    """What the work tree changes of the registry since the merge base in ``changes``."""
    head = Version(registry, None)
    base = Version(registry, changes.base)
    folder = registry.resolve().relative_to(head.top.resolve()).as_posix()
    changed = changes.under(folder)
    everything = list(changes.paths)
    try:
        base_files = base.read(changed)
        head_files = head.read(changed)
    finally:
        base.close()
        head.close()
    papers = [p for p in changed if p.startswith(f"{folder}/{layout.FOLDERS['paper']}/")]
    display = registry.name
    diagnostics: list[Diagnostic] = []
    renamed_from: set[str] = set()
    parsed: dict[str, tuple[Any, Any]] = {}
    for path in papers:
        b, h = base_files.get(path), head_files.get(path)
        name = f"{display}/{path[len(folder) + 1:]}"
        base_data = read(name, b).data if b is not None else None
        head_data = read(name, h).data if h is not None else None
        parsed[path] = (base_data, head_data)
        for c in _new_corrections(base_data, head_data):
            if isinstance(c.get("renamed_from"), str):
                renamed_from.add(c["renamed_from"])
    for path in papers:
        base_data, head_data = parsed[path]
        name = f"{display}/{path[len(folder) + 1:]}"
        if head_files.get(path) is None and isinstance(base_data, dict):
            old_id = Path(path).stem
            if old_id not in renamed_from:
                results = len(base_data.get("results", []))
                diagnostics.append(Diagnostic(
                    "H003", f"the paper '{old_id}' is removed, with its {results} results",
                    name, hint="papers are never deleted; if it was renamed, add a correction "
                    f"with renamed_from: {old_id} to the paper under its new id"))
            continue
        diagnostics += compare_paper(name, base_data, head_data, head_files.get(path))
    outside = [p for p in everything if not p.startswith(folder + "/")]
    if changed and outside:
        diagnostics += [Diagnostic("H004", "changed together with registry data: a maintainer "
                                   "reviews tool and data changes separately", p)
                        for p in outside]
    return diagnostics

