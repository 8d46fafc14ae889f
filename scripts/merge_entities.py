"""Merge a task or dataset filed under two names into one: the other's name becomes an alias of
the one kept, its results move to the kept id, and each moved result gets a correction in its
paper (or source) saying why it left its old leaderboard (the guard on history asks for one, H002).

    python scripts/merge_entities.py KIND OTHER KEEP --reason TEXT [--date YYYY-MM-DD]
        [--metric OLD=NEW ...] [--split SPLIT] [--registry registry]

KIND is ``task`` or ``dataset``. What the kept record lacks (a description, links, a parent,
an area...) is taken from the other one; what both have and differs is left as the kept one
has it and printed. Tasks and datasets whose ``parent`` is OTHER, papers' ``tasks`` lists and
benchmark files follow. ``--metric`` renames a metric of the moved results (SQuAD's "score" on
the "… EM test" dataset is its EM) and ``--split`` files them under a split (the "test" those
names carry). A moved result that meets a result of the same holder with the same identity is
merged into it when their values do not disagree; otherwise the script stops before writing
anything. Files are written in the canonical layout, with their comments kept.

Refused before anything is written: a merge into itself; ``--metric`` onto a metric that is
not in the registry, that two of a result's metrics would map onto, or whose direction or unit
differs from the old one's where that is known (values are never converted); ``--split`` on a
result filed under another split; an entity with published corrections (H007); a place that
cannot be written. A task merged with its parent takes the parent's parent, never itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pwc_registry import canonical, layout, schema, writing
from pwc_registry.ids import fold, identity_of
from pwc_registry.load import read_rich
from pwc_registry.registry import value_of

#: Fields that may refer to an entity of the kind merged, by the kind holding them.
REFERRING = {"task": (("task", "parent"),), "dataset": (("dataset", "parent"),)}


class Refused(Exception):
    """The merge would lose or invent something; nothing has been written."""


class Files:
    """The registry's files read with positions, and what is to be written or deleted."""

    def __init__(self, registry: Path) -> None:
        files = writing.files_to_rewrite(registry)
        self.files = {Path(f.path): f for f in files}
        self.data: dict[Path, dict[str, Any]] = {}
        self.comments: dict[Path, canonical.Comments] = {}
        self.dirty: set[Path] = set()
        self.deleted: set[Path] = set()
        self.registry = registry.resolve()

    def of_kind(self, kind: str) -> list[Path]:
        return sorted(p for p, f in self.files.items() if f.kind == kind)

    def read(self, path: Path) -> dict[str, Any]:
        if path not in self.data:
            raw = path.read_bytes()
            doc = read_rich(str(path), raw)
            if not isinstance(doc.data, dict) or doc.diagnostics:
                raise Refused(f"{path}: not a clean record; run pwc validate first")
            self.data[path] = doc.data
            self.comments[path] = canonical.comments_of(raw.decode("utf-8"), doc.positions,
                                                        doc.key_positions)
        return self.data[path]

    def path(self, kind: str, record_id: str) -> Path:
        return self.registry / layout.relative_path(kind, record_id)

    def write(self, kind: str, path: Path, record: dict[str, Any]) -> None:
        if not schema.is_valid(kind, record):
            raise Refused(f"{path}: the merged record would not pass its schema")
        self.data[path] = record
        self.comments.setdefault(path, None)  # type: ignore[arg-type]
        self.dirty.add(path)
        self.deleted.discard(path)

    def delete(self, path: Path) -> None:
        self.deleted.add(path)
        self.dirty.discard(path)

    def commit(self, kinds: Mapping[Path, str]) -> None:
        # Every place checked before any is written: a folder that refuses half-way left a
        # registry half merged (helper-87).
        for path in sorted(self.dirty | self.deleted):
            folder = path.parent if path.parent.exists() else path.parent.parent
            if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
                raise Refused(f"{path}: cannot be written; nothing has been")
        for path in sorted(self.dirty):
            writing.rewrite_file(self.registry, path, canonical.dump(
                self.data[path], kinds[path], self.comments.get(path)).encode("utf-8"))
        for path in sorted(self.deleted):
            path.unlink()


