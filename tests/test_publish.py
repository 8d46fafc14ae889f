"""``pwc build`` (issue 17, item 7): validation and every output from one compilation, written
as the separate commands write them; a rebuild rewrites only the files whose bytes change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from pwc_registry import outputs
from pwc_registry.cli import main
from pwc_registry.layout import relative_path
from pwc_registry.outputs import MANIFEST

from registry_builder import paper, result, speech_registry

TASK, DATA = "speech-recognition", "librispeech-test-clean"


def invoke(*args: str) -> Result:
    outcome = CliRunner().invoke(main, list(args))
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), \
        outcome.exception
    return outcome


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by path (the manifest too: it holds no time)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return speech_registry(tmp_path / "repo")


def test_one_build_writes_what_the_separate_commands_write(registry: Path, tmp_path: Path
                                                            ) -> None:
    done = invoke("build", "--registry", str(registry), "--site", str(tmp_path / "site"),
                  "--leaderboards", str(tmp_path / "lb"))
    assert done.exit_code == 0, done.output
    assert done.stdout == invoke("validate", "--registry", str(registry)).stdout
    assert invoke("site", "build", "--registry", str(registry), "--out",
                  str(tmp_path / "site2")).exit_code == 0
    assert invoke("leaderboards", "build", "--registry", str(registry), "--out",
                  str(tmp_path / "lb2")).exit_code == 0
    assert tree(tmp_path / "site") == tree(tmp_path / "site2")
    assert tree(tmp_path / "lb") == tree(tmp_path / "lb2")
    assert (tmp_path / "site" / "benchmarks" / f"{TASK}--{DATA}.html").is_file()


def test_a_site_folder_named_relative_to_the_working_folder_gets_its_search_index(
        registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's command names `site` relative to where it runs; Pagefind runs in a folder
    of its own, where that name pointed elsewhere (the index was lost, the build said nothing)."""
    monkeypatch.chdir(tmp_path)
    done = invoke("build", "--registry", str(registry), "--site", "site", "--leaderboards",
                  "lb")
    assert done.exit_code == 0, done.output
    assert (tmp_path / "site" / "pagefind" / "pagefind-entry.json").is_file()
    assert "pagefind/pagefind-entry.json" in (tmp_path / "site" / ".pwc-files").read_text()
    assert not list(tmp_path.glob("site/.pwc-search-*"))  # the scratch folder is gone


def test_nothing_is_written_when_validation_finds_errors(registry: Path, tmp_path: Path
                                                         ) -> None:
    paper(registry, "broken-asr", "2024-01-01", [result(TASK, "no-such-dataset", "X",
                                                        word_error_rate=1.0)])
    done = invoke("build", "--registry", str(registry), "--site", str(tmp_path / "site"),
                  "--leaderboards", str(tmp_path / "lb"))
    checked = invoke("validate", "--registry", str(registry))
    assert (done.exit_code, checked.exit_code) == (1, 1)
    assert done.stdout == checked.stdout and "no-such-dataset" in done.stdout
    assert "nothing written" in done.stderr
    assert not (tmp_path / "site").exists() and not (tmp_path / "lb").exists()


def test_a_folder_pwc_may_not_replace_is_refused_before_validation(
        registry: Path, tmp_path: Path) -> None:
    mine = tmp_path / "docs"
    mine.mkdir()
    (mine / "notes.md").write_text("mine")
    done = invoke("build", "--registry", str(registry), "--site", str(mine))
    assert done.exit_code == 2 and "not replaced" in done.output and "checked" not in done.output
    assert tree(mine) == {"notes.md": b"mine"}


def _change_five_papers(registry: Path) -> None:
    """A result added, a title changed, a value changed, a paper added, a paper deleted."""
    def edit(paper_id: str, change: dict[str, object]) -> None:
        path = registry / relative_path("paper", paper_id)
        record = yaml.safe_load(path.read_text())
        path.write_text(yaml.safe_dump({**record, **change}, sort_keys=False))

    edit("first-asr", {"results": [result(TASK, DATA, "A", word_error_rate=5.0),
                                   result(TASK, DATA, "A-large", word_error_rate=4.0)]})
    edit("second-asr", {"title": "A Better Title for the Second Paper"})
    edit("third-asr", {"results": [result(TASK, DATA, "C", word_error_rate=3.1,
                                          real_time_factor=0.3),
                                   result(TASK, DATA, "D", real_time_factor=0.1)]})
    paper(registry, "sixth-asr", "2024-02-01", [result(TASK, DATA, "G", word_error_rate=6.0)])
    (registry / relative_path("paper", "worse-asr")).unlink()


