"""``pwc export model-index`` and ``pwc export hf``: a paper's results for a model card, read
back with huggingface_hub's own parsers, every value."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from huggingface_hub import parse_eval_result_entries
from huggingface_hub.repocard_data import model_index_to_eval_results

from pwc_registry.exports.model_card import hub_dataset
from pwc_registry.imports.hf_card import METRIC_NOTE
from pwc_registry.registry import load_registry

from registry_builder import write

REPO = Path(__file__).resolve().parents[1]
BASE = REPO / "tests" / "examples" / "base" / "registry"
LERT = "lert-a-linguistically-motivated-pre-trained-language-model"
#: A shipped paper whose results name a split, with several models.
SPLIT = "learning-a-neural-semantic-parser-from-user-feedback"

Fact = tuple[str, str, str, str | None, str, float]


def _pwc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pwc_registry", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="module")
def split_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base registry with a split on one of LERT's results and Astock on the Hub."""
    registry = tmp_path_factory.mktemp("split") / "registry"
    shutil.copytree(BASE, registry)
    lert = next(registry.glob(f"papers/*/{LERT}.yaml"))
    text = lert.read_text()
    lert.write_text(text.replace("    model: Chinese Lert Large (News)\n",
                                 "    split: test\n    model: Chinese Lert Large (News)\n", 1))
    astock = registry / "datasets" / "astock.yaml"
    astock.write_text(astock.read_text().replace(
        "homepage: https://github.com/JinanZou/Astock",
        "homepage: https://huggingface.co/datasets/JinanZou/Astock"))
    return registry


def _expected(registry: Path, paper_id: str) -> set[Fact]:
    paper = load_registry(registry).papers[paper_id]
    assert not load_registry(registry).skipped
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
    assert _eval_results(registry, paper) == _expected(registry, paper)


def test_splits_and_hub_datasets_come_back(split_registry: Path) -> None:
    expected = _expected(split_registry, LERT)
    assert any(fact[3] == "test" for fact in expected)
    got = _eval_results(split_registry, LERT)
    assert {f[:2] + f[3:] for f in got} == {f[:2] + f[3:] for f in expected}
    assert {f[2] for f in got} == {"JinanZou/Astock"}  # the Hub's id, not the registry's
    run = _pwc("export", "model-index", LERT, "--registry", str(split_registry))
    splits = {e.dataset_split for entry in yaml.safe_load(run.stdout)["model-index"]
              for e in model_index_to_eval_results([entry])[1]}
    assert splits == {None, "test"}


def _eval_results(registry: Path, paper: str) -> set[Fact]:
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
    assert all(p.startswith(".eval_results/") and p.endswith(".yaml") for p in paths)
    return got


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


def test_an_arxiv_id_names_its_paper_not_one_that_copies_it_elsewhere(tmp_path: Path) -> None:
    """A paper whose OpenReview id, or title, is LERT's arXiv id, filed in a shard that sorts
    before LERT's: once, the first in file order answered, and `pwc export model-index
    2211.05344` printed the impostor's numbers as LERT's. The arXiv id is asked first; two
    papers that answer one question are an ambiguity, refused with both named."""
    registry = tmp_path / "registry"
    shutil.copytree(BASE, registry)
    result = {"task": "stock-market-prediction", "dataset": "astock",
              "model": "Chinese Lert Large (News+Factors)", "metrics": {"accuracy": 12.5}}
    write(registry, "paper", {"id": "impostor", "title": "2211.05344", "date": "2023-01-02",
                              "identifiers": {"openreview": "2211.05344"}, "results": [result]})
    write(registry, "paper", {"id": "twin-a", "title": "Twin", "date": "2023-01-02",
                              "results": [result]})
    write(registry, "paper", {"id": "twin-b", "title": "twin", "date": "2023-01-03",
                              "results": [result]})
    loaded = load_registry(registry)
    for text in ("2211.05344", "arXiv:2211.05344", " ARXIV:2211.05344 "):
        assert [p.id for p in loaded.find_papers(text)] == [LERT]
    assert [p.id for p in loaded.find_papers("impostor")] == ["impostor"]
    assert sorted(p.id for p in loaded.find_papers("TWIN")) == ["twin-a", "twin-b"]
    assert loaded.find_paper("twin") is None
    for nothing in ("", "  ", "arXiv:", "ARXIV: "):
        assert loaded.find_papers(nothing) == []

    shown = _pwc("export", "model-index", "2211.05344", "--registry", str(registry))
    assert shown.returncode == 0, shown.stderr
    assert "66.36" in shown.stdout and "12.5" not in shown.stdout
    for command in (["export", "model-index"], ["export", "hf"], ["show", "paper"]):
        refused = _pwc(*command, "Twin", "--registry", str(registry))
        assert refused.returncode == 2, (command, refused.stdout)
        assert "names 2 papers" in refused.stderr and "twin-a" in refused.stderr \
            and "twin-b" in refused.stderr, refused.stderr


