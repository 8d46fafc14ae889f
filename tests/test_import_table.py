"""``pwc import table``: a CSV of results with a mapping of its columns, through the shared path
(imports/sink.py) — timm's real results, the unit rule, and bad tables and mappings."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pwc_registry.imports.report import LISTED, ImportReport, summary
from pwc_registry.imports.table import MappingError, import_tables, read_mapping
from pwc_registry.leaderboard import find_leaderboard
from pwc_registry.registry import load_registry
from pwc_registry.validate import Options as ValidateOptions
from pwc_registry.validate import validate
from test_import_contract import CORPUS, TIMM, TIMM_MAPPING, classification_registry

from conftest import TODAY
from examples import materialise
from registry_builder import write


def _mapping(**changes: object) -> dict[str, object]:
    return {**TIMM_MAPPING, **changes}


def _import(registry: Path, table: Path, mapping: dict[str, object], tmp_path: Path
            ) -> ImportReport:
    file = tmp_path / "mapping.yaml"
    file.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return import_tables(registry, [table], read_mapping(file, {}), jobs=1)


def _source(registry: Path) -> dict[str, object]:
    path = registry / "sources" / "7a" / "timm-imagenet-results.yaml"
    data: dict[str, object] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_timms_results_import_and_rank_by_each_metrics_direction(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    report = _import(registry, TIMM, _mapping(), tmp_path)
    assert report.errors == 0
    assert report.counts["row"] == report.counts["result"] == 1556
    assert validate(ValidateOptions(registry=registry, today=TODAY, jobs=1)).errors == 0
    loaded = load_registry(registry, jobs=1)
    board = find_leaderboard(loaded, "image-classification", "imagenet", "validation")
    assert board is not None and len(board.rows) == 1556
    top1 = [r.result.metrics["top-1-accuracy"].value for r in board.rows]
    assert top1 == sorted(top1, reverse=True)  # higher is better: the best first
    assert board.rows[0].result.model == "eva02_large_patch14_448.mim_m38m_ft_in22k_in1k @ 448px"
    by_error = sorted(board.rows, key=lambda r: r.ranks["top-1-error"] or 0)
    errors = [r.result.metrics["top-1-error"].value for r in by_error]
    assert errors == sorted(errors)  # lower is better: the smallest error ranks first
    assert by_error[0].ranks["top-1-error"] == 1 and errors[0] == 9.944


def test_a_model_named_twice_with_other_values_is_reported(tmp_path: Path) -> None:
    """timm lists 290 models twice, at two image sizes: without the size in the model's name,
    the second of each is reported (A035), not merged into the first."""
    registry = classification_registry(tmp_path)
    report = _import(registry, TIMM, _mapping(model="model"), tmp_path)
    assert report.totals["A035"] == 290
    assert report.counts["skipped row"] == 290 and report.counts["result"] == 1266
    first = next(d for d in report.diagnostics if d.code == "A035")
    assert first.file == str(TIMM) and first.line > 1


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_table_of_fractions_is_converted_and_says_so(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,0.853,0.97,14.7\n"
                 "B,224,0.801,0.95,19.9\n")
    report = _import(registry, table, _mapping(), tmp_path)
    assert report.totals["A032"] == 4 and report.counts["converted value"] == 4
    results = _source(registry)["results"]
    assert isinstance(results, list)
    assert results[0]["metrics"] == {"top-1-accuracy": 85.3, "top-5-accuracy": 97.0,
                                     "top-1-error": 14.7}  # no unit: never converted
    assert "Top-1 Accuracy 0.853 converted from a fraction to 85.3 percent" \
        in results[0]["notes"]


def test_a_value_that_may_be_a_fraction_is_reported_not_imported(tmp_path: Path) -> None:
    """timm's ImageNet-A gives one model 0.48 % top-1 among values up to 88.6: 0.48 could be
    either unit, so it is left out (A033) unless the mapping states the unit."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,88.6,97.4,11.4\n"
                 "B,224,0.48,5.1,99.52\n")
    report = _import(registry, table, _mapping(), tmp_path)
    assert report.totals["A033"] == 1
    results = _source(registry)["results"]
    assert isinstance(results, list)
    assert "top-1-accuracy" not in results[1]["metrics"]
    stated = classification_registry(tmp_path / "stated")
    report = _import(stated, table, _mapping(unit="percent"), tmp_path)
    assert report.totals["A033"] == 0
    results = _source(stated)["results"]
    assert isinstance(results, list) and results[1]["metrics"]["top-1-accuracy"] == 0.48


def test_unknown_metrics_and_unreadable_values_are_reported(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,78.03%,-,21.97\n"
                 "B,224,,,\nC,224,,,90.0 ± -0.5\n")
    report = _import(registry, table, _mapping(metrics={"top1": "Top-1 Acuracy",
                                                         "top5": "top5", "top1_err": "Top-1 Error"}),
                     tmp_path)
    unknown = [d for d in report.diagnostics if d.code == "A031"]
    assert len(unknown) == 1 and unknown[0].line == 2
    assert unknown[0].hint is not None and "Top-1 Accuracy" in unknown[0].hint
    # "-": no number is given; C's "90.0 ± -0.5": a negative spread (it was written, and the
    # registry then failed validation; helper-66)
    assert report.totals["A003"] == 2
    assert report.totals["A005"] == 2  # B and C: nothing to import
    assert report.counts["row"] == 3 and report.counts["result"] == 1
    assert report.counts["skipped row"] == 2
    # A table with nothing to import creates no dataset.
    nothing = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,-,,\n", "nothing.csv")
    report = _import(registry, nothing, _mapping(dataset="ImageNet-Q"), tmp_path)
    assert report.counts["skipped row"] == 1 and report.totals["A030"] == 0
    assert not list(registry.glob("datasets/imagenet-q.yaml"))


