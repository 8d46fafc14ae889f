"""Writing a file of the registry (``pwc new``, ``pwc fmt``, ``pwc papers fill``, the importers):
never through a symbolic link, never half-written.

A folder on the way that is a link (or not a folder) is refused, not followed; a new file is
created exclusively (a link, or a file made since the command looked, at its name is refused);
an existing file is replaced by a new file renamed over it, so that a reader, or a run killed
half-way, sees the old file or the new one, never part of one, and a hard link to it elsewhere
keeps the old bytes.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from . import layout

NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


class NotWritten(OSError):
    """A registry file that is not written: ``where`` is the link (or non-folder) on its way,
    or the file itself."""

    def __init__(self, where: Path, why: str) -> None:
        super().__init__(f"{where}: {why}; not written there")
        self.where = where
        self.why = why


class Folders:
    """The registry's folders known to be folders, not links (checked once per process and
    batch, so that writing 576,000 papers costs no extra system call a file)."""

    def __init__(self, registry: Path) -> None:
        self.registry = registry
        self.checked: set[str] = set()

    def problem(self, relative: str) -> tuple[str, str] | None:
        """Make the folders of ``relative`` (a path inside the registry) that are missing;
        (the folder, what it is) if one on the way is a link or not a folder."""
        parts = relative.split("/")[:-1]
        for n in range(1, len(parts) + 1):
            folder = "/".join(parts[:n])
            if folder in self.checked:
                continue
            path = self.registry / folder
            try:
                os.mkdir(path)
            except FileExistsError:
                mode = os.lstat(path).st_mode
                if stat.S_ISLNK(mode):
                    return folder, "is a symbolic link"
                if not stat.S_ISDIR(mode):
                    return folder, "is not a folder"
            self.checked.add(folder)
        return None

    def prepare(self, relative: str) -> None:
        """:meth:`problem`, raised as :class:`NotWritten`."""
        found = self.problem(relative)
        if found is not None:
            raise NotWritten(self.registry / found[0], found[1])


def linked_folder(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that is a symbolic link, or None: an output's
    folder given as ``L/out``, where a checkout holds ``L`` linking elsewhere, would be written
    there. The folders are those below the working folder, taken as written (``L/../out``
    goes through ``L`` too); a place named outside the working folder is the user's own, its
    folders (``/tmp`` on macOS, a linked home) theirs to choose."""
    given = Path(path)
    here = Path(os.getcwd())  # the working folder, resolved by the system
    if given.is_absolute():
        try:
            parts = given.relative_to(here).parts  # as written: ".." kept
        except ValueError:
            return None
    else:
        parts = given.parts
    for part in parts[:-1]:
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            return None  # nothing further down exists yet: the command makes it
        if stat.S_ISLNK(mode):
            return here
    return None


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def create(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Write a new file at ``path`` (its folder made and checked by :class:`Folders`); refused
    (:class:`NotWritten`) when anything, a link included, is at that name."""
    try:
        fd = os.open(path, NEW, mode)
    except FileExistsError:
        what = "is a symbolic link" if os.path.islink(path) else "exists already"
        raise NotWritten(path, what) from None
    try:
        write_all(fd, data)
    finally:
        os.close(fd)


def replace(path: Path, data: bytes, mode: int | None = None) -> None:
    """Put ``data`` at ``path`` as a new file renamed over the old one (with the old one's
    permissions, or ``mode``). Refused (:class:`NotWritten`) when ``path`` is a link or not a
    regular file."""
    if mode is None:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            info = None
        if info is not None and stat.S_ISLNK(info.st_mode):
            raise NotWritten(path, "is a symbolic link")
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise NotWritten(path, "is not a regular file")
        mode = stat.S_IMODE(info.st_mode) if info is not None else 0o644
    while True:  # a name nothing has (one left by a run killed earlier is not reused)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(temporary, NEW, mode)
            break
        except FileExistsError:
            continue
    try:
        try:
            os.fchmod(fd, mode)  # as the file was, whatever the umask
            write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_new(registry: Path, relative: str, data: bytes) -> Path:
    """Create the registry file at ``relative`` (inside ``registry``), its folders made:
    nothing on the way may be a link."""
    Folders(registry).prepare(relative)
    path = registry / relative
    create(path, data)
    return path


def rewrite(registry: Path, relative: str, data: bytes) -> Path:
    """Replace the registry file at ``relative`` (inside ``registry``) with ``data``: nothing on
    the way, nor the file, may be a link."""
    Folders(registry).prepare(relative)
    path = registry / relative
    replace(path, data)
    return path


def files_to_rewrite(registry: Path) -> list[layout.RegistryFile]:
    """The registry's files, for a tool that rewrites some of them (the curation scripts):
    refused (:class:`NotWritten`) where any of its paths is a link or not a regular file
    (Y012, Y016), which a rewrite would write through or leave out without a word."""
    files, strays = layout.discover(registry.resolve())
    refused = [d for d in strays if d.severity == "error"]
    if refused:
        raise NotWritten(Path(refused[0].file), f"{refused[0].message} (run pwc validate)")
    return files


def rewrite_file(registry: Path, path: str | Path, data: bytes) -> None:
    """:func:`rewrite` for a file at ``path`` (absolute, or relative to the working folder)
    in the registry: one of :func:`files_to_rewrite`'s, or a new one."""
    top = registry.resolve()
    rewrite(top, Path(os.path.abspath(path)).relative_to(top).as_posix(), data)
