"""Each paper's identifiers (arXiv id, DOI...), remembered by the git blob id of its file.

``pwc validate --changed-since`` checks that no other paper already holds a changed paper's arXiv
id or DOI. Without this index that means searching the text of every other paper (``git grep``:
~0.6 s at 50,000 papers, most of the command's time). A full validation reads every paper anyway,
so it records what it found, in the git directory (like git's own index: never in the work
tree, never committed). A blob id names a file's content, so an entry cannot go stale: a changed
file has another id and is not found. Papers the index lacks are read from the base commit; when
the index is missing, or lacks many, the caller searches instead.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from .gitrefs import GitError, Version, run_git

#: (scheme, value) pairs of one paper, sorted.
Identifiers = tuple[tuple[str, str], ...]

_FILE = "pwc-identifiers"
_FORMAT = 2
#: Beyond this many papers missing from the index, searching is faster than reading them.
MAX_MISSING = 2000


def blob_id(raw: bytes) -> str:
    """The id git gives a file with these bytes (SHA-1 repositories, no content filters; any
    other repository finds no match, which only makes the index miss)."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()


def _location(top: Path) -> Path:
    return top / run_git(top, "rev-parse", "--git-path", _FILE).strip()


#: What is stored, as two strings (loading 50,000 small objects took longer than the search
#: it saves): every blob id read, 40 characters each; and a line "scheme TAB casefolded value
#: TAB blob id" for each identifier.
Index = tuple[str, str]


def save(where: Path, papers: Mapping[str, Identifiers]) -> None:
    """Remember the identifiers of these papers (by blob id) for the repository holding
    ``where``; replaces what was remembered."""
    known = "".join(sorted(papers))
    holders = "".join(sorted(f"{scheme}\t{value.casefold()}\t{blob}\n"
                             for blob, pairs in papers.items() for scheme, value in pairs
                             if _plain(scheme) and _plain(value)))
    try:
        location = _location(where)
        temporary = location.with_name(f"{location.name}.{os.getpid()}")
        temporary.write_bytes(marshal.dumps((_FORMAT, known, holders)))
        os.replace(temporary, location)
    except (GitError, OSError):
        return  # not a git work tree, or a read-only one: the index is only a shortcut


def _plain(text: str) -> bool:
    return "\t" not in text and "\n" not in text


def load(where: Path) -> Index | None:
    try:
        stored = marshal.loads(_location(where).read_bytes())
    except (GitError, OSError, EOFError, ValueError, TypeError):
        return None
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == _FORMAT
            and isinstance(stored[1], str) and isinstance(stored[2], str)):
        return None
    return stored[1], stored[2]


def papers_holding(top: Path, base: str, folder: str, changed: set[str],
                   wanted: set[tuple[str, str]],
                   identifiers_of: Callable[[str, bytes], Identifiers]
                   ) -> list[tuple[str, str, str]] | None:
    """``(path, scheme, value)`` for each identifier in ``wanted`` (scheme, casefolded value)
    held by a paper under ``folder`` (relative to ``top``) at commit ``base`` whose path is not
    in ``changed``; ``None`` when the index cannot say."""
    if not all(_plain(scheme) and _plain(value) for scheme, value in wanted):
        return None
    index = load(top)
    if index is None:
        return None
    known_ids, holders = index
    try:
        listing = run_git(top, "ls-tree", "-r", "-z", base, "--", folder)
    except GitError:
        return None
    # Paths are looked up only for the changed papers and the papers found: splitting 50,000
    # entries would cost more than everything else here.
    blobs = set(_BLOB.findall(listing))
    blobs -= {_blob_at(listing, path) for path in changed}
    known = {known_ids[i:i + 40] for i in range(0, len(known_ids), 40)}
    missing = blobs - known
    if len(missing) > MAX_MISSING:
        return None
    found: list[tuple[str, tuple[str, str]]] = []
    lines = "\n" + holders
    for scheme, value in wanted:
        needle = f"\n{scheme}\t{value}\t"
        at = lines.find(needle)
        while at >= 0:
            blob = lines[at + len(needle):lines.index("\n", at + 1)]
            if blob in blobs:
                found.append((blob, (scheme, value)))
            at = lines.find(needle, at + 1)
    if missing:
        version = Version(top, base)
        try:
            for blob, raw in version.read(sorted(missing)).items():
                if raw is not None:
                    found += [(blob, (scheme, value.casefold()))
                              for scheme, value in identifiers_of(blob, raw)
                              if (scheme, value.casefold()) in wanted]
        finally:
            version.close()
    return sorted({(path, scheme, value) for blob, (scheme, value) in found
                   for path in _paths_of(listing, blob) if path not in changed})


_BLOB = re.compile(r" ([0-9a-f]{40,64})\t")


def _blob_at(listing: str, path: str) -> str | None:
    """The blob id of ``path`` in a ``git ls-tree -z`` listing ("mode type id TAB path NUL")."""
    end = listing.find(f"\t{path}\0")
    return None if end < 0 else listing[listing.rfind(" ", 0, end) + 1:end]


def _paths_of(listing: str, blob: str) -> list[str]:
    paths = []
    at = listing.find(f" {blob}\t")
    while at >= 0:
        start = at + len(blob) + 2
        paths.append(listing[start:listing.index("\0", start)])
        at = listing.find(f" {blob}\t", start)
    return paths