def merge(registry: Path, kind: str, other: str, keep: str, reason: str, date: str,
          metrics: Mapping[str, str], split: str | None) -> list[str]:
    """Merge entity ``other`` of ``kind`` into ``keep``; what was done, a line each."""
    files = Files(registry)
    kinds: dict[Path, str] = {p: f.kind for p, f in files.files.items()}
    done: list[str] = []
    other_path, keep_path = files.path(kind, other), files.path(kind, keep)
    if other == keep:
        raise Refused(f"'{other}' is merged into itself: nothing to merge")
    if other_path not in files.files or keep_path not in files.files:
        raise Refused(f"no {kind} file for '{other}' or '{keep}'")
    _check_metrics(files, metrics)
    kept, gone = dict(files.read(keep_path)), files.read(other_path)
    if gone.get("corrections"):
        raise Refused(f"{other_path}: its published corrections would be deleted with it "
                      "(H007); merge it by hand")
    names = {fold(n) for n in [kept["id"], kept["name"], *kept.get("aliases", [])]}
    aliases = list(kept.get("aliases", []))
    for name in [gone["name"], *gone.get("aliases", [])]:
        if fold(name) not in names:
            names.add(fold(name))
            aliases.append(name)
    for field, value in gone.items():
        if field in ("id", "name", "aliases", "corrections"):
            continue
        if field == "parent" and value in (keep, other):
            continue  # the kept one is not its own parent (R003)
        if field not in kept:
            kept[field] = value
            done.append(f"{keep}: {field} taken from {other}")
        elif kept[field] != value:
            done.append(f"{keep}: {field} kept; {other} had {value!r}")
    if aliases:
        kept["aliases"] = aliases
    files.write(kind, keep_path, kept)
    files.delete(other_path)
    done.append(f"{kind} {other} merged into {keep} (aliases: {', '.join(aliases)})")

    for holder_kind, field in REFERRING.get(kind, ()):
        for path in files.of_kind(holder_kind):
            record = files.read(path)
            if record.get(field) == other and path != other_path:
                if path == keep_path:  # a child merged with its parent: the parent's parent
                    up = gone.get(field)
                    rest = {k: v for k, v in record.items() if k != field}
                    files.write(holder_kind, path, {**rest, field: up}
                                if up not in (None, keep, other) else rest)
                    done.append(f"{path.name}: {field} {other} → {up or 'none'}")
                    continue
                files.write(holder_kind, path, {**record, field: keep})
                done.append(f"{path.name}: {field} {other} → {keep}")

    _benchmarks(files, kind, other, keep, metrics, split, done)
    for holder in layout.HOLDER_KINDS:
        for path in files.of_kind(holder):
            _holder(files, path, holder, kind, other, keep, metrics, split, reason, date, done)
    files.commit(kinds | {p: layout.BENCHMARK for p in files.dirty if p not in kinds})
    return done


def _check_metrics(files: Files, metrics: Mapping[str, str]) -> None:
    """``--metric OLD=NEW`` renames: NEW is a metric of the registry, read as OLD is (the same
    direction and unit, where OLD's are known). Values are never converted: accuracy read as
    error, or a percent as a BLEU score, would be numbers no paper gave."""
    for old, new in metrics.items():
        new_path = files.path("metric", new)
        if new_path not in files.files:
            raise Refused(f"--metric {old}={new}: no metric '{new}' in the registry")
        old_path = files.path("metric", old)
        if old_path not in files.files:
            continue  # a name a paper used that has no file: nothing to compare
        before, after = files.read(old_path), files.read(new_path)
        for field in ("direction", "unit"):
            # A metric the archive named vaguely ("score", no unit) is named by what it is; one
            # whose reading is known keeps it.
            if before.get(field) is not None and before.get(field) != after.get(field):
                raise Refused(f"--metric {old}={new}: {field} {before.get(field)!r} against "
                              f"{after.get(field)!r}; values are never converted")