def test_a_paper_column_links_each_result_to_its_paper(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err,paper\n"
                 "ViT-B/16,224,81.1,95.3,18.9,2010.11929\n"
                 "ResNet-50,224,79.0,94.4,21.0,\n")
    report = _import(registry, table, _mapping(paper="paper"), tmp_path)
    assert report.errors == 0
    results = _source(registry)["results"]
    assert isinstance(results, list)
    assert results[0]["paper"] == "arxiv-2010-11929" and "paper" not in results[1]
    paper = yaml.safe_load(next(registry.glob("papers/*/arxiv-2010-11929.yaml"))
                           .read_text(encoding="utf-8"))
    assert paper["identifiers"] == {"arxiv": "2010.11929"} and "title" not in paper
    assert validate(ValidateOptions(registry=registry, today=TODAY, jobs=1)).errors == 0


def test_a_paper_cell_written_as_a_markdown_link_is_its_title_and_address(
        tmp_path: Path) -> None:
    """NLP-progress writes a paper as `[Title](https://arxiv.org/abs/1705.02364)`
    (english/semantic_textual_similarity.md): taken as a title, it made a paper titled with
    the whole link, beside the registry's own of that arXiv id (found by a curator)."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err,paper\n"
                 "InferSent,224,81.1,95.3,18.9,[Supervised Learning of Universal Sentence "
                 "Representations from Natural Language Inference Data]"
                 "(https://arxiv.org/abs/1705.02364)\n")
    report = _import(registry, table, _mapping(paper="paper"), tmp_path)
    assert report.errors == 0
    [paper] = [p for f in registry.glob("papers/*/*.yaml")
               if (p := yaml.safe_load(f.read_text(encoding="utf-8")))
               .get("identifiers", {}).get("arxiv") == "1705.02364"]
    assert not any("](" in f.read_text(encoding="utf-8") for f in registry.rglob("*.yaml"))
    assert paper["title"] == ("Supervised Learning of Universal Sentence Representations from "
                              "Natural Language Inference Data")
    assert paper["links"]["abstract"] == "https://arxiv.org/abs/1705.02364"
    # Brackets in the title, parentheses in the address (helper-60).
    from pwc_registry.imports.table import _paper

    ref = _paper("[[Re] Deep nets](https://en.wikipedia.org/wiki/Net_(maths))")
    assert ref is not None and (ref.title, ref.url) == (
        "[Re] Deep nets", "https://en.wikipedia.org/wiki/Net_(maths)")
    # A short text linking an arXiv paper is no title (as in a model card; helper-67); linking
    # an address that identifies no paper, it is all that names it, and stays.
    ref = _paper("[BERT](https://arxiv.org/abs/1810.04805)")
    assert ref is not None and ref.title is None and ref.url == "https://arxiv.org/abs/1810.04805"
    ref = _paper("[BERT](https://lab.example/bert.pdf)")
    assert ref is not None and ref.title == "BERT"


def test_a_mapping_says_where_it_is_wrong(tmp_path: Path) -> None:
    file = tmp_path / "m.yaml"
    file.write_text("model: model\ntask: T\ndataset: D\nmetric:\n  top1: Top-1 Accuracy\n",
                    encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        read_mapping(file, {})
    assert (caught.value.line, caught.value.column) == (4, 1)
    assert "'metric' is not a field" in caught.value.message
    with pytest.raises(MappingError, match="source needs a kind"):
        read_mapping(None, {"model": "m", "task": "t", "dataset": "d",
                            "metrics": [("a", "Accuracy")]})
    # helper-98: two columns of one metric left every row out (A006, 87 times), said only
    # row by row; now the mapping is refused (exit 2)
    with pytest.raises(MappingError, match=r"'LS Clean WER' and 'Avg\. WER' both hold the metric"):
        read_mapping(None, {"model": "m", "task": "t", "dataset": "d",
                            "metrics": [("LS Clean WER", "WER"), ("Avg. WER", "wer")],
                            "source_kind": "leaderboard", "source_title": "T"})


def test_a_table_separated_by_semicolons_is_said_to_be(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model;img_size;top1\nA;224;80\n")
    [problem] = _import(registry, table, _mapping(), tmp_path).diagnostics
    assert problem.code == "A037" and "its one column holds ';'" in problem.message


def test_a_column_the_table_lacks_or_a_table_not_utf8_stops_that_table(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,top1\nA,80\n")
    report = _import(registry, table, _mapping(), tmp_path)
    assert report.totals["A037"] == 1 and report.counts["row"] == 0
    latin = tmp_path / "latin.csv"
    latin.write_bytes("model,img_size,top1,top5,top1_err\nCaf\xe9,224,80,90,20\n".encode("latin-1"))
    report = _import(registry, latin, _mapping(), tmp_path)
    assert report.totals["A038"] == 1 and report.errors == 1
    # placed at the bad byte, the é of line 2 (it was 1:1)
    [refused] = [d for d in report.diagnostics if d.code == "A038"]
    assert (refused.line, refused.column) == (2, 4) and "(byte 37)" in refused.message
    # Lines ended by CR alone, as the csv module reads them; the column in characters
    # (helper-60: placed at 1:44, counting LF only and bytes).
    latin.write_bytes("model,img_size,top1,top5,top1_err\rA,224,80,90,20\rÄÖÜ-net,224,80,9".encode()
                      + b"\xff\r")
    report = _import(registry, latin, _mapping(), tmp_path)
    [refused] = [d for d in report.diagnostics if d.code == "A038"]
    assert (refused.line, refused.column) == (3, 17), refused


def test_a_table_that_is_not_sound_csv_is_reported_never_read_otherwise(tmp_path: Path) -> None:
    """Each once imported quietly: a second column of a mapped name (its values dropped), a
    quote left open (the rows after it swallowed into one cell), a quote closed mid-cell
    (`"7"9` read as 79), a row shorter than the header (imported without its last values)."""
    registry = classification_registry(tmp_path)
    header = "model,img_size,top1,top5,top1_err\n"
    twice = _csv(tmp_path, "model,img_size,top1,top1,top5,top1_err\nA,224,80.1,81.2,95,19.9\n")
    report = _import(registry, twice, _mapping(), tmp_path)
    assert report.totals["A037"] == 1 and report.counts["row"] == 0
    [found] = [d for d in report.diagnostics if d.code == "A037"]
    assert "top1 (columns 3, 4)" in found.message
    for head, body, read in (
            # a quote left open takes the rest of the file: nothing after it is a row
            (header, 'A,224,80,90,20\nB,224,"77.0,91,23\nC,224,70,85,30\n', 1),
            # a quote closed mid-cell: that row is reported, the next one read
            (header, 'A,224,80,90,20\nB,224,"7"9,91,21\nC,224,70,85,30\n', 2),
            # a row ending before columns the mapping reads
            (header, "A,224,80,90,20\nB,224,79\nC,224,70,85,30\n", 2)):
        table = tmp_path / "t.csv"
        table.write_text(head + body, encoding="utf-8")
        fresh = classification_registry(tmp_path / f"r{read}{len(body)}")
        report = _import(fresh, table, _mapping(), tmp_path)
        assert report.totals["A038"] == 1, body
        models = [r["model"] for r in _source(fresh)["results"]]
        assert len(models) == read and "B @ 224px" not in models, (body, models)
    # A row that ends before a column the mapping does not read (Excel drops trailing empty
    # cells) is read as it is.
    table = tmp_path / "t.csv"
    table.write_text(header.rstrip("\n") + ",remarks\nA,224,80,90,20\nB,224,79,91,21,ok\n",
                     encoding="utf-8")
    fresh = classification_registry(tmp_path / "trailing")
    report = _import(fresh, table, _mapping(), tmp_path)
    assert report.totals["A038"] == 0
    assert [r["model"] for r in _source(fresh)["results"]] == ["A @ 224px", "B @ 224px"]


def test_a_row_on_no_board_is_reported_and_creates_nothing(tmp_path: Path) -> None:
    """A split with no Latin letter (V011), or one too long for a file name (V012), once
    imported cleanly and then failed validation: such rows are reported (A039), and create no
    task or dataset either."""
    for split, code in (("验证集", "V011"), (" ".join(["word"] * 60), "V012")):
        registry = classification_registry(tmp_path / code)
        table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,80,90,20\n")
        report = _import(registry, table, _mapping(split=split, dataset="A New Dataset"),
                         tmp_path)
        [found] = [d for d in report.diagnostics if d.code == "A039"]
        assert f"({code})" in found.message
        assert not list(registry.rglob("a-new-dataset*")) and not list(registry.glob("sources/*/*"))


def test_the_command_imports_with_flags_and_refuses_a_bad_mapping(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,80.5,95.1,19.5\n")
    pwc = [sys.executable, "-m", "pwc_registry"]
    flags = ["--model", "{model} @ {img_size}px", "--metric", "top1=Top-1 Accuracy",
             "--task", "Image Classification", "--dataset", "ImageNet", "--source-kind",
             "library", "--source-title", "timm ImageNet results", "--registry", str(registry),
             "--report", str(tmp_path / "report.md")]
    done = subprocess.run([*pwc, "import", "table", str(table), *flags], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert "1 rows read: 1 results (1 in 1 sources)" in done.stdout
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# Import of a table\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: [\n", encoding="utf-8")
    done = subprocess.run([*pwc, "import", "table", str(table), "--mapping", str(bad), *flags],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "A037" in done.stderr and "Traceback" not in done.stderr
    # helper-99: two columns naming one metric by two of its names (its name and an alias)
    done = subprocess.run([*pwc, "import", "table", str(table), *flags, "--metric",
                           "top5=top1"], capture_output=True, text=True)
    assert done.returncode == 2 and "the columns 'top1' and 'top5' both hold the metric " \
        "'top-1-accuracy'" in done.stderr, done.stderr
    flags[flags.index("--registry") + 1] = str(tmp_path / "nowhere")
    done = subprocess.run([*pwc, "import", "table", str(table), *flags], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "no registry folder" in done.stderr
    assert "internal error" not in done.stderr


def test_a_tab_separated_table_is_read_as_its_commas_would_be(tmp_path: Path) -> None:
    """The first two rows of timm's results-imagenet.csv (corpus: other-results/timm-results/),
    tab-separated as a spreadsheet exports them: by the name (.tsv) or by the first line."""
    lines = TIMM.read_text(encoding="utf-8").splitlines()[:3]
    for name in ("t.tsv", "t.txt"):
        registry = classification_registry(tmp_path / f"registry-{name}")
        table = _csv(tmp_path, "".join(line.replace(",", "\t") + "\n" for line in lines), name)
        report = _import(registry, table, _mapping(), tmp_path)
        assert report.errors == 0, report.diagnostics
        assert report.counts["result"] == 2, name
        board = find_leaderboard(load_registry(registry, jobs=1), "image-classification",
                                 "imagenet", "validation")
        assert board is not None
        assert board.rows[0].result.metrics["top-1-accuracy"].value == 90.056


def test_a_markdown_file_of_several_tables_says_which_there_are(tmp_path: Path) -> None:
    """NLP-progress's tables are Markdown (corpus: nlp-progress/english/ccg.md holds an example
    of a CCG derivation as a table, then the results tables): one table is read, the one
    --table numbers; without it, each is listed by line and heading, and nothing is read."""
    registry = classification_registry(tmp_path)
    ccg = CORPUS / "nlp-progress" / "english" / "ccg.md"
    [problem] = _import(registry, ccg, _mapping(), tmp_path).diagnostics
    assert problem.code == "A037" and "--table N" in problem.message, problem.message
    assert "1 at line 9 (Combinatory Categorical)" in problem.message
    assert "(CCGBank)" in problem.message
    [problem] = _import(registry, ccg, _mapping(table=99), tmp_path).diagnostics
    assert problem.code == "A037" and problem.message.startswith("--table 99: the file holds")
    # the derivation is no results table: the mapping's columns are not in it
    [problem] = _import(registry, ccg, _mapping(table=1), tmp_path).diagnostics
    assert problem.code == "A037" and "lacks: model, img_size, top1" in problem.message


def test_a_markdown_table_is_read_as_a_csv_one_is(tmp_path: Path) -> None:
    """NLP-progress's IMDb table (corpus: nlp-progress/english/sentiment_analysis.md, its first
    table, lines 13-22): every row, its paper from the [title](address) cell, each value at its
    line and column; the same file's other tables are not read."""
    registry = materialise(Path("/nonexistent"), tmp_path / "reg")
    write(registry, "task", {"id": "sentiment-analysis", "name": "Sentiment Analysis"})
    write(registry, "dataset", {"id": "imdb", "name": "IMDb"})
    mapping = {"model": "Model", "task": "sentiment-analysis", "dataset": "imdb",
               "paper": "Paper / Source", "metrics": {"Accuracy": "accuracy"}, "table": 1,
               "source": {"kind": "leaderboard", "title": "NLP-progress: Sentiment analysis"}}
    imdb = CORPUS / "nlp-progress" / "english" / "sentiment_analysis.md"
    report = _import(registry, imdb, mapping, tmp_path)
    assert report.errors == 0 and report.counts["result"] == 8, report.diagnostics
    board = find_leaderboard(load_registry(registry, jobs=1), "sentiment-analysis", "imdb", None)
    assert board is not None
    assert [(r.result.model, r.result.metrics["accuracy"].value) for r in board.rows[:2]] == [
        ("XLNet (Yang et al., 2019)", 96.21), ("BERT_large+ITPT (Sun et al., 2019)", 95.79)]
    assert board.rows[0].paper is not None
    assert board.rows[0].paper.identifiers.get("arxiv") == "1906.08237"
    # a pipe escaped in a cell, bold marks (read, with a note), a value that is no number (at
    # its line and the column its cell starts at), a row of too many cells (left out, said)
    bad = tmp_path / "bad.md"
    bad.write_text("# T\n\n| Model | Accuracy | Paper / Source |\n| --- | :---: | --- |\n"
                   "| A \\| B | **96.2** | x |\n| C | 90.1 | x | extra |\n| D | 89.0 | x |\n"
                   "| E | 9o.1 | x |\n", encoding="utf-8")
    report = _import(registry, bad, {**mapping, "table": None}, tmp_path)
    found = {(d.code, d.line, d.column) for d in report.diagnostics}
    # (the value's own column, after the space that pads its cell)
    assert ("A038", 6, 1) in found and ("A003", 8, 7) in found, report.diagnostics
    board = find_leaderboard(load_registry(registry, jobs=1), "sentiment-analysis", "imdb", None)
    assert board is not None
    rows = {r.result.model: r.result for r in board.rows}
    assert rows["A | B"].metrics["accuracy"].value == 96.2
    assert "D" in rows and "C" not in rows  # the row of too many cells is left out, said


