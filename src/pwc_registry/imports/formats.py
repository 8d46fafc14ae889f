"""The formats ``pwc import`` reads, in one table: each is one module that reads its files into
:class:`.records.Imported` batches (or, for the archive, runs its own pipeline over the same
shared parts), and each passes one contract (tests/test_import_contract.py): a valid registry,
a second import that changes nothing, a maintainer's value never overwritten, every result
accounted for in the report, nothing written through a link.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .records import Imported

if TYPE_CHECKING:
    from .report import ImportReport


@dataclasses.dataclass(frozen=True)
class Format:
    """A format: its command (``pwc import <name>``), how its report is titled, how its
    messages name it, and how its results say who filed them (``source.reported_by``)."""

    name: str
    subject: str
    speaker: str
    reported_by: str
    #: The format's reader: its files (and options) → batches for :mod:`.sink`; None for a
    #: format that runs its own pipeline over the shared parts (the archive's dumps are not
    #: batches of results: they are entities, papers and code links too).
    read: Callable[[Sequence[Path], Any], Iterator[Imported]] | None = None


def _tables(paths: Sequence[Path], mapping: Any) -> Iterator[Imported]:
    from .table import read_table

    return (read_table(path, mapping) for path in paths)


def _model_index(paths: Sequence[Path], options: Any) -> Iterator[Imported]:
    from .model_index import read_model_index

    return read_model_index(paths)


def _hf(paths: Sequence[Path], repo_id: Any) -> Iterator[Imported]:
    from .hf_card import read_hf

    return read_hf(paths, repo_id=repo_id)


FORMATS: dict[str, Format] = {
    f.name: f for f in (
        Format("pwc-archive", "the Papers with Code archive", "the archive",
               "papers-with-code-archive"),
        Format("table", "a table", "the table", "pwc-import-table", _tables),
        Format("model-index", "model-index metafiles", "the metafile", "pwc-import-model-index",
               _model_index),
        Format("hf", "Hugging Face model cards", "the model card", "pwc-import-hf", _hf),
    )
}


def import_format(name: str, registry: Path, paths: Sequence[Path], options: Any, *,
                  jobs: int | None = None, progress: Callable[[int], None] | None = None
                  ) -> ImportReport:
    """Import ``paths`` in format ``name`` (one with a reader) through the shared path."""
    from .sink import import_batches  # here: the sink's report imports this table

    fmt = FORMATS[name]
    if fmt.read is None:
        raise ValueError(f"{name} runs its own import")
    batches: Iterable[Imported] = fmt.read(paths, options)
    return import_batches(registry, batches, [str(p) for p in paths], subject=fmt.subject,
                          speaker=fmt.speaker, reported_by=fmt.reported_by, jobs=jobs,
                          progress=progress)