def test_a_rebuild_rewrites_only_what_changed_and_equals_a_fresh_build(
        registry: Path, tmp_path: Path) -> None:
    site, lb = tmp_path / "public", tmp_path / "public" / "leaderboards"  # as publish.yml
    args = ("build", "--registry", str(registry), "--site", str(site), "--leaderboards", str(lb))
    assert invoke(*args).exit_code == 0
    before, first = tree(site), stamps(site)
    assert "papers/worse-asr.html" in before and "leaderboards/index.json" in before

    again = invoke(*args)  # nothing changed: nothing is written, and the summary says so
    assert again.exit_code == 0
    assert stamps(site) == {k: v for k, v in first.items() if k != MANIFEST} | {
        MANIFEST: stamps(site)[MANIFEST]}
    site_files = [p for p in before if p != MANIFEST and not p.startswith("leaderboards/")
                  and not p.endswith(outputs.MARKER)]
    assert f": 0 of {len(site_files)} files new or changed since the last build, 0 removed" \
        in again.output, again.output

    _change_five_papers(registry)
    (site / "papers" / "stray.html").write_text("put here by hand")
    (site / "about.html").unlink()
    (site / "about.html").symlink_to(tmp_path / "repo" / "registry" / "areas")
    script = (site / "site.js").read_bytes()  # edited by hand, to the same size
    (site / "site.js").write_bytes(script[:-3] + b"/**")
    rebuilt = invoke(*args)
    assert rebuilt.exit_code == 0
    fresh = tmp_path / "fresh"
    assert invoke("build", "--registry", str(registry), "--site", str(fresh),
                  "--leaderboards", str(fresh / "leaderboards")).exit_code == 0
    after = tree(site)
    assert after == tree(fresh)
    assert "papers/worse-asr.html" not in after and "papers/sixth-asr.html" in after
    assert not (site / "about.html").is_symlink()
    now = stamps(site)
    same = [p for p in before if p in after and before[p] == after[p]
            and p not in ("about.html", "site.js", MANIFEST)]
    changed = [p for p in before if p in after and before[p] != after[p]]
    assert len(same) > 20 and changed  # a real mix of both
    assert "style.css" in same and "papers/second-asr.html" in changed
    # Unchanged bytes: the very same file (inode, modification time); changed ones rewritten.
    assert [p for p in same if now[p] != first[p]] == []
    assert [p for p in changed if now[p] == first[p]] == []
    ours = [p for p in after if p != MANIFEST and not p.startswith("leaderboards/")
            and not p.endswith(outputs.MARKER)]
    new_or_changed = [p for p in ours if before.get(p) != after[p]]
    removed = [p for p in before if p not in after]
    assert f": {len(new_or_changed)} of {len(ours)} files new or changed since the last build, " \
        f"{len(removed)} removed" in rebuilt.output, rebuilt.output


def test_a_build_cut_short_is_followed_by_a_full_replacement(registry: Path, tmp_path: Path
                                                             ) -> None:
    site = tmp_path / "site"
    assert invoke("site", "build", "--registry", str(registry), "--out", str(site)).exit_code == 0
    expected = tree(site)
    # A run interrupted after removing the manifest, having written a page of a paper since
    # deleted: without the manifest nothing in the folder is trusted.
    (site / MANIFEST).unlink()
    (site / "papers" / "gone.html").write_text("from the interrupted run")
    shutil.copyfile(site / "index.html", site / "papers" / "first-asr.html")
    assert invoke("site", "build", "--registry", str(registry), "--out", str(site)).exit_code == 0
    assert tree(site) == expected
    assert os.listdir(site).count(MANIFEST) == 1


def test_the_registry_built_from_validations_records_is_the_one_loaded(
        registry: Path, tmp_path: Path) -> None:
    """`pwc build` reads the registry once: the records its validation read become the
    registry the outputs are made from, which must be what load_registry reads (the shipped
    registry, and a registry with a file that does not pass its schema and a stray)."""
    from pwc_registry.registry import load_registry, registry_from_records
    from pwc_registry.validate import Options, validate

    paper(registry, "no-date-asr", "not a date", [result(TASK, DATA, "Z", word_error_rate=1.0)])
    (registry / "papers" / "notes.txt").write_text("a stray")
    shipped = Path(__file__).resolve().parents[1] / "registry"
    for folder in (shipped, registry):
        report = validate(Options(registry=folder, jobs=2, records=True))
        assert report.records is not None
        from_records = registry_from_records(*report.records)
        loaded = load_registry(folder, jobs=2)
        assert from_records == loaded
        assert from_records.papers and (folder == shipped or from_records.skipped)


