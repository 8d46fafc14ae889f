"""What changed in the registry since a git ref."""

from __future__ import annotations

from pathlib import Path


class GitError(Exception):
    """The ref or repository cannot be used (a usage problem, exit code 2)."""


def changed_paths(registry: Path, ref: str) -> list[Path]:
    """Files under ``registry`` that differ between the merge base of ``ref`` and HEAD and the
    work tree, untracked files included. Deleted files are left out: there is nothing to read."""
    import git

    try:
        repo = git.Repo(registry, search_parent_directories=True)
        top = Path(repo.working_tree_dir or ".")
        base = repo.git.merge_base(ref, "HEAD")
        relative = registry.resolve().relative_to(top.resolve()).as_posix()
        names = repo.git.diff("--name-only", "--no-renames", "--diff-filter=d", base, "--",
                              relative).splitlines()
        names += repo.git.ls_files("--others", "--exclude-standard", "--", relative).splitlines()
    except (git.GitCommandError, git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise GitError(f"cannot compare with {ref!r}: {_first_line(exc)}") from exc
    return [top / name for name in sorted(set(names))]


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

    def read(self, path: str) -> bytes | None:
        """The bytes of ``path`` (relative to the top of the work tree), None if absent."""
        if self.commit is None:
            file = self.top / path
            return file.read_bytes() if file.is_file() and not file.is_symlink() else None
        try:
            blob = self.commit.tree / path
        except KeyError:
            return None
        data: bytes = blob.data_stream.read()
        return data

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
