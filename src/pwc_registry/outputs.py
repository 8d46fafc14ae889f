"""Where commands write their output: never over what they did not make.

Every folder a command fills (``pwc site build --out``, ``pwc leaderboards build --out``,
``pwc export pwc-archive --out``) holds a marker file, :data:`MARKER`, whose first line names the
command that made it. A command writes into a folder only if the folder is absent, empty, or
carries its own marker; anything else (a ``docs/`` with uncommitted pages, a repository root) is
refused before anything is touched. Output never goes through a symbolic link: a link as the
folder itself is refused, a link found inside a folder pwc made is removed (the link, never what
it points to).

A single file written beside other files (the import report) has no folder of its own to mark:
it replaces only a regular file that the caller recognises as an earlier copy of itself.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

MARKER = ".pwc-output"
_NOTE = ("# This folder was made by the pwc command above, which replaces it on its next run.\n"
         "# pwc never writes into a folder that has no such file (unless it is empty).\n")
#: Entries moved out of the way inside the folder, deleted while the command writes.
_ASIDE = ".pwc-old-"


class OutputError(Exception):
    """An output the command may not write; the message names it and says why."""


def made_by(folder: Path) -> str | None:
    """The command named by ``folder``'s marker, or None when it has no marker of pwc's (a
    link or a folder by the marker's name is not one)."""
    try:
        mode = os.lstat(folder / MARKER).st_mode
    except OSError:
        return None
    if not stat.S_ISREG(mode):
        return None
    with (folder / MARKER).open(encoding="utf-8", errors="replace") as marker:
        first = marker.readline(200).strip()
    return first or None


def check_folder(folder: Path, command: str) -> None:
    """Raise :class:`OutputError` unless ``command`` may replace ``folder``. Changes nothing,
    so a command can refuse before it spends minutes reading the registry."""
    if os.path.islink(folder):
        raise OutputError(f"{folder}: is a symbolic link; pwc writes its output into a real "
                          "folder, never through a link. Give --out another folder.")
    if not os.path.lexists(folder):
        return
    if not folder.is_dir():
        raise OutputError(f"{folder}: is not a folder")
    try:
        if not os.listdir(folder):
            return
    except OSError as exc:
        raise OutputError(f"{folder}: cannot be read: {exc.strerror}") from exc
    maker = made_by(folder)
    if maker is None:
        raise OutputError(
            f"{folder}: not replaced: it holds files that pwc did not make (there is no {MARKER} "
            "file in it). Give --out a new or empty folder, or empty this one yourself.")
    if maker != command:
        raise OutputError(f"{folder}: not replaced: it holds the output of `{maker}`, not of "
                          f"`{command}`. Give --out another folder.")


@contextlib.contextmanager
def output_folder(folder: Path, command: str, *, replace: bool) -> Iterator[Path]:
    """``folder``, checked (:func:`check_folder`), created if need be and marked as
    ``command``'s, for the ``with`` block to write into.

    With ``replace``, everything in it is moved aside first and deleted by another process
    while the block writes: on this kind of disk, deleting 60,000 files costs as much as
    writing them. Without, its files are kept for the command to update in place (rewriting
    only what changed); links in it are removed so that no write goes through one."""
    check_folder(folder, command)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a parent folder should be, no permission
        raise OutputError(f"{folder}: cannot be made: {exc.strerror}") from exc
    cleaner = _move_aside(folder) if replace else None
    if not replace:
        _remove_links(folder)
    (folder / MARKER).write_text(f"{command}\n{_NOTE}", encoding="utf-8")
    try:
        yield folder
    finally:
        if cleaner is not None:
            cleaner.wait()


def _move_aside(folder: Path) -> subprocess.Popen[bytes] | None:
    entries = [name for name in os.listdir(folder) if name != MARKER]
    if not entries:
        return None
    aside = tempfile.mkdtemp(prefix=_ASIDE, dir=folder)
    for name in entries:
        os.rename(folder / name, os.path.join(aside, name))  # renames a link, not its target
    # rmtree does not follow links: a link in the old output goes, what it points to stays.
    return subprocess.Popen([sys.executable, "-c",
                             "import shutil, sys; shutil.rmtree(sys.argv[1])", aside])


def _remove_links(folder: Path) -> None:
    pending = [str(folder)]
    while pending:
        with os.scandir(pending.pop()) as entries:  # the kind of entry comes with the listing
            for entry in entries:
                if entry.is_symlink():
                    os.unlink(entry.path)
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)


def check_file(path: Path, is_earlier_copy: Callable[[bytes], bool]) -> None:
    """Raise :class:`OutputError` unless ``path`` may be (over)written: nothing is there, or a
    regular file whose first bytes ``is_earlier_copy`` recognises as the command's own."""
    if os.path.islink(path):
        raise OutputError(f"{path}: is a symbolic link; pwc does not write through links")
    if not os.path.lexists(path):
        return
    if not path.is_file():
        raise OutputError(f"{path}: is not a regular file")
    with path.open("rb") as f:
        head = f.read(4096)
    if not is_earlier_copy(head):
        raise OutputError(f"{path}: not replaced: pwc did not write this file. Choose another "
                          "path.")


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC


def write_files(out: Path, files: Iterable[tuple[str, bytes]], made: set[str]) -> list[str]:
    """Write ``files`` (path relative to ``out``, content), making their folders; the paths
    written. ``made`` holds the folders made so far by this process.

    The API is tens of thousands of small files, each in a folder of its own, so each costs
    what the kernel needs to make a folder and a file and little else: three calls for a file
    (``Path.write_bytes`` makes six: it also asks the file's size, whether it is a terminal,
    and where it is), one for a folder whose parent is made (``Path.mkdir(parents=True)``
    and ``os.makedirs`` look first)."""
    root = os.fspath(out)
    written = []
    for path, data in files:
        target = f"{root}/{path}"
        folder = target.rpartition("/")[0]
        if folder not in made:
            try:
                os.mkdir(folder)
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass
            made.add(folder)
        fd = os.open(target, _CREATE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        written.append(path)
    return written