def _benchmarks(files: Files, kind: str, other: str, keep: str, metrics: Mapping[str, str],
                split: str | None, done: list[str]) -> None:
    for path in files.of_kind(layout.BENCHMARK):
        record = files.read(path)
        if record.get(kind) != other:
            continue
        moved = {**record, kind: keep}
        if split is not None:
            moved["split"] = split
        moved["id"] = layout.benchmark_id(moved["task"], moved["dataset"], moved.get("split"))
        if "corrections" in moved:
            raise Refused(f"{path}: a benchmark with corrections cannot be moved (H007)")
        if split is not None and record.get("split") not in (None, split):
            raise Refused(f"{path}: the board of split {record['split']!r} is not refiled "
                          f"under {split!r}")
        if "primary_metric" in moved:
            moved["primary_metric"] = metrics.get(moved["primary_metric"],
                                                  moved["primary_metric"])
        if "metrics" in moved:
            moved["metrics"] = [metrics.get(m, m) for m in moved["metrics"]]
        if "directions" in moved:
            moved["directions"] = {metrics.get(m, m): d for m, d in moved["directions"].items()}
        target = files.path(layout.BENCHMARK, moved["id"])
        if target in files.files and target not in files.deleted:
            existing = files.read(target)
            for field, value in moved.items():
                if field in existing and existing[field] != value and field != "directions":
                    raise Refused(f"{path}: {field} differs from {target.name}'s")
            directions = {**moved.get("directions", {}), **existing.get("directions", {})}
            for metric, direction in moved.get("directions", {}).items():
                if directions[metric] != direction:
                    raise Refused(f"{path}: the direction of {metric} differs from "
                                  f"{target.name}'s")
            moved = {**moved, **existing}
            if directions:
                moved["directions"] = directions
        files.write(layout.BENCHMARK, target, moved)
        files.files.setdefault(target, files.files[path])
        files.delete(path)
        done.append(f"benchmark {record['id']} → {moved['id']}")


def _holder(files: Files, path: Path, holder: str, kind: str, other: str, keep: str,
            metrics: Mapping[str, str], split: str | None, reason: str, date: str,
            done: list[str]) -> None:
    """Move the results of a paper or source filed under ``other``."""
    record = files.read(path)
    results = record.get("results", [])
    tasks = record.get("tasks", [])
    if not any(r.get(kind) == other for r in results) and (kind != "task" or other not in tasks):
        return
    out: list[dict[str, Any]] = []
    corrections = list(record.get("corrections", []))
    # A moved result joins the same result wherever the file lists it, before or after it
    # (looked for among the results passed only, ConvS2S moved onto WMT 2014 beside the
    # ConvS2S listed further down: V006).
    staying = [r for r in results if r.get(kind) != other]
    for result in results:
        if result.get(kind) != other:
            out.append(result)
            continue
        old = {k: result[k] for k in ("task", "dataset", "split", "model") if k in result}
        moved = {**result, kind: keep}
        if split is not None:
            if result.get("split") not in (None, split):
                raise Refused(f"{path}: '{result['model']}' is filed under split "
                              f"{result['split']!r}, not {split!r}; a merge does not refile it")
            moved["split"] = split
        moved["metrics"] = {metrics.get(m, m): v for m, v in result["metrics"].items()}
        if len(moved["metrics"]) < len(result["metrics"]):
            raise Refused(f"{path}: '{result['model']}' would have two values of one metric "
                          "(--metric maps two of its metrics onto one)")
        where = f"{kind} '{other}' merged into '{keep}'"
        corrections.append({"date": date, "reason": f"{reason} ({where}; the values are "
                            "unchanged)", "result": old})
        same = next((r for r in (*staying, *out) if identity_of(r) == identity_of(moved)),
                    None)
        if same is None:
            out.append(moved)
            continue
        _join(path, same, moved)
        done.append(f"{path.name}: '{moved['model']}' joined to the result already on {keep}")
    changed = {**record, "corrections": corrections}
    if results:
        changed["results"] = out
    if tasks and kind == "task":  # a paper's `tasks:` names tasks, never datasets
        changed["tasks"] = list(dict.fromkeys(keep if t == other else t for t in tasks))
    if not corrections:
        del changed["corrections"]
    files.write(holder, path, changed)
    done.append(f"{path.name}: {sum(r.get(kind) == other for r in results)} results moved")


