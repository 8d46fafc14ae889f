"""What each paper holds — its identifiers (arXiv id, DOI...) and the datasets of its results —
remembered by the git blob id of its file.

Two questions would otherwise mean searching the text of every paper (``git grep``: ~0.5 s at
50,000 papers, most of each command's time): ``pwc validate --changed-since`` asks which other
paper already holds a changed paper's arXiv id or DOI, and ``pwc diff`` which papers have
results on the datasets a change touches. A full validation reads every paper anyway, so it
records the answers, in the git directory (like git's own index: never in the work tree, never
committed). A blob id names a file's content, so an entry cannot go stale: a changed file has
another id and is not found. Papers the index lacks are read from the commit; when the index is
missing, or lacks many, the caller searches instead.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from .gitrefs import GitError, Version, run_git
from .ids import CITES_SCHEME, TITLE_SCHEME, identifier_key, identifiers_known, title_key

#: (scheme, value) pairs of one paper's identifiers, sorted.
Identifiers = tuple[tuple[str, str], ...]


@dataclasses.dataclass(frozen=True)
class Holdings:
    """What the index remembers of one paper."""

    identifiers: Identifiers
    datasets: tuple[str, ...]


def holdings(data: object) -> Holdings:
    """What a paper's data holds (nothing, if it is not a mapping)."""
    if not isinstance(data, dict):
        return Holdings((), ())
    ids = data.get("identifiers")
    identifiers = identifiers_known((scheme, value) for scheme, value in sorted(ids.items())
                                    if isinstance(scheme, str) and isinstance(value, str)) \
        if isinstance(ids, dict) else ()
    title = data.get("title")
    if isinstance(title, str) and title_key(title):
        # Held as an identifier is, so that a paper sharing it is found the same way (Q013).
        identifiers += ((TITLE_SCHEME, title_key(title)),)
    results = data.get("results")
    if isinstance(results, list):
        identifiers += tuple(sorted({(CITES_SCHEME, r["paper"]) for r in results
                                     if isinstance(r, dict) and isinstance(r.get("paper"), str)
                                     and r["paper"]}))
    results = data.get("results")
    datasets = tuple(sorted({r["dataset"] for r in results if isinstance(r, dict)
                             and isinstance(r.get("dataset"), str)})) \
        if isinstance(results, list) else ()
    return Holdings(identifiers, datasets)


_FILE = "pwc-paper-index"
_FORMAT = 7  # 4: identifiers another implies; 5: titles (Q013); 6: papers cited; 7: titles
# by their letters and digits
#: Beyond this many papers missing from the index, searching is faster than reading them.
MAX_MISSING = 2000


def blob_id(raw: bytes) -> str:
    """The id git gives a file with these bytes (SHA-1 repositories, no content filters; any
    other repository finds no match, which only makes the index miss)."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()


def _location(where: Path) -> Path:
    return where / run_git(where, "rev-parse", "--git-path", _FILE).strip()


@dataclasses.dataclass(frozen=True)
class _Index:
    """As stored, flat strings (loading 50,000 small objects took longer than the search it
    saves): every blob id read, 40 characters each; a line "scheme TAB casefolded value TAB
    blob id" for each identifier; a line "dataset id TAB blob id" for each dataset."""

    known: str
    identifiers: str
    datasets: str


class Recorder:
    """Collects the index's lines for papers as they are read (in a worker: handing back three
    strings costs far less than 50,000 objects)."""

    def __init__(self) -> None:
        self.known: list[str] = []
        self.identifiers: list[str] = []
        self.datasets: list[str] = []

    def add(self, blob: str, held: Holdings) -> None:
        self.known.append(blob)
        self.identifiers += [f"{scheme}\t{identifier_key(scheme, value)[1]}\t{blob}\n"
                             for scheme, value in held.identifiers
                             if _plain(scheme) and _plain(value)]
        self.datasets += [f"{dataset}\t{blob}\n" for dataset in held.datasets
                          if _plain(dataset)]

    def lines(self) -> tuple[str, str, str]:
        return "".join(self.known), "".join(self.identifiers), "".join(self.datasets)


def save(where: Path, parts: Sequence[tuple[str, str, str]]) -> None:
    """Remember the papers recorded in ``parts`` (from :meth:`Recorder.lines`) for the
    repository holding ``where``; replaces what was remembered."""
    known, identifiers, datasets = ("".join(p) for p in zip(*parts, strict=True)) \
        if parts else ("", "", "")
    try:
        location = _location(where)
        temporary = location.with_name(f"{location.name}.{os.getpid()}")
        temporary.write_bytes(marshal.dumps((_FORMAT, known, identifiers, datasets)))
        os.replace(temporary, location)
    except (GitError, OSError):
        return  # not a git work tree, or a read-only one: the index is only a shortcut


def _plain(text: str) -> bool:
    return "\t" not in text and "\n" not in text


def _load(where: Path) -> _Index | None:
    try:
        stored = marshal.loads(_location(where).read_bytes())
    except (GitError, OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 4 and stored[0] == _FORMAT
            and all(isinstance(part, str) for part in stored[1:])):
        return None
    return _Index(*stored[1:])


@dataclasses.dataclass
class _Tree:
    """The papers of one commit, as ``git ls-tree -r -z`` lists them."""

    listing: str
    blobs: set[str]

    def paths_of(self, blobs: Iterable[str]) -> dict[str, list[str]]:
        """The paths of each of ``blobs``: found one by one if they are few, else from one
        pass over the listing (each search reads all of it)."""
        wanted = set(blobs)
        paths: dict[str, list[str]] = {}
        if len(wanted) > 8:
            for match in _ENTRY.finditer(self.listing):
                if match[1] in wanted:
                    paths.setdefault(match[1], []).append(match[2])
            return paths
        for blob in wanted:
            at = self.listing.find(f" {blob}\t")
            while at >= 0:
                start = at + len(blob) + 2
                paths.setdefault(blob, []).append(
                    self.listing[start:self.listing.index("\0", start)])
                at = self.listing.find(f" {blob}\t", start)
        return paths


