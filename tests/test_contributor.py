"""A contributor's first pull request (issue 16): `pwc new` reports every problem at once and
says what to write, adds what was asked to what is there, makes ids from any title, and
suggests what was meant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pwc_registry import load
from pwc_registry.cli import main
from pwc_registry.ids import new_paper_id, new_slug, slugify
from pwc_registry.validate import Options, validate

from conftest import TODAY
from examples import materialise

LERT = "lert-a-linguistically-motivated-pre-trained-language-model"


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return materialise(Path("/nonexistent"), tmp_path)


def invoke(registry: Path, *args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, [*args, "--registry", str(registry)])
    return outcome.exit_code, outcome.output


def results(registry: Path, paper: str = LERT) -> list[dict[str, Any]]:
    path = next(registry.glob(f"papers/*/{paper}.yaml"))
    data = load.read_rich(path.name, path.read_bytes()).data
    assert isinstance(data, dict)
    found: list[dict[str, Any]] = data["results"]
    return found


def new_result(registry: Path, *metrics: str, model: str = "M", task: str = "Stock Market "
               "Prediction", dataset: str = "Astock") -> tuple[int, str]:
    flags = [a for m in metrics for a in ("--metric", m)]
    return invoke(registry, "new", "result", LERT, "--task", task, "--dataset", dataset,
                  "--model", model, *flags)


def test_every_bad_name_and_value_is_reported_at_once_without_a_usage_banner(
        registry: Path) -> None:
    before = results(registry)
    code, out = new_result(registry, "Acuracy=76.5", "f1-score=**70.3**", "recall=n/a",
                           task="Stock Market Predction", dataset="Astok")
    assert code == 1
    assert "Usage:" not in out and "Try 'pwc" not in out
    lines = out.splitlines()
    assert lines == [
        "pwc new result: no task 'Stock Market Predction' in the registry; did you mean "
        "'stock-market-prediction'? If not, add it first: pwc new task 'Stock Market Predction'",
        "pwc new result: no dataset 'Astok' in the registry; did you mean 'astock'? If not, add "
        "it first: pwc new dataset Astok",
        "pwc new result: no metric 'Acuracy' in the registry; did you mean 'accuracy'? If not, "
        "add it first: pwc new metric Acuracy",
        "pwc new result: f1-score='**70.3**' is not a plain value (stripped bold markers): "
        "write 70.3",
        "pwc new result: recall='n/a': no number is given; write a number such as 76.5",
    ]
    assert results(registry) == before


def test_values_as_papers_print_them_go_through_the_one_reader(registry: Path) -> None:
    code, out = new_result(registry, "accuracy=76.5%", "f1-score=88.5±0.2", "precision=70.10")
    assert code == 0, out
    added = results(registry)[-1]
    assert added["metrics"] == {"accuracy": 76.5, "f1-score": {"value": 88.5, "spread": 0.2},
                                "precision": 70.10}


@pytest.mark.parametrize(("given", "said"), [
    ("accuracy=0.885", "looks like a fraction, but Accuracy is in percent: if the paper says "
                       "88.5%, write 88.5"),
    ("accuracy=176.5", "is outside the range of Accuracy [0, 100]"),
    ("score=76.5%", "Score is not in percent; write the value in the metric's unit"),
    ("accuracy=76.5 (avg)", "is not a plain value (remark: avg): write 76.5"),
])
def test_a_value_in_the_wrong_unit_is_refused_saying_what_to_write(
        registry: Path, given: str, said: str) -> None:
    (registry / "metrics" / "score.yaml").write_text(
        "id: score\nname: Score\ndirection: higher\n", encoding="utf-8")
    before = results(registry)
    code, out = new_result(registry, given)
    assert code == 1 and said in out, out
    assert results(registry) == before


def test_a_metric_is_added_to_an_existing_result(registry: Path) -> None:
    assert new_result(registry, "accuracy=61.2", model="New Model")[0] == 0
    code, out = new_result(registry, "f1-score=60.1", model="New Model")
    assert code == 0, out
    assert "added f1-score to the result of 'New Model'" in out
    mine = [r for r in results(registry) if r["model"] == "New Model"]
    assert [r["metrics"] for r in mine] == [{"accuracy": 61.2, "f1-score": 60.1}]
    # A value already there changes only with a correction.
    code, out = new_result(registry, "accuracy=62.0", model="New Model")
    assert code == 1 and "already has accuracy=61.2" in out and "correction" in out
    assert validate(Options(registry=registry, today=TODAY, jobs=1)).errors == 0


def test_a_paper_already_here_says_how_to_add_a_result(registry: Path) -> None:
    code, out = invoke(registry, "new", "paper", "--title",
                       "LERT: A Linguistically-motivated Pre-trained Language Model")
    assert code == 1 and "Usage:" not in out
    assert "already exists" in out
    assert f"to add a result to it: pwc new result {LERT} --task" in out


def test_new_ids_keep_accented_letters_and_any_title_makes_one(registry: Path) -> None:
    code, out = invoke(registry, "new", "paper", "--title", "Über naïve Bayes für Café-Daten",
                       "--date", "2024-05-01")
    assert code == 0, out
    assert list(registry.glob("papers/*/uber-naive-bayes-fur-cafe-daten.yaml"))
    code, out = invoke(registry, "new", "paper", "--title", "基于新闻的股票预测", "--arxiv",
                       "2405.01234", "--date", "2024-05-01")
    assert code == 0, out
    assert list(registry.glob("papers/*/arxiv-2405-01234.yaml"))
    assert new_paper_id("基于新闻的股票预测") == new_paper_id("基于新闻的股票预测 ") \
        == "paper-" + __import__("hashlib").sha1("基于新闻的股票预测".encode()).hexdigest()[:8]
    assert validate(Options(registry=registry, today=TODAY, jobs=1)).errors == 0


def test_the_ids_importers_derive_stay_as_they_were() -> None:
    # slugify is what splits and the archive importer's ids follow: a re-import of a name
    # already in the registry must find its file again, so only new ids take new_slug.
    assert slugify("Über naïve Bayes für Café-Daten") == "ber-na-ve-bayes-f-r-caf-daten"
    # The archive importer's id for a title already in the registry is the file's name still.
    from pwc_registry.imports.resolve import new_id

    from conftest import REPO

    title = "Rocktäschel  et al. '15"
    assert list((REPO / "registry").glob("papers/*/rockt-schel-et-al-15.yaml"))
    assert new_id(title, set()) == "rockt-schel-et-al-15"
    assert new_slug(title) == "rocktaschel-et-al-15"  # what only a new paper gets
    assert slugify("5-shot (val)") == new_slug("5-shot (val)") == "5-shot-val"
    assert new_slug("Straße Ørsted Łódź") == "strasse-orsted-lodz"


def test_the_offline_route_writes_what_it_is_given(registry: Path) -> None:
    code, out = invoke(registry, "new", "paper", "--title", "A Stock Model", "--author", "A. Person",
                       "--date", "2024-05-01", "--arxiv", "arXiv:2405.01234v2", "--url",
                       "https://example.org/a-stock-model", "--abstract", "We predict stocks.",
                       "--code", "https://github.com/example/a-stock-model", "--venue",
                       "FinNLP 2024")
    assert code == 0, out
    assert "pwc papers fill a-stock-model" not in out  # nothing is missing
    text = next(registry.glob("papers/*/a-stock-model.yaml")).read_text("utf-8")
    for line in ('  arxiv: "2405.01234"', "abstract: We predict stocks.", "venue: FinNLP 2024",
                 "  abstract: https://example.org/a-stock-model",
                 "  - url: https://github.com/example/a-stock-model"):
        assert line in text, text
    code, out = invoke(registry, "new", "paper", "--title", "Another", "--arxiv", "2405.04321")
    assert code == 0 and "later, online: pwc papers fill another" in out
    code, out = invoke(registry, "new", "paper", "--title", "Bad Link", "--code", "not a url")
    assert code == 1 and "code[0].url" in out, out


def test_a_task_is_never_suggested_as_its_own_parent(registry: Path) -> None:
    task = registry / "tasks" / "stock-market-prediction.yaml"
    text = task.read_text("utf-8")
    task.write_text(text + "parent: stock-market-predictions\n", encoding="utf-8")
    found = validate(Options(registry=registry, paths=[task], today=TODAY, jobs=1))
    hints = [d.hint for d in found.diagnostics if d.code == "R001"]
    assert hints and all("'stock-market-prediction'" not in (h or "") for h in hints), hints


def test_up_to_three_suggestions_where_they_help(registry: Path) -> None:
    code, out = new_result(registry, "accuracy=60", task="Stock Prediction")
    assert code == 1
    assert "did you mean 'stock-trend-prediction' or 'stock-market-prediction'?" in out, out


HAND_WRITTEN = """\
id: written-by-hand
title: Written by Hand
venue: yes
date: "2024-05-01"
identifiers:
  arxiv: 2405.01230