def _join(path: Path, into: dict[str, Any], moved: Mapping[str, Any]) -> None:
    """Put ``moved``'s values into ``into``, the same result of the same paper."""
    for field, value in moved.items():
        if field == "metrics":
            continue
        if isinstance(value, dict) and isinstance(into.get(field), dict):
            # A source the joined result gives more of (its address) is the same source.
            if any(k in into[field] and into[field][k] != v for k, v in value.items()):
                raise Refused(f"{path}: '{moved['model']}' has {field} {value!r} where the "
                              f"result it joins has {into[field]!r}")
            into[field] = {**value, **into[field]}
            continue
        # A flag the published row lacks is false there: taking the moved row's true would
        # change what the published row shows, with no correction (H006).
        differs = bool(value) != bool(into.get(field)) if field == "extra_training_data" \
            else field in into and into[field] != value
        if differs:
            raise Refused(f"{path}: '{moved['model']}' has {field} {value!r} where the result it "
                          f"joins has {into.get(field)!r}")
        into.setdefault(field, value)
    for metric, value in moved["metrics"].items():
        # The whole value: its spread and note too (compared by the number alone, a joined
        # result lost the published row's ± 0.005).
        if metric in into["metrics"] and value_of(into["metrics"][metric]) != value_of(value):
            raise Refused(f"{path}: '{moved['model']}' has two values of {metric}: "
                          f"{into['metrics'][metric]!r} and {value!r}")
        into["metrics"].setdefault(metric, value)


def _arguments_problem(reason: str, date: str, split: str | None) -> str | None:
    """What the validator would refuse in the corrections and results the merge writes."""
    if not reason.strip():
        return "--reason says why: a correction without one is refused"
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return f"--date {date!r} is not a day (YYYY-MM-DD)"
    if day > dt.date.today():
        return f"--date {date} is in the future"
    if split is not None and not layout.slugify(split):
        return f"--split {split!r} has no Latin letter or digit to name it by"
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(REFERRING))
    parser.add_argument("other")
    parser.add_argument("keep")
    parser.add_argument("--reason", required=True)
    parser.add_argument("--date", default=dt.date.today().isoformat())
    parser.add_argument("--metric", action="append", default=[], metavar="OLD=NEW")
    parser.add_argument("--split")
    parser.add_argument("--registry", type=Path, default=Path("registry"))
    args = parser.parse_args(argv)
    if any("=" not in m for m in args.metric):
        parser.error("--metric takes OLD=NEW")
    metrics = dict(m.split("=", 1) for m in args.metric)
    problem = _arguments_problem(args.reason, args.date, args.split)
    if problem:
        parser.error(problem)
    try:
        done = merge(args.registry, args.kind, args.other, args.keep, args.reason.strip(),
                     args.date, metrics, args.split)
    except (Refused, writing.NotWritten) as e:
        print(f"refused: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"failed: {e}; see git status for what was written", file=sys.stderr)
        return 1
    print("\n".join([*done, "next: pwc validate --changed-since main, the guard on history "
                     "(a benchmark file moved onto a published board may change its primary "
                     "metric: H005); rows the merge put on one board twice (Q005) are merged by "
                     "scripts/merge_duplicate_rows.py once this merge has landed (its "
                     "corrections name rows as main has them, as does a second merge of the "
                     "rows this one moved)"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