def test_an_unreadable_value_is_reported_at_its_row(tmp_path: Path) -> None:
    """A003 and A015 from a table (and a metafile) named the row by pointer only, not by line;
    now by line and the cell's column too."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,85.3,97.1,14.7\n"
                 "B,224,n/a,95.0,19.9\nC,224,1e400,95.0,19.9\n")
    report = _import(registry, table, _mapping(), tmp_path)
    found = {(d.code, d.line, d.column) for d in report.diagnostics if d.code in ("A003", "A015")}
    assert found == {("A003", 3, 7), ("A015", 4, 7)}, report.diagnostics


def test_a_row_is_reported_at_its_first_line_when_a_cell_spans_lines(tmp_path: Path) -> None:
    """helper-38: the reader counts a row's lines to its last, so a row with a quoted note of
    three lines was reported two lines below the value."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, 'model,img_size,top1,top5,top1_err,note\n'
                 'A,224,n/a,95.0,19.9,"a note\nof three\nlines"\nB,224,n/a,95.0,19.9,x\n')
    report = _import(registry, table, _mapping(), tmp_path)
    assert [(d.code, d.line) for d in report.diagnostics if d.code == "A003"] == [
        ("A003", 2), ("A003", 5)]


def test_blank_lines_before_the_header_are_not_the_table(tmp_path: Path) -> None:
    """helper-38: a table whose first line was blank was "empty: no header row"."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "\n\nmodel,img_size,top1,top5,top1_err\nA,224,85.3,97.1,14.7\n")
    report = _import(registry, table, _mapping(), tmp_path)
    assert report.errors == 0 and report.counts["result"] == 1, report.diagnostics
    missing = _csv(tmp_path, "\n\nmodel,top1\nA,85.3\n", "missing.csv")
    [problem] = _import(registry, missing, _mapping(), tmp_path).diagnostics
    assert (problem.code, problem.line) == ("A037", 3)  # the header's own line
    blank = _csv(tmp_path, "\n \n\n", "blank.csv")
    [problem] = _import(registry, blank, _mapping(), tmp_path).diagnostics
    assert problem.code == "A038" and "no header row" in problem.message


def test_a_pipe_or_a_device_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A named pipe given as the table or the mapping waited for a writer until killed, and
    /dev/zero as the mapping grew to 24 GB (found by an attack): neither is a regular file, so
    neither is read."""
    import os

    registry = classification_registry(tmp_path)
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    report = _import(registry, pipe, _mapping(), tmp_path)
    assert [(d.code, "not a regular file" in d.message) for d in report.diagnostics] == [
        ("A038", True)]
    report = _import(registry, Path("/dev/zero"), _mapping(), tmp_path)
    assert [d.code for d in report.diagnostics] == ["A038"]
    for mapping in (pipe, Path("/dev/zero")):
        with pytest.raises(MappingError, match="not a regular file"):
            read_mapping(mapping, {})