results:
  - task: stock-market-prediction
    dataset: astock
    model: 1.10
    extra_training_data: no  # the paper says so
    metrics:
      Acuracy: 61.5
"""


def test_plain_values_get_the_fix_that_fits_and_hide_nothing(registry: Path) -> None:
    path = registry / "papers" / "7b" / "written-by-hand.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    found = validate(Options(registry=registry, paths=(path,), today=TODAY, jobs=1))
    said = {(d.code, d.line): d.hint for d in found.diagnostics}
    # One round shows every problem: the Y007s do not hide the misspelt metric.
    assert said == {
        ("Y007", 3): 'quote it: "yes" (YAML 1.1 reads it otherwise)',
        ("S003", 6): 'quote it: "2405.01230" (a plain YAML value like 1.10 or true is not text; '
                     "pwc fmt quotes it)",
        ("S003", 10): 'quote it: "1.10" (a plain YAML value like 1.10 or true is not text; '
                      "pwc fmt quotes it)",
        ("Y007", 11): "write false (YAML 1.1 reads no as false; quoted, it would be text)",
        ("R001", 13): "did you mean 'accuracy'?",
    }, said
    # fmt leaves a file with a problem it cannot fix alone; once that is fixed, it fixes the
    # rest, showing the diff first when checking.
    code, out = invoke(registry, "fmt", "--check", str(path))
    assert code == 1 and "not formatted" in out
    path.write_text(HAND_WRITTEN.replace("Acuracy", "accuracy"), encoding="utf-8")
    code, out = invoke(registry, "fmt", "--check", str(path))
    assert code == 1
    for line in ('+venue: "yes"', '+  arxiv: "2405.01230"', '+    model: "1.10"',
                 "+    extra_training_data: false  # the paper says so", "would reformat"):
        assert line in out, out
    assert path.read_text("utf-8") == HAND_WRITTEN.replace("Acuracy", "accuracy")
    code, out = invoke(registry, "fmt", str(path))
    assert code == 0, out
    assert validate(Options(registry=registry, paths=(path,), today=TODAY, jobs=1)
                    ).diagnostics == []


def test_new_task_dataset_metric_and_benchmark(registry: Path) -> None:
    code, out = invoke(registry, "new", "task", "Stock Forecasting", "--parent",
                       "Stock Market Prediction", "--area", "Time Series", "--alias",
                       "Stock forecast")
    assert code == 0, out
    task = (registry / "tasks" / "stock-forecasting.yaml").read_text("utf-8")
    assert "parent: stock-market-prediction\narea: time-series\n" in task
    code, out = invoke(registry, "new", "metric", "Balanced Accuracy", "--direction", "higher",
                       "--unit", "percent", "--min", "0", "--max", "100", "--alias", "BAcc")
    assert code == 0, out
    assert "range:\n  min: 0\n  max: 100\n" in (registry / "metrics" /
                                                "balanced-accuracy.yaml").read_text("utf-8")
    code, out = invoke(registry, "new", "dataset", "Astock v2", "--parent", "astock")
    assert code == 0, out
    code, out = invoke(registry, "new", "benchmark", "Stock Forecasting", "Astock v2",
                       "--primary-metric", "BAcc")
    assert code == 0, out
    assert "primary_metric: balanced-accuracy" in (
        registry / "benchmarks" / "stock-forecasting--astock-v2.yaml").read_text("utf-8")
    assert validate(Options(registry=registry, today=TODAY, jobs=1)).diagnostics == []


def test_a_new_entity_never_takes_a_neighbour_s_names(registry: Path) -> None:
    # "Copy a neighbour" copied accuracy's aliases and raised I002 twice: refused here, at once.
    code, out = invoke(registry, "new", "metric", "Accuracy (balanced)", "--direction", "higher",
                       "--alias", "Acc", "--alias", "Accuracy")
    assert code == 1 and "Usage:" not in out
    assert out.count("already leads to the metric 'accuracy' (I002") == 2
    assert "add your spelling to the aliases of registry/metrics/accuracy.yaml" in out
    assert not (registry / "metrics" / "accuracy-balanced.yaml").exists()
    code, out = invoke(registry, "new", "task", "Stock Price Prediction", "--id", "stock-price",
                       "--parent", "stock-prise")
    assert code == 1 and "no task 'stock-prise'" in out
    assert "'stock-price'" not in out  # never suggested as its own parent


def test_adding_the_same_result_again_says_it_is_there(registry: Path) -> None:
    """helper-92: repeating a result just added, with the same value and spread, was told
    that "a published value changes with a correction"; nothing changes, nothing is
    published."""
    assert new_result(registry, "accuracy=76.5 ± 0.2")[0] == 0
    before = results(registry)
    code, out = new_result(registry, "accuracy=76.5+-0.2")
    assert code == 1 and "with these values: nothing to add" in out and "correction" not in out
    assert results(registry) == before


def test_a_result_without_a_word_on_extra_data_is_told_how_it_is_read(registry: Path) -> None:
    """helper-92: a model trained with back-translation, added without --extra-data, became
    the best without extra training data, and nothing said that unsaid is read as none."""
    code, out = new_result(registry, "accuracy=76.5")
    assert code == 0 and "extra training data: not given, so read as none" in out
    code, out = invoke(registry, "new", "result", LERT, "--task", "Stock Market Prediction",
                       "--dataset", "Astock", "--model", "M2", "--metric", "accuracy=70.0",
                       "--no-extra-data")
    assert code == 0 and "extra training data" not in out
