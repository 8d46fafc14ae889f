"""Make one result of each row a paper lists twice (what the validator warns about as Q005):
the same board, every value equal, and model names that differ only by a trailing year or
footnote mark ("ULMFiT" beside "ULMFiT (2018)", as the archive's NLP-progress rows have them).

    python scripts/merge_duplicate_rows.py [--date YYYY-MM-DD] [registry]

The rows are found by the validator's own rule (``check.same_value_pairs``). The result kept is
the one whose name carries no year or mark (the name the paper itself uses), else the first;
the other names go to its ``aliases``, so a search or an import by either name finds it. A field
only the removed row has (a code link) is kept; rows that disagree on anything else are left
alone and printed. Each removed row gets a correction saying what it duplicated, which the guard
on history asks for (H002). Files are written in the canonical layout, comments kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from pwc_registry import canonical, layout, schema, writing
from pwc_registry.check import rows_by_board, same_value_pairs
from pwc_registry.ids import fold, undated
from pwc_registry.load import read_rich
from pwc_registry.registry import value_of

#: Fields that say nothing about the row itself, or are compared as values are.
_NOT_COMPARED = {"model", "metrics", "aliases"}


def _same_field(field: str, a: Any, b: Any) -> bool:
    if field == "extra_training_data":  # absent is false
        return bool(a) is bool(b)
    return bool(a == b)


def merge_rows(results: list[dict[str, Any]], date: str
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """``results`` with each group of duplicate rows made one; the corrections for the rows
    removed; the groups left alone, and why."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.get(i, i) != i:
            i = parent[i]
        return i

    for indices in rows_by_board(results):
        for code, i, j in same_value_pairs(results, indices):
            if code == "Q005":
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in parent:
        groups.setdefault(root(i), []).append(i)
    removed: set[int] = set()
    corrections: list[dict[str, Any]] = []
    left: list[str] = []
    for first, members in sorted(groups.items()):
        group = sorted({first, *members})
        clean = [i for i in group if fold(results[i]["model"]) == undated(results[i]["model"])]
        keep = clean[0] if clean else group[0]
        kept = dict(results[keep])
        others = [i for i in group if i != keep]
        # Each row against the kept one and every row before it: in a group of three, two
        # removed rows could give two other code links or dates, and the second was lost.
        seen = dict(kept)
        conflict = None
        for i in others:
            conflict = next((f"'{results[i]['model']}' has another {field}"
                             for field in results[i] if field not in _NOT_COMPARED
                             and field in seen and not _same_field(field, seen[field],
                                                                   results[i][field])), None)
            if conflict is not None:
                break
            seen.update({f: v for f, v in results[i].items() if f not in seen})
        # The duplicate rule compares numbers; a spread or a note one row gives and the other
        # lacks would be lost with the row removed.
        conflict = conflict or next((
            f"'{results[i]['model']}' gives {metric} otherwise (its spread or note)"
            for i in others for metric, value in results[i]["metrics"].items()
            if value_of(value) != value_of(kept["metrics"].get(metric, value))), None)
        if conflict is not None:
            left.append(f"'{kept['model']}': {conflict}; left for a maintainer")
            continue
        aliases = list(kept.get("aliases", []))
        for i in others:
            other = results[i]
            for field, value in other.items():
                if field not in _NOT_COMPARED and field not in kept and (
                        field != "extra_training_data" or value):
                    kept[field] = value
            for name in [other["model"], *other.get("aliases", [])]:
                if name not in aliases and name != kept["model"]:
                    aliases.append(name)
            target = {k: other[k] for k in ("task", "dataset", "split", "model") if k in other}
            corrections.append({"date": date, "reason": f"duplicate of '{kept['model']}' (same "
                                "paper, same values); name kept as an alias", "result": target})
            removed.add(i)
        kept["aliases"] = aliases
        results[keep] = kept
    return [r for i, r in enumerate(results) if i not in removed], corrections, left


def merge_registry(registry: Path, date: str) -> tuple[int, list[str]]:
    """Rows removed over the registry's papers and sources; what was left alone."""
    files = writing.files_to_rewrite(registry)
    count, left = 0, []
    for f in files:
        if f.kind not in layout.HOLDER_KINDS:
            continue
        raw = f.read_bytes()
        doc = read_rich(f.name, raw)
        data = doc.data
        if not isinstance(data, dict) or doc.diagnostics \
                or not isinstance(data.get("results"), list):
            continue
        results, corrections, skipped = merge_rows(list(data["results"]), date)
        left += [f"{f.name}: {s}" for s in skipped]
        if not corrections:
            continue
        record = {**data, "results": results,
                  "corrections": [*data.get("corrections", []), *corrections]}
        if not schema.is_valid(f.kind, record):
            left.append(f"{f.name}: the merged record would not pass its schema")
            continue
        comments = canonical.comments_of(raw.decode("utf-8"), doc.positions, doc.key_positions)
        writing.rewrite_file(registry, f.path, canonical.dump(record, f.kind, comments).encode("utf-8"))
        count += len(corrections)
    return count, left


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("registry", type=Path, nargs="?", default=Path("registry"))
    parser.add_argument("--date", default=dt.date.today().isoformat())
    args = parser.parse_args(argv)
    try:
        count, left = merge_registry(args.registry, args.date)
    except writing.NotWritten as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    print("\n".join([*left, f"removed {count} duplicate rows, their names kept as aliases"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