def test_a_search_index_that_cannot_be_made_is_a_message_not_a_traceback(
        registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pwc_registry.site import search

    monkeypatch.setattr(search, "executable", lambda: Path("/bin/false"))
    done = invoke("build", "--registry", str(registry), "--site", str(tmp_path / "site"),
                  "--leaderboards", str(tmp_path / "lb"))
    assert done.exit_code == 2
    assert "the search index could not be made" in done.output
    assert "Traceback" not in done.output


def test_an_empty_registry_builds_a_site_with_nothing_to_search(tmp_path: Path) -> None:
    """Pagefind makes no index of no page: a registry with nothing in it (a new fork, a
    registry being started) still builds, without a search index."""
    registry = tmp_path / "registry"
    (registry / "papers").mkdir(parents=True)
    site = tmp_path / "site"
    done = invoke("build", "--registry", str(registry), "--site", str(site),
                  "--leaderboards", str(tmp_path / "lb"))
    assert done.exit_code == 0, done.output
    assert (site / "index.html").is_file() and (site / "search.html").is_file()
    assert not (site / "pagefind").exists()
    assert invoke("build", "--registry", str(registry), "--site", str(site),
                  "--leaderboards", str(tmp_path / "lb")).exit_code == 0  # and again


def test_one_folder_for_both_outputs_is_refused_before_anything_is_written(
        registry: Path, tmp_path: Path) -> None:
    """`pwc build --site X --leaderboards X` wrote the whole site, then refused the snapshot:
    now refused before reading the registry, and X is not made (found by an attack)."""
    out = tmp_path / "x"
    result = invoke("build", "--registry", str(registry), "--site", str(out),
                    "--leaderboards", str(out))
    assert result.exit_code == 2 and "both the site's folder and the leaderboards'" in \
        result.output
    assert not out.exists()


def test_the_site_inside_the_leaderboards_folder_is_refused_before_anything_is_written(
        registry: Path, tmp_path: Path) -> None:
    """`--site o/site --leaderboards o` wrote the site, then refused `o` (it held a folder pwc
    did not mark), and so on every later run (found by an attack)."""
    out = tmp_path / "o"
    result = invoke("build", "--registry", str(registry), "--site", str(out / "site"),
                    "--leaderboards", str(out))
    assert result.exit_code == 2 and "inside the leaderboards'" in result.output
    assert not out.exists()
    result = invoke("build", "--registry", str(registry), "--site", str(out),
                    "--leaderboards", str(out / "leaderboards"))  # the other way is fine
    assert result.exit_code == 0, result.output


def test_every_output_says_what_a_spread_is(tmp_path: Path) -> None:
    """helper-83: a value's note (what its ± is: "std over 5 seeds") reached the results
    export alone; the leaderboard's page, the paper's page, the snapshot, the API and `pwc
    show paper` showed "66.16 ± 0.5" with nothing saying what 0.5 is."""
    registry = speech_registry(tmp_path / "repo")
    paper(registry, "seeded-asr", "2024-02-01", [result(
        TASK, DATA, "Seeded", word_error_rate={"value": 2.75, "spread": 0.05,
                                               "note": "std over 5 <seeds>"}), result(
        TASK, DATA, "Once", word_error_rate={"value": 2.95, "note": "one run"})])
    site, lb = tmp_path / "site", tmp_path / "lb"
    done = invoke("build", "--registry", str(registry), "--site", str(site),
                  "--leaderboards", str(lb))
    assert done.exit_code == 0, done.output
    board = f"{TASK}--{DATA}"
    page = (site / "benchmarks" / f"{board}.html").read_text("utf-8")
    assert "± of Word Error Rate: std over 5 &lt;seeds&gt;" in page
    # A note without a spread (the schema allows one) is the value's: no "±" is named.
    assert "<summary>note</summary>Word Error Rate: one run</details>" in page
    paper_page = (site / "papers" / "seeded-asr.html").read_text("utf-8")
    assert "2.75 ± 0.05 <span class=\"muted small\">(std over 5 &lt;seeds&gt;)</span>" \
        in paper_page
    rows = yaml.safe_load((lb / "benchmarks" / f"{board}.json").read_text("utf-8"))["rows"]
    [seeded] = [r for r in rows if r["model"] == "Seeded"]
    assert seeded["spread_notes"] == {"word-error-rate": "std over 5 <seeds>"}
    api = yaml.safe_load((site / "api" / "v1" / "papers" / "seeded-asr" / "results"
                          / "index.json").read_text("utf-8"))
    assert api["results"][0]["spread_notes"] == {"Word Error Rate": "std over 5 <seeds>"}
    shown = invoke("show", "paper", "seeded-asr", "--registry", str(registry),
                   "--format", "json")
    metrics = yaml.safe_load(shown.stdout)["results"][0]["metrics"]
    assert metrics["word-error-rate"]["note"] == "std over 5 <seeds>"
    assert "2.75 ± 0.05 (std over 5 <seeds>)" in invoke(
        "show", "paper", "seeded-asr", "--registry", str(registry)).stdout
