"""The archive as it is distributed today: Hugging Face's Parquet shards, JSON Lines and
date-prefixed JSON give the same registry as the JSON dumps, and a file that is no dump is
told for what it is.

The data: the corpus's evaluation tables (``pwc-format/sota-extractor``, the schema of the
archive's ``evaluation-tables.json``); papers and methods as the old paperswithcode.com API
returned them (``pwc-api-samples/paperswithcode-go-dummy``, from codingpot/paperswithcode-go
at 21f2ba82), laid out in the dumps' fields; LERT's code link and Astock's record as in
tests/test_archive.py.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from pwc_registry.archive.dumps import DumpError, Limits, records
from pwc_registry.archive.importer import Options, import_archive
from pwc_registry.cli import main
from pwc_registry.validate import Options as ValidateOptions
from pwc_registry.validate import validate
from test_archive_hostile import _bounded

from conftest import TODAY

TABLES = ["eff", "nlpprogress", "redditsota", "snli", "coqa"]
HF_NAMES = {"evaluation-tables": "evaluation-tables",
            "papers-with-abstracts": "papers-with-abstracts",
            "links-between-papers-and-code": "links-between-paper-and-code",  # HF: "paper"
            "methods": "methods", "datasets": "datasets"}


def _as_text(metrics: dict[str, Any]) -> dict[str, Any]:
    # A Parquet column has one type: the archive's metric values are text, so numbers are
    # written as their JSON text, in the JSON too, so that both hold the same records.
    return {k: v if isinstance(v, str) or v is None else json.dumps(v) for k, v in metrics.items()}


def _homogeneous(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if key == "metrics":
            return _as_text(value)
        return {k: _homogeneous(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_homogeneous(v) for v in value]
    return value


def _in_struct_order(items: list[Any]) -> list[Any]:
    """``items`` with the keys of each mapping in the order a Parquet struct has them: every
    key of the mappings at that place, in the order they first appear (pyarrow's and
    ``datasets``' inference). A JSON object's keys have no order (RFC 8259), but the converter
    keeps a row's metrics in the order it reads them: the two formats must agree for the
    registries to be identical."""
    orders: dict[tuple[str, ...], dict[str, None]] = {}

    def learn(value: Any, at: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            keys = orders.setdefault(at, {})
            for k, v in value.items():
                keys.setdefault(k)
                learn(v, (*at, k))
        elif isinstance(value, list):
            for v in value:
                learn(v, at)

    def order(value: Any, at: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            return {k: order(value[k], (*at, k)) for k in orders[at] if k in value}
        if isinstance(value, list):
            return [order(v, at) for v in value]
        return value

    for item in items:
        learn(item, ())
    return [order(item, ()) for item in items]


def archive_papers() -> list[Any]:
    return [{"paper_url": "https://paperswithcode.com/paper/lert-a-linguistically-motivated-pre",
             "arxiv_id": "2211.05344", "abstract": "Pre-trained Language Model (PLM) has become",
             "title": "LERT: A Linguistically-motivated Pre-trained Language Model"}]


def archive(corpus: Path) -> dict[str, list[Any]]:
    """The five dumps' records, from the corpus."""
    tables: list[Any] = []
    for name in TABLES:
        tables += json.loads((corpus / "pwc-format" / "sota-extractor" / f"{name}.json")
                             .read_text("utf-8"))
    api = corpus / "pwc-api-samples" / "paperswithcode-go-dummy"
    papers = [{"paper_url": f"https://paperswithcode.com/paper/{p['id']}",
               "arxiv_id": p["arxiv_id"], "title": p["title"], "abstract": p["abstract"],
               "url_abs": p["url_abs"], "url_pdf": p["url_pdf"], "proceeding": p["proceeding"],
               "authors": p["authors"], "tasks": [], "date": p["published"], "methods": []}
              for p in json.loads((api / "paper_list_response.json").read_text())["results"]]
    methods = [{"url": f"https://paperswithcode.com/method/{m['id']}", "name": m["name"],
                "full_name": m["full_name"], "description": m["description"],
                "introduced_year": None, "collections": []}
               for m in json.loads((api / "paper_method_list_response.json").read_text())
               ["results"]]
    links = [{"paper_url": "https://paperswithcode.com/paper/lert-a-linguistically-motivated-pre",
              "paper_title": "LERT: A Linguistically-motivated Pre-trained Language Model",
              "paper_arxiv_id": "2211.05344", "repo_url": "https://github.com/ymcui/LERT",
              "is_official": True, "mentioned_in_paper": True, "mentioned_in_github": True,
              "framework": "pytorch"}]
    datasets = [{"url": "https://paperswithcode.com/dataset/astock", "name": "Astock",
                 "full_name": "Astock", "homepage": "https://github.com/JinanZou/Astock",
                 "modalities": ["Texts"], "languages": ["Chinese"],
                 "variants": ["Astock", "ASTOCK", "Astock v1"]}]
    return {"evaluation-tables": _in_struct_order(_homogeneous(tables)),
            "papers-with-abstracts": papers,
            "links-between-papers-and-code": links, "methods": methods, "datasets": datasets}


def write_hf(root: Path, dumps: dict[str, list[Any]], shards: int = 2,
             row_group: int = 7) -> Path:
    """The dumps as Hugging Face's pwc-archive has them: a folder per dataset, its records in
    ``data/train-0000i-of-0000n.parquet``, the schema pyarrow infers from the records (a JSON
    object becomes a struct of every key any record has, as ``datasets`` writes it)."""
    for dump, items in dumps.items():
        data = root / HF_NAMES[dump] / "data"
        data.mkdir(parents=True)
        schema = pa.Table.from_pylist(items).schema  # one schema for all shards
        n = min(shards, len(items))
        for i in range(n):
            part = items[len(items) * i // n: len(items) * (i + 1) // n]
            pq.write_table(pa.Table.from_pylist(part, schema=schema),
                           data / f"train-{i:05d}-of-{n:05d}.parquet", row_group_size=row_group)
    return root


def _import(runner: CliRunner, registry: Path, *arguments: str) -> Any:
    registry.mkdir(parents=True)
    return runner.invoke(main, ["import", "pwc-archive", *arguments, "--registry",
                                str(registry), "--report", str(registry.parent / "report.md"),
                                "-j", "1"])


def _files(registry: Path) -> dict[str, bytes]:
    return {str(p.relative_to(registry)): p.read_bytes()
            for p in sorted(registry.rglob("*")) if p.is_file()}


def test_json_parquet_and_json_lines_give_byte_identical_registries(
        tmp_path: Path, corpus: Path) -> None:
    dumps = archive(corpus)
    runner = CliRunner()
    # JSON, with dates before the names as later copies have them, in one folder
    copies = tmp_path / "copies"
    copies.mkdir()
    for dump, items in dumps.items():
        (copies / f"jul-28-{dump}.json").write_text(json.dumps(items), "utf-8")
    plain = _import(runner, tmp_path / "json" / "registry", str(copies))
    assert plain.exit_code == 0, plain.output
    # Parquet in Hugging Face's layout: the organisation's folder
    hf = write_hf(tmp_path / "pwc-archive", dumps)
    parquet = _import(runner, tmp_path / "parquet" / "registry", str(hf))
    assert parquet.exit_code == 0, parquet.output
    # JSON Lines, gzipped, each passed with its option
    lines = tmp_path / "lines"
    lines.mkdir()
    given = []
    for option, dump in (("--evaluation-tables", "evaluation-tables"),
                         ("--papers", "papers-with-abstracts"),
                         ("--links", "links-between-papers-and-code"), ("--methods", "methods"),
                         ("--datasets", "datasets")):
        path = lines / f"{dump[:6]}.jsonl.gz"
        path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in dumps[dump])
                                       .encode()))
        given += [option, str(path)]
    jsonl = _import(runner, tmp_path / "jsonl" / "registry", *given)
    assert jsonl.exit_code == 0, jsonl.output

    expected = _files(tmp_path / "json" / "registry")
    assert len([f for f in expected if f.startswith("papers/")]) > 400
    assert any(f.startswith("methods/") for f in expected)
    assert _files(tmp_path / "parquet" / "registry") == expected
    assert _files(tmp_path / "jsonl" / "registry") == expected
    counts = [json.loads((tmp_path / kind / "report.json").read_text())["counts"]
              for kind in ("json", "parquet", "jsonl")]
    assert counts[0]["row"] > 2000 and counts[0] == counts[1] == counts[2]


