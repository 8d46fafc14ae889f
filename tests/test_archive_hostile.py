"""The archive importer on hostile input: links in the registry, names too long for a file,
numbers no float holds, curated results, and dumps built to exhaust memory or the report.

The memory cases run the import in a child process under an address-space limit and read its
peak resident memory, so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import yaml

from pwc_registry import layout
from pwc_registry.archive.importer import Options, import_archive
from pwc_registry.diagnostics import pointer_text
from pwc_registry.validate import Options as ValidateOptions
from pwc_registry.validate import validate

from conftest import TODAY

ROW = {"model_name": "ResNet-18", "paper_title": "Deep Residual Learning",
       "paper_url": "https://arxiv.org/abs/1512.03385", "metrics": {"Accuracy": 93.6}}


def _tables(path: Path, rows: list[dict[str, Any]], task: str = "Image Classification",
            dataset: str = "CIFAR-10", metrics: list[str] | None = None) -> Path:
    path.write_text(json.dumps([{"task": task, "datasets": [
        {"dataset": dataset, "sota": {"metrics": metrics or ["Accuracy"], "rows": rows}}]}]))
    return path


def _import(registry: Path, **dumps: Any) -> Any:
    registry.mkdir(parents=True, exist_ok=True)
    return import_archive(Options(registry=registry, today=TODAY, jobs=1, **dumps))


def _paper(registry: Path) -> Path:
    return registry / layout.relative_path("paper", "deep-residual-learning")


# --- links in the registry ---------------------------------------------------------------

def test_a_linked_file_is_reported_and_the_file_it_points_to_is_not_rewritten(
        tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    tables = _tables(tmp_path / "t.json", [ROW])
    _import(registry, evaluation_tables=[tables])
    paper = _paper(registry)
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(paper.read_bytes())  # a file the import may merge into, but elsewhere
    before = outside.read_bytes()
    paper.unlink()
    paper.symlink_to(outside)
    _tables(tables, [ROW, {**ROW, "model_name": "ResNet-50", "metrics": {"Accuracy": 95.1}}])
    report = _import(registry, evaluation_tables=[tables])
    assert outside.read_bytes() == before
    assert paper.is_symlink()
    [linked] = [d for d in report.diagnostics if d.code == "A013"]
    assert linked.file == f"registry/{layout.relative_path('paper', 'deep-residual-learning')}"
    assert linked.severity == "error" and report.errors == 1


def test_a_linked_folder_on_the_way_is_reported_and_nothing_is_written_through_it(
        tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    registry.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shard = registry / "papers" / layout.shard("deep-residual-learning")
    shard.parent.mkdir()
    shard.symlink_to(outside)
    (registry / "tasks").symlink_to(outside)
    report = _import(registry, evaluation_tables=[_tables(tmp_path / "t.json", [ROW])])
    assert list(outside.iterdir()) == []
    linked = {d.file for d in report.diagnostics if d.code == "A013"}
    assert linked == {f"registry/papers/{shard.name}", "registry/tasks"}
    assert report.files[("paper", "created")] == report.files[("task", "created")] == 0
    assert report.files[("paper", "not written")] == report.files[("task", "not written")] == 1
    assert report.files[("dataset", "created")] == 1  # the rest of the import goes on


def test_a_file_that_is_not_a_regular_file_is_reported_not_read(tmp_path: Path) -> None:
    """A FIFO in place of a paper: reading it would wait forever for a writer. (The write path
    alone: loading the registry before an import is the loader's business.)"""
    registry = tmp_path / "registry"
    paper = _paper(registry)
    paper.parent.mkdir(parents=True)
    os.mkfifo(paper)
    script = ("import sys; from pathlib import Path; "
              "from pwc_registry.imports.write import write_record; "
              "print(write_record(Path(sys.argv[1]), 'paper', "
              "{'id': 'deep-residual-learning', 'title': 'Deep Residual Learning'}))")
    done = subprocess.run([sys.executable, "-c", script, str(registry)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # "not written": nothing of the record is anywhere ("kept" said it was; helper-66)
    assert "'not written'" in done.stdout and "A013" in done.stdout \
        and "not a regular file" in done.stdout


def test_a_merged_file_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    tables = _tables(tmp_path / "t.json", [ROW])
    _import(registry, evaluation_tables=[tables])
    paper = _paper(registry)
    paper.chmod(0o664)
    inode = paper.stat().st_ino
    _tables(tables, [ROW, {**ROW, "model_name": "ResNet-50", "metrics": {"Accuracy": 95.1}}])
    report = _import(registry, evaluation_tables=[tables])
    assert report.files[("paper", "updated")] == 1
    assert "ResNet-50" in paper.read_text("utf-8")
    assert paper.stat().st_ino != inode and paper.stat().st_mode & 0o777 == 0o664
    assert [p.name for p in paper.parent.iterdir()] == [paper.name]  # no temporary left


# --- names too long for a file -------------------------------------------------------------

def test_long_names_give_short_stable_ids_and_files(tmp_path: Path) -> None:
    task = "Multi-Hop Question Answering Over Extremely Long " * 8
    dataset = "A Benchmark Of Questions Needing Many Supporting Documents " * 8
    title = "On The Importance Of Very Long Titles In Machine Learning Research " * 8
    rows = [{"model_name": "M", "paper_title": title, "metrics": {"F1": 70.2, "EM": 61.0}},
            {"model_name": "M", "paper_title": title + " Again", "metrics": {"EM": 60.0}}]
    tables = _tables(tmp_path / "t.json", rows, task=task, dataset=dataset,
                     metrics=["EM", "F1"])  # an order the rows do not give: a benchmark file
    first = _import(tmp_path / "a" / "registry", evaluation_tables=[tables])
    _import(tmp_path / "b" / "registry", evaluation_tables=[tables])
    assert first.errors == 0, first.diagnostics
    names = sorted(p.relative_to(tmp_path / "a").as_posix()
                   for p in (tmp_path / "a").rglob("*.yaml"))
    assert names == sorted(p.relative_to(tmp_path / "b").as_posix()
                           for p in (tmp_path / "b").rglob("*.yaml"))  # stable
    assert all(len(Path(n).name.encode()) <= 255 for n in names)
    [benchmark] = [n for n in names if "/benchmarks/" in n]
    papers = [n for n in names if "/papers/" in n]
    assert len(papers) == 2  # two titles that share their first 200 characters stay apart
    assert all(len(Path(n).stem) <= layout.MAX_SLUG for n in papers)
    data = yaml.safe_load((tmp_path / "a" / benchmark).read_text("utf-8"))
    assert f"{data['task']}--{data['dataset']}" == data["id"] == Path(benchmark).stem
    result = validate(ValidateOptions(registry=tmp_path / "a" / "registry", today=TODAY, jobs=1))
    assert result.errors == 0, [d for d in result.diagnostics if d.severity == "error"]


def test_a_benchmark_name_too_long_for_a_file_is_reported(tmp_path: Path) -> None:
    """A task the registry holds may have an id of 200 characters; with a dataset's id the
    benchmark's file name would pass 255 bytes."""
    registry = tmp_path / "registry"
    (registry / "tasks").mkdir(parents=True)
    task_id = "-".join(["reasoning"] * 20)[:200].rstrip("-")
    (registry / "tasks" / f"{task_id}.yaml").write_text(f"id: {task_id}\nname: Long Task\n")
    dataset = "Questions Needing Many Supporting Documents " * 3
    tables = _tables(tmp_path / "t.json",
                     [{"model_name": "M", "paper_title": "P", "metrics": {"F1": 1.0, "EM": 2.0}}],
                     task="Long Task", dataset=dataset, metrics=["EM", "F1"])
    report = _import(registry, evaluation_tables=[tables])
    [long_name] = [d for d in report.diagnostics if d.code == "A014"]
    assert long_name.pointer == (0, "datasets", 0, "sota", "metrics")
    assert report.files[("paper", "created")] == 1


# --- numbers -------------------------------------------------------------------------------

def test_numbers_no_float_holds_are_reported_by_row_and_never_written(tmp_path: Path) -> None:
    digits = "9" * 5000
    text = ('[{"task": "T", "datasets": [{"dataset": "D", "sota": {"metrics": [], "rows": ['
            '{"model_name": "A", "paper_title": "P", "metrics": {"Accuracy": 1e400, "F1": 1}},'
            f'{{"model_name": "B", "paper_title": "P", "metrics": {{"Accuracy": {digits}, '
            '"F1": 2}},'
            '{"model_name": "C", "paper_title": "P", "metrics": {"Accuracy": "1e400", "F1": 3}},'
            f'{{"model_name": "D", "paper_title": "P", "metrics": {{"Accuracy": "{digits}", '
            '"F1": 4}},'
            '{"model_name": "E", "paper_title": "P", "metrics": {"Accuracy": 1e-400, "F1": 5}},'
            '{"model_name": "F", "paper_title": "P", "metrics": {"Accuracy": NaN, "F1": 6}},'
            '{"model_name": "G", "paper_title": "P", "metrics": {"Accuracy": "90 ± 1e999"}},'
            '{"model_name": "H", "paper_title": "P", "metrics": {"Accuracy": 99999999999999999999}}'
            ']}}]}]')
    tables = tmp_path / "t.json"
    tables.write_text(text)
    registry = tmp_path / "registry"
    report = _import(registry, evaluation_tables=[tables])
    out_of_range = sorted(d.pointer[5] for d in report.diagnostics if d.code == "A015")
    assert out_of_range == [0, 1, 2, 3, 4, 5, 6, 7]  # 7: more digits than a float keeps
    assert all(d.pointer[-2:] == ("metrics", "Accuracy")
               for d in report.diagnostics if d.code == "A015")
    assert not [d for d in report.diagnostics if d.code == "A001"]
    paper = yaml.safe_load((registry / layout.relative_path("paper", "p")).read_text("utf-8"))
    values = {r["model"]: r["metrics"] for r in paper["results"]}
    assert values == {"A": {"f1": 1}, "B": {"f1": 2}, "C": {"f1": 3}, "D": {"f1": 4},
                      "E": {"f1": 5}, "F": {"f1": 6}}


def test_a_list_written_as_something_else_is_reported_with_its_rows_counted(
        tmp_path: Path) -> None:
    """`datasets`, `rows` or `subtasks` written as mappings, `code_links` as one string,
    `uses_additional_data` as "yes": the rows and fields were dropped with "0 warnings" and
    the row counts short (found by an attack)."""
    tables = tmp_path / "t.json"
    tables.write_text(json.dumps([
        {"task": "Image Classification", "subtasks": {"s": {"task": "Sub"}},
         "datasets": {"x": {"dataset": "CIFAR-10", "sota": {"metrics": ["Accuracy"],
                                                            "rows": [ROW]}}}},
        {"task": "Object Detection", "datasets": [
            {"dataset": "COCO", "sota": {"metrics": ["Accuracy"], "rows": {"0": ROW, "1": ROW}}}]},
        {"task": "Segmentation", "datasets": [{"dataset": "VOC", "sota": {
            "metrics": ["Accuracy"], "rows": [{**ROW, "code_links": "https://github.com/a/b",
                                               "uses_additional_data": "yes"}]}}]}]))
    report = _import(tmp_path / "registry", evaluation_tables=[tables])
    found = sorted((d.code, pointer_text(d.pointer), d.message.split("; ")[-1])
                   for d in report.diagnostics if d.code in ("A002", "A009"))
    assert found == [
        ("A002", "[0].datasets", "not imported (1 row)"),
        ("A002", "[0].subtasks", "not imported"),
        ("A002", "[1].datasets[0].sota.rows", "not imported (2 rows)"),
        ("A002", "[2].datasets[0].sota.rows[0].code_links", "not imported"),
        ("A009", "[2].datasets[0].sota.rows[0].uses_additional_data", "left out")], found
    assert (report.counts["row"], report.counts["skipped row"]) == (4, 3)


def test_a_list_of_names_written_as_something_else_is_reported_not_read_letter_by_letter(
        tmp_path: Path) -> None:
    """A task's `categories` given as a number stopped the import with an internal error; its
    `synonyms`, a paper's `authors` or a dataset's `languages` given as one string became one
    name per letter, and `tasks` as a mapping or `methods` as a string went without a word
    (found reading the importer)."""
    tables = tmp_path / "t.json"
    tables.write_text(json.dumps([{"task": "Image Classification", "categories": 7,
                                   "synonyms": "Img Cls", "datasets": [{"dataset": "CIFAR-10",
                                   "sota": {"metrics": ["Accuracy"], "rows": [ROW]}}]}]))
    papers = tmp_path / "papers.json"
    papers.write_text(json.dumps([{"title": "Deep Residual Learning", "arxiv_id": "1512.03385",
                                   "authors": "Kaiming He, Xiangyu Zhang", "tasks": {"a": 1},
                                   "methods": "ResNet", "date": "2015-12-10"}]))
    datasets = tmp_path / "datasets.json"
    datasets.write_text(json.dumps([{"name": "CIFAR-10", "variants": "CIFAR10",
                                     "modalities": ["Images", 5], "languages": "English"}]))
    registry = tmp_path / "registry"
    report = _import(registry, evaluation_tables=[tables], papers=[papers],
                     datasets=[datasets])
    found = sorted((d.file.rsplit("/", 1)[-1], pointer_text(d.pointer), d.message.split(": ")[-1])
                   for d in report.diagnostics if d.code == "A002")
    assert found == [
        ("datasets.json", "[0].languages", "expected a list of texts, found str; left out"),
        ("datasets.json", "[0].modalities[1]", "expected text, found int; left out"),
        ("datasets.json", "[0].variants", "expected a list of texts, found str; left out"),
        ("papers.json", "[0].authors", "expected a list of texts, found str; left out"),
        ("papers.json", "[0].methods", "methods is a string, not a list; not imported"),
        ("papers.json", "[0].tasks", "expected a list of texts, found dict; left out"),
        ("t.json", "[0].categories", "expected a list of texts, found int; left out"),
        ("t.json", "[0].synonyms", "expected a list of texts, found str; left out")], found
    paper = yaml.safe_load(_paper(registry).read_text("utf-8"))
    assert "authors" not in paper and "tasks" not in paper and "methods" not in paper
    dataset = yaml.safe_load((registry / layout.relative_path("dataset", "cifar-10"))
                             .read_text("utf-8"))
    assert dataset.get("modalities") == ["images"] and "languages" not in dataset
    assert "aliases" not in dataset
    task = yaml.safe_load((registry / layout.relative_path("task", "image-classification"))
                          .read_text("utf-8"))
    assert "aliases" not in task and "area" not in task


# --- a result the registry holds -------------------------------------------------------------

def test_a_merge_adds_no_metric_to_a_result_the_registry_holds(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    tables = _tables(tmp_path / "t.json", [ROW], metrics=["Accuracy", "Params"])
    _import(registry, evaluation_tables=[tables])
    paper = _paper(registry)
    held = paper.read_text("utf-8")
    more = {**ROW, "metrics": {"Accuracy": 93.6, "Params": 11.7}}
    other = {**ROW, "model_name": "ResNet-50", "metrics": {"Accuracy": 95.1, "Params": 25.6}}
    _tables(tables, [more, other], metrics=["Accuracy", "Params"])
    report = _import(registry, evaluation_tables=[tables])
    data = yaml.safe_load(paper.read_text("utf-8"))
    by_model = {r["model"]: r["metrics"] for r in data["results"]}
    assert by_model == {"ResNet-18": {"accuracy": 93.6},  # as it was
                        "ResNet-50": {"accuracy": 95.1, "params": 25.6}}  # new: whole
    [refused] = [d for d in report.diagnostics if d.code == "A016"]
    assert refused.pointer == ("results", 0, "metrics", "params") and "11.7" in refused.message
    assert refused.line == held[: held.index("accuracy:")].count("\n") + 1


def test_a_merge_says_nothing_new_of_extra_data_on_a_result_the_registry_holds(
        tmp_path: Path) -> None:
    """The shipped registry's curated results (one of two rows merged, the name kept as an
    alias) have no `extra_training_data`: a re-import of the archive added `false` to 226 of
    them, and would have added `true` to a held result, changing its rank without extra data
    unreviewed (found by a curator re-importing the corpus)."""
    registry = tmp_path / "registry"
    tables = _tables(tmp_path / "t.json", [ROW])
    _import(registry, evaluation_tables=[tables])
    paper = _paper(registry)
    data = yaml.safe_load(paper.read_text("utf-8"))
    data["results"][0].pop("extra_training_data", None)  # as the curated results are
    paper.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    held = paper.read_bytes()
    for said in (False, True):
        _tables(tables, [{**ROW, "uses_additional_data": said}])
        report = _import(registry, evaluation_tables=[tables])
        assert paper.read_bytes() == held, said
        kept = [d for d in report.diagnostics if d.code == "A007"]
        assert [d.pointer for d in kept] == ([("results", 0, "extra_training_data")] if said
                                             else []), kept


# --- dumps built to exhaust memory -------------------------------------------------------------

_CHILD = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from pwc_registry.archive.importer import Options, import_archive
from pwc_registry.imports import report as reporters
kind, dump, registry, out = sys.argv[1:]
Path(registry).mkdir()
options = {"papers": [Path(dump)]} if kind == "papers" else {"evaluation_tables": [Path(dump)]}
result = import_archive(Options(registry=Path(registry), jobs=1, **options))
Path(out, "report.md").write_text(reporters.markdown(result))
Path(out, "report.json").write_text(reporters.as_json(result))
print(json.dumps({"rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "codes": sorted({d.code for d in result.diagnostics}),
                  "errors": result.errors, "totals": dict(result.totals)}))
"""


def _bounded(tmp_path: Path, kind: str, dump: Path) -> dict[str, Any]:
    """Import ``dump`` in a child limited to 2 GB of address space; what it reports, with its
    peak resident memory and the sizes of the reports it wrote."""
    done = subprocess.run([sys.executable, "-c", _CHILD, kind, str(dump),
                           str(tmp_path / "registry"), str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    found["report_bytes"] = max((tmp_path / "report.md").stat().st_size,
                                (tmp_path / "report.json").stat().st_size)
    return found


def _gzip(path: Path, *parts: tuple[bytes, int]) -> Path:
    """A gzip of each ``bytes`` repeated its number of times, written without building it."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as f:
        for piece, times in parts:
            block = piece * max(1, (1 << 20) // len(piece))
            whole, rest = divmod(times * len(piece), len(block))
            for _ in range(whole):
                f.write(squeeze.compress(block))
            f.write(squeeze.compress(block[:rest]))
        f.write(squeeze.flush())
    return path


def test_deep_nesting_is_skipped_at_a_limit_in_bounded_memory(tmp_path: Path) -> None:
    """100 KB of '[' once took more than 6 GB."""
    row = json.dumps([{"task": "T", "datasets": [{"dataset": "D", "sota": {"rows": [
        {"model_name": "M", "paper_title": "P", "metrics": {"Accuracy": 1.0}}]}}]}])[1:-1]
    dump = tmp_path / "evaluation-tables.json"
    dump.write_bytes(b"[" + b"[" * 100_000 + b"]" * 100_000 + b"," + row.encode() + b"]")
    found = _bounded(tmp_path, "tables", dump)
    assert found["rss_mib"] < 400, found
    assert found["codes"] == ["A017"] and found["totals"]["A017"] == 1
    assert (tmp_path / "registry" / layout.relative_path("paper", "p")).is_file()


def test_a_million_empty_records_give_a_short_report_in_bounded_memory(tmp_path: Path) -> None:
    """A 3 KB gzip of a million empty records once took 2.5 GB and wrote 400 MB of report."""
    dump = _gzip(tmp_path / "papers-with-abstracts.json.gz",
                 (b"[", 1), (b"{},", 999_999), (b"{}]", 1))
    assert dump.stat().st_size < 10_000
    found = _bounded(tmp_path, "papers", dump)
    assert found["rss_mib"] < 400, found
    assert found["totals"]["A002"] == 1_000_000 and "A019" in found["codes"]
    assert found["report_bytes"] < 1_000_000, found


def test_a_whitespace_bomb_streams_through_in_bounded_memory(tmp_path: Path) -> None:
    """400 MB of spaces after a record, then an error: the error is located without reading
    the dump whole (which its error path once did)."""
    dump = _gzip(tmp_path / "evaluation-tables.json.gz", (b"[{},", 1), (b" ", 400_000_000),
                 (b"x", 1))
    found = _bounded(tmp_path, "tables", dump)
    assert found["rss_mib"] < 400, found
    assert found["codes"] == ["A001", "A002"]


def test_a_record_too_large_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    """A string of 200 MB inside a record (a 200 KB gzip), then a good record."""
    row = {"model_name": "M", "paper_title": "P", "metrics": {"Accuracy": 1.0}}
    good = json.dumps({"task": "T", "datasets": [{"dataset": "D", "sota": {"rows": [row]}}]})
    dump = _gzip(tmp_path / "evaluation-tables.json.gz", (b'[{"task": "', 1),
                 (b"a", 200 << 20), (b'"},' + good.encode() + b"]", 1))
    found = _bounded(tmp_path, "tables", dump)
    assert found["rss_mib"] < 400, found
    assert found["codes"] == ["A018"]
    assert (tmp_path / "registry" / layout.relative_path("paper", "p")).is_file()


def test_dumps_gzipped_and_plain_read_the_same(tmp_path: Path, corpus: Path) -> None:
    """The scanner that finds records agrees with a whole-file parse on every corpus file."""
    from pwc_registry.archive.dumps import records

    for path in sorted((corpus / "pwc-format" / "sota-extractor").glob("*.json")):
        if path.name.startswith("examples__"):
            continue
        packed = tmp_path / f"{path.name}.gz"
        packed.write_bytes(gzip.compress(path.read_bytes()))
        expected = list(enumerate(json.loads(path.read_text("utf-8"))))
        problems: list[Any] = []
        assert list(records(path, problems.append)) == expected
        assert list(records(packed, problems.append)) == expected
        assert problems == []


def test_halves_of_surrogate_pairs_are_removed_from_names_and_reported(tmp_path: Path) -> None:
    """JSON can escape half a surrogate pair ("\\ud800"), which is no character of any text."""
    tables = tmp_path / "t.json"
    tables.write_text('[{"task": "T\\ud800x", "datasets": [{"dataset": "D", "sota": {"rows": '
                      '[{"model_name": "M\\udc80", "paper_title": "P", "metrics": {"A": 1}}]}}]}]')
    registry = tmp_path / "registry"
    report = _import(registry, evaluation_tables=[tables])
    assert sorted(d.pointer[-1] for d in report.diagnostics if d.code == "A009") == \
        ["model_name", "task"]
    assert yaml.safe_load((registry / "tasks" / "tx.yaml").read_text("utf-8"))["name"] == "Tx"


def test_a_held_result_without_values_gains_none() -> None:
    from pwc_registry.imports.merge import NOT_HELD, merge

    held = {"task": "t", "dataset": "d", "model": "m"}
    merged, conflicts = merge({"results": [held]}, {"results": [{**held, "metrics": {"a": 1}}]})
    assert merged == {"results": [held]}
    assert conflicts == [(("results", 0, "metrics", "a"), NOT_HELD, 1)]



def test_an_entitys_aliases_keep_their_order_when_an_import_names_one_again() -> None:
    """The SQuAD dataset's aliases, EM test then F1 test, came back F1 then EM from a
    re-import naming EM's otherwise spelt (found by a curator): the file's own come first."""
    from pwc_registry.imports.merge import merge

    held = {"id": "squad", "name": "SQuAD", "aliases": ["SQuAD EM test", "SQuAD F1 test"]}
    merged, conflicts = merge(held, {"id": "squad", "name": "SQuAD",
                                     "aliases": ["SQuAD F1 test", "squad em TEST", "SQuAD 1.1"]},
                              entity=True)
    assert merged["aliases"] == ["SQuAD EM test", "SQuAD F1 test", "SQuAD 1.1"]
    assert conflicts == []

def test_limits_hold_exactly_and_errors_are_placed_across_chunks(tmp_path: Path) -> None:
    """Small limits, records on both sides of them, and a syntax error 3 MB in (past the
    scanner's first chunks), with the lines before it counted."""
    from pwc_registry.archive.dumps import DumpError, Limits, records

    deep_ok, too_deep = "[[[1]]]", "[[[[1]]]]"
    big_ok, too_big = '"' + "a" * 48 + '"', '"' + "a" * 49 + '"'  # 50 and 51 bytes
    dump = tmp_path / "d.json"
    dump.write_text("[" + ",\n".join([deep_ok, too_deep, big_ok, too_big] * 3) + "]")
    problems: list[Any] = []
    got = list(records(dump, problems.append, limits=Limits(depth=3, record_bytes=50)))
    assert [i for i, _ in got] == [0, 2, 4, 6, 8, 10]
    assert [(d.code, d.pointer, d.line) for d in problems] == [
        ("A017", (1,), 2), ("A018", (3,), 4), ("A017", (5,), 6), ("A018", (7,), 8),
        ("A017", (9,), 10), ("A018", (11,), 12)]

    lines = ['{"title": "%s"}' % ("x" * 200)] * 15_000  # ~3.2 MB, one record a line
    dump.write_text("[" + ",\n".join([*lines, '{"title": "y",}']) + "]")
    try:
        list(records(dump, problems.append))
        raise AssertionError("no error")
    except DumpError as exc:
        assert (exc.diagnostic.line, exc.diagnostic.column) == (15_001, 15)


# --- a key given twice ----------------------------------------------------------------------

def test_a_record_that_gives_a_key_twice_is_skipped_and_said_to_be(tmp_path: Path) -> None:
    """`"TEST-EM": "74.178", "TEST-EM": "99.999"` in a copy of the corpus's cmrc.json (the
    sota-extractor dump) imported 99.999, unsaid: JSON readers keep the last value. The record
    is skipped and reported (A021) with its place; the records around it are imported."""
    twice = '{"task": "Reading Comprehension", "datasets": [{"dataset": "CMRC", "sota": {' \
        '"metrics": ["TEST-EM"], "rows": [{"model_name": "Dual BERT", "paper_title": "Cui", ' \
        '"metrics": {"TEST-EM": "74.178", "TEST-EM": "99.999"}}]}}]}'
    clean = json.dumps({"task": "Image Classification", "datasets": [{"dataset": "CIFAR-10",
                        "sota": {"metrics": ["Accuracy"], "rows": [ROW]}}]})
    for name, text in (("t.json", f"[\n{clean},\n{twice},\n{clean}\n]\n"),
                       ("t.jsonl", f"{clean}\n{twice}\n{clean}\n"),
                       # JSON Lines by its first line, whatever its name says
                       ("lines.json", f"{twice}\n{clean}\n")):
        dump = tmp_path / name
        dump.write_text(text)
        registry = tmp_path / name.replace(".", "-") / "registry"
        report = _import(registry, evaluation_tables=[dump])
        [found] = [d for d in report.diagnostics if d.code == "A021"]
        assert "'TEST-EM' twice" in found.message, found
        assert found.line == {"t.json": 3, "t.jsonl": 2, "lines.json": 1}[name], (name, found)
        written = "".join(p.read_text("utf-8") for p in registry.rglob("*.yaml"))
        assert "99.999" not in written and "74.178" not in written
        assert "93.6" in written  # the records around it


def test_synonyms_that_are_not_csv_stop_the_import_with_a_diagnostic(tmp_path: Path) -> None:
    """`--synonyms` given a Latin-1 file, a field over the CSV reader's limit, or a named pipe:
    an internal error (UnicodeDecodeError, csv.Error) or a wait for a writer before; now A052
    at the file, and nothing written (found by an attack)."""
    tables = tmp_path / "tables.json"
    _tables(tables, [{"model_name": "M", "paper_title": "", "paper_url": "",
                      "metrics": {"Accuracy": "1"}}])
    cases = {"latin1.csv": "task,synonym\ncaf\xe9,cafe\n".encode("latin-1"),
             "wide.csv": b"task,synonym\n" + b"a" * 200_000 + b",b\n"}
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
    os.mkfifo(tmp_path / "pipe.csv")
    for name, line in (("latin1.csv", 2), ("wide.csv", 2), ("pipe.csv", 1)):
        registry = tmp_path / f"registry-{name}"
        report = _import(registry, evaluation_tables=[tables], synonyms=tmp_path / name)
        assert [(d.code, d.line) for d in report.diagnostics if d.severity == "error"] == [
            ("A052", line)], name
        assert not registry.exists() or not list(registry.rglob("*.yaml")), name


def test_a_merge_keeps_how_the_files_numbers_are_written(tmp_path: Path) -> None:
    """A maintainer wrote 93.60 (as the paper prints it); an import merging another result into
    the file rewrote it 93.6 (found by an attack). The merge rewrites as `pwc fmt` does:
    every number as written."""
    registry = tmp_path / "registry"
    _import(registry, evaluation_tables=[_tables(tmp_path / "a.json", [ROW])])
    path = _paper(registry)
    path.write_text(path.read_text().replace("accuracy: 93.6", "accuracy: 93.60"))
    other = {**ROW, "model_name": "ResNet-34", "metrics": {"Accuracy": 94.1}}
    report = _import(registry, evaluation_tables=[_tables(tmp_path / "b.json", [ROW, other])])
    assert report.files[("paper", "updated")] == 1, report.diagnostics
    text = path.read_text()
    assert "accuracy: 93.60\n" in text and "ResNet-34" in text


def test_a_named_pipe_given_as_a_dump_is_refused_not_waited_on(tmp_path: Path) -> None:
    """`mkfifo evaluation-tables.json` made the import wait forever for a writer (found by an
    attack; the other readers already refused it). Run in a child with a deadline."""
    fifo = tmp_path / "evaluation-tables.json"
    os.mkfifo(fifo)
    registry = tmp_path / "registry"
    registry.mkdir()
    done = subprocess.run([sys.executable, "-m", "pwc_registry", "import", "pwc-archive",
                           "--evaluation-tables", str(fifo), "--registry", str(registry),
                           "--report", str(tmp_path / "report.md")],
                          capture_output=True, text=True, timeout=60)
    assert "A001 cannot read the dump: it is not a regular file" in done.stdout + done.stderr


def test_a_value_outside_its_metrics_range_is_reported_not_written(tmp_path: Path) -> None:
    """1.8e308 for an accuracy was written, and the registry then failed validation (V002):
    a value the registry's metric cannot hold is reported (A054) and left out."""
    registry = tmp_path / "registry"
    (registry / "metrics").mkdir(parents=True)
    (registry / "metrics" / "accuracy.yaml").write_text(
        "id: accuracy\nname: Accuracy\ndirection: higher\nunit: percent\n"
        "range:\n  min: 0\n  max: 100\n", encoding="utf-8")
    tables = _tables(tmp_path / "t.json", [
        ROW, {**ROW, "model_name": "ResNet-huge", "metrics": {"Accuracy": 1.7976931348623157e308}},
        {**ROW, "model_name": "ResNet-odd", "metrics": {"Accuracy": "150 ± 2"}}])
    report = _import(registry, evaluation_tables=[tables])
    found = [(d.code, d.message) for d in report.diagnostics if d.code == "A054"]
    assert [m.split(": ")[-1].split(" is outside")[0] for _, m in found] == [
        "1.7976931348623157e+308", "150"]
    assert "range of Accuracy [0, 100]" in found[0][1]
    paper = yaml.safe_load(_paper(registry).read_text("utf-8"))
    assert [r["model"] for r in paper["results"]] == ["ResNet-18"]
    check = validate(ValidateOptions(registry=registry, today=TODAY, jobs=1))
    assert not [d for d in check.diagnostics if d.code == "V002"]


def test_a_negative_error_rate_is_not_written_to_lead_its_board(tmp_path: Path) -> None:
    """helper-70: `"WER": "-3"` was written, and would have ranked first: the shipped
    registry's WER (like every metric where lower is better) has its least value."""
    registry = tmp_path / "registry"
    (registry / "metrics").mkdir(parents=True)
    shipped = Path(__file__).parent.parent / "registry" / "metrics" / "wer.yaml"
    (registry / "metrics" / "wer.yaml").write_bytes(shipped.read_bytes())
    tables = _tables(tmp_path / "t.json", [
        {**ROW, "metrics": {"WER": "5.1"}}, {**ROW, "model_name": "R5", "metrics": {"WER": "-3"}}],
        task="Speech Recognition")
    report = _import(registry, evaluation_tables=[tables])
    found = [d.message for d in report.diagnostics if d.code == "A054"]
    assert found and "-3" in found[0] and "range of WER [0, " in found[0], found
    paper = yaml.safe_load(_paper(registry).read_text("utf-8"))
    assert [(r["model"], r["metrics"]) for r in paper["results"]] == [("ResNet-18", {"wer": 5.1})]


def test_a_citation_title_is_not_written_for_a_paper_an_identifier_names(
        tmp_path: Path) -> None:
    """The shipped registry's curation left 51 papers whose title was a citation or a URL
    known by their identifier; a re-import of the archive wrote 50 of those titles back
    (found by a curator). The validator's rule decides (Q002-Q004): such a title is reported
    and left out where an identifier names the paper, kept where nothing else does."""
    registry = tmp_path / "registry"
    tables = _tables(tmp_path / "t.json", [
        {**ROW, "paper_title": "He et al., 2016"},
        {**ROW, "model_name": "ResNet-50", "paper_title": "Smith et al. '18", "paper_url": "",
         "metrics": {"Accuracy": 95.1}}])
    report = _import(registry, evaluation_tables=[tables])
    papers = {p.stem: yaml.safe_load(p.read_text("utf-8"))
              for p in (registry / "papers").rglob("*.yaml")}
    known = next(p for p in papers.values() if p.get("identifiers", {}).get("arxiv"))
    assert "title" not in known and known["identifiers"]["arxiv"] == "1512.03385"
    [left_out] = [d for d in report.diagnostics if d.code == "A009"]
    assert "'He et al., 2016' looks like a citation" in left_out.message
    assert "known by arXiv:1512.03385" in left_out.message
    assert left_out.file.endswith(f"/{known['id']}.yaml")
    assert [p["title"] for p in papers.values() if "title" in p] == ["Smith et al. '18"]


def test_a_correction_removing_a_row_does_not_hold_back_a_new_row_of_its_name(
        tmp_path: Path) -> None:
    """helper-61: a correction removing "Anonymous" held back a new row the import numbered
    "Anonymous [2]" (a new submission of that name with another value): only rows a merge of
    entities brought onto one board are moved with the row of their name."""
    registry = tmp_path / "registry"
    tables = _tables(tmp_path / "t.json", [{**ROW, "model_name": "Anonymous"}])
    _import(registry, evaluation_tables=[tables])
    paper = _paper(registry)
    data = yaml.safe_load(paper.read_text("utf-8"))
    held = data["results"][0]
    data["results"][0] = {**held, "model": "RealNet"}
    data["corrections"] = [{"date": "2024-01-01", "reason": "the row is RealNet's",
                            "result": {"task": held["task"], "dataset": held["dataset"],
                                       "model": "Anonymous"}}]
    paper.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    _tables(tables, [{**ROW, "model_name": "Anonymous"},
                     {**ROW, "model_name": "Anonymous", "metrics": {"Accuracy": 95.5}}])
    report = _import(registry, evaluation_tables=[tables])
    models = [r["model"] for r in yaml.safe_load(paper.read_text("utf-8"))["results"]]
    assert models == ["RealNet", "Anonymous [2]"], models
    assert [d.code for d in report.diagnostics if d.code == "A053"] == ["A053"]


def test_a_later_record_that_is_not_json_stops_the_import_and_says_so(tmp_path: Path) -> None:
    """A raw NUL in the second task's name: "A001 not valid JSON: Invalid control character
    at" (the decoder's dangling "at"), and counts of the first task's rows with nothing
    written, unsaid (helper-66)."""
    registry = tmp_path / "registry"
    registry.mkdir()
    tables = tmp_path / "t.json"
    good = json.dumps({"task": "Image Classification", "datasets": [
        {"dataset": "ImageNet", "sota": {"metrics": ["Accuracy"], "rows": [ROW]}}]})
    tables.write_text(f"[{good},\n{good.replace('Image Classification', 'Bad' + chr(0))}]",
                      encoding="utf-8")
    report = _import(registry, evaluation_tables=[tables])
    [error] = [d for d in report.diagnostics if d.code == "A001"]
    assert error.message == ("not valid JSON: Invalid control character; the import stopped "
                             "here and wrote nothing") and error.line == 2
    assert not list(registry.rglob("*.yaml"))
