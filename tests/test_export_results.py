"""``pwc export results``: one row per (result, metric), a table per entity, read back as its
users read it (pandas, DuckDB, sqlite3, Hugging Face ``datasets``, Datasette).

The registry is the examples' base registry (LERT's results on Astock, from the Papers with
Code archive) and one source: a leaderboard submission on the subtask Stock Trend Prediction,
naming LERT's paper, with a spread, so that its row is also copied to the parent task's board
(``via_task``)."""

from __future__ import annotations

import asyncio
import csv
import gzip
import io
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import duckdb
import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner

from pwc_registry import tables
from pwc_registry.cli import main
from pwc_registry.exports import gzipped
from pwc_registry.registry import load_registry
from pwc_registry.tables import column_reference, compute

from conftest import REPO, git
from examples import materialise
from registry_builder import registry_in_git, write

LERT = "lert-a-linguistically-motivated-pre-trained-language-model"
ASTOCK = "stock-market-prediction--astock"
TABLES = ("results", "papers", "sources", "tasks", "datasets", "metrics", "areas", "benchmarks")
#: LERT: 4 results × 4 metrics filed under both tasks (the subtask's are filed in the parent
#: too, so not copied); the source: 1 result × 2 metrics on the subtask and its copy.
ROWS = 4 * 4 + 2 * 2


def _registry(tmp: Path) -> Path:
    registry = materialise(Path("/nonexistent"), tmp)
    write(registry, "source", {
        "id": "astock-trading-challenge", "kind": "submission", "title": "Astock trading challenge",
        "date": "2023-01", "url": "https://example.org/astock",
        "results": [{"task": "stock-trend-prediction", "dataset": "astock",
                     "model": "Lert Ensemble", "paper": LERT,
                     "metrics": {"accuracy": {"value": 61.2, "spread": 0.4,
                                              "note": "std over 3 seeds"},
                                 "f1-score": 60.05},
                     # text pandas reads as missing unless told not to
                     "source": {"kind": "submission", "location": "NA"},
                     # a text a spreadsheet would run: written with a ' before it in CSV
                     "notes": "+2 points over the best single model"}]})
    return registry


def _export(registry: Path, out: Path, *formats: str) -> None:
    args = ["export", "results", "--registry", str(registry), "--out", str(out)]
    for fmt in formats:
        args += ["--format", fmt]
    outcome = CliRunner().invoke(main, args)
    assert outcome.exit_code == 0, outcome.output


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("export")
    out = tmp / "build" / "results"
    _export(_registry(tmp), out)
    return out


def _lert(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["benchmark"] == ASTOCK) & (frame["metric"] == "accuracy")
                 & (frame["model"] == "Chinese Lert Large (News+Factors)")]


def test_pandas_reads_every_format_with_the_same_rows(export: Path) -> None:
    parquet = pd.read_parquet(export / "results.parquet")
    jsonl = pd.read_json(export / "results.jsonl", lines=True)
    csv = pd.read_csv(export / "results.csv")
    for frame in (parquet, jsonl, csv):
        assert len(frame) == ROWS
        row = _lert(frame).iloc[0]
        assert row["value"] == 66.36 and row["rank"] == 1 and bool(row["is_primary"])
        assert row["paper_arxiv"] in ("2211.05344", 2211.05344)  # CSV: pandas reads a number
        assert row["holder_kind"] == "paper" and row["unit"] == "percent"
    assert len(pd.read_parquet(export / "papers.parquet")) == 2
    assert list(pd.read_parquet(export / "benchmarks.parquet")["id"]) == [
        ASTOCK, "stock-trend-prediction--astock"]


def test_the_sources_row_names_its_holder_its_paper_and_its_copy(export: Path) -> None:
    rows = pd.read_parquet(export / "results.parquet")
    ours = rows[rows["holder_id"] == "astock-trading-challenge"]
    assert sorted(ours["benchmark"]) == [ASTOCK] * 2 + ["stock-trend-prediction--astock"] * 2
    copy = ours[(ours["benchmark"] == ASTOCK) & (ours["metric"] == "accuracy")].iloc[0]
    assert copy["via_task"] == "stock-trend-prediction" and copy["task"] == "stock-market-prediction"
    assert copy["holder_kind"] == "source" and copy["holder_source_kind"] == "submission"
    assert copy["paper_id"] == LERT and copy["paper_date"] == "2022-11-10"
    assert (copy["spread"], copy["spread_note"]) == (0.4, "std over 3 seeds")
    assert copy["source_kind"] == "submission" and copy["rank"] == 3
    # The same result on both boards: one result_id, two row ids.
    assert ours.groupby("metric")["result_id"].nunique().eq(1).all()
    assert ours["id"].is_unique


