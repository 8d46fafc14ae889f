"""What changed in the registry since a git ref."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterable
from pathlib import Path


class GitError(Exception):
    """The ref or repository cannot be used (a usage problem, exit code 2)."""


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
    import git

    try:
        repo = git.Repo(start, search_parent_directories=True)
        top = Path(repo.working_tree_dir or ".")
        base = repo.git.merge_base(ref, "HEAD")
        names = repo.git.diff("--name-only", "--no-renames", base).splitlines()
        names += repo.git.ls_files("--others", "--exclude-standard").splitlines()
    except (git.GitCommandError, git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise GitError(f"cannot compare with {ref!r}: {_first_line(exc)}") from exc
    return Changes(top, base, tuple(sorted(set(names))))


def _first_line(exc: Exception) -> str:
    text = getattr(exc, "stderr", "") or str(exc)
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__


def files_containing(folder: Path, values: list[str]) -> list[Path] | None:
    """Files under ``folder`` (tracked or untracked) whose text holds any of ``values``, found
    with ``git grep`` (C, threaded); ``None`` if ``folder`` is not in a git work tree."""
    import git

    try:
        repo = git.Repo(folder, search_parent_directories=True)
        patterns = [a for v in values for a in ("-e", v)]
        out = repo.git.grep("--untracked", "-l", "-F", "-i", "--full-name", *patterns, "--",
                            folder.resolve().as_posix(), with_extended_output=True,
                            with_exceptions=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    status, stdout, _ = out
    if status not in (0, 1):  # 1: nothing found
        return None
    top = Path(repo.working_tree_dir or ".")
    return [top / line for line in stdout.splitlines() if line]


class Version:
    """The files of one version of a repository: a commit, or the work tree (``ref`` None)."""

    def __init__(self, start: Path, ref: str | None) -> None:
        import git

        try:
            self.repo = git.Repo(start, search_parent_directories=True)
            self.ref = ref
            self.commit = self.repo.commit(ref) if ref is not None else None
        except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.BadName,
                ValueError, git.GitCommandError) as exc:
            raise GitError(f"cannot read {ref or 'the work tree'}: {_first_line(exc)}") from exc
        self.top = Path(self.repo.working_tree_dir or ".")
        self.label = ref if ref is not None else "work tree"
        self._batch: subprocess.Popen[bytes] | None = None

    def use_work_tree_if_same(self, folder: str) -> None:
        """Read ``folder`` from the disk instead of the object store when this commit is the one
        checked out and nothing under ``folder`` differs from it (as in CI): files on disk are
        read and searched several times faster than packed objects."""
        if self.commit is None or self.commit != self.repo.head.commit:
            return
        dirty = self.repo.git.status("--porcelain", "--untracked-files=normal", "--", folder)
        if not dirty:
            self.commit = None

    def read(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The bytes of each path (relative to the top of the work tree), None where absent."""
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
        out: dict[str, bytes | None] = {}
        for start in range(0, len(paths), 64):
            chunk = paths[start:start + 64]
            self._batch.stdin.write(b"".join(
                f"{self.commit.hexsha}:{p}\n".encode() for p in chunk))
            self._batch.stdin.flush()
            for path in chunk:
                header = self._batch.stdout.readline().split()
                if len(header) != 3:  # "<name> missing"
                    out[path] = None
                    continue
                data = self._batch.stdout.read(int(header[2]) + 1)[:-1]
                out[path] = data if header[1] == b"blob" else None
        return out

    def close(self) -> None:
        if self._batch is not None:
            self._batch.communicate()
            self._batch = None

    def grep(self, folder: str, words: list[str]) -> list[str]:
        """Paths under ``folder`` whose text holds any of ``words`` (whole words, any case)."""
        if not words:
            return []
        patterns = [a for w in words for a in ("-e", w)]
        where = [] if self.commit is None else [self.commit.hexsha]
        extra = ["--untracked"] if self.commit is None else []
        status, out, _ = self.repo.git.grep(
            *extra, "-l", "-F", "-w", "-i", "--full-name", *patterns, *where, "--", folder,
            with_extended_output=True, with_exceptions=False)
        if status not in (0, 1):
            raise GitError(f"git grep failed in {self.label}")
        prefix = f"{self.commit.hexsha}:" if self.commit is not None else ""
        return [line.removeprefix(prefix) for line in out.splitlines() if line]


def merge_base(base_ref: str, head: Version) -> Version:
    """The version a branch at ``head`` started from: the merge base with ``base_ref``."""
    import git

    try:
        head_rev = head.commit.hexsha if head.commit is not None else "HEAD"
        sha = head.repo.git.merge_base(base_ref, head_rev)
    except git.GitCommandError as exc:
        raise GitError(f"cannot compare with {base_ref!r}: {_first_line(exc)}") from exc
    version = Version(head.top, sha)
    version.label = base_ref
    return version


def changed_between(base: Version, head: Version, folder: str) -> list[str]:
    """Paths under ``folder`` that differ between ``base`` (a commit) and ``head`` (a commit, or
    the work tree with untracked files)."""
    assert base.commit is not None
    args = ["--name-only", "--no-renames", base.commit.hexsha]
    if head.commit is not None:
        args.append(head.commit.hexsha)
    names = base.repo.git.diff(*args, "--", folder).splitlines()
    if head.commit is None:
        names += base.repo.git.ls_files("--others", "--exclude-standard", "--",
                                        folder).splitlines()
    return sorted(set(names))