def test_a_whole_number_merged_into_a_file_is_written(tmp_path: Path) -> None:
    """timm's next release adds a model at 80.0: merged into the source file the first import
    wrote, the rewrite holds it as 80, which the check of the rewrite read as data lost (80 is
    not the float 80.0), so nothing new was written (A008) in any importer (found by an
    attack)."""
    registry = classification_registry(tmp_path)
    first = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,81.5,95.1,18.5\n")
    assert _import(registry, first, _mapping(), tmp_path).errors == 0
    again = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,81.5,95.1,18.5\n"
                 "B,224,80.0,95.0,20.0\n", "t2.csv")
    report = _import(registry, again, _mapping(), tmp_path)
    assert report.errors == 0 and [o for _, o in report.files] == ["updated"]
    results = _source(registry)["results"]
    assert isinstance(results, list)
    assert results[1]["model"] == "B @ 224px"
    assert results[1]["metrics"] == {"top-1-accuracy": 80, "top-5-accuracy": 95,
                                     "top-1-error": 20}


def test_a_stated_fraction_on_a_metric_without_a_unit_is_reported_not_taken(
        tmp_path: Path) -> None:
    """A table stated to be in fractions: Top-1 Error (no unit in the registry) was written as
    0.15 beside timm's 9.944 without a word, and would rank first (found by an attack)."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,0.85,0.97,0.15\n")
    report = _import(registry, table, _mapping(unit="fraction"), tmp_path)
    [refused] = [d for d in report.diagnostics if d.code == "A033"]
    assert "Top-1 Error '0.15' is said to be a fraction of 1, but the registry's metric " \
           "'top-1-error' has no unit" in refused.message
    results = _source(registry)["results"]
    assert isinstance(results, list)
    assert results[0]["metrics"] == {"top-1-accuracy": 85, "top-5-accuracy": 97}


def test_a_model_named_by_a_template_with_an_empty_cell_is_not_imported(tmp_path: Path) -> None:
    """`{model} @ {img_size}px` over a row with no model, or no size, made the names "@ 224px"
    and "m @ px" (found by an attack): a row whose name lacks a part names no model (A036), as
    one whose model column is empty."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\n,224,81.5,95.1,18.5\n"
                 "m,,80.1,95.0,19.9\nn,224,79.0,94.0,21.0\n")
    report = _import(registry, table, _mapping(), tmp_path)
    assert [(d.code, d.line) for d in report.diagnostics if d.code == "A036"] == [
        ("A036", 2), ("A036", 3)]
    results = _source(registry)["results"]
    assert isinstance(results, list)
    assert [r["model"] for r in results] == ["n @ 224px"]


