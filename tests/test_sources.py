"""Results no paper reports: a source (a leaderboard submission, a library's table, a model card, a
report) holds them, checked, compiled, guarded and shown exactly as a paper's results are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from pwc_registry.compare import compare, render
from pwc_registry.layout import relative_path
from pwc_registry.leaderboard import compile_leaderboards
from pwc_registry.registry import Paper, Source, load_registry, paper_label
from pwc_registry.site.build import build_site
from pwc_registry.snapshot import leaderboard_data
from pwc_registry.validate import Options, validate

from conftest import TODAY, git
from registry_builder import result, speech_registry, write

BOARD = "speech-recognition--librispeech-test-clean"


def _source(registry: Path, source_id: str = "librispeech-leaderboard-human", **extra: Any
            ) -> Path:
    record: dict[str, Any] = {
        "id": source_id, "kind": "submission", "title": "Human transcribers",
        "authors": ["A Lab"], "date": "2021-03", "url": "https://example.org/leaderboard",
        "results": [{**result("speech-recognition", "librispeech-test-clean", "Human",
                              word_error_rate=4.0), "paper": "first-asr"}]}
    record.update(extra)
    return write(registry, "source", record)


def _published_source(tmp_path: Path) -> tuple[Path, Path]:
    """The speech registry with a source, committed on main: (registry, the source's file)."""
    registry = speech_registry(tmp_path)
    path = _source(registry)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    return registry, path


def _errors(registry: Path, **options: Any) -> list[str]:
    report = validate(Options(registry=registry, today=TODAY, jobs=1, **options))
    return [f"{d.code} {d.file}:{d.line}:{d.column} {d.message}" for d in report.diagnostics
            if d.severity == "error"]


def test_a_sources_results_are_rows_with_their_holder_and_the_paper_of_their_method(
        tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    _source(registry)
    assert _errors(registry) == []
    loaded = load_registry(registry, jobs=1)
    assert isinstance(loaded.sources["librispeech-leaderboard-human"], Source)
    board = next(b for b in compile_leaderboards(loaded) if b.benchmark.id == BOARD)
    human = next(r for r in board.rows if r.result.model == "Human")
    assert human.holder.id == "librispeech-leaderboard-human"
    assert isinstance(human.paper, Paper) and human.paper.id == "first-asr"
    assert human.date == "2021-03"  # the source's date, as a paper's would be
    row = next(r for r in leaderboard_data(board, loaded)["rows"] if r["model"] == "Human")
    assert row["holder"] == {"kind": "source", "id": "librispeech-leaderboard-human",
                             "title": "Human transcribers", "source_kind": "submission",
                             "url": "https://example.org/leaderboard", "date": "2021-03"}
    assert row["paper"]["id"] == "first-asr"
    own = next(r for r in leaderboard_data(board, loaded)["rows"] if r["model"] == "A")
    assert own["holder"]["kind"] == "paper" and own["paper"]["id"] == "first-asr"


def test_a_source_without_a_paper_has_rows_with_no_paper(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    path = _source(registry)
    data = yaml.safe_load(path.read_text("utf-8"))
    del data["results"][0]["paper"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    loaded = load_registry(registry, jobs=1)
    board = next(b for b in compile_leaderboards(loaded) if b.benchmark.id == BOARD)
    human = next(r for r in board.rows if r.result.model == "Human")
    assert human.paper is None and human.holder.id == "librispeech-leaderboard-human"


def test_a_named_paper_that_does_not_exist_is_an_error_with_its_position(
        tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    path = _source(registry)
    path.write_text(path.read_text("utf-8").replace("paper: first-asr", "paper: frist-asr"),
                    "utf-8")
    line = path.read_text("utf-8").split("\n").index("  paper: frist-asr") + 1
    errors = _errors(registry)
    assert len(errors) == 1 and errors[0].startswith("R001 registry/sources/"), errors
    assert f":{line}:10 results[0].paper: unknown paper 'frist-asr'" in errors[0]


def test_a_source_cannot_take_a_papers_id(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    _source(registry, "worse-asr")
    errors = _errors(registry)
    assert [e.split()[0] for e in errors] == ["I011"]
    # The compiler never lets it take the paper's rows either.
    loaded = load_registry(registry, jobs=1)
    assert "worse-asr" not in loaded.sources
    assert isinstance(loaded.holder("worse-asr"), Paper)


def test_a_new_paper_with_a_sources_id_is_refused_by_the_changed_files_check(
        tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    _source(registry, "later-asr")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    write(registry, "paper", {"id": "later-asr", "title": "Later", "date": "2024-01-01"})
    assert [e.split()[0] for e in _errors(registry, changed_since="main")] == ["I011"]


def test_a_changed_value_in_a_source_is_refused_unless_corrected(tmp_path: Path) -> None:
    registry, path = _published_source(tmp_path)
    path.write_text(path.read_text("utf-8").replace("word-error-rate: 4.0",
                                                    "word-error-rate: 1.0"), "utf-8")
    errors = _errors(registry, changed_since="main")
    assert [e.split()[0] for e in errors] == ["H001"], errors
    assert "sources/" in errors[0]
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "Human transcribers" in comment
    data = yaml.safe_load(path.read_text("utf-8"))
    data["corrections"] = [{"date": "2026-11-20", "reason": "the leaderboard fixed a typo",
                            "result": {"task": "speech-recognition",
                                       "dataset": "librispeech-test-clean", "model": "Human"},
                            "metric": "word-error-rate", "old": 4.0, "new": 1.0}]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert _errors(registry, changed_since="main") == []


def test_a_source_retitled_is_refused_unless_corrected(tmp_path: Path) -> None:
    """A source's rows show its title as who holds them: retitled as another lab's, its
    numbers went under that name with CI green and "No results are added, removed or
    changed" (found by an attack). H012, unless a correction with field: title says why."""
    registry, path = _published_source(tmp_path)
    data = yaml.safe_load(path.read_text("utf-8"))
    data["title"] = "Google DeepMind transcribers"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    errors = _errors(registry, changed_since="main")
    assert [e.split()[0] for e in errors] == ["H012"], errors
    assert "Human transcribers" in errors[0] and "Google DeepMind transcribers" in errors[0]
    data["corrections"] = [{"date": "2026-11-20", "reason": "the leaderboard renamed the entry",
                            "field": "title", "old": "Human transcribers",
                            "new": "Google DeepMind transcribers"}]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    assert _errors(registry, changed_since="main") == []


def test_deleting_a_source_is_refused(tmp_path: Path) -> None:
    registry, path = _published_source(tmp_path)
    path.unlink()
    assert "H003" in {e.split()[0] for e in _errors(registry, changed_since="main")}


def test_the_site_has_a_page_for_each_source_linked_from_its_rows(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    _source(registry)
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    page = (out / "sources" / "librispeech-leaderboard-human.html").read_text("utf-8")
    assert "Human transcribers" in page and "leaderboard submission" in page
    assert 'href="../papers/first-asr.html"' in page
    board = (out / "benchmarks" / f"{BOARD}.html").read_text("utf-8")
    assert 'href="../sources/librispeech-leaderboard-human.html"' in board
    paper_page = (out / "papers" / "first-asr.html").read_text("utf-8")
    assert "librispeech-leaderboard-human.html" in paper_page  # its method's rows elsewhere
    assert "sources/index.html" in (out / "index.html").read_text("utf-8")
    data = json.loads((out / "benchmarks" / f"{BOARD}.json").read_text("utf-8"))
    assert any(r["holder"]["kind"] == "source" for r in data["rows"])


def test_a_registry_without_sources_or_methods_links_to_neither(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    home = (out / "index.html").read_text("utf-8")
    assert "sources/index.html" not in home and "methods/index.html" not in home
    assert not (out / "sources").exists() and not (out / "methods").exists()


def _move_to_source(registry: Path, paper_id: str, source_id: str, change: Any = None) -> Path:
    old = registry / relative_path("paper", paper_id)
    data = yaml.safe_load(old.read_text("utf-8"))
    record: dict[str, Any] = {
        "id": source_id, "kind": "submission", "title": "A leaderboard entry",
        "date": data["date"], "results": data["results"],
        "corrections": [{"date": "2026-11-20", "reason": "not a paper: a leaderboard entry",
                         "renamed_from": paper_id},
                        {"date": "2026-11-20", "reason": "the leaderboard's name for it",
                         "field": "title", "old": data["title"], "new": "A leaderboard entry"}]}
    if change:
        change(record)
    old.unlink()
    return write(registry, "source", record)


def test_a_paper_that_is_a_submission_becomes_a_source_with_its_rows_compared(
        tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    _move_to_source(registry, "worse-asr", "worse-asr-submission")
    assert _errors(registry, changed_since="main") == []
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "1 renamed" in comment.split("\n")[2]
    assert "| worse-asr | worse-asr-submission |" in comment
    git(tmp_path, "checkout", "-q", "--", ".")
    git(tmp_path, "clean", "-qfd")
    _move_to_source(registry, "worse-asr", "worse-asr")  # the same id: the file is the source's
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "| worse-asr | worse-asr | registry/sources/" in comment, comment
    git(tmp_path, "checkout", "-q", "--", ".")
    git(tmp_path, "clean", "-qfd")

    def launder(record: dict[str, Any]) -> None:
        record["results"][0]["metrics"]["word-error-rate"] = 1.0
    _move_to_source(registry, "worse-asr", "worse-asr-submission", launder)
    assert [e.split()[0] for e in _errors(registry, changed_since="main")] == ["H001"]
    git(tmp_path, "checkout", "-q", "--", ".")
    git(tmp_path, "clean", "-qfd")

    def retitle(record: dict[str, Any]) -> None:  # the title's correction left out
        record["corrections"] = record["corrections"][:1]
    _move_to_source(registry, "worse-asr", "worse-asr-submission", retitle)
    errors = _errors(registry, changed_since="main")
    assert [e.split()[0] for e in errors] == ["H012"], errors
    assert "Paper worse-asr" in errors[0] and "A leaderboard entry" in errors[0]
    git(tmp_path, "checkout", "-q", "--", ".")
    git(tmp_path, "clean", "-qfd")

    def redate(record: dict[str, Any]) -> None:  # its rows show the holder's date
        record["date"] = "2015-01-01"
        for r in record["results"]:
            r.setdefault("date", "2022-01-01")  # the rows' own dates unchanged
    _move_to_source(registry, "worse-asr", "worse-asr-submission", redate)
    errors = _errors(registry, changed_since="main")
    assert [e.split()[0] for e in errors] == ["H006"], errors
    assert "2022-01-01" in errors[0] and "2015-01-01" in errors[0]


def test_the_date_of_a_paper_only_others_credit_is_guarded(tmp_path: Path) -> None:
    """A paper holding no results, credited by a source's: its date is shown on that row (the
    row's paper), and changing it passed with "no results changed" (found from a fork)."""
    registry = speech_registry(tmp_path)
    write(registry, "paper", {"id": "human-baseline", "title": "How well people transcribe",
                              "date": "2020-05-01"})
    _source(registry, results=[{**result("speech-recognition", "librispeech-test-clean",
                                         "Human", word_error_rate=4.0),
                                "paper": "human-baseline"}])
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    path = registry / relative_path("paper", "human-baseline")
    path.write_text(path.read_text("utf-8").replace("2020-05-01", "2019-01-01"), "utf-8")
    errors = _errors(registry, changed_since="main")
    assert [e.split()[0] for e in errors] == ["H006"], errors


def test_a_paper_known_by_a_link_only_is_named_by_it(tmp_path: Path) -> None:
    registry = speech_registry(tmp_path)
    path = registry / relative_path("paper", "worse-asr")
    data = yaml.safe_load(path.read_text("utf-8"))
    del data["title"]
    data["links"] = {"pdf": "https://example.org/papers/worse.pdf"}
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert [(d.code, d.severity) for d in report.diagnostics] == [("Q009", "warning")]
    assert "known by its link https://example.org/papers/worse.pdf" in \
        report.diagnostics[0].message
    loaded = load_registry(registry, jobs=1)
    assert paper_label(loaded.papers["worse-asr"]) == \
        "the paper at example.org (title unknown)"
    del data["links"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics] == ["S001"]


def test_a_changed_source_alone_is_checked_without_reading_every_paper(tmp_path: Path) -> None:
    registry, path = _published_source(tmp_path)
    # (Its title is guarded: H012, test above; its authors are said: H015.)
    path.write_text(path.read_text("utf-8").replace("A Lab", "A Lab, B Lab"), "utf-8")
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [(d.code, d.pointer) for d in report.diagnostics] == [("H015", ("authors",))]
    assert report.checked == {"source": 1}
    assert "every paper" not in report.scope
    # The one set of ids is still held: a changed source with a paper's id is I011.
    _source(registry, "worse-asr")
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert [d.code for d in report.diagnostics if d.code != "H015"] == ["I011"]


def test_the_snapshot_summary_counts_the_results_sources_hold(tmp_path: Path) -> None:
    """The summary said "N rows, from R results of P papers", R counting papers' results
    alone, though the boards hold the sources' too (found by an attack)."""
    from pwc_registry import snapshot

    registry = speech_registry(tmp_path)
    _source(registry)
    loaded = load_registry(registry)
    summary = snapshot.build(loaded, tmp_path / "lb", jobs=1)
    held = sum(len(p.results) for p in loaded.papers.values())
    assert (summary["results"], summary["sources"]) == (held + 1, 1)
    assert f"{held + 1} results of {len(loaded.papers)} papers and 1 source;" in (
        tmp_path / "lb" / "summary.md").read_text()


def test_a_guard_error_on_an_invalid_source_is_placed_in_its_file(tmp_path: Path) -> None:
    """A source renamed with a correction that is not valid (a reason under 10 characters):
    its H002s were placed in papers/<shard>/<id>.yaml, a file that does not exist, so the
    pull request's annotations landed on no line (found by an attack)."""
    registry = speech_registry(tmp_path)
    _source(registry)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    old = registry / relative_path("source", "librispeech-leaderboard-human")
    data = yaml.safe_load(old.read_text("utf-8"))
    old.unlink()
    data.update(id="human-transcribers", corrections=[
        {"date": "2026-11-20", "reason": "moved", "renamed_from": "librispeech-leaderboard-human"}])
    write(registry, "source", data)
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    guarded = [d for d in report.diagnostics if d.code.startswith("H")]
    assert guarded and all((tmp_path / d.file).is_file() for d in guarded), guarded


def test_a_sources_address_or_kind_changed_is_warned(tmp_path: Path) -> None:
    """A submission's leaderboard address swapped for another site and its kind turned into a
    library's: no diagnostic, "No results are added, removed or changed" (found by an attack).
    H014 at the field: where its published rows come from changed."""
    registry, path = _published_source(tmp_path)
    data = yaml.safe_load(path.read_text("utf-8"))
    data.update(url="https://evil.example.com/fake-leaderboard", kind="library")
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert report.errors == 0
    assert sorted((d.code, d.pointer) for d in report.diagnostics) == [
        ("H014", ("kind",)), ("H014", ("url",))]
    comment = render.markdown(render.report(compare(registry, "main")))
    assert "| source's provenance: url |" in comment and "evil.example.com" in comment


def test_a_source_renamed_into_a_paper_under_another_title_is_refused(tmp_path: Path) -> None:
    """The other way round: a submission renamed into a paper titled as an unrelated one
    (with the `field: paper` correction H006 asks for) passed; its rows took that title."""
    registry, path = _published_source(tmp_path)
    data = yaml.safe_load(path.read_text("utf-8"))
    path.unlink()
    results = [{k: v for k, v in r.items() if k != "paper"} for r in data["results"]]
    write(registry, "paper", {
        "id": "human-asr", "title": "XLNet: Generalized Autoregressive Pretraining",
        "date": "2021-03", "results": results, "corrections": [
            {"date": "2026-11-20", "reason": "a paper, not a leaderboard entry",
             "renamed_from": "librispeech-leaderboard-human"},
            {"date": "2026-11-20", "reason": "the paper reports it itself",
             "result": {"task": "speech-recognition", "dataset": "librispeech-test-clean",
                        "model": "Human"}, "field": "paper", "old": "first-asr",
             "new": "human-asr"}]})
    errors = _errors(registry, changed_since="main")
    assert [e.split()[0] for e in errors] == ["H012"], errors
    assert "Human transcribers" in errors[0] and "XLNet" in errors[0]


def test_show_source_prints_a_source_and_show_paper_points_at_it(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pwc_registry.cli import main
    from pwc_registry.registry import SOURCE_KINDS
    from pwc_registry.schema import schema

    registry = speech_registry(tmp_path)
    _source(registry)
    source = "librispeech-leaderboard-human"
    shown = CliRunner().invoke(main, ["show", "source", source, "--registry", str(registry)])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "Human transcribers" and "leaderboard submission · 2021-03" in lines
    assert "Source: https://example.org/leaderboard" in lines
    assert any("Human" in line and "4" in line for line in lines)
    data = json.loads(CliRunner().invoke(main, ["show", "source", source, "--format", "json",
                                                "--registry", str(registry)]).output)
    assert (data["kind"], data["results"][0]["paper"]) == ("submission", "first-asr")
    wrong = CliRunner().invoke(main, ["show", "paper", source, "--registry", str(registry)])
    assert wrong.exit_code == 2 and f"pwc show source {source}" in wrong.output
    # One list of kinds: the schema's.
    assert list(SOURCE_KINDS) == schema("source")["properties"]["kind"]["enum"]
