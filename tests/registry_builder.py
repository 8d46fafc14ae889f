"""Small registries for tests, written as YAML files the way a contributor writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pwc_registry.layout import relative_path

from examples import materialise


def committed(tmp_path: Path, registry: Path, *, branch: str | None = None) -> Path:
    """``registry`` (inside ``tmp_path``) committed on ``main`` of a new repository at
    ``tmp_path``; with ``branch``, that branch checked out next (a pull request's view, ``main``
    its base)."""
    from conftest import git

    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "registry")
    if branch is not None:
        git(tmp_path, "checkout", "-qb", branch)
    return registry


def registry_in_git(tmp_path: Path) -> Path:
    """The base registry, committed on ``main`` of a new repository at ``tmp_path``."""
    return committed(tmp_path, materialise(Path("/nonexistent"), tmp_path))


def write(registry: Path, kind: str, record: dict[str, Any]) -> Path:
    path = registry / relative_path(kind, record["id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def paper(registry: Path, paper_id: str, date: str, results: list[dict[str, Any]],
          **extra: Any) -> Path:
    return write(registry, "paper", {"id": paper_id, "title": f"Paper {paper_id}",
                                     "date": date, **extra, "results": results})


def result(task: str, dataset: str, model: str, **metrics: Any) -> dict[str, Any]:
    extra = metrics.pop("extra", False)
    split = metrics.pop("split", None)
    out: dict[str, Any] = {"task": task, "dataset": dataset, "model": model}
    if split:
        out["split"] = split
    out["metrics"] = {k.replace("_", "-"): v for k, v in metrics.items()}
    if extra:
        out["extra_training_data"] = True
    return out


def speech_registry(tmp_path: Path) -> Path:
    """The base registry plus a speech benchmark ranked by word error rate (lower is better)."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "area", {"id": "speech", "name": "Speech"})
    write(registry, "task", {"id": "speech-recognition", "name": "Speech Recognition",
                             "area": "speech", "aliases": ["ASR"]})
    write(registry, "task", {"id": "noisy-speech-recognition", "name": "Noisy Speech Recognition",
                             "parent": "speech-recognition", "area": "speech"})
    write(registry, "dataset", {"id": "librispeech-test-clean", "name": "LibriSpeech test-clean",
                                "aliases": ["LibriSpeech"]})
    write(registry, "metric", {"id": "word-error-rate", "name": "Word Error Rate",
                               "direction": "lower", "unit": "percent",
                               "range": {"min": 0, "max": 100}, "aliases": ["WER"]})
    write(registry, "metric", {"id": "real-time-factor", "name": "Real-Time Factor",
                               "direction": "lower"})
    task, data = "speech-recognition", "librispeech-test-clean"
    paper(registry, "first-asr", "2019-03-01", [result(task, data, "A", word_error_rate=5.0)])
    paper(registry, "second-asr", "2020-06-01", [
        result(task, data, "B", word_error_rate=3.2, real_time_factor=0.5),
        result(task, data, "B-large", word_error_rate=2.9, extra=True)])
    paper(registry, "third-asr", "2021-01-15", [
        result(task, data, "C", word_error_rate=3.2, real_time_factor=0.3),
        result(task, data, "D", real_time_factor=0.1)])
    paper(registry, "worse-asr", "2022-01-01", [result(task, data, "E", word_error_rate=7.1)])
    paper(registry, "noisy-asr", "2023-05-01", [
        result("noisy-speech-recognition", data, "F", word_error_rate=2.5)])
    return registry