def test_rows_that_cannot_be_read_are_counted_as_not_imported(tmp_path: Path) -> None:
    """Three of four rows misaligned or not CSV: each was reported (A038), but the summary
    said "1 rows read ... 0 not imported" (found by an attack)."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,81.5,95.1,18.5\n"
                 "B,224,80.1,95.0,19.9,extra\nC,224\n")
    report = _import(registry, table, _mapping(), tmp_path)
    assert [d.code for d in report.diagnostics if d.code == "A038"] == ["A038", "A038"]
    assert (report.counts["row"], report.counts["result"], report.counts["skipped row"]) == (
        3, 1, 2)


def test_a_table_cut_short_or_with_a_stray_quote_loses_no_row_without_a_word(
        tmp_path: Path) -> None:
    """timm's results-imagenet.csv (corpus: other-results/timm-results/) cut after 100,000
    bytes ends inside a row, "...,78.088,21.912,94.1" of "94.170,...": its last row was
    imported with top-5 94.1 and no warning. A quote put before a row's first cell runs on
    to the next line's first quote: the two rows were reported as one, at the second line,
    and one of them counted nowhere (found by a curator)."""
    lines = TIMM.read_text(encoding="utf-8").splitlines(keepends=True)
    fifth = lines[4].split(",")  # model, img_size, top1, top1_err, top5 (cut), ...
    cut = "".join(lines[:4]) + ",".join(fifth[:4]) + "," + fifth[4][:3]
    assert fifth[4] != fifth[4][:3] and not cut.endswith("\n")
    registry = classification_registry(tmp_path / "cut")
    report = _import(registry, _csv(tmp_path, cut), _mapping(), tmp_path)
    [short] = [d for d in report.diagnostics if d.code == "A038"]
    assert (short.line, report.counts["row"], report.counts["skipped row"]) == (5, 4, 1)
    assert "may be cut short" in short.message
    assert len(_source(registry)["results"]) == 3  # type: ignore[arg-type]
    # A row as wide as the header is cut as well, where its last column is one the mapping
    # reads (helper-60); one ending in a column the mapping does not read is whole.
    for text, read in (
            ("model,img_size,top1_err,top1,top5\nA,224,20.0,80.0,94.170\nB,224,21.0,79.0,94.1",
             1),
            ("model,img_size,top1,top5,top1_err,note\nA,224,80,94.17,20,y\nB,224,79,94,21,x",
             2)):
        table = _csv(tmp_path, text, "w.csv")
        registry = classification_registry(tmp_path / f"wide{read}")
        report = _import(registry, table, _mapping(), tmp_path)
        assert len(_source(registry)["results"]) == read, report.diagnostics  # type: ignore
        assert report.totals["A038"] == 2 - read
    # A last row followed by a line break and then a line of nothing, or ending in a closed
    # quote, is whole (helper-60's rule refused it for a while).
    for text in ("model,img_size,top1,top5,top1_err\nA,224,80,94,20\nB,224,79,94.1,21\n   ",
                 "model,img_size,top1,top5,top1_err\nA,224,80,94,20\nB,224,79,94.1,21\n,",
                 'model,img_size,top1,top5,top1_err\nA,224,80,94,20\nB,224,79,94.1,"21"'):
        table = _csv(tmp_path, text, "e.csv")
        registry = classification_registry(tmp_path / f"ends{len(text)}{text[-1] == ','}")
        report = _import(registry, table, _mapping(), tmp_path)
        assert len(_source(registry)["results"]) == 2, (text, report.diagnostics)  # type: ignore
    # The same table whole, with a quote before the first row's model: it runs on to the
    # quote of the third row's "1,014.45", and the three rows are one bad row, placed at its
    # first line and counted as three rows not read.
    quoted = lines[0] + '"' + "".join(lines[1:6])
    registry = classification_registry(tmp_path / "quote")
    report = _import(registry, _csv(tmp_path, quoted), _mapping(), tmp_path)
    [bad] = [d for d in report.diagnostics if d.code == "A038"]
    assert bad.line == 2 and "rows 1–3 (lines 2–4, read as one)" in bad.message, bad
    assert (report.counts["row"], report.counts["skipped row"]) == (5, 3)


@pytest.mark.parametrize("source_id", ["../../../../victim", "A/B", "Good-ID", "a--b", "x" * 201])
def test_a_source_id_that_is_no_id_is_refused_never_a_path(tmp_path: Path, source_id: str
                                                           ) -> None:
    """`--source-id ../../../x` named a file outside the registry, which the import rewrote
    (found by an attack); an id that is not a slug was also dropped without a word."""
    registry = classification_registry(tmp_path)
    victim = tmp_path / "victim.yaml"
    victim.write_text("id: victim\n", encoding="utf-8")
    source = {**TIMM_MAPPING["source"], "id": source_id}  # type: ignore[dict-item]
    with pytest.raises(MappingError, match="is not an id"):
        _import(registry, TIMM, _mapping(source=source), tmp_path)
    table = _csv(tmp_path, "model,top1\nZZ,70.5\n")
    done = subprocess.run([sys.executable, "-m", "pwc_registry", "import", "table", str(table),
                           "--model", "model", "--metric", "top1=Top-1 Accuracy", "--task",
                           "Image Classification", "--dataset", "ImageNet", "--source-kind",
                           "library", "--source-title", "Q3", "--source-id", source_id,
                           "--registry", str(registry)], capture_output=True, text=True)
    assert done.returncode == 2 and "A037" in done.stderr and "is not an id" in done.stderr
    assert done.stderr.startswith("the flags: A037")  # no file, so no line to name
    assert victim.read_text(encoding="utf-8") == "id: victim\n"


def test_a_source_past_the_registrys_file_limit_is_not_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 3 MB table gave a 15 MB source file, which validation then refused (Y010): a file the
    registry cannot read is not written, and the import says so (found by an attack)."""
    from pwc_registry import layout

    registry = classification_registry(tmp_path)
    rows = "".join(f"M{i},7{i % 10}.5\n" for i in range(40))
    table = _csv(tmp_path, "model,top1\n" + rows)
    mapping = {"model": "model", "task": "Image Classification", "dataset": "ImageNet",
               "metrics": {"top1": "Top-1 Accuracy"},
               "source": {"kind": "library", "title": "A big table"}}
    monkeypatch.setattr(layout, "MAX_FILE_BYTES", 2000)
    report = _import(registry, table, mapping, tmp_path)
    found = [(d.code, d.message) for d in report.diagnostics if d.code == "A014"]
    assert len(found) == 1 and "over the registry's limit of 2,000" in found[0][1], found
    assert not list((registry / "sources").rglob("a-big-table.yaml"))
    assert "0 files created, 0 updated, 1 not written (A013, A014)" in summary(report)


