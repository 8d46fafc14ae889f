"""Commands that write folders never destroy what they did not make (issue 12, class 8): an
output folder is replaced only when it is absent, empty or marked as made by the same command,
and nothing is ever written or deleted through a symbolic link."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pwc_registry import outputs
from pwc_registry.cli import main

from examples import materialise


def invoke(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args))
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), \
        outcome.exception  # a refusal is a message, never a traceback
    return outcome.exit_code, outcome.output


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return materialise(Path("/nonexistent"), tmp_path)


def tree(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: a file's text (a binary file's bytes as Latin-1: the site's
    downloads), a link's target."""
    out = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            out[name] = f"-> {os.readlink(path)}"
        elif path.is_file():
            data = path.read_bytes()
            try:
                out[name] = data.decode("utf-8")
            except UnicodeDecodeError:
                out[name] = data.decode("latin-1")
    return out


# --- folders pwc did not make are refused, untouched --------------------------------------

def test_site_build_refuses_a_docs_folder_with_uncommitted_files(
        registry: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("uncommitted work\n")
    code, out = invoke("site", "build", "--registry", str(registry), "--out", str(docs))
    assert code == 2
    assert f"{docs}: not replaced: it holds files that pwc did not make" in out
    assert ".pwc-output" in out and "Traceback" not in out
    assert tree(docs) == {"guide.md": "uncommitted work\n"}


def test_leaderboards_build_into_the_current_folder_keeps_its_files(
        registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "repo"
    (work / "benchmarks").mkdir(parents=True)
    (work / "benchmarks" / "run.py").write_text("print('timing')\n")
    (work / "index.md").write_text("# my notes\n")
    monkeypatch.chdir(work)
    code, out = invoke("leaderboards", "build", "--registry", str(registry), "--out", ".")
    assert code == 2 and ".: not replaced" in out
    assert tree(work) == {"benchmarks/run.py": "print('timing')\n", "index.md": "# my notes\n"}


def test_export_refuses_a_folder_it_did_not_make(registry: Path, tmp_path: Path) -> None:
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    (out_folder / "datasets.json").write_text("mine\n")
    code, out = invoke("export", "pwc-archive", "--registry", str(registry), "--out",
                       str(out_folder))
    assert code == 2 and f"{out_folder}: not replaced" in out
    assert tree(out_folder) == {"datasets.json": "mine\n"}


def test_one_commands_folder_is_not_replaced_by_another(registry: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "lb"
    assert invoke("leaderboards", "build", "--registry", str(registry), "--out",
                  str(snapshot))[0] == 0
    before = tree(snapshot)
    assert before[".pwc-output"].startswith("pwc leaderboards build\n")
    code, out = invoke("site", "build", "--registry", str(registry), "--out", str(snapshot))
    assert code == 2
    assert "it holds the output of `pwc leaderboards build`, not of `pwc site build`" in out
    assert tree(snapshot) == before


# --- what pwc made, it replaces --------------------------------------------------------------

def test_site_build_replaces_its_own_folder_and_nothing_else(
        registry: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert invoke("site", "build", "--registry", str(registry), "--out", str(site))[0] == 0
    assert (site / ".pwc-output").read_text().startswith("pwc site build\n")
    (site / "stale.html").write_text("from an older build")
    first = {k: v for k, v in tree(site).items() if k != "stale.html"}
    assert invoke("site", "build", "--registry", str(registry), "--out", str(site))[0] == 0
    assert tree(site) == first  # the same build, the stale page gone, nothing set aside left


def test_empty_and_absent_folders_are_fine_and_get_the_marker(
        registry: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("export", "pwc-archive", "--registry", str(registry), "--out",
                  str(empty))[0] == 0
    assert outputs.made_by(empty) == "pwc export pwc-archive"
    assert invoke("export", "pwc-archive", "--registry", str(registry), "--out",
                  str(empty))[0] == 0  # and again, over its own output
    absent = tmp_path / "a" / "b"
    assert invoke("leaderboards", "build", "--registry", str(registry), "--out",
                  str(absent))[0] == 0
    assert outputs.made_by(absent) == "pwc leaderboards build"


# --- symbolic links ---------------------------------------------------------------------------

def test_an_output_folder_that_is_a_link_is_refused(registry: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "precious.txt").write_text("keep me")
    link = tmp_path / "site"
    link.symlink_to(target)
    for command in (["site", "build"], ["leaderboards", "build"], ["export", "pwc-archive"]):
        code, out = invoke(*command, "--registry", str(registry), "--out", str(link))
        assert code == 2 and f"{link}: is a symbolic link" in out, command
    assert tree(target) == {"precious.txt": "keep me"}


def test_links_inside_a_snapshot_are_removed_never_followed(
        registry: Path, tmp_path: Path) -> None:
    snapshot = tmp_path / "lb"
    assert invoke("leaderboards", "build", "--registry", str(registry), "--out",
                  str(snapshot))[0] == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.md").write_text("mine")
    board = next((snapshot / "benchmarks").glob("*.json"))
    board.unlink()
    board.symlink_to(outside / "notes.md")  # a rebuild would write the board through it
    (snapshot / "benchmarks" / "gone.json").symlink_to(outside)  # a stale name, to a folder
    (snapshot / "index.md").unlink()
    (snapshot / "index.md").symlink_to(outside / "notes.md")
    assert invoke("leaderboards", "build", "--registry", str(registry), "--out",
                  str(snapshot))[0] == 0
    assert tree(outside) == {"notes.md": "mine"}
    assert not board.is_symlink() and json.loads(board.read_text())["id"] == board.stem
    assert not (snapshot / "benchmarks" / "gone.json").exists()
    assert not (snapshot / "index.md").is_symlink()


def test_replacing_removes_links_not_what_they_point_to(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "x.txt").write_text("mine")
    folder = tmp_path / "out"
    with outputs.output_folder(folder, "pwc test", replace=True):
        (folder / "to-a-folder").symlink_to(outside)
        (folder / "sub").mkdir()
        (folder / "sub" / "to-a-file").symlink_to(outside / "deep" / "x.txt")
    with outputs.output_folder(folder, "pwc test", replace=True):
        # The old entries wait in one hidden folder, deleted while the command writes.
        assert {n if n == ".pwc-output" else n[:9] for n in os.listdir(folder)} \
            == {".pwc-output", ".pwc-old-"}
    assert os.listdir(folder) == [".pwc-output"]
    assert tree(outside) == {"deep/x.txt": "mine"}


def test_an_output_under_a_file_is_a_message_not_a_traceback(
        registry: Path, tmp_path: Path) -> None:
    (tmp_path / "build").write_text("a file")
    code, out = invoke("export", "pwc-archive", "--registry", str(registry), "--out",
                       str(tmp_path / "build" / "archive"))
    assert code == 2 and f"{tmp_path / 'build' / 'archive'}: cannot be made" in out


def test_a_marker_that_is_a_link_is_not_pwcs(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (tmp_path / "fake").write_text("pwc site build\n")
    (folder / ".pwc-output").symlink_to(tmp_path / "fake")
    (folder / "page.html").write_text("mine")
    with pytest.raises(outputs.OutputError, match="pwc did not make"):
        outputs.check_folder(folder, "pwc site build")


# --- single files: the import report, the diagnostics page ----------------------------------

def _import(registry: Path, report: Path, corpus: Path) -> tuple[int, str]:
    # The smallest table of the corpus's sota-extractor dumps that the importer reads: 43 rows.
    table = corpus / "pwc-format" / "sota-extractor" / "coqa.json"
    return invoke("import", "pwc-archive", "--evaluation-tables", str(table), "--registry",
                  str(registry), "--report", str(report))


def test_the_import_report_replaces_only_an_earlier_report(
        registry: Path, tmp_path: Path, corpus: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n")
    files_before = tree(registry)
    code, out = _import(registry, notes, corpus)
    assert code == 2 and f"{notes}: not replaced: pwc did not write this file" in out
    assert notes.read_text() == "# My notes\n" and not (tmp_path / "notes.json").exists()
    assert tree(registry) == files_before  # refused before importing anything

    report = tmp_path / "build" / "import-report.md"
    assert _import(registry, report, corpus)[0] == 0
    assert _import(registry, report, corpus)[0] == 0  # an earlier report is replaced
    (tmp_path / "build" / "import-report.json").write_text("{}\n")
    assert _import(registry, report, corpus)[0] == 2


def test_no_output_is_written_through_a_link_in_a_folder_on_its_way(
        registry: Path, tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--out L/site`, where a checkout holds a link L: only the last name was checked, so every
    output command wrote into L's target (found by an attack: eight commands); `L/../x` went
    through L too. A place named outside the working folder is the user's own: its folders
    may be links (/tmp on macOS)."""
    target = tmp_path / "elsewhere" / "deep"
    target.mkdir(parents=True)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "L").symlink_to(target)
    monkeypatch.chdir(checkout)
    lert = "lert-a-linguistically-motivated-pre-trained-language-model"
    for out in ("L/x", "L/../x", str(checkout / "L" / "x")):
        commands = [["site", "build", "--out", f"{out}/site"],
                    ["leaderboards", "build", "--out", f"{out}/lb"],
                    ["build", "--site", f"{out}/s", "--leaderboards", f"{out}/lb"],
                    ["export", "results", "--format", "csv", "--out", f"{out}/res"],
                    ["export", "pwc-archive", "--out", f"{out}/deep/arc"],
                    ["export", "hf", lert, "--model", "Chinese Lert Large (News)", "--out",
                     f"{out}/model"]]
        for command in commands:
            code, said = invoke(*command, "--registry", str(registry))
            assert code == 2 and "on its way is a symbolic link" in said, (command, said)
        code, said = invoke("docs", "diagnostics", "--output", f"{out}/diagnostics.md")
        assert code == 2 and "on its way is a symbolic link" in said, said
        code, said = _import(registry, Path(out) / "report.md", corpus)
        assert code == 2 and "on its way is a symbolic link" in said, said
    assert tree(tmp_path / "elsewhere") == {}
    linked_tmp = tmp_path / "linked-tmp"
    linked_tmp.symlink_to(tmp_path / "elsewhere")
    code, said = invoke("leaderboards", "build", "--registry", str(registry), "--out",
                        str(linked_tmp / "lb"))
    assert code == 0, said


def test_the_import_report_is_not_written_through_a_link(
        registry: Path, tmp_path: Path, corpus: Path) -> None:
    target = tmp_path / "target.md"
    target.write_text("# Import of the Papers with Code archive\n")  # looks like a report
    link = tmp_path / "report.md"
    link.symlink_to(target)
    code, out = _import(registry, link, corpus)
    assert code == 2 and f"{link}: is a symbolic link" in out
    assert target.read_text() == "# Import of the Papers with Code archive\n"


def test_docs_diagnostics_overwrites_only_its_own_page(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Project\n")
    code, out = invoke("docs", "diagnostics", "--output", str(readme))
    assert code == 2 and "not replaced" in out and readme.read_text() == "# Project\n"
    page = tmp_path / "diagnostics.md"
    assert invoke("docs", "diagnostics", "--output", str(page))[0] == 0
    assert invoke("docs", "diagnostics", "--output", str(page))[0] == 0


def test_an_update_in_place_removes_strangers_but_not_another_commands_folder(
        tmp_path: Path) -> None:
    """A folder updated in place keeps only what its last run wrote, except a folder inside
    that carries another command's marker (publish.yml writes the snapshot into the site)."""
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("papers/a.html", b"a"), files.put("api/v1/papers/a/index.json",
                                                                  b"{}")])
    (site / "papers" / "stray.html").write_text("put here by hand")
    (site / "api" / "v1" / "papers" / "b").mkdir()
    (site / "api" / "v1" / "papers" / "b" / "index.json").write_text("left by a run cut short")
    snapshot = site / "leaderboards"
    with outputs.output_folder(snapshot, "pwc leaderboards build", replace=True):
        (snapshot / "index.json").write_text("the snapshot")
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("papers/a.html", b"a")])
    assert not (site / "papers" / "stray.html").exists()
    assert not (site / "api" / "v1" / "papers" / "b" / "index.json").exists()
    assert (snapshot / "index.json").read_text() == "the snapshot"
    assert outputs.made_by(snapshot) == "pwc leaderboards build"
    assert not (site / "api" / "v1" / "papers" / "a").exists()  # the run no longer wrote it


def test_a_folder_made_aside_is_placed_whole_first_then_file_by_file(tmp_path: Path) -> None:
    site = tmp_path / "site"

    def made(texts: dict[str, str]) -> Path:
        scratch = Path(os.path.join(site, ".scratch"))
        for name, text in texts.items():
            (scratch / "index" / name).parent.mkdir(parents=True, exist_ok=True)
            (scratch / "index" / name).write_text(text)
        return scratch / "index"

    with outputs.updated_folder(site, "pwc site build") as files:
        files.record(files.place_folder("search/index", made({"a.js": "a", "part/b.pf": "b"})))
        first = dict(files.entries)
    assert sorted(first) == ["search/index/a.js", "search/index/part/b.pf"]
    assert (site / "search" / "index" / "part" / "b.pf").read_text() == "b"
    kept = os.stat(site / "search" / "index" / "a.js")
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record(files.place_folder("search/index", made({"a.js": "a", "c.pf": "c"})))
    assert files.entries["search/index/a.js"] == first["search/index/a.js"]
    assert os.stat(site / "search" / "index" / "a.js").st_ino == kept.st_ino  # not rewritten
    assert sorted(p.relative_to(site).as_posix() for p in (site / "search").rglob("*")
                  if p.is_file()) == ["search/index/a.js", "search/index/c.pf"]


@pytest.mark.parametrize("planted", ["link", "file", "folder"])
def test_a_marker_planted_in_a_folder_pwc_writes_does_not_shield_its_links(
        tmp_path: Path, planted: str) -> None:
    """A `.pwc-output` put by hand into a folder the site writes (a dangling link, a file, a
    folder by that name) does not make the walk before a rebuild skip that folder: a link to a
    folder outside is removed, and nothing is written or deleted through it."""
    site, victim = tmp_path / "site", tmp_path / "victim"
    victim.mkdir()
    (victim / "index.json").write_text("not pwc's")
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("api/p/index.json", b"{}"),
                      files.put("api/p/results/index.json", b"[]")])
    folder = site / "api" / "p"
    marker = folder / outputs.MARKER
    {"link": lambda: marker.symlink_to("/nonexistent"),
     "file": lambda: marker.write_text("pwc leaderboards build\n"),
     "folder": marker.mkdir}[planted]()
    for entry in (folder / "results").iterdir():
        entry.unlink()
    (folder / "results").rmdir()
    (folder / "results").symlink_to(victim)
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("api/p/index.json", b"{}"),
                      files.put("api/p/results/index.json", b"[1]")])
    assert (victim / "index.json").read_text() == "not pwc's"
    assert not (folder / "results").is_symlink()
    assert (folder / "results" / "index.json").read_text() == "[1]"
    with outputs.updated_folder(site, "pwc site build") as files:  # p is gone: its files go
        files.record([files.put("api/q/index.json", b"{}")])
    assert (victim / "index.json").read_text() == "not pwc's"


def test_nothing_is_written_into_another_commands_folder_inside(tmp_path: Path) -> None:
    """A folder inside with another command's marker, where the last run wrote nothing, is left
    as it is, links and all: a run that would write into it stops with a message."""
    site, victim = tmp_path / "site", tmp_path / "victim"
    victim.mkdir()
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("papers/a.html", b"a")])
    other = site / "api" / "q"
    other.mkdir(parents=True)
    (other / outputs.MARKER).write_text("pwc leaderboards build\n")
    (other / "results").symlink_to(victim)
    with pytest.raises(outputs.OutputError, match="another command's output"), \
            outputs.updated_folder(site, "pwc site build") as files:
        files.put("api/q/results/index.json", b"[]")
    assert list(victim.iterdir()) == []
    assert (other / "results").is_symlink()  # not this command's to remove


def test_a_rebuild_never_writes_into_a_hard_link(tmp_path: Path) -> None:
    """A file of the site replaced by a hard link to a file elsewhere: the rebuild writes a new
    file in its place; the other file keeps its bytes."""
    site, mine = tmp_path / "site", tmp_path / "notes.txt"
    mine.write_text("my notes, not the page")
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("about.html", b"the page")])
    (site / "about.html").unlink()
    os.link(mine, site / "about.html")
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("about.html", b"the page, changed")])
    assert mine.read_text() == "my notes, not the page"
    assert (site / "about.html").read_bytes() == b"the page, changed"


def test_a_build_with_no_manifest_keeps_another_commands_folder_inside(tmp_path: Path) -> None:
    """After a build cut short (no manifest), the site's content is replaced whole, but not the
    snapshot that publish.yml writes into it: another command's output, not this one's to
    delete, and not written into."""
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("index.html", b"home")])
    snapshot = site / "leaderboards"
    with outputs.output_folder(snapshot, "pwc leaderboards build", replace=True):
        (snapshot / "index.json").write_text("the snapshot")
    (site / outputs.MANIFEST).unlink()  # a build cut short
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("index.html", b"home again")])
        with pytest.raises(outputs.OutputError, match="another command's output"):
            files.put("leaderboards/index.json", b"{}")
    assert (snapshot / "index.json").read_text() == "the snapshot"
    assert (site / "index.html").read_bytes() == b"home again"


@pytest.mark.parametrize("line", [
    "00000000000000000000000000000000 0 ../outside/victim",   # climbs out
    "00000000000000000000000000000000 0 /OUTSIDE",             # absolute
    "00000000000000000000000000000000 0 ./keep/victim",        # a part that is "."
    "00000000000000000000000000000000 0 keep/",                # a folder, not a file
    "00000000000000000000000000000000 0 .pwc-output",          # the marker itself
    "00000000000000000000000000000000 \u00b2 index.html",      # not an ASCII number
    "zz 1 index.html",                                         # not a digest
    "00000000000000000000000000000000 1 q\u2028zz 3 ../outside/victim",  # another line end
])
def test_a_manifest_not_as_pwc_writes_it_is_not_trusted(tmp_path: Path, line: str) -> None:
    """A `.pwc-files` edited by hand or copied from elsewhere could name a file outside the
    folder (or pwc's own marker) for a rebuild to delete as no longer written. Any line not as
    pwc writes it makes the whole manifest untrusted: the folder is replaced as on a first
    build, and nothing outside it changes; the run never fails on it."""
    site, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("not pwc's")
    absolute = line.replace("/OUTSIDE", str(outside / "victim"))
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("index.html", b"home"), files.put("keep/a.html", b"a")])
    with (site / outputs.MANIFEST).open("a", encoding="utf-8") as manifest:
        manifest.write(absolute + "\n")
    with outputs.updated_folder(site, "pwc site build") as files:
        assert files.previous == {}
        files.record([files.put("index.html", b"home")])
    assert (outside / "victim").read_text() == "not pwc's"
    assert outputs.made_by(site) == "pwc site build"
    assert (site / "index.html").read_bytes() == b"home"


def test_a_folder_planted_where_a_file_was_is_replaced_by_the_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("style.css", b"css")])
    (site / "style.css").unlink()
    (site / "style.css").mkdir()
    (site / "style.css" / "stray.txt").write_text("put here by hand")
    (site / "style.css" / "deeper" / "still").mkdir(parents=True)
    (site / "style.css" / "deeper" / "still" / "stray.txt").write_text("and here")
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("style.css", b"css, changed")])
    assert (site / "style.css").read_bytes() == b"css, changed"


@pytest.mark.parametrize("marker_in", ["style.css", "style.css/deeper"])
def test_another_commands_folder_by_a_files_name_is_refused_not_a_crash(
        tmp_path: Path, marker_in: str) -> None:
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("index.html", b"home")])
    (site / marker_in).mkdir(parents=True)
    (site / marker_in / outputs.MARKER).write_text("pwc leaderboards build\n")
    with pytest.raises(outputs.OutputError, match="another command's output"), \
            outputs.updated_folder(site, "pwc site build") as files:
        files.put("style.css", b"css")
    assert (site / marker_in / outputs.MARKER).is_file()


def test_the_snapshot_never_writes_into_a_hard_link(registry: Path, tmp_path: Path) -> None:
    out, mine = tmp_path / "lb", tmp_path / "notes.json"
    mine.write_text("my notes")
    assert invoke("leaderboards", "build", "--registry", str(registry), "--out", str(out))[0] == 0
    (out / "index.json").unlink()
    os.link(mine, out / "index.json")
    assert invoke("leaderboards", "build", "--registry", str(registry), "--out", str(out))[0] == 0
    assert mine.read_text() == "my notes"
    assert json.loads((out / "index.json").read_text())["benchmarks"]


def test_the_manifest_is_readable_as_every_other_file(tmp_path: Path) -> None:
    """Written through mkstemp it was 0600: a host that serves the folder as another user
    (GitHub Pages' artifact) could not read it. The umask decides, as for the pages."""
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("index.html", b"home")])
    mode = (site / outputs.MANIFEST).stat().st_mode & 0o777
    assert mode == (site / "index.html").stat().st_mode & 0o777
    assert [p.name for p in site.iterdir() if p.name.startswith(outputs.MANIFEST + ".")] == []


def test_runs_that_fail_keep_the_last_complete_runs_files(tmp_path: Path) -> None:
    """A run that fails part-way leaves the last complete run's manifest, so that a second run
    that fails too does not find none and replace the whole folder (a site with two failed
    builds behind it was left with a fifth of its files); what the failed runs rewrote or added
    is written again, or removed, by the next complete run."""
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put(f"papers/{n}.html", b"old") for n in "abc"])
    for _ in range(2):
        with pytest.raises(RuntimeError), outputs.updated_folder(site, "pwc site build") as files:
            files.put("papers/a.html", b"half-way")  # written, never recorded
            files.put("papers/new.html", b"new")
            raise RuntimeError("a bug in a page")
        assert sorted(p.name for p in (site / "papers").iterdir()) == [
            "a.html", "b.html", "c.html", "new.html"]
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put(f"papers/{n}.html", b"old") for n in "abc"])
    assert {p.name: p.read_bytes() for p in (site / "papers").iterdir()} == {
        "a.html": b"old", "b.html": b"old", "c.html": b"old"}


def test_a_run_killed_part_way_leaves_a_folder_the_next_run_repairs(tmp_path: Path) -> None:
    """A build killed with SIGKILL (no handler runs) left no manifest, and the next build
    replaced the whole site, deleting a snapshot nested below its top folder. The last complete
    run's manifest now stays until the new one is written: the next run rewrites what the
    killed run changed, removes what it added, and leaves the nested snapshot alone."""
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put(f"papers/{n}.html", b"old") for n in "abc"])
    snapshot = site / "data" / "leaderboards"
    with outputs.output_folder(snapshot, "pwc leaderboards build", replace=True):
        (snapshot / "index.json").write_text("the snapshot")
    killed = subprocess.run([sys.executable, "-c", """if True:
        import os, sys
        from pathlib import Path
        from pwc_registry import outputs
        with outputs.updated_folder(Path(sys.argv[1]), "pwc site build") as files:
            files.put("papers/a.html", b"half-way")
            files.put("papers/new.html", b"new")
            os.kill(os.getpid(), 9)
        """, str(site)], check=False)
    assert killed.returncode == -9
    assert (site / "papers" / "a.html").read_bytes() == b"half-way"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put(f"papers/{n}.html", b"old") for n in "abc"])
    assert {p.name: p.read_bytes() for p in (site / "papers").iterdir()} == {
        "a.html": b"old", "b.html": b"old", "c.html": b"old"}
    assert (snapshot / "index.json").read_text() == "the snapshot"


def test_a_second_run_on_one_folder_stops_at_once(tmp_path: Path) -> None:
    """Two `pwc site build --out S` at once deleted each other's scratch folders and ended in
    internal errors; two imports into one registry lost one's results (found by an attack).
    While one run holds a folder, another stops with a message and touches nothing."""
    site = tmp_path / "site"
    with outputs.updated_folder(site, "pwc site build") as files:
        files.record([files.put("index.html", b"first")])
    with outputs.exclusive(site):
        with pytest.raises(outputs.OutputError, match="another pwc is writing into"), \
                outputs.updated_folder(site, "pwc site build") as files:
            files.put("index.html", b"second")
        assert (site / "index.html").read_bytes() == b"first"
    with outputs.updated_folder(site, "pwc site build") as files:  # free again
        files.record([files.put("index.html", b"third")])
    assert (site / "index.html").read_bytes() == b"third"
    registry = materialise(Path("/nonexistent"), tmp_path / "repo")
    table = tmp_path / "t.csv"
    table.write_text("model,Accuracy\nM,61.2\n")
    with outputs.exclusive(registry):
        code, out = invoke("import", "table", str(table), "--task", "stock-market-prediction",
                           "--dataset", "astock", "--model", "model", "--metric",
                           "Accuracy=accuracy", "--source-kind", "report", "--source-title",
                           "A table", "--registry",
                           str(registry), "--report", str(tmp_path / "report.md"))
    assert code == 2 and "another pwc is importing into" in out, out
