"""What changed in the registry since a git ref, and the files of a version.

Plain ``git`` commands: each question here is one command, and importing a git library would
cost more of ``pwc validate --changed-since`` (a tenth of a second) than all of them together.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path


class GitError(Exception):
    """The ref or repository cannot be used (a usage problem, exit code 2)."""


def _start(cwd: Path, args: list[str]) -> subprocess.Popen[str]:
    # Paths come back as git stores them (``-z``): bytes that are not UTF-8 are kept as
    # surrogates, as os.fsdecode does, so that they name the same files on disk.
    try:
        return subprocess.Popen(["git", *args], cwd=cwd, encoding="utf-8",
                                errors="surrogateescape", stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except OSError as exc:  # no git, or no such folder
        raise GitError(f"cannot run git: {exc}") from exc


def _finish(process: subprocess.Popen[str], args: list[str], ok: tuple[int, ...] = (0,)
            ) -> tuple[int, str]:
    """Exit status and output of a started git command; GitError for any status not ``ok``."""
    out, err = process.communicate()
    if process.returncode not in ok:
        raise GitError(_last_line(err) or f"git {args[0]} failed")
    return process.returncode, out


def _run(cwd: Path, *args: str, ok: tuple[int, ...] = (0,)) -> tuple[int, str]:
    return _finish(_start(cwd, list(args)), list(args), ok)


def _run_together(cwd: Path, *commands: list[str]) -> list[str]:
    """The output of each git command, run at the same time."""
    running = [_start(cwd, c) for c in commands]
    return [_finish(p, c)[1] for p, c in zip(running, commands, strict=True)]


def run_git(cwd: Path, *args: str) -> str:
    return _run(cwd, *args)[1]


#: The attributes under which git writes a file out as other bytes than it stores
#: (gitattributes(5)): another encoding, a filter driver (git-lfs's, on most CI machines),
#: ``$Id$`` expanded. Line endings are not among them: YAML reads CRLF as LF.
CHECKOUT_ATTRIBUTES = ("working-tree-encoding", "filter", "ident")


def checkout_attributes(top: Path, paths: Sequence[str]
                        ) -> Callable[[], dict[str, list[str]]]:
    """Of ``paths`` (relative to ``top``), those git checks out through one of
    :data:`CHECKOUT_ATTRIBUTES`, each with its attributes as ``name=value``: asked now, and
    answered by the function returned (git works meanwhile: at 50,000 papers a quarter of a
    second, spent while the caller reads the files). Files, not pipes, carry the question and
    the answer, so that neither side waits on the other."""
    if not paths:
        return dict
    args = ["check-attr", "-z", "--stdin", *CHECKOUT_ATTRIBUTES]
    # Closed by the answer, which outlives this call.
    question, answer, errors = (tempfile.TemporaryFile() for _ in range(3))  # noqa: SIM115
    question.write(("\0".join(paths) + "\0").encode("utf-8", "surrogateescape"))
    question.seek(0)
    try:
        process = subprocess.Popen(["git", *args], cwd=top, stdin=question, stdout=answer,
                                   stderr=errors, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except OSError as exc:
        for file in (question, answer, errors):
            file.close()
        raise GitError(f"cannot run git: {exc}") from exc

    def answered() -> dict[str, list[str]]:
        with question, answer, errors:
            if process.wait():
                errors.seek(0)
                raise GitError(_last_line(errors.read().decode("utf-8", "replace"))
                               or "git check-attr failed")
            answer.seek(0)
            fields = answer.read().decode("utf-8", "surrogateescape").split("\0")
        if set(fields[2::3]) <= {"unspecified", ""}:  # the usual answer, for every path
            return {}
        found: dict[str, list[str]] = {}
        for path, name, value in zip(fields[0::3], fields[1::3], fields[2::3], strict=False):
            if value not in ("unspecified", "unset", ""):
                found.setdefault(path, []).append(name if value == "set" else f"{name}={value}")
        return found

    return answered


#: Every diff lists submodules: `git diff` obeys `ignore = all` in a `.gitmodules` that a pull
#: request may bring, and then says nothing of a submodule it adds (helper-82).
IGNORE_NO_SUBMODULE = "--ignore-submodules=none"


def tracked_files(top: Path, *folders: str) -> tuple[list[str], list[str]]:
    """The files git tracks under ``folders`` (relative to ``top``), and the submodules
    (another repository's commit, mode 160000) it holds there among them."""
    return _split_gitlinks(run_git(top, "ls-files", "-s", "-z", "--", *folders))


def gitlinks_since(top: Path, base: str, folder: str) -> list[str]:
    """The submodules under ``folder`` that git's index holds and ``base`` did not hold so.
    From the index, not the work tree: a work tree without the submodule checked out shows
    no change at its path."""
    raw = run_git(top, "diff", "--cached", "--raw", "--no-renames", IGNORE_NO_SUBMODULE, "-z",
                  base, "--", folder)
    fields = raw.split("\0")
    return [path for info, path in zip(fields[0::2], fields[1::2], strict=False)
            if info.split(" ")[1:2] == ["160000"]]


def _split_gitlinks(staged: str) -> tuple[list[str], list[str]]:
    files: list[str] = []
    links: list[str] = []
    for entry in staged.split("\0"):
        if entry:
            info, _, path = entry.partition("\t")
            (links if info.startswith("160000 ") else files).append(path)
    return files, links


def work_tree_top(start: Path) -> Path:
    """The top folder of the git work tree holding ``start``."""
    folder = start if start.is_dir() else start.parent
    if not folder.exists():
        raise GitError(f"no such folder: {folder}")
    return Path(run_git(folder, "rev-parse", "--show-toplevel").strip())


def commit_of(top: Path, ref: str) -> str:
    """The commit id that ``ref``, as a person or a workflow gave it, names; GitError if none.

    Every git command here that takes a ref gets the id this returns, never the ref itself: a
    ref starting with '-' would be read by git as an option (``--fork-point`` made
    ``merge-base`` answer HEAD itself, so ``--changed-since`` saw no change and passed)."""
    if not ref or ref.startswith("-") or "\0" in ref:
        raise GitError(f"{ref!r} is not a git ref (a ref never starts with '-')")
    status, out = _run(top, "rev-parse", "--verify", "--quiet", "--end-of-options",
                       f"{ref}^{{commit}}", ok=(0, 1))
    if status:
        raise GitError(f"no commit named {ref!r}")
    return out.strip()


def uncommitted(registry: Path) -> list[str]:
    """The files under ``registry`` that differ from HEAD in the work tree (changed, added,
    untracked), relative to the top of the work tree."""
    top = work_tree_top(registry)
    folder = registry.resolve().relative_to(top.resolve()).as_posix()
    out = run_git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all",
                  IGNORE_NO_SUBMODULE, "--", folder)
    # Each entry is "XY path", a rename's old path after it as an entry of its own.
    return sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})