def test_a_value_outside_its_metrics_range_is_not_imported(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    metric = next((registry / "metrics").glob("top-1-accuracy.yaml"))
    assert "max: 100" in metric.read_text(encoding="utf-8")
    table = _csv(tmp_path, "model,top1\nA,80.5\nB,170.5\n")
    mapping = {"model": "model", "task": "Image Classification", "dataset": "ImageNet",
               "metrics": {"top1": "Top-1 Accuracy"},
               "source": {"kind": "library", "title": "A table"}}
    report = _import(registry, table, mapping, tmp_path)
    found = [(d.code, d.line, d.message) for d in report.diagnostics if d.code == "A054"]
    assert found == [("A054", 3, "Top-1 Accuracy: 170.5 is outside the range of Top-1 Accuracy "
                                 "[0, 100]; not imported")], report.diagnostics
    check = validate(ValidateOptions(registry=registry, today=TODAY, jobs=1))
    assert not [d for d in check.diagnostics if d.code == "V002"]


def test_a_cells_problem_is_placed_at_its_column(tmp_path: Path) -> None:
    """A value that cannot be read was placed at column 1 of its row (found by a curator)."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, 'model,img_size,top1,top5,top1_err\nA,224,"8,0",95,20\n'
                 "B,224,79,9x1,21\n")
    report = _import(registry, table, _mapping(), tmp_path)
    unread = sorted((d.line, d.column, d.message.split(":")[0])
                    for d in report.diagnostics if d.code == "A003")
    assert unread == [(2, 7, "[1].top1"), (3, 10, "[2].top5")], unread
    # A quote inside a cell opens nothing (helper-60: column 1 after `5" net`).
    table = _csv(tmp_path, 'model,img_size,top1,top5,top1_err\nA 5" net,224,80.0,abc,20\n')
    report = _import(classification_registry(tmp_path / "quote"), table, _mapping(), tmp_path)
    [bad] = [d for d in report.diagnostics if d.code == "A003"]
    assert (bad.line, bad.column) == (2, 19), bad


def test_a_table_of_many_bad_rows_keeps_a_bounded_report(tmp_path: Path) -> None:
    """A table of three million ragged rows kept a problem each (1.4 GB, helper-66): as many of
    each code as the report lists, the rest counted as the report counts those it does not
    list (the errors, the A019 notice); a last row cut short is said whatever the count
    (helper-67). And a long run of blank cells at the end is read in linear time (a regex
    searched from each of its positions: 100 KB of spaces took 32 s)."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err\nA,224,80.1,95,19.9\n"
                 + "B\n" * (LISTED + 500) + " ,\n" * 200_000 + "C,224,80.1,95,19.9")
    report = _import(registry, table, _mapping(), tmp_path)
    said = [d for d in report.diagnostics if d.code == "A038"]
    assert len(said) == LISTED and "the last, has no line break" in said[-1].message
    assert report.totals["A038"] == LISTED + 501 and report.errors == LISTED + 501
    [more] = [d for d in report.diagnostics if d.code == "A019"]
    assert more.message.startswith("501 more A038 problems are not listed")
    assert report.counts["row"] == LISTED + 502 and report.counts["result"] == 1
    assert report.counts["skipped row"] == LISTED + 501