def test_parquet_records_are_the_json_records(tmp_path: Path, corpus: Path) -> None:
    """Row by row, what the reader gives for a Parquet file is what it gives for the JSON,
    but for null fields (a struct has every key of any record: null is a key not there)."""
    dumps = archive(corpus)
    write_hf(tmp_path, dumps, shards=1, row_group=3)

    def without_nulls(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: without_nulls(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [without_nulls(v) for v in value]
        return value

    for dump, items in dumps.items():
        [shard] = (tmp_path / HF_NAMES[dump] / "data").iterdir()
        problems: list[Any] = []
        assert list(records(shard, problems.append)) == \
            [(i, without_nulls(item)) for i, item in enumerate(items)]
        assert problems == []


def test_parquet_types_read_as_json_reads_them(tmp_path: Path) -> None:
    """A map is a mapping; NaN is not a number; a date is its ISO text; a decimal keeps its
    digits, a single-precision float its shortest decimal; a pandas index is not part of a
    record."""
    from pwc_registry.archive.dumps import OutOfRange

    table = pa.table({
        "metrics": pa.array([[("Accuracy", "91.3"), ("F1", None)]],
                            type=pa.map_(pa.string(), pa.string())),
        "value": pa.array([float("nan")]),
        "single": pa.array([0.1], type=pa.float32()),
        "date": pa.array([dt.date(2022, 11, 10)]),
        "exact": pa.array([decimal.Decimal("76.50")], type=pa.decimal128(5, 2)),
        "__index_level_0__": pa.array([7]),
    }).replace_schema_metadata({b"pandas": json.dumps({"index_columns": ["__index_level_0__"]})})
    path = tmp_path / "t.parquet"
    pq.write_table(table, path)
    [(index, record)] = list(records(path, [].append))
    assert index == 0
    assert record["metrics"] == {"Accuracy": "91.3", "F1": None}
    assert isinstance(record["value"], OutOfRange) and "NaN" in record["value"].problem
    assert record["date"] == "2022-11-10" and record["exact"] == 76.5
    assert record["single"] == 0.1  # not 0.10000000149011612, float32's value as a double
    assert "__index_level_0__" not in record


def test_a_parquet_number_no_registry_file_holds_is_refused(tmp_path: Path) -> None:
    """helper-109: a Parquet double 3e-310 (subnormal) was imported, 312 characters of
    decimal, into a file that validation then refused (Y020); an int64 beyond 2**53 would be
    written with digits no float keeps (V015). Refused as a number written as text is (A015)."""
    rows = [{"task": "Image Classification", "datasets": [{"dataset": "MNIST", "sota": {
        "metrics": ["Accuracy", "Top 1"], "rows": [
            {"model_name": f"M{i}", "paper_title": f"Paper {i}", "paper_url":
             f"https://arxiv.org/abs/2101.0000{i}", "metrics": {"Accuracy": a, "Top 1": t}}
            for i, (a, t) in enumerate([(3e-310, 1), (1e-300, 2 ** 60), (66.36, 7)])]}}]}]
    given = tmp_path / "evaluation-tables.parquet"
    pq.write_table(pa.Table.from_pylist(rows), given)
    outcome = _import(CliRunner(), tmp_path / "registry", "--evaluation-tables", str(given))
    assert outcome.exit_code == 0, outcome.output
    report = (tmp_path / "report.md").read_text("utf-8")
    assert "A015" in report and "3e-310 is too small for a 64-bit float to hold in full" \
        in report and "1152921504606846976 has more digits than a 64-bit float keeps" in report
    values = sorted((r["model"], m, v) for path in (tmp_path / "registry").rglob("papers/*/*")
                    for r in yaml.safe_load(path.read_text("utf-8")).get("results", [])
                    for m, v in r["metrics"].items())
    assert values == [("M0", "top-1", 1), ("M1", "accuracy", 1e-300), ("M2", "accuracy", 66.36),
                      ("M2", "top-1", 7)], values
    assert validate(ValidateOptions(registry=tmp_path / "registry", today=TODAY,
                                    jobs=1)).errors == 0


def test_shards_of_one_dataset_and_the_hub_cache_are_recognised(tmp_path: Path) -> None:
    from pwc_registry.archive.discover import discover

    dumps = {"methods": [{"name": "GAN"}, {"name": "Convolution"}],
             "links-between-papers-and-code": [{"repo_url": "https://github.com/a/b"}]}
    root = write_hf(tmp_path / "hf", dumps, shards=2)
    links = root / "links-between-paper-and-code"
    assert discover([links]) == {"links-between-papers-and-code":
                                 sorted((links / "data").iterdir())}
    shards = sorted((root / "methods" / "data").iterdir())
    assert discover(shards) == {"methods": shards}
    cache = tmp_path / "hub" / "datasets--pwc-archive--methods" / "snapshots" / "0123abc"
    cache.mkdir(parents=True)
    (root / "methods" / "data").rename(cache / "data")
    assert discover([cache.parent.parent]) == {"methods": sorted((cache / "data").iterdir())}
    assert discover([tmp_path / "hub"]) == {"methods": sorted((cache / "data").iterdir())}


# --- what a file is, when it is not a dump -------------------------------------------------------

@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _refused(runner: CliRunner, tmp_path: Path, *arguments: str) -> str:
    (tmp_path / "registry").mkdir(exist_ok=True)
    result = runner.invoke(main, ["import", "pwc-archive", *arguments, "--registry",
                                  str(tmp_path / "registry")])
    assert result.exit_code == 2, result.output
    return " ".join(result.output.split())


def test_a_parquet_file_its_name_does_not_place_is_told_how_to_pass(
        tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "0000.parquet"
    pq.write_table(pa.table({"name": ["GAN"]}), path)
    said = _refused(runner, tmp_path, str(path))
    assert "this is Parquet, but" in said and "--methods" in said and "data/ folder" in said
    shard = tmp_path / "train-00000-of-00004.parquet"  # a shard out of its dataset's folder
    pq.write_table(pa.Table.from_pylist(archive_papers()), shard)
    said = _refused(runner, tmp_path, str(shard))
    assert "this is Parquet with the columns of papers-with-abstracts (--papers)" in said
    lines = tmp_path / "export.jsonl"
    lines.write_text('{"name": "GAN"}\n')
    assert "this is JSON Lines" in _refused(runner, tmp_path, str(lines))
    # given with its option, the same file is read (it was "not valid JSON: 'utf-8' codec...")
    result = runner.invoke(main, ["import", "pwc-archive", "--methods", str(path), "--methods",
                                  str(lines), "--registry", str(tmp_path / "registry"),
                                  "--report", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "registry" / "methods" / "gan.yaml").is_file()


@pytest.mark.parametrize(("content", "what"), [
    (b"PK\x03\x04\x14\x00\x00\x00", "a ZIP archive"),
    (b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 65300000\n",
     "a Git LFS pointer"),
    (b"<!DOCTYPE html><html><body>Sign in</body></html>", "an HTML or XML page"),
    (gzip.compress(b"PAR1" + b"\x00" * 64), "a gzipped Parquet file"),
    (b"task,synonym\nImage Classification,Image Recognition\n", "it starts with 'task,synonym'"),
])
def test_a_file_that_is_no_dump_says_what_it_is(tmp_path: Path, runner: CliRunner,
                                                content: bytes, what: str) -> None:
    path = tmp_path / "methods.json"  # named as a dump: read, and refused for what it is
    path.write_bytes(content)
    report = import_archive(Options(registry=tmp_path, methods=[path], today=TODAY, jobs=1))
    [problem] = report.diagnostics
    assert problem.code == "A050" and problem.message.startswith("this is not a dump: ")
    assert what in problem.message and report.errors == 1
    odd = tmp_path / "download"
    odd.write_bytes(content)
    said = _refused(runner, tmp_path, str(odd))
    assert "this is not a dump" in said and what in said


def test_a_folder_with_no_dump_or_a_missing_shard_is_refused(tmp_path: Path,
                                                           runner: CliRunner) -> None:
    (tmp_path / "empty").mkdir()
    assert "no dump in this folder" in _refused(runner, tmp_path, str(tmp_path / "empty"))
    root = write_hf(tmp_path / "hf", {"methods": [{"name": "A"}, {"name": "B"}]})
    (root / "methods" / "data" / "train-00001-of-00002.parquet").unlink()
    said = _refused(runner, tmp_path, str(root))
    assert "shard 1 of 2 is missing" in said
    said = _refused(runner, tmp_path, "--methods", str(root / "methods"), str(root / "methods"))
    assert "a second methods dump" in said or "shard 1 of 2" in said


def test_json_lines_errors_are_placed_and_limits_hold(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"a": 1}\n\n' + '{"b": "' + "x" * 400 + '"}\n' + "[" * 80 + "]" * 80
                    + "\n" + '{"c": 3}\n' + '{"d": }\n')
    problems: list[Any] = []
    found = []
    with pytest.raises(DumpError) as error:
        for item in records(path, problems.append, limits=Limits(depth=64, record_bytes=300)):
            found.append(item)
    assert found == [(0, {"a": 1}), (3, {"c": 3})]
    assert [(p.code, p.line, p.pointer) for p in problems] == [("A018", 3, (1,)),
                                                               ("A017", 4, (2,))]
    d = error.value.diagnostic
    assert (d.code, d.line, d.column) == ("A001", 6, 7)


# --- hostile Parquet ------------------------------------------------------------------------------

def _tables(rows: list[str]) -> pa.Table:
    return pa.Table.from_pylist([{"task": t, "datasets": [{"dataset": "D", "sota": {"rows": [
        {"model_name": "M", "paper_title": f"Paper {t[:10]}", "metrics": {"Accuracy": "1"}}]}}]}
        for t in rows])


def test_a_parquet_record_too_large_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "evaluation-tables.parquet"
    pq.write_table(_tables(["T1", "x" * 300_000, "T3"]), path, row_group_size=3)
    problems: list[Any] = []
    found = list(records(path, problems.append, limits=Limits(record_bytes=100_000)))
    assert [(i, r["task"]) for i, r in found] == [(0, "T1"), (2, "T3")]
    [(code, pointer)] = [(p.code, p.pointer) for p in problems]
    assert (code, pointer) == ("A018", (1,))


def test_a_parquet_row_group_too_large_is_skipped_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "evaluation-tables.parquet"
    pq.write_table(_tables(["T1", "T2", "y" * 100_000, "T4"]), path, row_group_size=2)
    problems: list[Any] = []
    found = list(records(path, problems.append, limits=Limits(column_bytes=50_000)))
    assert [r["task"] for _, r in found] == ["T1", "T2"]
    [problem] = problems
    assert problem.code == "A051" and "rows 2 to 3 (row group 1)" in problem.message


def test_a_parquet_schema_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    value: Any = "x"
    for _ in range(70):  # mappings: Parquet counts a list as three levels, pyarrow reads 100
        value = {"a": value}
    path = tmp_path / "evaluation-tables.parquet"
    pq.write_table(pa.Table.from_pylist([{"task": "T", "deep": value}]), path)
    with pytest.raises(DumpError) as error:
        list(records(path, [].append))
    assert error.value.diagnostic.code == "A017" and "71 levels" in error.value.diagnostic.message


def test_a_parquet_file_cut_short_is_refused_with_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "papers-with-abstracts.parquet"
    pq.write_table(_tables(["T1"]), path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DumpError) as error:
        list(records(path, [].append))
    assert error.value.diagnostic.code == "A050"
    assert "does not end as Parquet does" in error.value.diagnostic.message


_GIANT = """
import sys
import pyarrow as pa, pyarrow.parquet as pq
rows = [{"task": t, "datasets": [{"dataset": "D", "sota": {"rows": [
    {"model_name": "M", "paper_title": f"Paper {t[:10]}", "metrics": {"Accuracy": "1"}}]}}]}
    for t in ["T1", "a" * (200 << 20), "T3"]]
pq.write_table(pa.Table.from_pylist(rows), sys.argv[1], compression="zstd", row_group_size=3)
"""


def test_a_giant_parquet_string_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    """A task name of 200 MB that zstd packs into a few hundred KB, between two good tasks."""
    path = tmp_path / "evaluation-tables.parquet"
    # Written by another process: a child's peak memory counts its parent's at the fork.
    subprocess.run([sys.executable, "-c", _GIANT, str(path)], check=True, timeout=300)
    assert path.stat().st_size < 2 << 20
    found = _bounded(tmp_path, "tables", path)
    assert found["rss_mib"] < 1024, found
    assert found["codes"] == ["A018"]
