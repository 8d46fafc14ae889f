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
import fcntl
import hashlib
import os
import re
import secrets
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .writing import linked_folder

MARKER = ".pwc-output"
#: In a folder updated in place (:func:`updated_folder`): every file the last complete run
#: wrote, with a digest of its bytes and its size; written last, so that its own modification
#: time is when that run ended.
MANIFEST = ".pwc-files"
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
    check_no_linked_folder(folder)
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
def exclusive(folder: Path, what: str = "writing into") -> Iterator[None]:
    """Hold ``folder`` for one run: a second pwc on the same folder stops at once with an
    :class:`OutputError` instead of the two deleting each other's scratch files (two site
    builds at once ended in internal errors). A lock on the folder itself (``flock``), which
    the kernel lets go when the process ends, however it ends."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot be opened: {exc.strerror}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"{folder}: another pwc is {what} it; run again when it has "
                              "ended") from None
        yield
    finally:
        os.close(fd)  # and with it the lock


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
    with exclusive(folder):
        cleaner = _move_aside(folder) if replace else None
        if not replace:
            _remove_links(folder)
        _mark(folder, command)
        try:
            yield folder
        finally:
            if cleaner is not None:
                cleaner.wait()


#: path (relative, with /) → "<digest of its bytes> <size>" as last written: one string, as
#: the manifest's line has it (a tuple of a digest and a size took ~80 bytes more an entry: at the
#: archive's scale, ~4 million entries, held twice in a rebuild, that was ~650 MB).
Entries = dict[str, str]
Entry = tuple[str, str]


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC


def _write_file(target: str, data: bytes) -> None:
    """Write ``data`` at ``target``, never through a link. A site is tens of thousands of small
    files (the API's each in a folder of its own), so each should cost what the kernel needs
    to make it and little else: three calls (``Path.write_bytes`` makes six: it also asks the
    file's size, whether it is a terminal, and where it is)."""
    fd = os.open(target, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def write_new(target: str, data: bytes) -> None:
    """Write ``data`` at ``target`` as a new file: what was there is unlinked first, never
    rewritten, as it may be a hard link to a file pwc did not make (a link by name is removed
    before a run; a hard link cannot be told from a file)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    _write_file(target, data)


class FileSet:
    """The files a run writes into a folder pwc made, each written only where its bytes
    differ from what the last complete run wrote there (an unchanged file keeps its inode and
    modification time). A file counts as unchanged only if the manifest's digest matches and
    the file on disk is still a regular file of that size, last modified before the manifest
    was written (a file changed since, by hand or by a run cut short, is written again). The
    manifest holds no time, so the same registry still builds the same bytes.

    Forked workers may each call :meth:`put`; the parent gathers what they return and hands it
    to :meth:`record`."""

    def __init__(self, folder: Path, previous: Entries, ended: int = 0,
                 foreign: tuple[str, ...] = ()) -> None:
        self.folder = folder
        self.previous = previous
        #: Folders inside (relative, ending with /) that hold another command's output: never
        #: written into (links in them were not removed).
        self.foreign = foreign
        #: When the run that wrote ``previous`` ended (its manifest's mtime, in ns).
        self.ended = ended
        self.entries: Entries = {}
        self._folders: set[str] = set()

    def put(self, path: str, data: bytes) -> Entry:
        """Write ``data`` at ``path`` (relative to the folder) unless it holds it already; the
        manifest entry, for :meth:`record`."""
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        target = os.path.join(self.folder, path)
        kept = self._kept(path, target, digest)
        if kept is not None:
            return path, kept
        self._make_parent(path)
        if path in self.previous:
            write_new(target, data)
        else:
            _write_file(target, data)
        return path, _record(digest, len(data))

    def place(self, path: str, made: Path) -> Entry:
        """:meth:`put` for a file already written elsewhere in the folder (``made``, moved
        into place, or deleted when ``path`` holds the same bytes)."""
        record = _digest_file(made)
        target = os.path.join(self.folder, path)
        kept = self._kept(path, target, record.partition(" ")[0])
        if kept is not None:
            made.unlink()
            return path, kept
        self._make_parent(path)
        os.replace(made, target)
        return path, record

    def place_folder(self, path: str, made: Path) -> list[Entry]:
        """:meth:`place` for every file in the folder ``made`` (made by the run, holding no
        link), to go under ``path``. When nothing is at ``path`` and the last run wrote nothing
        under it (a first build), the folder is moved there whole: at the archive's scale the
        search index is ~600,000 files, and moving each on its own took ~50 s."""
        files = sorted(_files_in(str(made)))
        target = os.path.join(self.folder, path)
        prefix = path + "/"
        if os.path.lexists(target) or any(p.startswith(prefix) for p in self.previous):
            return [self.place(f"{prefix}{name}", made / name) for name in files]
        self._make_parent(path)
        os.rename(made, target)
        return [(f"{prefix}{name}", _digest_file(Path(target, name))) for name in files]

    def record(self, entries: Iterable[Entry]) -> None:
        self.entries.update(entries)

    def changes(self) -> tuple[int, int]:
        """(files new or changed since the last run, files it wrote that this one does not),
        as far as recorded: what a rebuild changed, for its summary."""
        previous = self.previous
        changed = sum(1 for path, record in self.entries.items() if previous.get(path) != record)
        return changed, len(previous.keys() - self.entries.keys())

    def _kept(self, path: str, target: str, digest: str) -> str | None:
        before = self.previous.get(path)
        if before is None:
            return None
        written, _, size = before.partition(" ")
        if written != digest:
            return None
        try:
            info = os.lstat(target)
        except OSError:
            return None
        if stat.S_ISREG(info.st_mode) and info.st_size == int(size) \
                and info.st_mtime_ns <= self.ended:
            return before
        return None

    def _make_parent(self, path: str) -> None:
        if self.foreign and (f"{path}/".startswith(self.foreign)  # in one, or one itself
                             or any(f.startswith(f"{path}/") for f in self.foreign)):
            raise OutputError(f"{self.folder / path}: not written: a folder on its way holds "
                              f"another command's output (it has a {MARKER} file)")
        parent = path.rpartition("/")[0]
        if not parent or parent in self._folders:
            return
        target = os.path.join(self.folder, parent)
        if not (parent.rpartition("/")[0] in self._folders and self._mkdir(target)):
            os.makedirs(target, exist_ok=True)
        while parent and parent not in self._folders:
            self._folders.add(parent)
            parent = parent.rpartition("/")[0]

    @staticmethod
    def _mkdir(target: str) -> bool:
        """Make ``target``, whose parent exists, with one call (os.makedirs first looks at
        each folder above it; the API makes ~6 folders a paper, each inside a new one).
        False if it cannot: os.makedirs then decides (it may exist already)."""
        try:
            os.mkdir(target)
        except OSError:
            return False
        return True

    def finish(self) -> None:
        """Delete the files the last run wrote and this one did not (only those: nothing
        else in the folder is pwc's to delete), and the folders they leave empty; then write
        the manifest."""
        emptied: set[str] = set()
        for path in sorted(self.previous.keys() - self.entries.keys()):
            target = os.path.join(self.folder, path)
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISREG(os.lstat(target).st_mode):
                    os.unlink(target)
                    emptied.add(path.rpartition("/")[0])
        for parent in sorted(emptied, key=lambda p: -p.count("/")):
            while parent:
                with contextlib.suppress(OSError):  # not empty: something else is in it
                    os.rmdir(os.path.join(self.folder, parent))
                parent = parent.rpartition("/")[0]
        _write_manifest(self.folder, self.entries)


def _write_manifest(folder: Path, entries: Entries) -> None:
    """Write the manifest of ``entries`` (dated now: when the run ended)."""
    lines = [f"{record} {path}\n" for path, record in sorted(entries.items())]
    # A new file of a name nothing else has (whatever was left at a fixed name, a folder even);
    # written whole, then renamed over the manifest. Not mkstemp: its 0600 would keep the
    # manifest from others on a host that serves the folder (umask decides, as for every other
    # file).
    while True:
        temporary = folder / f"{MANIFEST}.{secrets.token_hex(8)}"
        try:
            handle = os.open(temporary, _CREATE | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("".join(lines))
    os.replace(temporary, folder / MANIFEST)


def _record(digest: str, size: int) -> str:
    return f"{digest} {size}"


def _digest_file(path: Path) -> str:
    """The manifest's record of the file at ``path``: its digest and its size."""
    hasher = hashlib.blake2b(digest_size=16)
    size = 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            hasher.update(block)
            size += len(block)
    return _record(hasher.hexdigest(), size)


def _files_in(folder: str, relative: str = "") -> Iterator[str]:
    """The regular files under ``folder``, as paths relative to it with /."""
    with os.scandir(os.path.join(folder, relative)) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files_in(folder, f"{relative}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                yield f"{relative}{entry.name}"


#: A manifest's line: a 32-digit hexadecimal digest, a size in ASCII digits, a path.
_LINE = re.compile(r"([0-9a-f]{32}) ([0-9]+) ([^\n]+)", re.ASCII)
_OWN = frozenset({MARKER, MANIFEST})


def _plain(path: str) -> bool:
    """Whether ``path`` names a file inside the folder by plain parts: nothing absolute, no
    ``.``, ``..`` or empty part, nothing unprintable (NUL, line ends of any kind), not the
    folder's own marker or manifest."""
    parts = path.split("/")
    return path.isprintable() and path not in _OWN and \
        "" not in parts and "." not in parts and ".." not in parts and \
        not parts[-1].startswith(MANIFEST + ".")


def _read_manifest(folder: Path) -> tuple[Entries, int] | None:
    """The manifest's entries and when it was written; None if there is none to trust: any
    line not as this code writes it (a manifest edited by hand, or copied from elsewhere, could
    otherwise name a file outside the folder for a rebuild to delete)."""
    path = folder / MANIFEST
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    entries: Entries = {}
    if text and not text.endswith("\n"):
        return None
    for line in text.split("\n")[:-1]:
        fields = _LINE.fullmatch(line)
        if fields is None or not _plain(fields[3]):
            return None  # not a manifest this code wrote: trust none of it
        entries[fields[3]] = _record(fields[1], int(fields[2]))
    return entries, info.st_mtime_ns


@contextlib.contextmanager
def updated_folder(folder: Path, command: str) -> Iterator[FileSet]:
    """:func:`output_folder` for a command that writes through a :class:`FileSet`: the
    folder's files are kept and each rewritten only if its bytes change; files the last run
    wrote and this one does not are deleted when the block ends without error.

    The last complete run's manifest stays in place until this run writes its own, last: a run
    cut short, even by SIGKILL, leaves the folder as one that failed (see :class:`FileSet`: what
    it rewrote is newer than that manifest and is written again, what it added is a stranger).
    Without a manifest (a first run, a folder written by an older pwc) the folder's content is
    replaced as :func:`output_folder` does, but for another command's folders directly inside."""
    check_folder(folder, command)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot be made: {exc.strerror}") from exc
    with exclusive(folder):
        yield from _updated(folder, command)


def _updated(folder: Path, command: str) -> Iterator[FileSet]:
    manifest = _read_manifest(folder) if made_by(folder) == command else None
    cleaner = None
    if manifest is None:
        # Another command's folder inside (the snapshot publish.yml writes into the site) is
        # not this command's to delete: it stays, and nothing is written into it.
        others = tuple(entry.name for entry in os.scandir(folder)
                       if entry.is_dir(follow_symlinks=False) and _marked(entry.path))
        cleaner = _move_aside(folder, keep=others)
        files = FileSet(folder, {}, foreign=tuple(f"{name}/" for name in others))
    else:
        # The manifest is left as it is: dated when that run ended, it makes a file this run
        # rewrites newer, so written again by the next run if this one does not finish, and a
        # file it adds a stranger to it. Removed first, as it once was, a build cut short left
        # none, and the next replaced the whole folder (a snapshot nested in it included).
        foreign = _remove_strangers(folder, manifest[0])
        files = FileSet(folder, *manifest, foreign=foreign)
    _mark(folder, command)
    try:
        yield files
        files.finish()
    finally:
        if cleaner is not None:
            cleaner.wait()


def _remove_strangers(folder: Path, previous: Entries) -> tuple[str, ...]:
    """Make ``folder`` hold only what the last run wrote, as a fresh run would find it: links
    go (never what they point to), and so do files the manifest does not list (put there by
    hand, or left by a run cut short). A folder inside with a marker of its own is another
    command's output (publish.yml writes the snapshot into the site): left alone, if its marker
    is a regular file and the last run wrote nothing in it (a marker planted, or a link by its
    name, in a folder this command writes does not make its links safe to write through).
    The folders left alone, relative, each ending with /."""
    foreign: list[str] = []
    # Folders where the last run wrote a file (planted by hand): emptied by the walk, then
    # removed, so that the file can be written again.
    in_place_of_files: list[str] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(os.path.join(folder, relative)) as listing:
            entries = list(listing)
        # Told from the folder's own listing, which the walk reads anyway: asking for the
        # marker of each of the API's ~3 million folders at the archive's scale was a lookup
        # more per folder. The manifest is searched only where a marker stands.
        marker = next((entry for entry in entries if entry.name == MARKER), None)
        if relative and marker is not None and marker.is_file(follow_symlinks=False) \
                and not any(path.startswith(relative) for path in previous):
            foreign.append(relative)
            continue
        for entry in entries:
            path = f"{relative}{entry.name}"
            if entry.is_symlink():
                os.unlink(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                pending.append(path + "/")
                if path in previous:
                    in_place_of_files.append(entry.path)
            elif path not in previous and path not in (MARKER, MANIFEST):
                os.unlink(entry.path)
    for emptied in in_place_of_files:
        for inside, _, _ in os.walk(emptied, topdown=False):
            with contextlib.suppress(OSError):  # it holds another command's output: left alone
                os.rmdir(inside)
    return tuple(foreign)


def _mark(folder: Path, command: str) -> None:
    """Write the marker, unless it says this already (a rebuild rewrites nothing unchanged)."""
    marker = folder / MARKER
    text = f"{command}\n{_NOTE}".encode()
    if not (os.path.isfile(marker) and not os.path.islink(marker)
            and marker.read_bytes() == text):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(marker)  # a link by its name goes, never what it points to
        marker.write_bytes(text)


def _marked(folder: str) -> bool:
    """Whether ``folder`` holds a marker that is a regular file."""
    try:
        return stat.S_ISREG(os.lstat(os.path.join(folder, MARKER)).st_mode)
    except OSError:
        return False


def _move_aside(folder: Path, keep: tuple[str, ...] = ()) -> subprocess.Popen[bytes] | None:
    entries = [name for name in os.listdir(folder) if name != MARKER and name not in keep]
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


def check_no_linked_folder(path: Path) -> None:
    """Raise :class:`OutputError` if a folder on the way to ``path`` is a symbolic link."""
    link = linked_folder(path)
    if link is not None:
        raise OutputError(f"{path}: {link} on its way is a symbolic link (to "
                          f"{os.path.realpath(link)}); pwc does not write through links: give "
                          "the path without it")


def check_file(path: Path, is_earlier_copy: Callable[[bytes], bool]) -> None:
    """Raise :class:`OutputError` unless ``path`` may be (over)written: nothing is there, or a
    regular file whose first bytes ``is_earlier_copy`` recognises as the command's own."""
    if os.path.islink(path):
        raise OutputError(f"{path}: is a symbolic link; pwc does not write through links")
    check_no_linked_folder(path)
    if not os.path.lexists(path):
        return
    if not path.is_file():
        raise OutputError(f"{path}: is not a regular file")
    with path.open("rb") as f:
        head = f.read(4096)
    if not is_earlier_copy(head):
        raise OutputError(f"{path}: not replaced: pwc did not write this file. Choose another "
                          "path.")
