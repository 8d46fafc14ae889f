"""The importer keeps every row that has a readable value (issue 13): whatever the row names —
a paper by title, a paper by its URL alone, no paper, a subdataset — each value the project's
number reader reads comes back from ``pwc export pwc-archive``."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from pwc_registry import layout
from pwc_registry.archive.convert import SUBDATASET_SEPARATOR, unnamed_model
from pwc_registry.archive.export import export_archive
from pwc_registry.archive.importer import Options, import_archive
from pwc_registry.ids import fold, identifiers_in
from pwc_registry.imports.report import ImportReport
from pwc_registry.validate import Options as ValidateOptions
from pwc_registry.validate import validate
from pwc_registry.values import read_number_text

from conftest import REPO, TODAY

#: Every sota-extractor file of the corpus but examples__example_json_format.json, which is not
#: JSON (test_archive.py checks that it is reported where it breaks).
TABLES = ["eff", "nlp-progress", "nlpprogress", "cmrc", "coqa", "hotpotqa", "record",
          "redditsota", "snli"]
#: Made by hand in the shape of two Papers with Code leaderboards issue 13 measured: OGB's
#: (ogbn-arxiv: every row an arXiv paper_url with an empty paper_title, values "0.7174 ±
#: 0.0029") and SQuAD's (mostly submissions with no paper: "Human Performance", several
#: "Anonymous", an empty model name), with a row shaped like NLP-progress's "BERT (2018)" beside
#: "BERT", a row whose paper is on OpenReview, one whose URL is a lab's PDF (as r-net's is in the
#: corpus's eff.json) and one with no readable value. The field layout is the corpus's
#: hotpotqa.json rows'; the values are illustrative, written from memory of those leaderboards,
#: not data to cite.
HAND_MADE = REPO / "tests" / "data" / "pwc-leaderboards-ogb-squad.json"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: The name the importer gives the second of two rows naming one model with other values.
_NUMBERED = re.compile(r" \[[0-9]+\]$")

Key = tuple[str, str, str, str, str, tuple[float, float | None]]


def _fold(text: Any) -> str:
    return fold(_CONTROL.sub("", text)).strip() if isinstance(text, str) else ""


def _reading(value: Any) -> tuple[float, float | None] | None:
    """A value as the project's number reader reads it; None if it reads none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (float(value), None) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        reading = read_number_text(value)
        return None if reading.value is None else (reading.value, reading.spread)
    return None


def _tables(tasks: Any, *, exported: bool) -> tuple[Counter[Key], int, int]:
    """The readable values of an archive file, as (task, dataset, subdataset, model, metric,
    value); how many rows it has, and how many with no readable value."""
    values: Counter[Key] = Counter()
    rows = unreadable = 0
    #: The source's rows of one holder and model on a board, as the importer merges them: a
    #: row that disagrees with none of a result's values is that result again (its values
    #: come back once), one that disagrees with every such result is a result of its own.
    results: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def table(task: str, dataset: str, sub: str, node: dict[str, Any]) -> None:
        nonlocal rows, unreadable
        for k, row in enumerate((node.get("sota") or {}).get("rows") or []):
            rows += 1
            model = _fold(row.get("model_name")) or _fold(row.get("paper_title")) \
                or _fold(unnamed_model(k))
            if exported:
                model = _NUMBERED.sub("", model)
            read = {_fold(m): r for m, v in (row.get("metrics") or {}).items()
                    if (r := _reading(v)) is not None}
            unreadable += not read
            if not exported:
                url = row.get("paper_url") if isinstance(row.get("paper_url"), str) else ""
                holder = _fold(row.get("paper_title")) or str(sorted(identifiers_in(url).items()))
                same = results.setdefault((task, dataset, sub, holder, model), [])
                held = next((r for r in same if all(r.get(m, v) == v for m, v in read.items())),
                            None)
                if held is None:
                    same.append(held := {})
                read = {m: v for m, v in read.items() if m not in held}
                held.update(read)
            for metric, reading in read.items():
                values[(task, dataset, sub, model, metric, reading)] += 1

    def walk(nodes: list[Any]) -> None:
        for t in nodes:
            for d in t.get("datasets") or []:
                table(_fold(t["task"]), _fold(d["dataset"]), "", d)
                for s in d.get("subdatasets") or []:
                    if "subdataset" in s:
                        table(_fold(t["task"]), _fold(d["dataset"]), _fold(s["subdataset"]), s)
                    else:  # a subdataset named in full: the dataset its name says
                        table(_fold(t["task"]), _fold(s["dataset"]), "", s)
            walk(t.get("subtasks") or [])

    walk(tasks)
    return values, rows, unreadable