def _names(out: str) -> list[str]:
    """The paths in the output of a git command run with ``-z``: NUL-terminated and unquoted,
    so that names with spaces, quotes, newlines or non-ASCII letters come back as they are
    (without ``-z`` git quotes them, and the quoted name matched no folder: silently left out)."""
    return [name for name in out.split("\0") if name]


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@dataclasses.dataclass(frozen=True)
class Changes:
    """What differs between the merge base of a ref with HEAD and the work tree."""

    top: Path
    #: The merge base's commit id.
    base: str
    #: Every path (relative to ``top``) that differs: changed, added, deleted or untracked.
    paths: tuple[str, ...]

    def under(self, folder: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return [p for p in self.paths if p.startswith(prefix)]


def changes_since(start: Path, ref: str) -> Changes:
    """One look at the repository holding ``start``: a merge base, a diff, the untracked files
    (each a walk of the whole work tree, so done once for the file list and the guards)."""
    try:
        top = work_tree_top(start)
        base = run_git(top, "merge-base", commit_of(top, ref), "HEAD").strip()
        # Each walks the whole work tree; on two cores they take half as long side by side.
        diff, untracked = _run_together(top, ["diff", "--name-only", "-z", "--no-renames",
                                              IGNORE_NO_SUBMODULE, base],
                                        ["ls-files", "-z", "--others", "--exclude-standard"])
        names = _names(diff) + _names(untracked)
    except GitError as exc:
        raise GitError(f"cannot compare with {ref!r}: {exc}") from exc
    return Changes(top, base, tuple(sorted(set(names))))


def files_containing(folder: Path, values: list[str], *, untracked: bool = True,
                     regex: bool = False) -> list[Path] | None:
    """Files under ``folder`` (tracked, and untracked if ``untracked``) whose text holds any of
    ``values`` (ignoring case; with ``regex``, Perl-compatible expressions, each matched within
    a line: as fast as fixed strings, where POSIX extended ones took 2.5 times as long), found
    with ``git grep`` (C, threaded); ``None`` if ``folder`` is not in a git work tree, or git
    cannot match such expressions. Leaving out untracked files spares a walk of the folder
    (~0.15 s at 50,000)."""
    try:
        top = work_tree_top(folder)
        patterns = [a for v in values for a in ("-e", v)]
        _, out = _run(top, "grep", *(["--untracked"] if untracked else []), "-l", "-z",
                      "-P" if regex else "-F", "-i", "--full-name", *patterns, "--",
                      folder.resolve().as_posix(), ok=(0, 1))  # 1: nothing found
    except GitError:
        return None
    return [top / name for name in _names(out)]


class Version:
    """The files of one version of a repository: a commit, or the work tree (``ref`` None)."""

    def __init__(self, start: Path, ref: str | None) -> None:
        try:
            self.top = work_tree_top(start)
        except GitError as exc:
            raise GitError(f"cannot read {ref or 'the work tree'}: {exc}") from exc
        self.commit: str | None = None
        if ref is not None:
            try:
                self.commit = commit_of(self.top, ref)
            except GitError as exc:
                raise GitError(f"cannot read {ref!r}: {exc}") from exc
        self.ref = ref
        self.label = ref if ref is not None else "work tree"
        #: The commit this version is, also once its files are read from the work tree.
        self.named: str | None = None
        self._batch: subprocess.Popen[bytes] | None = None

    def use_work_tree_if_same(self, folder: str) -> None:
        """Read ``folder`` from the disk instead of the object store when this commit is the one
        checked out and nothing under ``folder`` differs from it (as in CI): files on disk are
        read and searched several times faster than packed objects."""
        if self.commit is None or self.commit != run_git(self.top, "rev-parse", "HEAD").strip():
            return
        dirty = run_git(self.top, "status", "--porcelain", "--untracked-files=normal", "--", folder)
        if not dirty:
            self.named = self.commit
            self.commit = None

    def read(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The bytes of each path (relative to the top of the work tree), None where absent; in
        a commit, a path may also be a blob id."""
        wanted = list(dict.fromkeys(paths))
        if self.commit is None:
            out: dict[str, bytes | None] = {}
            for path in wanted:
                file = self.top / path
                out[path] = file.read_bytes() if file.is_file() and not file.is_symlink() \
                    else None
            return out
        return self._cat_file(wanted)

    def _cat_file(self, paths: list[str]) -> dict[str, bytes | None]:
        """Blobs through one long-lived ``git cat-file --batch``: starting it costs a tenth of a
        second in a large repository, a request then costs microseconds. Requests go in
        chunks small enough never to fill the pipe, so neither side waits on the other."""
        assert self.commit is not None
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.top,
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self._batch.stdin is not None and self._batch.stdout is not None
        # The batch reads one name a line: a name holding a line break is asked for alone.
        odd = [p for p in paths if "\n" in p or "\r" in p]
        out: dict[str, bytes | None] = {p: self._blob(p) for p in odd}
        paths = [p for p in paths if p not in out]
        for start in range(0, len(paths), 64):
            chunk = paths[start:start + 64]
            self._batch.stdin.write(b"".join(
                os.fsencode(p if _is_object_id(p) else f"{self.commit}:{p}") + b"\n"
                for p in chunk))
            self._batch.stdin.flush()
            for path in chunk:
                # "<id> <type> <size>", or "<name> missing" where the name may hold spaces.
                header = self._batch.stdout.readline().split()
                if len(header) != 3 or not header[2].isdigit() \
                        or not _is_object_id(header[0].decode("ascii", "replace")):
                    out[path] = None
                    continue
                data = self._batch.stdout.read(int(header[2]) + 1)[:-1]
                out[path] = data if header[1] == b"blob" else None
        return out

    def _blob(self, path: str) -> bytes | None:
        done = subprocess.run(["git", "cat-file", "blob", f"{self.commit}:{path}"], cwd=self.top,
                              capture_output=True, check=False)
        return done.stdout if done.returncode == 0 else None

    def files(self, folder: str) -> list[str]:
        """Every file under ``folder`` (relative to the top), tracked or in the work tree."""
        if self.commit is None:
            base = self.top / folder
            return sorted(p.relative_to(self.top).as_posix() for p in base.rglob("*")
                          if p.is_file() and not p.is_symlink()) if base.is_dir() else []
        out = run_git(self.top, "ls-tree", "-r", "-z", "--name-only", self.commit, "--", folder)
        return sorted(_names(out))

    def close(self) -> None:
        if self._batch is not None:
            self._batch.communicate()
            self._batch = None

    def grep(self, folder: str, words: list[str], *, untracked: bool = True) -> list[str]:
        """Paths under ``folder`` whose text holds any of ``words`` (whole words, any case);
        in the work tree, untracked files too unless not ``untracked``."""
        if not words:
            return []
        patterns = [a for w in words for a in ("-e", w)]
        where = [] if self.commit is None else [self.commit]
        extra = ["--untracked"] if self.commit is None and untracked else []
        try:
            _, out = _run(self.top, "grep", *extra, "-l", "-z", "-F", "-w", "-i", "--full-name",
                          *patterns, *where, "--", folder, ok=(0, 1))
        except GitError as exc:
            raise GitError(f"git grep failed in {self.label}: {exc}") from exc
        prefix = f"{self.commit}:" if self.commit is not None else ""
        return [name.removeprefix(prefix) for name in _names(out)]


def merge_base(base_ref: str, head: Version) -> Version:
    """The version a branch at ``head`` started from: the merge base with ``base_ref``."""
    try:
        sha = run_git(head.top, "merge-base", commit_of(head.top, base_ref),
                      head.commit or "HEAD").strip()
    except GitError as exc:
        raise GitError(f"cannot compare with {base_ref!r}: {exc}") from exc
    version = Version(head.top, sha)
    version.label = base_ref
    return version


def changed_between(base: Version, head: Version, folder: str) -> list[str]:
    """Paths under ``folder`` that differ between ``base`` (a commit) and ``head`` (a commit, or
    the work tree with untracked files)."""
    assert base.commit is not None
    args = ["--name-only", "-z", "--no-renames", IGNORE_NO_SUBMODULE, base.commit]
    if head.commit is not None:
        args.append(head.commit)
    diff = ["diff", *args, "--", folder]
    if head.commit is not None:
        return sorted(set(_names(run_git(base.top, *diff))))
    outputs = _run_together(base.top, diff,
                            ["ls-files", "-z", "--others", "--exclude-standard", "--", folder])
    return sorted({name for out in outputs for name in _names(out)})
