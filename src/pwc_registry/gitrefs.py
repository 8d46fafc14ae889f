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