def test_parquet_columns_are_typed_even_where_every_value_is_null(export: Path) -> None:
    schema = pq.read_schema(export / "results.parquet")
    types = {f.name: str(f.type) for f in schema}
    assert types["value"] == "double" and types["rank"] == "int64"
    assert types["is_primary"] == "bool" and types["result_code_links"] == "list<element: string>"
    # Null in every row of this registry, still typed:
    assert types["paper_doi"] == "string" and types["source_location"] == "string"
    assert not schema.field("value").nullable and schema.field("split").nullable
    assert pq.read_schema(export / "sources.parquet").field("results").type == "int64"


def test_duckdb_joins_results_to_papers(export: Path) -> None:
    rows = duckdb.sql(
        f"SELECT r.value, p.arxiv, p.title FROM '{export}/results.parquet' r "
        f"JOIN '{export}/papers.parquet' p ON r.paper_id = p.id "
        f"WHERE r.benchmark = '{ASTOCK}' AND r.metric = 'accuracy' AND r.rank = 1").fetchall()
    assert rows == [(66.36, "2211.05344",
                     "LERT: A Linguistically-motivated Pre-trained Language Model")]
    count = duckdb.sql(f"SELECT count(*) FROM read_json_auto('{export}/results.jsonl')")
    assert count.fetchall() == [(ROWS,)]


def test_sqlite_has_typed_tables_keys_and_full_text_search(export: Path) -> None:
    db = sqlite3.connect(export / "results.sqlite")
    assert db.execute("SELECT count(*) FROM results").fetchone() == (ROWS,)
    assert db.execute(
        "SELECT r.value, typeof(r.value), r.is_primary, t.name FROM results r "
        "JOIN tasks t ON t.id = r.task WHERE r.benchmark = ? AND r.metric = 'accuracy' "
        "AND r.rank = 1", (ASTOCK,)).fetchone() == (66.36, "real", 1, "Stock Market Prediction")
    found = db.execute("SELECT p.id FROM papers_fts JOIN papers p ON p.rowid = papers_fts.rowid "
                       "WHERE papers_fts MATCH 'linguistic*'").fetchall()
    assert found == [(LERT,)]
    links = db.execute("SELECT result_code_links FROM results LIMIT 1").fetchone()[0]
    assert json.loads(links) == []
    for table in TABLES:
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 0