def _names(registry: Path, kind: str) -> dict[str, str]:
    """Every name, alias and id of the registry's ``kind`` → its name, folded."""
    out = {}
    for f in (registry / layout.FOLDERS[kind]).glob("*.yaml"):
        data = yaml.safe_load(f.read_text("utf-8"))
        for n in (data["name"], *data.get("aliases", []), data["id"]):
            out[_fold(n)] = _fold(data["name"])
    return out


def _round_trip(source: Path, tmp_path: Path) -> tuple[ImportReport, Counter[Key], Counter[Key],
                                                      int, int]:
    registry = tmp_path / "registry"
    registry.mkdir()
    report = import_archive(Options(registry=registry, evaluation_tables=[source], today=TODAY,
                                    jobs=1))
    export_archive(registry, tmp_path / "out")
    original, rows, unreadable = _tables(json.loads(source.read_text("utf-8")), exported=False)
    back, _, _ = _tables(json.loads((tmp_path / "out" / "evaluation-tables.json").read_text(
        "utf-8")), exported=True)
    tasks, datasets, metrics = (_names(registry, k) for k in ("task", "dataset", "metric"))

    def named(key: Key) -> Key:
        """A key of the source as the registry names it (a synonym → its task...)."""
        task, dataset, sub, model, metric, value = key
        return (tasks.get(task, task), datasets.get(dataset, dataset), sub, model,
                metrics.get(metric, metric), value)

    return report, Counter({named(k): n for k, n in original.items()}), back, rows, unreadable


@pytest.mark.parametrize("name", TABLES)
def test_every_readable_value_comes_back(tmp_path: Path, corpus: Path, name: str) -> None:
    """Each corpus file imported alone into an empty registry and exported: the same readable
    values, on the same task, dataset (and subdataset), model and metric, as often — not only
    those of the rows the report counts as imported. The report leaves out only rows without
    any readable value."""
    source = corpus / "pwc-format" / "sota-extractor" / f"{name}.json"
    report, original, back, rows, unreadable = _round_trip(source, tmp_path)
    assert report.errors == 0
    assert report.counts["row"] == rows
    assert report.counts["skipped row"] == unreadable == report.totals["A005"]
    missing, extra = original - back, back - original
    assert not missing and not extra, (list(missing)[:5], list(extra)[:5])


def test_ogb_shaped_leaderboards_keep_every_row(tmp_path: Path) -> None:
    report, original, back, rows, unreadable = _round_trip(HAND_MADE, tmp_path)
    assert (rows, unreadable, report.counts["skipped row"]) == (12, 1, 1)
    assert original == back
    registry = tmp_path / "registry"

    def paper(paper_id: str) -> Any:
        return yaml.safe_load((registry / layout.relative_path("paper", paper_id)).read_text())

    # OGB: a paper known by its arXiv id alone, no title invented, dated to the id's month
    # unless the row gives a day.
    gcn = paper("arxiv-1609-02907")
    assert "title" not in gcn
    assert gcn["identifiers"] == {"arxiv": "1609.02907"}
    assert gcn["date"] == "2016-09"
    assert gcn["results"][0]["metrics"]["test-accuracy"] == {"value": 0.7174, "spread": 0.0029}
    assert paper("arxiv-1706-02216")["date"] == "2017-06"  # .../pdf/1706.02216v4
    assert paper("arxiv-2005-00687")["date"] == "2020-05-02"
    qanet = paper("openreview-b14tlg-rw")
    assert "title" not in qanet and qanet["identifiers"] == {"openreview": "B14TlG-RW"}
    # Valid; the validator lists each paper whose title is unknown for a maintainer.
    result = validate(ValidateOptions(registry=registry, today=TODAY, jobs=1))
    assert sorted((d.code, d.file.split("/")[-1]) for d in result.diagnostics) == [
        ("Q009", f"{p}.yaml") for p in ("arxiv-1609-02907", "arxiv-1706-02216",
                                        "arxiv-2005-00687", "openreview-b14tlg-rw")]


