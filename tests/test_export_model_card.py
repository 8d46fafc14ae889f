"""``pwc export model-index`` and ``pwc export hf``: a paper's results for a model card, read
back with huggingface_hub's own parsers, every value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from huggingface_hub import parse_eval_result_entries
from huggingface_hub.repocard_data import model_index_to_eval_results

from pwc_registry.exports.model_card import METRIC_NOTE, hub_dataset
from pwc_registry.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
BASE = REPO / "tests" / "examples" / "base" / "registry"
LERT = "lert-a-linguistically-motivated-pre-trained-language-model"
#: A shipped paper whose results name a split, with several models.
SPLIT = "learning-a-neural-semantic-parser-from-user-feedback"

Fact = tuple[str, str, str, str | None, str, float]


def _pwc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pwc_registry", *args], capture_output=True,
                          text=True, timeout=120)


def _expected(registry: Path, paper_id: str) -> set[Fact]:
    paper = load_registry(registry).papers[paper_id]
    return {(r.model, r.task, r.dataset, r.split, metric, value.value)
            for r in paper.results for metric, value in r.metrics.items()}


@pytest.mark.parametrize("registry, paper", [(BASE, LERT), (REPO / "registry", SPLIT)])
def test_model_index_round_trips_every_value(registry: Path, paper: str) -> None:
    run = _pwc("export", "model-index", paper, "--registry", str(registry))
    assert run.returncode == 0, run.stderr
    card = yaml.safe_load(run.stdout)
    got: set[Fact] = set()
    for entry in card["model-index"]:
        name, evals = model_index_to_eval_results([entry])
        got |= {(name, e.task_type, e.dataset_type, e.dataset_split, e.metric_type,
                 e.metric_value) for e in evals}
        assert all(e.source_url and e.source_url.startswith("http") for e in evals)
    assert got == _expected(registry, paper)
    assert len(got) > 4


@pytest.mark.parametrize("registry, paper", [(BASE, LERT), (REPO / "registry", SPLIT)])
def test_eval_results_round_trip_every_value(registry: Path, paper: str) -> None:
    run = _pwc("export", "hf", paper, "--registry", str(registry))
    assert run.returncode == 0, run.stderr
    got: set[Fact] = set()
    paths = []
    for document in run.stdout.split("\n---\n"):
        model = document.split("\n", 1)[0].removeprefix("# model: ")
        paths.append(document.split("\n", 2)[1].removeprefix("# file: "))
        for e in parse_eval_result_entries(yaml.safe_load(document)):
            assert e.notes is not None
            notes = dict(part.split(": ", 1) for part in e.notes.split("; "))
            got.add((model, e.task_id, e.dataset_id, notes.get("split"),
                     notes[METRIC_NOTE.removesuffix(": ")], e.value))
    assert got == _expected(registry, paper)
    assert all(p.startswith(".eval_results/") and p.endswith(".yaml") for p in paths)


def test_hf_export_of_one_model_and_refusals() -> None:
    run = _pwc("export", "hf", LERT, "--model", "Chinese Lert Large (News)", "--registry",
               str(BASE))
    assert run.returncode == 0 and "(News+Factors)" not in run.stdout
    assert "value: 64.37" in run.stdout
    missing = _pwc("export", "model-index", "no-such-paper", "--registry", str(BASE))
    assert missing.returncode == 2 and "no paper" in missing.stderr
    assert "Traceback" not in missing.stderr
    model = _pwc("export", "hf", LERT, "--model", "GPT-9", "--registry", str(BASE))
    assert model.returncode == 2 and "GPT-9" in model.stderr


def test_a_dataset_on_the_hub_is_named_by_its_hub_id() -> None:
    assert hub_dataset({"homepage": "https://huggingface.co/datasets/cais/hle"}) == "cais/hle"
    assert hub_dataset({"links": [{"url": "https://example.org/x"},
                                  {"url": "https://huggingface.co/datasets/Idavidrein/gpqa/"}]}
                       ) == "Idavidrein/gpqa"
    assert hub_dataset({"homepage": "https://huggingface.co/models/x/y"}) is None
