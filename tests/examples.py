"""The examples corpus: ``tests/examples/{valid,invalid}/<case>/``.

A case is a set of files laid over the base registry in ``tests/examples/base/``; an invalid case
also has ``expected.txt``, one ``file:line:column: CODE`` per diagnostic, in output order.
"""

from __future__ import annotations

import shutil
from pathlib import Path

EXAMPLES = Path(__file__).parent / "examples"
BASE = EXAMPLES / "base"


def cases(kind: str) -> list[Path]:
    return sorted(p for p in (EXAMPLES / kind).iterdir() if p.is_dir())


def materialise(case: Path, into: Path) -> Path:
    """Copy the base registry and the case's files into ``into``; return the registry folder."""
    shutil.copytree(BASE / "registry", into / "registry", symlinks=True)
    for source in sorted((case / "registry").rglob("*")):
        target = into / source.relative_to(case)
        if source.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            target.symlink_to(source.readlink())
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return into / "registry"


def expected(case: Path) -> list[str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]