def test_rows_of_a_very_wide_header_are_read_once_each(tmp_path: Path) -> None:
    """helper-86: each row short of the header (Excel drops trailing empty cells) was checked
    against a copy of the header's tail: 20,000 rows under a header of 200,000 unnamed columns
    (426 KB) took 52 s. The rule stands: a row may end early only where no column the mapping
    reads is left."""
    registry = classification_registry(tmp_path)
    rows = "".join(f"M{i},224,{i % 90}.5,97.1,14.7\n" for i in range(2000))
    table = _csv(tmp_path, "model,img_size,top1,top5,top1_err" + "," * 200_000 + "\n" + rows
                 + "short,224,80.5\n")
    report = _import(registry, table, _mapping(), tmp_path)
    assert report.counts["result"] == 2000
    [short] = [d for d in report.diagnostics if d.code == "A038"]
    assert short.line == 2002 and "has 3 cells" in short.message


def test_a_row_after_one_whose_metric_was_given_twice_is_not_merged_into_it(
        tmp_path: Path) -> None:
    """helper-86: a row giving Accuracy twice (80.1 and 81.1: neither imported, A006), then a
    row of the same model giving 70.1, merged into one result of accuracy 70.1 and the first
    row's F1: a combination no row states, which the first row contradicts."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1,top1_again,top5\nM,224,80.1,81.1,95.0\n"
                 "M,224,70.1,,\n")
    # (by an alias: two columns naming one metric alike are refused with the mapping)
    report = _import(registry, table, _mapping(metrics={
        "top1": "Top-1 Accuracy", "top1_again": "top1", "top5": "top5"}), tmp_path)
    assert [d.code for d in report.diagnostics if d.code in ("A006", "A035")] == [
        "A006", "A035"], report.diagnostics
    [held] = _source(registry)["results"]  # type: ignore[index]
    assert held["metrics"] == {"top-5-accuracy": 95.0}


def test_a_table_in_a_fenced_code_block_is_code() -> None:
    from pwc_registry.imports.table import markdown_tables

    text = ("```\n| a | b |\n| - | - |\n| 1 | 2 |\n```\n\n~~~~\n| c | d |\n|---|---|\n~~~\n"
            "~~~~\n\n| e | f |\n|---|---|\n| 3 | 4 |\n")
    [table], lines = markdown_tables(text)
    assert (table.line, table.header(lines), [cells for _, cells in table.rows(lines)]) == (
        13, ["e", "f"], [["3", "4"]])


@pytest.mark.parametrize("text", [
    # a heading with a pipe ends the table: it is no row (it was a model, "## Retracted")
    "| M | V |\n|---|---|\n| a | 91.5 |\n## Retracted | 99.9\n",
    # GitHub shows none of these as tables (helper-99): in an HTML comment; after an opening
    # fence with an info string (it closes no block); indented as code; a header of other width
    "| M | V |\n|---|---|\n| a | 91.5 |\n\n<!--\n| M | V |\n|---|---|\n| b | 99.9 |\n-->\n",
    "| M | V |\n|---|---|\n| a | 91.5 |\n\n```\nx\n```python\n| M | V |\n|---|---|\n| b | 9 |\n",
    "| M | V |\n|---|---|\n| a | 91.5 |\n\n    | M | V |\n    |---|---|\n    | b | 99.9 |\n",
    "| M | V |\n|---|---|\n| a | 91.5 |\n\n| M | V | W |\n|---|---|\n| b | 99.9 |\n",
    # helper-101: HTML blocks show no table (a style or script block to its closing tag, a div
    # to a blank line); "<!-->" is a whole comment, and hides nothing after it
    "<style>\n| M | V |\n|---|---|\n| b | 99.9 |\n</style>\n| M | V |\n|---|---|\n| a | 91.5 |\n",
    "<div>\n| M | V |\n|---|---|\n| b | 99.9 |\n\n| M | V |\n|---|---|\n| a | 91.5 |\n",
    "<!-->\n\n| M | V |\n|---|---|\n| a | 91.5 |\n",
])
def test_only_the_tables_github_shows_are_read(text: str) -> None:
    from pwc_registry.imports.table import markdown_tables

    tables, lines = markdown_tables(text)
    assert [[cells for _, cells in t.rows(lines)] for t in tables] == [[["a", "91.5"]]]


def test_markdown_lines_of_spaces_take_linear_time() -> None:
    """A delimiter row or a heading followed by 200,000 spaces and a letter: the patterns
    tried them in time quadratic in the spaces (two runs of spaces side by side)."""
    from pwc_registry.imports.table import markdown_tables

    spaces = " " * 200_000
    text = f"# {spaces}x\n| a | b |\n|-{spaces}x\n| a | b |\n| - | - |{spaces}\n| 1 | 2 |\n"
    [table], lines = markdown_tables(text)
    assert (table.line, table.heading, list(table.rows(lines))) == (4, "x", [(6, ["1", "2"])])


def test_a_fraction_written_with_17_digits_is_judged_as_it_is_read(tmp_path: Path) -> None:
    """helper-99: 0.84699999999999998 (a float printed with 17 digits) was read as 0.847 but
    judged by the unit rule as unreadable, so the table's every fraction was refused (A033,
    with a reason that was false): one reading for both now, and all three convert."""
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1\nA,224,0.84699999999999998\nB,224,0.85\n"
                 "C,224,0.9\n")
    report = _import(registry, table, _mapping(metrics={"top1": "Top-1 Accuracy"}), tmp_path)
    assert [d.code for d in report.diagnostics if d.code == "A033"] == []
    values = sorted(r["metrics"]["top-1-accuracy"]  # type: ignore[index]
                    for r in _source(registry)["results"])  # type: ignore[union-attr]
    assert values == [84.7, 85, 90]


def test_a_row_naming_a_paper_renamed_into_a_source_credits_none(tmp_path: Path) -> None:
    """helper-99: NLP-progress's machine-translation table names "DeepL Press release", a paper
    the shipped registry renamed into the source 'deepl-press-release' (A055): the row was
    written crediting `paper: deepl-press-release`, which is no paper, and the registry the
    import left failed validation (R001). Now the row credits none and says why."""
    from conftest import REPO

    registry = tmp_path / "registry"
    shutil.copytree(REPO / "registry", registry)
    table = tmp_path / "mt.md"
    table.write_text("| M | V | P |\n|---|---|---|\n| DeepL | 33.3 | [DeepL Press release]"
                     "(https://www.deepl.com/press.html) |\n", encoding="utf-8")
    mapping = {"model": "M", "task": "Machine Translation", "dataset": "WMT 2014 EN-DE",
               "paper": "P", "metrics": {"V": "BLEU"},
               "source": {"kind": "leaderboard", "title": "A table of MT results"}}
    report = _import(registry, table, mapping, tmp_path)
    [renamed] = [d for d in report.diagnostics if d.code == "A055"]
    assert "credit no paper" in renamed.message
    # (the shipped registry's corrections are dated after the tests' fixed today)
    checked = validate(ValidateOptions(registry=registry, today=dt.date.max, jobs=1))
    assert checked.errors == 0, [d for d in checked.diagnostics if d.severity == "error"]
    [held] = [r for p in (registry / "sources").glob("*/*.yaml")
              if "A table of MT results" in p.read_text("utf-8")
              for r in yaml.safe_load(p.read_text("utf-8"))["results"]]
    assert "paper" not in held and "'deepl-press-release'" in held["notes"]


def test_a_paper_cell_with_a_footnote_mark_after_its_link_is_that_paper() -> None:
    """helper-99: NLP-progress's summarization.md writes `[Title](url) *`: the whole cell,
    Markdown and all, became a paper's title (Q004)."""
    from pwc_registry.imports.table import _paper

    ref = _paper("[A Deep Reinforced Model for Abstractive Summarization]"
                 "(https://arxiv.org/abs/1705.04304) *")
    assert ref is not None and ref.title == "A Deep Reinforced Model for Abstractive Summarization"
    assert ref.url == "https://arxiv.org/abs/1705.04304"


