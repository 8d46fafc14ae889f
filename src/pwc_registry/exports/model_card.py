"""A paper's results for its authors' model cards: ``pwc export model-index`` and ``pwc export hf``.

Both are written by ``huggingface_hub``'s own writers, so the Hub reads them as it reads any card:
a ``model-index`` block (:func:`huggingface_hub.repocard_data.eval_results_to_model_index`, one
entry per model the paper evaluates) and ``.eval_results/*.yaml`` files
(:func:`huggingface_hub.eval_result_entries_to_yaml`, one file per leaderboard). They are the
inverse of the importers of those formats; what each format cannot hold is listed in
docs/api.md ("Exports for authors").

Only the results the paper's own file holds are exported, with the registry's ids as the
formats' types (task, dataset and metric ids; a Hugging Face dataset id where the dataset's
record links to one on the Hub) and its names as their names.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from huggingface_hub import EvalResultEntry, eval_result_entries_to_yaml
from huggingface_hub.repocard_data import EvalResult, eval_results_to_model_index

from ..ids import benchmark_id, identifier_page
from ..imports.hf_card import METRIC_NOTE, SPLIT_NOTE
from ..imports.records import ImportedValue, Origin
from ..imports.units import fractions_of, lowest, signed_metrics
from ..markdown import number as number_text
from ..outputs import OutputError, check_no_linked_folder
from ..registry import Paper, Registry, Result, paper_label

#: A dataset on the Hub, as a link names it.
_HUB_DATASET = re.compile(r"^https://huggingface\.co/datasets/([A-Za-z0-9][\w.-]*/[\w.-]+)/?$")


@dataclasses.dataclass(frozen=True)
class EvalFile:
    """One ``.eval_results`` file of one model."""

    model: str
    path: str
    entries: list[dict[str, Any]]


def hub_dataset(record: Any) -> str | None:
    """The dataset's id on the Hugging Face Hub, where its record links to it."""
    urls = [record.get("homepage"), *(link.get("url") for link in record.get("links", ()))]
    return next((m.group(1) for u in urls if isinstance(u, str)
                 and (m := _HUB_DATASET.match(u))), None)


def _paper_url(paper: Paper) -> str | None:
    if "abstract" in paper.links:
        return paper.links["abstract"]
    arxiv = paper.identifiers.get("arxiv")
    return identifier_page("arxiv", arxiv) if arxiv else paper.links.get("pdf")


def _by_model(paper: Paper) -> dict[str, list[Result]]:
    """The paper's own models and their results: a result it quotes of another paper's model
    (``paper:`` naming that one) is not its model's, and would be imported as its."""
    models: dict[str, list[Result]] = {}
    for result in paper.results:
        if result.paper in (None, paper.id):
            models.setdefault(result.model, []).append(result)
    return models


def model_index(registry: Registry, paper: Paper) -> list[dict[str, Any]]:
    """The paper's results as a ``model-index`` list: one entry per model."""
    name = registry.name
    url = _paper_url(paper)
    out: list[dict[str, Any]] = []
    for model, results in _by_model(paper).items():
        evals = [EvalResult(
            task_type=r.task, task_name=name("task", r.task),
            dataset_type=r.dataset, dataset_name=name("dataset", r.dataset),
            dataset_split=r.split,
            metric_type=metric, metric_name=name("metric", metric), metric_value=value.value,
            source_name=paper_label(paper) if url else None, source_url=url)
            for r in results for metric, value in r.metrics.items()]
        out += eval_results_to_model_index(model, evals)
    return out


def eval_results(registry: Registry, paper: Paper) -> list[EvalFile]:
    """The paper's results as ``.eval_results`` files: per model, one file per leaderboard,
    one entry per metric (named in the entry's notes)."""
    datasets = registry.entities.get("dataset", {})
    url = _paper_url(paper)
    files: list[EvalFile] = []
    for model, results in _by_model(paper).items():
        boards: dict[str, list[EvalResultEntry]] = {}
        for r in results:
            dataset = hub_dataset(datasets.get(r.dataset, {})) or r.dataset
            for metric, value in r.metrics.items():
                # The format has no field for either (a benchmark on the Hub defines its one
                # score): named in the notes, as `pwc import hf` reads them.
                notes = [f"{METRIC_NOTE}{metric}"] + ([f"{SPLIT_NOTE}{r.split}"] if r.split
                                                      else [])
                boards.setdefault(benchmark_id(r.task, r.dataset, r.split), []).append(
                    EvalResultEntry(dataset_id=dataset, task_id=r.task, value=value.value,
                                    date=r.date or paper.date, source_url=url,
                                    source_name=paper_label(paper) if url else None,
                                    notes="; ".join(notes)))
        files += [EvalFile(model, f".eval_results/{board}.yaml",
                           eval_result_entries_to_yaml(entries))
                  for board, entries in boards.items()]
    return files