def test_hugging_face_datasets_loads_the_parquet_files(
        export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")  # before the import: it reads it then
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    loaded = datasets.load_dataset("parquet", data_files=str(export / "results.parquet"),
                                   split="train", cache_dir=str(tmp_path / "cache"))
    assert loaded.num_rows == ROWS
    assert loaded.features["value"].dtype == "float64"
    assert loaded.features["rank"].dtype == "int64"
    row = next(r for r in loaded if r["benchmark"] == ASTOCK and r["metric"] == "accuracy"
               and r["rank"] == 1)
    assert row["value"] == 66.36 and row["paper_id"] == LERT


def test_the_card_is_a_hugging_face_dataset_card(export: Path) -> None:
    text = (export / "README.md").read_text("utf-8")
    assert text.startswith("---\n")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["license"] == "cc-by-sa-4.0"
    configs = {c["config_name"]: c for c in front["configs"]}
    assert configs["results"]["default"] is True
    for config in configs.values():
        assert (export / config["data_files"]).is_file()
    info = {i["config_name"]: i for i in front["dataset_info"]}
    results = {f["name"]: f for f in info["results"]["features"]}
    assert results["value"] == {"name": "value", "dtype": "float64"}
    assert results["result_code_links"] == {"name": "result_code_links", "list": "string"}
    assert "splits" not in info["results"]  # the Hub's loader would want sizes in bytes


def test_the_folder_loads_as_a_dataset_without_a_word(
        export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The export folder as the Hub would serve it, read by `datasets.load_dataset(folder)`:
    the card's configs name the files, and the loader has nothing to warn of (a `splits`
    without sizes in bytes gave a warning for each of the eight tables)."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    with caplog.at_level("WARNING"):
        loaded = datasets.load_dataset(str(export), "results", split="train",
                                       cache_dir=str(tmp_path / "cache"))
    assert loaded.num_rows == ROWS
    assert not [r for r in caplog.records if r.levelname == "WARNING"], caplog.text


def test_a_csv_only_export_loads_as_a_dataset(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """With CSV alone, the card still declared lists of strings, which CSV holds as JSON text:
    seven of the eight tables failed to load ("Couldn't cast ... to List", found by an
    attack). Their features are text there."""
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    out = tmp_path / "csv"
    _export(_registry(tmp_path), out, "csv")
    for table in TABLES:
        if (out / f"{table}.csv").read_text("utf-8").count("\n") < 2:
            continue  # no rows: no config
        loaded = datasets.load_dataset(str(out), table, split="train",
                                       cache_dir=str(tmp_path / "cache"))
        assert loaded.num_rows > 0, table


def test_every_jsonl_row_matches_the_json_schema(export: Path) -> None:
    schema = json.loads((export / "schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    for table in TABLES:
        validator = jsonschema.Draft202012Validator(
            {**schema, "$ref": f"#/$defs/{table}"})
        for line in (export / f"{table}.jsonl").read_text("utf-8").splitlines():
            validator.validate(json.loads(line))


async def _datasette_get(export: Path, path: str) -> Any:
    from datasette.app import Datasette

    # As `datasette build/results` opens it: the folder's results.sqlite and metadata.json.
    ds = Datasette(config_dir=export)
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


def test_datasette_serves_the_astock_board_with_facets_and_search(export: Path) -> None:
    board = asyncio.run(_datasette_get(
        export, f"/results/results.json?benchmark={ASTOCK}&metric=accuracy&_sort=rank"))
    columns = board["columns"]
    first = dict(zip(columns, board["rows"][0], strict=True))
    assert first["value"] == 66.36 and first["model"] == "Chinese Lert Large (News+Factors)"
    assert board["filtered_table_rows_count"] == 3  # LERT's two and the source's copy
    assert set(board["facet_results"]) >= {"task", "dataset", "metric"}
    found = asyncio.run(_datasette_get(export, "/results/papers.json?_search=linguistically"))
    assert [row[found["columns"].index("id")] for row in found["rows"]] == [LERT]


def test_datasette_names_a_paper_without_title_and_finds_words_by_their_stem(
        tmp_path: Path) -> None:
    """helper-72: a paper whose title is unknown showed as "None" wherever Datasette linked
    it (53 shipped papers), and "linguistic" did not find LERT's "Linguistically"."""
    registry = _registry(tmp_path)
    write(registry, "paper", {
        "id": "untitled-stock-paper", "identifiers": {"arxiv": "1507.01127"},
        "results": [{"task": "stock-market-prediction", "dataset": "astock", "model": "U",
                     "metrics": {"accuracy": 40.0}}]})
    out = tmp_path / "out"
    _export(registry, out, "sqlite")
    rows = asyncio.run(_datasette_get(
        out, "/results/results.json?paper_id=untitled-stock-paper&_labels=on&_shape=objects"))
    assert {r["paper_id"]["label"] for r in rows["rows"]} == {"arXiv:1507.01127 (title unknown)"}
    found = asyncio.run(_datasette_get(out, "/results/papers.json?_search=linguistic"))
    assert [row[found["columns"].index("id")] for row in found["rows"]] == [LERT]


def test_the_same_registry_gives_the_same_bytes(export: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    _export(_registry(tmp_path), again)
    names = sorted(p.name for p in export.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    changed = [n for n in names if (export / n).read_bytes() != (again / n).read_bytes()]
    assert changed == []


def test_tables_written_a_few_rows_at_a_time_read_back_the_same(
        export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writers convert a batch of rows at a time (at the archive's scale a whole table's values
    in Arrow were gigabytes): batches of 2 rows give the same CSV, JSON Lines and SQLite rows,
    and Parquet files whose row groups read back as the same table."""
    import sqlite3

    import pyarrow.parquet as pq

    from pwc_registry.exports import text

    monkeypatch.setattr(text, "BATCH_ROWS", 2)
    small = tmp_path / "small"
    _export(_registry(tmp_path), small)
    for name in ("results", "papers", "benchmarks"):
        assert (small / f"{name}.csv").read_bytes() == (export / f"{name}.csv").read_bytes()
        assert (small / f"{name}.jsonl").read_bytes() == (export / f"{name}.jsonl").read_bytes()
        batched = pq.ParquetFile(small / f"{name}.parquet")
        whole = pq.read_table(export / f"{name}.parquet")
        assert batched.metadata.num_row_groups == -(-whole.num_rows // 2)
        assert batched.read().equals(whole)
        assert batched.schema_arrow == whole.schema
    queries = ["SELECT * FROM results ORDER BY id", "SELECT * FROM papers ORDER BY id",
               "SELECT rowid, * FROM papers_fts WHERE papers_fts MATCH 'linguistically'"]
    for query in queries:
        rows = []
        for folder in (small, export):
            db = sqlite3.connect(folder / "results.sqlite")
            rows.append(db.execute(query).fetchall())
            db.close()
        assert rows[0] == rows[1] and rows[0], query


def test_one_format_writes_its_files_and_a_card_pointing_at_them(tmp_path: Path) -> None:
    out = tmp_path / "jsonl-only"
    _export(_registry(tmp_path), out, "jsonl")
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".jsonl")) == [
        ".pwc-output", "README.md", "schema.json"]
    front = yaml.safe_load((out / "README.md").read_text("utf-8").split("---\n")[1])
    assert front["configs"][0]["data_files"] == "results.jsonl"


def test_a_folder_pwc_did_not_make_or_a_link_is_refused(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    link = tmp_path / "link"
    link.symlink_to(mine)
    for out in (mine, link):
        outcome = CliRunner().invoke(main, ["export", "results", "--registry", str(registry),
                                            "--out", str(out)])
        assert outcome.exit_code == 2 and "Traceback" not in outcome.output, outcome.output
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]


def test_the_table_is_the_leaderboards_laid_flat(tmp_path: Path) -> None:
    registry = load_registry(_registry(tmp_path))
    tables = compute(registry)
    assert [t for t in tables] == list(TABLES)
    for table in tables.values():
        assert all(len(row) == len(table.columns) for row in table.rows)
        keys = [row[0] for row in table.rows]
        assert len(keys) == len(set(keys))


def test_the_site_offers_the_export_with_sizes_and_the_registrys_date(tmp_path: Path) -> None:
    registry = registry_in_git(tmp_path / "repo")
    date = git(tmp_path / "repo", "log", "-1", "--format=%cs").strip()
    out = tmp_path / "site"
    outcome = CliRunner().invoke(main, ["site", "build", "--registry", str(registry),
                                        "--out", str(out)])
    assert outcome.exit_code == 0, outcome.output
    page = (out / "downloads.html").read_text("utf-8")
    assert f"as of {date}" in page
    size = (out / "downloads" / "results.parquet").stat().st_size
    assert 'href="downloads/results.parquet"' in page and f"{size / 1e3:.1f} KB" in page
    assert 'href="downloads.html"' in (out / "index.html").read_text("utf-8")
    assert len(pd.read_parquet(out / "downloads" / "results.parquet")) == 4 * 4  # LERT's
    assert len(pd.read_csv(out / "downloads" / "results.csv.gz")) == 4 * 4
    packed = (out / "downloads" / "results.sqlite.gz").read_bytes()
    assert packed[4:8] == b"\0\0\0\0"  # no time in the gzip header: the same bytes each build
    (tmp_path / "results.sqlite").write_bytes(gzip.decompress(packed))
    db = sqlite3.connect(tmp_path / "results.sqlite")
    assert db.execute("SELECT count(*) FROM results").fetchone() == (4 * 4,)
    assert 'href="downloads/results.sqlite.gz"' in page
    # Outside git there is no date to give, and none is made up.
    out2 = tmp_path / "site2"
    plain = materialise(Path("/nonexistent"), tmp_path / "plain")
    CliRunner().invoke(main, ["site", "build", "--registry", str(plain), "--out", str(out2)])
    assert "as of" not in (out2 / "downloads.html").read_text("utf-8")


def test_the_downloads_pages_pandas_recipe_reads_every_name_as_written(tmp_path: Path) -> None:
    """helper-69: the recipe the Downloads page gives read a model named "NA" as a gap
    (pandas' default null words); the page's own code, run on its own download."""
    import html
    import re

    registry = _registry(tmp_path)
    write(registry, "source", {
        "id": "null-words", "kind": "report", "title": "Null words",
        "results": [{"task": "stock-market-prediction", "dataset": "astock", "model": name,
                     "metrics": {"accuracy": 50 + i}}
                    for i, name in enumerate(["NA", "None", "null", "n/a"])]})
    out = tmp_path / "site"
    outcome = CliRunner().invoke(main, ["site", "build", "--registry", str(registry),
                                        "--out", str(out)])
    assert outcome.exit_code == 0, outcome.output
    page = (out / "downloads.html").read_text("utf-8")
    [recipe] = re.findall(r'<code>(pd\.read_csv\("results\.csv\.gz".*?)</code>', page)
    frame = eval(html.unescape(recipe).replace('"results.csv.gz"',  # the page's own code
                                               repr(str(out / "downloads" / "results.csv.gz"))),
                 {"pd": pd})
    ours = frame[frame["holder_id"] == "null-words"]
    assert sorted(ours["model"]) == sorted(["NA", "None", "null", "n/a"])
    assert frame["model"].notna().all()


def test_a_csv_cell_a_spreadsheet_would_run_is_quoted_as_in_every_csv(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    write(registry, "source", {
        "id": "formula-source", "kind": "report", "title": "=HYPERLINK(\"https://x\")",
        "results": [{"task": "stock-market-prediction", "dataset": "astock",
                     "model": "@SUM(A1)", "metrics": {"accuracy": 50.5}},
                    {"task": "stock-market-prediction", "dataset": "astock",
                     "model": "'@SUM(A1)", "metrics": {"accuracy": 50.6}}]})
    out = tmp_path / "csv"
    _export(registry, out, "csv")
    rows = pd.read_csv(out / "results.csv")
    ours = rows[rows["holder_id"] == "formula-source"]
    assert ours["holder_title"].tolist() == ["'=HYPERLINK(\"https://x\")"] * 2
    # A name that starts with ' itself gets one too: one removed gives back either name.
    assert dict(zip(ours["model"], ours["value"], strict=True)) == {
        "'@SUM(A1)": 50.5, "''@SUM(A1)": 50.6}


def test_a_spread_beyond_int64_is_exported_as_the_float_it_is(tmp_path: Path) -> None:
    """An integer spread held exactly by a float, so valid (not V015), but past 2**63: it
    reached the writers as a Python int, and every format and every build failed on it."""
    registry = _registry(tmp_path)
    write(registry, "source", {
        "id": "huge-spread", "kind": "report", "title": "Huge spread",
        "results": [{"task": "stock-market-prediction", "dataset": "astock", "model": "Wide",
                     "metrics": {"accuracy": {"value": 50, "spread": 100000000000000000000}}}]})
    assert CliRunner().invoke(main, ["validate", "--registry", str(registry)]).exit_code == 0
    out = tmp_path / "all"
    _export(registry, out)
    for frame in (pd.read_parquet(out / "results.parquet"),
                  pd.read_json(out / "results.jsonl", lines=True), pd.read_csv(out / "results.csv"),
                  pd.read_sql("SELECT * FROM results", sqlite3.connect(out / "results.sqlite"))):
        ours = frame[frame["holder_id"] == "huge-spread"].iloc[0]
        assert float(ours["spread"]) == 1e20 and float(ours["value"]) == 50.0
    built = CliRunner().invoke(main, ["leaderboards", "build", "--registry", str(registry),
                                      "--out", str(tmp_path / "lb")])
    assert built.exit_code == 0, built.output


def test_each_row_keeps_its_split_as_its_result_writes_it(tmp_path: Path) -> None:
    """Spellings of one split share a leaderboard (its id holds the slug); each row still says
    the split as its result gives it, not the first result's spelling."""
    registry = _registry(tmp_path)
    for holder, split in (("split-lower", "test"), ("split-upper", "Test")):
        write(registry, "source", {
            "id": holder, "kind": "report", "title": holder,
            "results": [{"task": "stock-market-prediction", "dataset": "astock", "split": split,
                         "model": f"Model {holder}", "metrics": {"accuracy": 50.5}}]})
    out = tmp_path / "splits"
    _export(registry, out, "parquet")
    rows = pd.read_parquet(out / "results.parquet")
    ours = rows[rows["holder_id"].str.startswith("split-")]
    assert set(zip(ours["holder_id"], ours["split"], ours["benchmark"], strict=True)) == {
        ("split-lower", "test", "stock-market-prediction--astock--test"),
        ("split-upper", "Test", "stock-market-prediction--astock--test")}


def test_worker_processes_lay_the_boards_flat_as_one_process_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registry = load_registry(_registry(tmp_path))
    alone = compute(registry, jobs=1)
    monkeypatch.setattr(tables, "PARALLEL_THRESHOLD", 1)
    together = compute(registry, jobs=2)
    assert {n: t.rows for n, t in together.items()} == {n: t.rows for n, t in alone.items()}
    assert len(alone["results"].rows) == ROWS


def test_the_snapshot_names_the_paper_of_a_sources_row_as_the_tables_do(tmp_path: Path) -> None:
    from pwc_registry import snapshot

    registry = load_registry(_registry(tmp_path))
    snapshot.build(registry, tmp_path / "snapshot", jobs=1)
    board = json.loads((tmp_path / "snapshot" / "benchmarks" /
                        "stock-trend-prediction--astock.json").read_text("utf-8"))
    ours = next(r for r in board["rows"] if r["holder"]["id"] == "astock-trading-challenge")
    assert ours["paper"]["id"] == LERT
    flat = compute(registry)["results"]
    paper_ids = {p for p, h in zip(flat.column("paper_id"), flat.column("holder_id"), strict=True)
                 if h == "astock-trading-challenge"}
    assert paper_ids == {LERT}


def test_docs_describe_every_column_as_the_card_does() -> None:
    from conftest import REPO

    page = (REPO / "docs" / "exports.md").read_text("utf-8")
    assert column_reference() in page, "docs/exports.md: paste tables.column_reference()"


def test_a_result_filed_twice_still_has_rows_with_unique_ids(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    twins = [{"task": "stock-market-prediction", "dataset": "astock", "model": "Twin",
              "metrics": {"accuracy": 40.0}} for _ in range(2)]
    write(registry, "paper", {"id": "twin-paper", "title": "Twin", "date": "2023-05-01",
                              "results": twins})
    out = tmp_path / "out"
    _export(registry, out, "sqlite", "parquet")
    rows = pd.read_parquet(out / "results.parquet")
    twins = rows[rows["holder_id"] == "twin-paper"]
    assert len(twins) == 2 and twins["result_id"].nunique() == 1
    assert rows["id"].is_unique and list(twins["id"])[1].endswith("-2")



@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 25_000])
def test_the_sites_downloads_gzipped_in_chunks_by_threads_read_back_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    # At scale a download is deflated in 4 MiB chunks side by side; here in chunks of 1,000
    # bytes, on one processor and on three: the same bytes, one gzip stream any reader takes.
    monkeypatch.setattr(gzipped, "GZIP_CHUNK", 1000)
    _export(_registry(tmp_path), tmp_path / "out", "sqlite")
    data = (tmp_path / "out" / "results.sqlite").read_bytes()[:size]
    packed = []
    for processors in (1, 3):
        monkeypatch.setattr(gzipped.os, "cpu_count", lambda n=processors: n)
        (tmp_path / "file").write_bytes(data)
        assert gzipped.gzip_file(tmp_path / "file") == "file.gz"
        packed.append((tmp_path / "file.gz").read_bytes())
    assert packed[0] == packed[1] and gzip.decompress(packed[0]) == data
    assert packed[0][:10] == b"\x1f\x8b\x08\0\0\0\0\0\0\xff"  # no name, no time


def test_the_docs_loading_snippets_run_as_written(export: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Every Python snippet of the README and docs/exports.md that reads `build/results` runs
    as it is written, from the folder above `build/`; the README's DuckDB query prints the
    Astock board once (a query by dataset printed each row twice: Astock has two boards)."""
    blocks = []
    for doc in ("README.md", "docs/exports.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        blocks += [b for b in re.findall(r"```python\n(.*?)```", text, re.S)
                   if "build/results" in b]
    assert len(blocks) >= 5
    before = os.getcwd()
    os.chdir(export.parent.parent)
    try:
        for block in blocks:
            capsys.readouterr()
            names: dict[str, Any] = {}
            exec(compile(block, "<docs>", "exec"), names)  # the project's own docs
            printed = capsys.readouterr().out
            if ".show()" in block:
                assert printed.count("66.36") == 1, printed
            if "read_csv" in block or "read_json" in block:
                # the text columns as written ("88", not 88.0; the ' that guards a formula
                # in CSV taken off): the same as Parquet's
                read = names["results"]
                texts = set(read["value_text"])
                assert "66.36" in texts and not any(t.endswith(".0") for t in texts), texts
                parquet = pd.read_parquet(export / "results.parquet")
                for column in ("model", "notes", "paper_arxiv", "value_text", "date",
                               "source_location"):
                    assert read[column].fillna("").tolist() \
                        == parquet[column].fillna("").tolist(), column
                assert read["value"].tolist() == parquet["value"].tolist()
                # list columns as lists (the CSV recipe left them JSON text; helper-65)
                assert [list(x) for x in read["result_code_links"]] == \
                    [list(x) for x in parquet["result_code_links"]]
                # typed as the schema says, even where null in every row (helper-69: the
                # sources' code_official was read as floats)
                if "read_csv" in block:
                    assert str(names["sources"]["code_official"].dtype) == "boolean"
                    assert str(read["rank"].dtype) == "Int64"
                    assert str(read["is_primary"].dtype) == "boolean"
    finally:
        os.chdir(before)


def test_minus_zero_is_written_as_zero_in_every_format(tmp_path: Path) -> None:
    """helper-58: a value of -0.0 was `-0` in results.csv and 0 in every other output (the
    site, the API, value_text)."""
    from registry_builder import paper, result, speech_registry

    registry = speech_registry(tmp_path)
    paper(registry, "zero-asr", "2024-01-01", [
        result("speech-recognition", "librispeech-test-clean", "Z", word_error_rate=-0.0)])
    out = tmp_path / "out"
    _export(registry, out, "csv", "jsonl")
    rows = [r for r in csv.DictReader(io.StringIO((out / "results.csv").read_text("utf-8")))
            if r["model"] == "Z"]
    assert [r["value"] for r in rows] == ["0"], rows
    assert '"model":"Z"' in (out / "results.jsonl").read_text("utf-8")
    assert '"value":-0.0' not in (out / "results.jsonl").read_text("utf-8")
    # helper-63: the leaderboard JSON and the model-card exports still wrote -0.0: the
    # registry reads -0.0 as 0, once, for every output
    from pwc_registry.exports.model_card import eval_results, eval_results_text, model_index_text
    from pwc_registry.leaderboard import compile_leaderboards
    from pwc_registry.registry import load_registry
    from pwc_registry.snapshot import board_files

    loaded = load_registry(registry, jobs=1)
    [board] = [b for b in compile_leaderboards(loaded)
               if any(r.result.model == "Z" for r in b.rows)]
    for name, data in board_files(board, loaded, markdown=True).items():
        text = data.decode("utf-8")
        assert "Z" in text and not re.search(r"(?<![0-9])-0(?![0-9-])", text), name
    zero = loaded.papers["zero-asr"]
    for text in (model_index_text(loaded, zero), eval_results_text(eval_results(loaded, zero))):
        assert re.search(r"value: 0\.0\b", text) and "value: -" not in text, text