def test_values_an_importer_would_read_as_fractions_are_warned_of(tmp_path: Path) -> None:
    """A percent metric whose every value in the paper lies in [0, 1] (``precision: 0.0001``,
    which V003 questions) is exported as it is, but the export warns: `pwc import hf` on the
    card would read it by the unit rule as a fraction, 0.01 % (found by an attack)."""
    registry = tmp_path / "registry"
    shutil.copytree(BASE, registry)
    write(registry, "paper", {"id": "tiny", "title": "Tiny", "date": "2023-01-01", "results": [
        {"task": "stock-market-prediction", "dataset": "astock", "model": "M",
         "metrics": {"precision": 0.0001, "accuracy": 61.2}}]})
    for command in ("model-index", "hf"):
        run = _pwc("export", command, "tiny", "--registry", str(registry))
        assert run.returncode == 0 and "0.0001" in run.stdout
        [warning] = run.stderr.splitlines()
        assert warning.startswith("warning: registry/papers/") and \
            "precision (a percent)" in warning and "every value is within [0, 1]" in warning
    quiet = _pwc("export", "model-index", LERT, "--registry", str(registry))
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_the_fraction_warning_judges_each_card_as_the_importer_does(tmp_path: Path) -> None:
    """A model-index block is one card with every model; each model's .eval_results is a
    repository of its own. Small's 0.5 beside Large's 61.2 is ambiguous in the block (the importer
    leaves it out, A033) and a fraction in Small's own files (it comes back as 50): the export
    judged the whole paper, and warned of neither (helper-63)."""
    registry = tmp_path / "registry"
    shutil.copytree(BASE, registry)
    write(registry, "paper", {"id": "two", "title": "Two", "date": "2023-01-01",
                              "results": [
        {"task": "stock-market-prediction", "dataset": "astock", "model": "Small",
         "metrics": {"accuracy": 0.5}},
        {"task": "stock-market-prediction", "dataset": "astock", "model": "Large",
         "metrics": {"accuracy": 61.2}}]})
    block = _pwc("export", "model-index", "two", "--registry", str(registry))
    [warning] = block.stderr.splitlines()
    assert "accuracy (a percent): 0.5 within [0, 1], beside values outside it" in warning \
        and "not imported" in warning
    for model, expected in (("Small", "every value is within [0, 1]"), ("Large", None)):
        card = _pwc("export", "hf", "two", "--model", model, "--registry", str(registry))
        assert card.returncode == 0, card.stderr
        if expected is None:
            assert card.stderr == ""
        else:
            [warning] = card.stderr.splitlines()
            assert f"of model '{model}': {expected}" in warning
    both = _pwc("export", "hf", "two", "--registry", str(registry))
    assert [line.split(": ")[2] for line in both.stderr.splitlines()] == [
        "accuracy (a percent) of model 'Small'"]