def test_squad_shaped_leaderboards_keep_their_rows_without_a_paper(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    report = import_archive(Options(registry=registry, evaluation_tables=[HAND_MADE],
                                    today=TODAY, jobs=1))
    assert (report.counts["row"], report.counts["skipped row"]) == (12, 1)
    again = import_archive(Options(registry=registry, evaluation_tables=[HAND_MADE],
                                   today=TODAY, jobs=1))
    assert again.files[("source", "unchanged")] == 1 and not again.files[("source", "created")]

    # SQuAD: the rows with no paper are one source, of kind leaderboard, for the board.
    [path] = (registry / "sources").glob("*/*.yaml")
    assert path.parent.name == layout.shard(path.stem)
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/source.schema.json\n")
    source = yaml.safe_load(text)
    assert source["id"] == path.stem == "question-answering-squad1-1-leaderboard"
    assert (source["kind"], source["title"]) == (
        "leaderboard", "Papers with Code leaderboard: Question Answering on SQuAD1.1")
    assert "url" not in source  # the archive gives the board no address of its own
    held = {r["model"]: r for r in source["results"]}
    assert list(held) == ["Human Performance", "Anonymous", "Anonymous [2]",
                          "r-net (ensemble)", "[row 8: no model name]"]
    assert held["Anonymous [2]"]["metrics"] == {"em": 86.94, "f1": 92.641}
    assert "row 3" in held["Anonymous [2]"]["notes"]
    assert held["r-net (ensemble)"]["source"]["url"].endswith("/r-net.pdf")
    assert held["Human Performance"]["date"] == "2016-06-16"
    assert [d.code for d in report.diagnostics if d.code in ("A005", "A020")] == ["A020", "A005"]

    # "BERT (single model) (2018)": the same paper, board and values — one result.
    [bert] = (registry / "papers").glob("*/bert-*.yaml")
    [result] = yaml.safe_load(bert.read_text())["results"]
    assert (result["model"], result["aliases"]) == ("BERT (single model)",
                                                   ["BERT (single model) (2018)"])


def test_importing_again_finds_the_sources_and_papers_it_wrote(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    options = Options(registry=registry, evaluation_tables=[HAND_MADE], today=TODAY, jobs=1)
    first = import_archive(options)
    second = import_archive(options)
    assert first.files[("source", "created")] == 1
    assert {outcome for _, outcome in second.files} == {"unchanged"}


def test_a_paper_known_by_its_doi_alone_comes_back_as_that_paper(tmp_path: Path) -> None:
    """Exported with an empty title and its DOI's address (it has no link of its own), it is
    imported again as the paper with that DOI and no title."""
    registry = tmp_path / "registry"
    files = {
        "tasks/sentiment-analysis.yaml": "id: sentiment-analysis\nname: Sentiment Analysis\n",
        "datasets/finsent.yaml": "id: finsent\nname: FinSent\n",
        "metrics/accuracy.yaml": "id: accuracy\nname: Accuracy\ndirection: higher\n",
        layout.relative_path("paper", "doi-only"): (
            "id: doi-only\nidentifiers:\n  doi: 10.18653/v1/2022.finnlp-1.24\nresults:\n"
            "  - task: sentiment-analysis\n    dataset: finsent\n    model: FinBERT\n"
            "    metrics:\n      accuracy: 88.5\n"),
    }
    for name, text in files.items():
        (registry / name).parent.mkdir(parents=True, exist_ok=True)
        (registry / name).write_text(text, "utf-8")
    export_archive(registry, tmp_path / "out")
    [row] = [r for t in json.loads((tmp_path / "out" / "evaluation-tables.json").read_text())
             for d in t["datasets"] for r in d["sota"]["rows"]]
    assert (row["paper_title"], row["paper_url"]) == (
        "", "https://doi.org/10.18653/v1/2022.finnlp-1.24")
    again = tmp_path / "again" / "registry"
    again.mkdir(parents=True)
    import_archive(Options(registry=again, evaluation_tables=[tmp_path / "out" /
                                                              "evaluation-tables.json"],
                           today=TODAY, jobs=1))
    [paper] = (yaml.safe_load(f.read_text()) for f in (again / "papers").glob("*/*.yaml"))
    assert "title" not in paper
    assert paper["identifiers"] == {"doi": "10.18653/v1/2022.finnlp-1.24"}
    assert [(r["model"], r["metrics"]) for r in paper["results"]] == [("FinBERT",
                                                                       {"accuracy": 88.5})]


def test_subdatasets_are_datasets_under_their_dataset(tmp_path: Path, corpus: Path) -> None:
    """NLP-progress's hypernym discovery table has three subdatasets (General, Medical domain,
    Music domain) whose numbers are not comparable: three datasets, three boards."""
    source = corpus / "pwc-format" / "sota-extractor" / "nlpprogress.json"
    registry = tmp_path / "registry"
    registry.mkdir()
    import_archive(Options(registry=registry, evaluation_tables=[source], today=TODAY, jobs=1))
    datasets = {d["name"]: d for d in (yaml.safe_load(f.read_text()) for f in
                                       (registry / "datasets").glob("*.yaml"))}
    for part in ("General", "Medical domain", "Music domain"):
        sub = datasets[f"SemEval 2018{SUBDATASET_SEPARATOR}{part}"]
        assert sub["parent"] == datasets["SemEval 2018"]["id"]
    assert "SST — Binary classification (SST-2, 56.4k examples)" in datasets
    # Exported as the sota-extractor names them, so that importing the export names them again.
    export_archive(registry, tmp_path / "out")
    tables = json.loads((tmp_path / "out" / "evaluation-tables.json").read_text("utf-8"))

    def tasks(nodes: list[Any]) -> list[Any]:
        return [n for t in nodes for n in (t, *tasks(t.get("subtasks") or []))]
    [hypernym] = [t for t in tasks(tables) if t["task"] == "Hypernym Discovery"]
    [semeval] = hypernym["datasets"]
    assert [s["subdataset"] for s in semeval["subdatasets"]] == [
        "General", "Medical domain", "Music domain"]
    again = tmp_path / "again"
    again.mkdir()
    import_archive(Options(registry=again, evaluation_tables=[tmp_path / "out" /
                                                              "evaluation-tables.json"],
                           today=TODAY, jobs=1))
    names = {yaml.safe_load(f.read_text())["name"] for f in (again / "datasets").glob("*.yaml")}
    assert {f"SemEval 2018{SUBDATASET_SEPARATOR}{p}" for p in ("General", "Medical domain",
                                                             "Music domain")} <= names


def test_a_result_is_found_again_by_its_alias(tmp_path: Path) -> None:
    """A result whose other name is in its ``aliases`` (as the importer or a maintainer put it
    there) is the result an import of a row by that name merges into: no second result."""
    def table(*models: str) -> Path:
        path = tmp_path / f"table-{len(models)}.json"
        path.write_text(json.dumps([{"task": "Language Modelling", "datasets": [{
            "dataset": "WikiText-103", "sota": {"metrics": ["Test perplexity"], "rows": [
                {"model_name": m, "paper_title": "Universal Language Model Fine-tuning for Text "
                 "Classification", "paper_url": "https://arxiv.org/abs/1801.06146",
                 "metrics": {"Test perplexity": "29.2"}} for m in models]}}]}]), "utf-8")
        return path

    registry = tmp_path / "registry"
    registry.mkdir()
    import_archive(Options(registry=registry, evaluation_tables=[table("ULMFiT", "ULMFiT (2018)")],
                           today=TODAY, jobs=1))
    again = import_archive(Options(registry=registry, evaluation_tables=[table("ULMFiT (2018)")],
                                   today=TODAY, jobs=1))
    assert again.files[("paper", "unchanged")] == 1 and not again.diagnostics
    [paper] = (registry / "papers").glob("*/*.yaml")
    [result] = yaml.safe_load(paper.read_text())["results"]
    assert (result["model"], result["aliases"]) == ("ULMFiT", ["ULMFiT (2018)"])


def test_a_row_repeated_with_a_year_is_one_result_by_the_validators_rule(tmp_path: Path
                                                                         ) -> None:
    """The rule is Q005's (ids.undated and check.values_key): "AWD-LSTM + dynamic eval *
    (2017)" is "AWD-LSTM + dynamic eval" again, with the same values; another value, or
    another name, is another result."""
    rows = [("AWD-LSTM + dynamic eval * (2017)", 51.1), ("AWD-LSTM + dynamic eval", 51.1),
            ("AWD-LSTM", 51.1), ("AWD-LSTM (2018)", 52.0)]
    table = [{"task": "Language Modelling", "datasets": [{"dataset": "Penn Treebank", "sota": {
        "metrics": ["Test perplexity"],
        "rows": [{"model_name": m, "paper_title": "Dynamic Evaluation of Neural Sequence Models",
                  "paper_url": "https://arxiv.org/abs/1709.07432",
                  "metrics": {"Test perplexity": v}} for m, v in rows]}}]}]
    source = tmp_path / "table.json"
    source.write_text(json.dumps(table), "utf-8")
    registry = tmp_path / "registry"
    registry.mkdir()
    report = import_archive(Options(registry=registry, evaluation_tables=[source], today=TODAY,
                                    jobs=1))
    [paper] = (registry / "papers").glob("*/*.yaml")
    results = yaml.safe_load(paper.read_text())["results"]
    assert [(r["model"], r.get("aliases")) for r in results] == [
        ("AWD-LSTM + dynamic eval", ["AWD-LSTM + dynamic eval * (2017)"]),
        ("AWD-LSTM", None), ("AWD-LSTM (2018)", None)]
    assert (report.counts["result"], report.counts["aliased row"]) == (3, 1)
    assert dt.date.fromisoformat(yaml.safe_load(paper.read_text())["date"] + "-01")