def test_a_long_cell_like_a_link_takes_linear_time() -> None:
    """helper-101: `[` then 30,000 `](http://a)`: the link pattern backtracked over every `](`
    (37 s for a 330 KB cell); it is no paper link, and now found so at once."""
    from pwc_registry.imports.table import _paper

    ref = _paper("[" + "](http://a)" * 30_000 + "x")
    assert ref is not None and ref.url is None  # read as a title, as any other text


@pytest.mark.parametrize("cell", [
    "[Deep contextualized word representations](https://arxiv.org/abs/1802.05365)[^1]",
    "[Deep contextualized word representations](https://arxiv.org/abs/1802.05365) "
    "[code](https://github.com/allenai/bilm-tf)",
    "[Deep contextualized word representations](https://arxiv.org/abs/1802.05365)<sup>1</sup>",
])
def test_a_paper_cell_is_its_first_link_whatever_follows(cell: str) -> None:
    """helper-106: a footnote (`[^1]`, `<sup>`) or NLP-progress's `[[code]](…)` after a paper
    link made a paper titled with the whole cell, address and all (7 of them from
    word_sense_disambiguation.md's first table, with no warning)."""
    from pwc_registry.imports.table import _paper

    ref = _paper(cell)
    assert ref is not None and ref.title == "Deep contextualized word representations"
    assert ref.url == "https://arxiv.org/abs/1802.05365"


def test_table_n_on_a_csv_file_is_refused(tmp_path: Path) -> None:
    registry = classification_registry(tmp_path)
    table = _csv(tmp_path, "model,img_size,top1\nA,224,80\n")
    [problem] = _import(registry, table, _mapping(table=2), tmp_path).diagnostics
    assert problem.code == "A037" and "read as CSV" in problem.message