def test_hf_export_writes_one_models_files_into_its_repository(tmp_path: Path) -> None:
    """`--out` writes a model's `.eval_results/` files where the Hub reads them, the same bytes
    as printed; it writes again only what is not there, and never replaces an author's own file
    or writes through a link (the files had to be split out of stdout by hand)."""
    repo = tmp_path / "model-repo"
    args = ["export", "hf", LERT, "--model", "Chinese Lert Large (News)", "--registry", str(BASE)]
    printed = _pwc(*args).stdout
    first = _pwc(*args, "--out", str(repo))
    assert first.returncode == 0, first.stderr
    paths = sorted((repo / ".eval_results").iterdir())  # one a leaderboard: two here
    assert len(paths) == len(first.stdout.splitlines()) == 2
    assert all(p.read_text() in printed for p in paths) and first.stdout.startswith("wrote ")
    for p in paths:  # accuracy first, then precision, recall and F1
        values = [e.value for e in parse_eval_result_entries(yaml.safe_load(p.read_text()))]
        assert values[0] == 64.37 and len(values) == 4
    path = paths[0]
    again = _pwc(*args, "--out", str(repo))
    assert again.returncode == 0 and again.stdout.startswith("unchanged ")
    path.write_text(path.read_text().replace("64.37", "99.9"))  # the author's own edit
    refused = _pwc(*args, "--out", str(repo))
    assert refused.returncode == 2 and "not replaced" in refused.stderr
    assert "99.9" in path.read_text()
    both = _pwc("export", "hf", LERT, "--registry", str(BASE), "--out", str(tmp_path / "r2"))
    assert both.returncode == 2 and "--model" in both.stderr
    assert not (tmp_path / "r2").exists()
    outside = tmp_path / "outside"
    outside.mkdir()
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / ".eval_results").symlink_to(outside)
    link = _pwc(*args, "--out", str(linked))
    assert link.returncode == 2 and "symbolic link" in link.stderr
    assert list(outside.iterdir()) == []


def test_eval_results_come_back_through_the_importer(tmp_path: Path) -> None:
    """`pwc export hf` then `pwc import hf`: the importer read every entry as the metric
    "score", kept the first value and left out the rest as given twice (A035), since the
    export names each entry's metric and split in its notes, where it did not look (found by
    an attack). Each value now comes back under its metric and split."""
    registry = tmp_path / "registry"
    shutil.copytree(BASE, registry)
    model = "Chinese Lert Large (News)"
    card = tmp_path / "card"
    run = _pwc("export", "hf", LERT, "--model", model, "--out", str(card), "--registry",
               str(registry))
    assert run.returncode == 0, run.stderr
    run = _pwc("import", "hf", str(card), "--repo-id", "alice/lert-news", "--registry",
               str(registry), "--report", str(tmp_path / "report.md"))
    assert run.returncode == 0, run.stdout + run.stderr
    loaded = load_registry(registry)
    [source] = loaded.sources.values()
    got = {(r.task, r.dataset, r.split, metric, value.value)
           for r in source.results for metric, value in r.metrics.items()}
    assert got == {f[1:] for f in _expected(registry, LERT) if f[0] == model}
    assert "A035" not in (tmp_path / "report.md").read_text()


def test_a_quoted_result_is_not_exported_as_the_papers_model(tmp_path: Path) -> None:
    """LERT quoting the Astock paper's baseline (`paper:` names it): the model card export
    wrote it as one of LERT's models, and importing the card back credited it to LERT (found
    by an attack). A card holds the paper's own models."""
    registry = tmp_path / "registry"
    shutil.copytree(BASE, registry)
    lert = next(registry.glob(f"papers/*/{LERT}.yaml"))
    quoted = ("  - task: stock-market-prediction\n    dataset: astock\n"
              "    model: Quoted Baseline\n    paper: astock-a-new-dataset-and-automated-stock-"
              "trading-based-on-stock-specific-news-analyzing-model\n    metrics:\n"
              "      accuracy: 61.2\n")
    text = lert.read_text()
    lert.write_text(text.replace("results:\n", "results:\n" + quoted, 1))
    assert any(r.paper for r in load_registry(registry).papers[LERT].results)
    for command in ("model-index", "hf"):
        run = _pwc("export", command, LERT, "--registry", str(registry))
        assert run.returncode == 0, run.stderr
        assert "Quoted Baseline" not in run.stdout and "Chinese Lert Large" in run.stdout