def write_eval_results(files: Sequence[EvalFile], folder: Path) -> list[tuple[str, bool]]:
    """Write one model's ``files`` into ``folder``, that model's repository (its
    ``.eval_results/``); (path, whether written) for each, a file already holding the same
    bytes not being written again. Nothing is written if any file is there with other bytes
    (the author's own, or an earlier export with other numbers: theirs to delete), if a path
    on the way is a symbolic link, or if the files are of more than one model (they would take
    each other's names)."""
    models = {f.model for f in files}
    if len(models) > 1:
        raise OutputError(f"the files are of {len(models)} models, each for its own repository: "
                          "choose one with --model (" + "; ".join(sorted(models)) + ")")
    plan: list[tuple[EvalFile, Path, bytes, bool]] = []
    for f in files:
        target = folder / f.path
        data = _yaml(f.entries).encode("utf-8")
        # The folders it makes below the repository's (.eval_results), and the file: never a
        # link; the repository's folder and those above it: as every output's.
        for step in (folder, target.parent, target):
            if step.is_symlink():
                raise OutputError(f"{step}: is a symbolic link; pwc does not write through "
                                  "links")
        check_no_linked_folder(folder)
        if os.path.lexists(target):
            if not target.is_file() or target.read_bytes() != data:
                raise OutputError(f"{target}: not replaced: it holds other results than the "
                                  "export's (delete it to write it again)")
            plan.append((f, target, data, False))
        else:
            plan.append((f, target, data, True))
    for _, target, data, new in plan:
        if new:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
    return [(f.path, new) for f, _, _, new in plan]


def read_otherwise(registry: Registry, paper: Paper, model: str | None = None
                   ) -> list[tuple[str, str]]:
    """(metric, what becomes of its values) for each percent metric of one card that an
    importer judging cards by the unit rule (:mod:`..imports.units`, the same judgement) would
    not read back as written: every value in [0, 1] is taken for fractions and multiplied by
    100; values in [0, 1] beside others outside it may be either, and are not imported. The
    formats have no field for a unit, so the export cannot say otherwise. A card is the
    paper's own models' results (a model-index block holds them all), or ``model``'s alone
    (each model's ``.eval_results`` is a repository of its own)."""
    metrics = registry.entities.get("metric", {})
    signed = signed_metrics(metrics)
    models = _by_model(paper)
    results = models.get(model, []) if model is not None else \
        [r for rs in models.values() for r in rs]
    origin = Origin(paper.file)
    values = [ImportedValue(metric, value.value, origin) for r in results
              for metric, value in r.metrics.items()
              if metrics.get(metric, {}).get("unit") == "percent"]
    fractions = fractions_of(values, signed=signed)
    out = [(metric, "every value is within [0, 1]: it would be taken for fractions and "
            "multiplied by 100") for metric in sorted(fractions)]
    small: dict[str, list[float]] = {}
    for v in values:
        number = float(v.value)
        if v.metric not in fractions and number and lowest(v.metric, signed) <= number <= 1:
            small.setdefault(v.metric, []).append(number)
    out += [(metric, f"{', '.join(map(number_text, found))} within [0, 1], beside values "
             "outside it, may be fractions or percents: not imported")
            for metric, found in sorted(small.items())]
    return out


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def model_index_text(registry: Registry, paper: Paper) -> str:
    """The block to put in a model card's front matter."""
    return _yaml({"model-index": model_index(registry, paper)})


def eval_results_text(files: Iterable[EvalFile]) -> str:
    """The files as one YAML stream: each document headed by comments naming its model and
    path (an author copies each into the model's repository)."""
    return "".join(f"# model: {' '.join(f.model.split())}\n# file: {f.path}\n"
                   f"{_yaml(f.entries)}---\n" for f in files).removesuffix("---\n")
