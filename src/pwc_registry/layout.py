"""Where registry files live: every path follows from a record's kind and id.

    registry/
      papers/<shard>/<paper-id>.yaml   shard = first two hex digits of sha1(paper-id)
      sources/<shard>/<source-id>.yaml results no paper reports (a submission, a library's
                                       table, a model card, a report); sharded as papers are
      tasks/<task-id>.yaml
      datasets/<dataset-id>.yaml
      metrics/<metric-id>.yaml
      methods/<method-id>.yaml
      areas/<area-id>.yaml
      benchmarks/<task-id>--<dataset-id>[--<split>].yaml   optional leaderboard settings

Papers and sources hold results (they are the *holders*) and share one set of ids. Papers are
sharded into 256 folders so that even the archive's 576,000 papers leave ~2,300 files
a folder; the entity kinds number in the thousands and need no shards.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from .diagnostics import Diagnostic
from .ids import MAX_BENCHMARK_ID, benchmark_id, slugify
from .patterns import BENCHMARK_ID, SLUG

# Re-exported: the one definition of each lives in ids and patterns (the schemas' own).
__all__ = ["BENCHMARK_ID", "MAX_BENCHMARK_ID", "SLUG", "benchmark_id", "slugify"]

MAX_SLUG = 200

PAPER = "paper"
SOURCE = "source"
#: The kinds of record that hold results.
HOLDER_KINDS = (PAPER, SOURCE)
BENCHMARK = "benchmark"
ENTITY_KINDS = ("task", "dataset", "metric", "method", "area", BENCHMARK)
KINDS = (*HOLDER_KINDS, *ENTITY_KINDS)
FOLDERS = {"paper": "papers", "source": "sources", "task": "tasks", "dataset": "datasets",
           "metric": "metrics", "method": "methods", "area": "areas", "benchmark": "benchmarks"}
KIND_OF_FOLDER = {folder: kind for kind, folder in FOLDERS.items()}
SUFFIX = ".yaml"

#: Ids a record cannot have, by kind, because the site writes a page of that name in the kind's
#: folder (site/build.py; tests/test_site.py checks that every other page it writes there is
#: matched here): each folder's list, ``index.html``; the lists of papers and of datasets go on
#: over ``papers/index-2.html``, ``datasets/index-2.html``, ``index-3.html``...; an area's
#: leaderboards are listed at ``sota/<area>.html``, then ``sota/<area>-2.html``..., beside
#: ``sota/index.html``; and tasks without an area are listed as the area ``other``. Benchmarks
#: need none: their ids hold ``--``, which no page name or snapshot file (``index.json``,
#: ``summary.md``...) does.
RESERVED_IDS: dict[str, re.Pattern[str]] = {
    PAPER: re.compile(r"index(?:-[0-9]+)?"),
    SOURCE: re.compile(r"index"),
    "task": re.compile(r"index"),
    "dataset": re.compile(r"index(?:-[0-9]+)?"),
    "method": re.compile(r"index"),
    "area": re.compile(r"index|other|.+-[0-9]+"),
}


@dataclasses.dataclass(frozen=True)
class RegistryFile:
    """A file of the registry: its name as shown to people (relative to the project root), its
    path on disk, and its kind."""

    name: str
    path: str
    kind: str

    @property
    def stem(self) -> str:
        return self.name.rsplit("/", 1)[-1][: -len(SUFFIX)]

    def read_bytes(self) -> bytes:
        # os.read on the descriptor: a third faster than open() for 60,000 small files. Small
        # reads: os.read allocates what it asks for, and a 1 MB buffer given back after each
        # small file made malloc return memory to the system and fetch it again each time
        # (reading and decoding 50,000 papers: 1.0 s, with 16 KB reads 0.5 s). Discovery leaves
        # out every file that is not regular (Y016); should a named pipe take a file's place
        # after that, O_NONBLOCK makes opening and reading it return at once instead of waiting
        # for a writer (it changes nothing for a regular file).
        # At most one byte past MAX_FILE_BYTES: a file that large is refused (Y010) whatever
        # its size, and reading a 3 GB one whole took 6 GB of memory first.
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            parts = []
            size = 0
            while size <= MAX_FILE_BYTES and (chunk := os.read(fd, 16384)):
                parts.append(chunk)
                size += len(chunk)
            return parts[0] if len(parts) == 1 else b"".join(parts)
        finally:
            os.close(fd)


#: The largest registry file read (a paper of 15,000 results is ~1 MB): beyond it, Y010.
MAX_FILE_BYTES = 2 * 1024 * 1024


class Unreadable(OSError):
    """A file given to read that is no regular file, or larger than the reader takes."""


def open_regular(path: Path) -> IO[bytes]:
    """The regular file at ``path``, open to read; :class:`Unreadable` for a named pipe, a
    device or a folder (opened without waiting for a writer, never read)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unreadable(0, "not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them; :class:`Unreadable`
    for a named pipe, a device or a folder (opened without waiting for a writer, never read:
    ``/dev/zero`` would never end) or a file over ``limit`` (read no further than one byte
    past it); OSError when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unreadable(0, "not a regular file")
        parts = []
        size = 0
        while size <= limit and (chunk := os.read(fd, 1 << 20)):
            parts.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise Unreadable(0, f"larger than the {limit:,} bytes read")
    return b"".join(parts)


def shard(holder_id: str) -> str:
    return hashlib.sha1(holder_id.encode("utf-8")).hexdigest()[:2]


def relative_path(kind: str, record_id: str) -> str:
    """The path of a record, relative to the registry folder."""
    if kind in HOLDER_KINDS:
        return f"{FOLDERS[kind]}/{shard(record_id)}/{record_id}{SUFFIX}"
    return f"{FOLDERS[kind]}/{record_id}{SUFFIX}"


def kind_of(parts: tuple[str, ...]) -> str | None:
    """The kind of the file at ``parts`` (relative to the registry folder), if it is in place."""
    if not parts or not parts[-1].endswith(SUFFIX):
        return None
    kind = KIND_OF_FOLDER.get(parts[0])
    if kind in HOLDER_KINDS:
        return kind if len(parts) == 3 and re.fullmatch(r"[0-9a-f]{2}", parts[1]) else None
    return kind if kind and len(parts) == 2 else None


def find_registry(start: Path) -> Path | None:
    """The ``registry`` folder at or above ``start``, looked for as :func:`_place` places a
    path: where ``start`` is named, else from its folder resolved; never from where ``start``
    itself links to (a linked file named on the command line found no registry, and said so,
    not that it is a link: Y012, helper-90; a registry reached through a link of another name
    is found through its folder, helper-91)."""
    absolute = Path(os.path.abspath(start))
    for here in (absolute, absolute.parent.resolve() / absolute.name):
        for folder in (here, *here.parents):
            # The folder's own registry/ first: a clone of the repository is itself named
            # "registry" (git clone .../registry), and its data is the registry/ inside it.
            if (folder / "registry").is_dir():
                return folder / "registry"
            if folder.name == "registry" and folder.is_dir():
                return folder
    return None


def display_name(registry: Path, path: Path) -> str:
    try:
        return path.relative_to(registry.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _place(registry: Path, path: Path) -> tuple[Path, tuple[str, ...] | None]:
    """``path`` as a path on disk and its parts relative to the registry folder (None when it
    is outside). Paths come as typed: relative to the working folder (pre-commit passes
    ``registry/papers/e2/x.yaml``), or through a symbolic link to the checkout, while the
    registry folder is usually resolved; so both are made absolute and, failing that, the
    path's folder is resolved. The file itself is never resolved: a link in the registry is
    reported as a link (Y012), not as what it points at."""
    folder = registry.resolve()
    absolute = Path(os.path.abspath(path))
    for candidate in (absolute, absolute.parent.resolve() / absolute.name):
        try:
            return candidate, candidate.relative_to(folder).parts
        except ValueError:
            continue
    return absolute, None


def classify(registry: Path, path: Path) -> tuple[RegistryFile | None, Diagnostic | None]:
    """Place one path in the layout, or say why it does not belong."""
    path, placed = _place(registry, path)
    name = display_name(registry, path) if placed is None else "/".join(
        (registry.name, *placed))
    if path.is_symlink():
        return None, Diagnostic("Y012", "is a symbolic link; registry files are regular files",
                                name, hint="replace the link with the file itself")
    special = _special_file(path)
    if special:
        return None, Diagnostic("Y016", f"is {special}, not a regular file; it is not read",
                                name, hint="remove it: git keeps only regular files and links")
    if placed is None:
        return None, Diagnostic("Y013", f"is not inside the registry folder {registry.name}/",
                                name)
    parts = placed
    if any(p.startswith(".") for p in parts):
        return None, Diagnostic("Y013", "is a hidden file or folder in the registry", name,
                                hint="nothing under registry/ is ignored: a hidden copy of a "
                                "record would not be checked; remove it or move it out")
    kind = kind_of(parts)
    if kind is None:
        return None, Diagnostic("Y013", "is not a place for a registry file", name,
                                hint=_place_hint(registry, parts))
    return RegistryFile(name, str(path), kind), None


def _place_hint(registry: Path, parts: tuple[str, ...]) -> str:
    """Where a file out of place belongs: by the folder it is in, or, in none of the kinds',
    where a paper of its name goes (the file's kind is not read from a file out of place)."""
    if parts[-1].endswith(".yml"):
        return "registry files end in .yaml"
    stem = parts[-1].removesuffix(SUFFIX)
    kind = KIND_OF_FOLDER.get(parts[0]) if len(parts) > 1 else None
    if not parts[-1].endswith(SUFFIX) or not SLUG.fullmatch(stem):
        return "see docs/registry.md for where each kind of file lives"
    if kind is not None:
        return f"a {kind} with the id '{stem}' is {registry.name}/{relative_path(kind, stem)}"
    return (f"a paper with the id '{stem}' is {registry.name}/{relative_path(PAPER, stem)}; "
            "docs/registry.md says where each other kind of file lives")


def _special_file(path: Path) -> str | None:
    """What ``path`` is when it is neither a regular file nor a folder: opening a named pipe
    waits for a writer, reading a device may never end."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")


def discover(registry: Path, paths: Iterable[Path] | None = None
             ) -> tuple[list[RegistryFile], list[Diagnostic]]:
    """Every registry file under ``paths`` (default: the whole registry), sorted, and strays."""
    if paths is None:
        return _scan(registry)
    found: dict[str, RegistryFile] = {}
    problems: list[Diagnostic] = []
    for given in paths:
        target = _inside_registry(registry, given)
        if target is None:
            problems.append(Diagnostic(
                "Y013", f"is a folder outside the registry folder {registry.name}/; "
                "nothing in it is checked", display_name(registry, Path(os.path.abspath(given))),
                hint="name the registry folder, or files and folders inside it"))
            continue
        for path in _walk(target):
            file, problem = classify(registry, path)
            if file:
                found[file.name] = file
            if problem:
                problems.append(problem)
    return [found[k] for k in sorted(found)], problems


def _inside_registry(registry: Path, given: Path) -> Path | None:
    """What to walk for a path given on the command line: the path itself, unless it is a
    folder outside the registry: then the registry folder if it holds it (``pwc validate .``
    at the repository's top, whose other files are not registry files), else None."""
    if given.is_symlink() or not given.is_dir() or _place(registry, given)[1] is not None:
        return given
    folder = Path(os.path.abspath(given)).resolve()
    return registry if registry.resolve().is_relative_to(folder) else None


def discover_entities(registry: Path) -> list[RegistryFile]:
    """The entity files in place (tasks, datasets, ...), without the papers."""
    out: list[RegistryFile] = []
    for kind in ENTITY_KINDS:
        folder = registry / FOLDERS[kind]
        if folder.is_dir():
            with os.scandir(folder) as entries:
                out += [RegistryFile(f"{registry.name}/{FOLDERS[kind]}/{e.name}", e.path, kind)
                        for e in entries if e.name.endswith(SUFFIX)
                        and not e.name.startswith(".") and e.is_file(follow_symlinks=False)]
    return sorted(out, key=lambda f: f.name)


@dataclasses.dataclass
class Outline:
    """The registry without the papers' contents: entity files, the shard folders of papers
    (each scanned with :func:`discover_shards`, in parallel if wanted) and strays found so far."""

    entities: list[RegistryFile]
    shards: list[str]
    strays: list[Diagnostic]


def outline(registry: Path) -> Outline:
    files: list[RegistryFile] = []
    strays: list[Path] = []
    shards: list[str] = []
    with os.scandir(registry) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name == FOLDERS[PAPER] and entry.is_dir(follow_symlinks=False):
                with os.scandir(entry.path) as inside:
                    for shard_entry in sorted(inside, key=lambda e: e.name):
                        if shard_entry.is_dir(follow_symlinks=False):
                            shards.append(shard_entry.name)
                        else:
                            strays.append(Path(shard_entry.path))
            else:
                _scan_entry(registry.name, entry, (), files, strays)
    files.sort(key=lambda f: f.name)
    return Outline(files, shards, _stray_diagnostics(registry, strays))


def discover_shards(registry: Path, shards: Iterable[str]
                    ) -> tuple[list[RegistryFile], list[Diagnostic]]:
    """The paper files in these shard folders of ``registry/papers``, sorted, and strays."""
    files: list[RegistryFile] = []
    strays: list[Path] = []
    folder = registry / FOLDERS[PAPER]
    for name in shards:
        parts = (FOLDERS[PAPER], name)
        prefix = f"{registry.name}/{FOLDERS[PAPER]}/{name}/"
        in_place = kind_of((*parts, SUFFIX)) == PAPER
        with os.scandir(folder / name) as entries:
            for entry in entries:
                # The common case without a call per file: 50,000 papers.
                if in_place and entry.name.endswith(SUFFIX) and not entry.name.startswith(".") \
                        and entry.is_file(follow_symlinks=False):
                    files.append(RegistryFile(prefix + entry.name, entry.path, PAPER))
                else:
                    _scan_entry(registry.name, entry, parts, files, strays)
    files.sort(key=lambda f: f.name)
    return files, _stray_diagnostics(registry, strays)


def _scan(registry: Path) -> tuple[list[RegistryFile], list[Diagnostic]]:
    """The whole registry, with os.scandir and plain strings: pathlib costs seconds at 60,000
    files."""
    found = outline(registry)
    papers, strays = discover_shards(registry, found.shards)
    return (sorted([*found.entities, *papers], key=lambda f: f.name),
            sorted([*found.strays, *strays], key=Diagnostic.sort_key))


def _scan_entry(prefix: str, entry: os.DirEntry[str], parts: tuple[str, ...],
                files: list[RegistryFile], strays: list[Path]) -> None:
    """Place ``entry`` (at ``parts`` in the registry) and everything under it."""
    stack = [(entry, parts)]
    while stack:
        entry, parts = stack.pop()
        if entry.name.startswith("."):
            strays.append(Path(entry.path))
            continue
        here = (*parts, entry.name)
        if entry.is_symlink():
            strays.append(Path(entry.path))
        elif entry.is_dir():
            with os.scandir(entry.path) as inside:
                stack += [(e, here) for e in inside]
        elif not entry.is_file(follow_symlinks=False):  # a named pipe, socket or device
            strays.append(Path(entry.path))
        else:
            kind = kind_of(here)
            if kind is None:
                strays.append(Path(entry.path))
            else:
                files.append(RegistryFile(prefix + "/" + "/".join(here), entry.path, kind))


def _stray_diagnostics(registry: Path, strays: Iterable[Path]) -> list[Diagnostic]:
    found = (classify(registry, s)[1] for s in strays)
    return sorted((p for p in found if p is not None), key=Diagnostic.sort_key)


def _walk(target: Path) -> Iterable[Path]:
    if target.is_symlink() or not target.is_dir():
        yield target
        return
    for dirpath, dirnames, filenames in os.walk(target):
        base = Path(dirpath)
        for d in [d for d in dirnames if d.startswith(".")]:
            dirnames.remove(d)
            yield base / d
        for d in list(dirnames):
            if (base / d).is_symlink():
                dirnames.remove(d)
                yield base / d
        for f in sorted(filenames):
            yield base / f