_ENTRY = re.compile(r" ([0-9a-f]{40,64})\t([^\0]*)\0")
_BLOB = re.compile(r" ([0-9a-f]{40,64})\t")


def _tree(top: Path, commit: str, folder: str) -> _Tree | None:
    try:
        listing = run_git(top, "ls-tree", "-r", "-z", commit, "--", folder)
    except GitError:
        return None
    # Paths are looked up only for the papers found (and those left out are dropped then):
    # splitting 50,000 entries would cost more than everything else here. A left-out paper's
    # blob stays in the set, since an unchanged paper may have the very same bytes.
    return _Tree(listing, set(_BLOB.findall(listing)))


def _find(lines: str, prefixes: Iterable[str], blobs: set[str]) -> list[tuple[str, str]]:
    """``(prefix, blob)`` for each line that starts with a prefix and ends with one of
    ``blobs``."""
    text = "\n" + lines
    found = []
    for prefix in prefixes:
        needle = "\n" + prefix
        at = text.find(needle)
        while at >= 0:
            blob = text[at + len(needle):text.index("\n", at + 1)]
            if blob in blobs:
                found.append((prefix, blob))
            at = text.find(needle, at + 1)
    return found


def _missing(index: _Index, tree: _Tree) -> set[str] | None:
    known = {index.known[i:i + 40] for i in range(0, len(index.known), 40)}
    missing = tree.blobs - known
    return None if len(missing) > MAX_MISSING else missing


def _read(top: Path, commit: str, blobs: set[str]) -> dict[str, bytes]:
    """The bytes of the papers the index lacks (by blob id); nothing to start when it lacks none,
    the usual case."""
    if not blobs:
        return {}
    version = Version(top, commit)
    try:
        return {b: raw for b, raw in version.read(sorted(blobs)).items() if raw is not None}
    finally:
        version.close()


_OPENED: dict[tuple[Any, ...], tuple[_Index, _Tree, set[str]] | None] = {}


def _open(top: Path, commit: str, folder: str) -> tuple[_Index, _Tree, set[str]] | None:
    """The index, the commit's papers, and those the index lacks; ``None`` if there is no
    index or it lacks too many. Kept for the next question about the same commit and index
    file (`validate --changed-since` asks twice: identifiers, then the leaderboards' papers)."""
    try:
        stat = _location(top).stat()
        key: tuple[Any, ...] | None = (str(top), commit, folder, stat.st_mtime_ns, stat.st_size,
                                       stat.st_ino)
    except (OSError, GitError):
        key = None
    if key is not None and key in _OPENED:
        return _OPENED[key]
    opened = _open_uncached(top, commit, folder)
    if key is not None:
        _OPENED.clear()
        _OPENED[key] = opened
    return opened


def _open_uncached(top: Path, commit: str, folder: str
                   ) -> tuple[_Index, _Tree, set[str]] | None:
    index = _load(top)
    tree = _tree(top, commit, folder) if index else None
    missing = _missing(index, tree) if index and tree else None
    if index is None or tree is None or missing is None:
        return None
    return index, tree, missing


def papers_holding(top: Path, commit: str, folder: str, leave_out: set[str],
                   wanted: set[tuple[str, str]],
                   holdings_of: Callable[[str, bytes], Holdings]
                   ) -> list[tuple[str, str, str]] | None:
    """``(path, scheme, value)`` for each identifier in ``wanted`` (scheme, casefolded value)
    held by a paper under ``folder`` (relative to ``top``) at ``commit``, but for the paths in
    ``leave_out``; ``None`` when the index cannot say."""
    if not all(_plain(scheme) and _plain(value) for scheme, value in wanted):
        return None
    opened = _open(top, commit, folder)
    if opened is None:
        return None
    index, tree, missing = opened
    prefixes = {f"{scheme}\t{value}\t": (scheme, value) for scheme, value in wanted}
    found = [(blob, prefixes[p]) for p, blob in _find(index.identifiers, prefixes, tree.blobs)]
    for blob, raw in _read(top, commit, missing).items():
        found += [(blob, identifier_key(scheme, value))
                  for scheme, value in holdings_of(blob, raw).identifiers
                  if identifier_key(scheme, value) in wanted]
    paths = tree.paths_of(blob for blob, _ in found)
    return sorted({(path, scheme, value) for blob, (scheme, value) in found
                   for path in paths.get(blob, ()) if path not in leave_out})


def papers_on(top: Path, commit: str, folder: str, leave_out: set[str], datasets: set[str],
              holdings_of: Callable[[str, bytes], Holdings]) -> list[str] | None:
    """The paths of the papers under ``folder`` at ``commit`` (but those in ``leave_out``) with
    results on any of ``datasets``; ``None`` when the index cannot say."""
    if not all(_plain(d) for d in datasets):
        return None
    opened = _open(top, commit, folder)
    if opened is None:
        return None
    index, tree, missing = opened
    found = {blob for _, blob in _find(index.datasets, (f"{d}\t" for d in datasets),
                                         tree.blobs)}
    found |= {blob for blob, raw in _read(top, commit, missing).items()
              if datasets & set(holdings_of(blob, raw).datasets)}
    return sorted({path for paths in tree.paths_of(found).values() for path in paths}
                  - leave_out)
