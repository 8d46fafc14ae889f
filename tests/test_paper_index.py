"""The index of identifiers a full validation leaves in the git directory: with it, without it,
stale or broken, ``--changed-since`` finds the same paper holding the same arXiv id."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pwc_registry import paper_index
from pwc_registry.validate import Options, validate

from conftest import TODAY, git
from registry_builder import paper, registry_in_git, result

LERT_ARXIV = "2211.05344"  # the seed paper's arXiv id (tests/examples/base)


def _index(tmp_path: Path) -> Path:
    return tmp_path / ".git" / "pwc-paper-index"


def _duplicate_reports(registry: Path) -> list[str]:
    report = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    return [f"{d.file}:{d.line}:{d.column}: {d.code} {d.message}" for d in report.diagnostics]


def test_blob_ids_are_gits(tmp_path: Path) -> None:
    raw = b"id: x\ntitle: X\n"
    (tmp_path / "f").write_bytes(raw)
    expected = subprocess.run(["git", "hash-object", str(tmp_path / "f")], check=True,
                              capture_output=True, text=True).stdout.strip()
    assert paper_index.blob_id(raw) == expected


@pytest.mark.parametrize("index", ["written", "absent", "broken"])
def test_a_copied_arxiv_id_is_found_whatever_the_index(tmp_path: Path, index: str) -> None:
    registry = registry_in_git(tmp_path)
    validate(Options(registry=registry, today=TODAY, jobs=1))  # a full validation indexes
    assert _index(tmp_path).is_file()
    if index == "absent":
        _index(tmp_path).unlink()
    elif index == "broken":
        _index(tmp_path).write_bytes(b"\x00not marshal")
    git(tmp_path, "checkout", "-qb", "pr")
    copy = paper(registry, "lert-again", "2022-11-11",
                 [result("stock-market-prediction", "astock", "Copy", accuracy=60.0)],
                 identifiers={"arxiv": LERT_ARXIV})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the same paper again")
    found = _duplicate_reports(registry)
    lert = next(registry.glob("papers/*/lert-a-*.yaml")).relative_to(registry.parent)
    assert [line.split(": ", 1)[1] for line in found] == [
        f"I003 arxiv {LERT_ARXIV} is also the identifier of {lert}"]
    assert found[0].startswith(f"{copy.relative_to(registry.parent)}:")


def test_the_index_reads_papers_it_lacks_from_the_base_commit(tmp_path: Path) -> None:
    registry = registry_in_git(tmp_path)
    validate(Options(registry=registry, today=TODAY, jobs=1))
    # Committed after the index was written: its blob is not in the index.
    paper(registry, "first-copy", "2022-11-11", [], identifiers={"arxiv": LERT_ARXIV.replace(
        "5344", "0000")})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "a paper the index has not seen")
    git(tmp_path, "checkout", "-qb", "pr")
    paper(registry, "second-copy", "2022-11-12", [], identifiers={"arxiv": LERT_ARXIV.replace(
        "5344", "0000")})
    assert [line.split(": ", 1)[1] for line in _duplicate_reports(registry)] == [
        "I003 arxiv 2211.00000 is also the identifier of "
        f"{next(registry.glob('papers/*/first-copy.yaml')).relative_to(registry.parent)}"]


@pytest.mark.parametrize("index", ["written", "absent"])
def test_diff_finds_the_same_boards_with_or_without_the_index(tmp_path: Path, index: str) -> None:
    """``pwc diff`` looks up the unchanged papers on the touched datasets in the index; the
    report is the one the search of every paper's text gives."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    registry = registry_in_git(tmp_path)
    validate(Options(registry=registry, today=TODAY, jobs=1))
    if index == "absent":
        _index(tmp_path).unlink()
    git(tmp_path, "checkout", "-qb", "pr")
    paper(registry, "better-stock-model", "2024-02-01", [
        result("stock-market-prediction", "astock", "StockNet-XL", accuracy=68.02)])
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "add a result")
    out = CliRunner().invoke(main, ["diff", "main", "pr", "--registry", str(registry)]).output
    assert ("- **Stock Market Prediction on Astock** — Accuracy 68.02 by StockNet-XL "
            "(Paper better-stock-model), previous best 66.36 by Chinese Lert Large "
            "(News+Factors)") in out


def test_paths_of_blobs_in_a_listing_few_or_many() -> None:
    """Blob ids → paths in a ``git ls-tree -r -z`` listing, found one by one (a few) or in one
    pass (many); two paths may share a blob (identical files)."""
    blobs = [f"{i:040x}" for i in range(20)]
    listing = "".join(f"100644 blob {b}\tregistry/papers/{i % 7:02x}/p{i}.yaml\0"
                      for i, b in enumerate(blobs))
    listing += f"100644 blob {blobs[3]}\tregistry/papers/ff/same-as-p3.yaml\0"
    tree = paper_index._Tree(listing, set(blobs))
    few = tree.paths_of(blobs[2:4])
    assert few == {blobs[2]: ["registry/papers/02/p2.yaml"],
                   blobs[3]: ["registry/papers/03/p3.yaml", "registry/papers/ff/same-as-p3.yaml"]}
    many = tree.paths_of(blobs)
    assert len(many) == 20 and many[blobs[3]] == few[blobs[3]] and many[blobs[2]] == few[blobs[2]]


def test_untracked_papers_sharing_an_arxiv_id_are_found(tmp_path: Path) -> None:
    """Without the index, the other papers are searched with ``git grep``: with
    ``--changed-since`` every untracked paper is a changed one and checked already; a paper
    named on the command line is checked against untracked papers too."""
    registry = registry_in_git(tmp_path)
    git(tmp_path, "checkout", "-qb", "pr")
    first = paper(registry, "new-one", "2022-11-11", [], identifiers={"arxiv": "2211.00001"})
    second = paper(registry, "new-two", "2022-11-12", [], identifiers={"arxiv": "2211.00001"})
    assert not _index(tmp_path).exists()
    changed = validate(Options(registry=registry, changed_since="main", today=TODAY, jobs=1))
    assert sorted((d.file, d.code) for d in changed.diagnostics) == [
        (str(f.relative_to(registry.parent)), "I003") for f in sorted([first, second])]
    named = validate(Options(registry=registry, paths=[first], today=TODAY, jobs=1))
    assert [(d.file, d.code, d.message) for d in named.diagnostics] == [
        (str(first.relative_to(registry.parent)), "I003",
         f"arxiv 2211.00001 is also the identifier of {second.relative_to(registry.parent)}")]


@pytest.mark.parametrize("index", ["written", "absent"])
def test_a_copy_whose_title_differs_in_punctuation_is_found_whatever_the_index(
        tmp_path: Path, index: str) -> None:
    """Q013 compared titles as written (but for case and spaces): "LERT - A linguistically
    motivated pre-trained language model" passed as a new paper beside LERT's "LERT: A
    Linguistically-motivated Pre-trained Language Model". Titles are now compared by their
    words, with or without the index (CI's fresh clone searches the files)."""
    registry = registry_in_git(tmp_path)
    validate(Options(registry=registry, today=TODAY, jobs=1))
    if index == "absent":
        _index(tmp_path).unlink()
    git(tmp_path, "checkout", "-qb", "pr")
    copy = paper(registry, "lert-again", "2022-11-11",
                 [result("stock-market-prediction", "astock", "Copy", accuracy=60.0)],
                 title="LERT - A linguistically motivated pre-trained language model")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "the same paper again")
    found = _duplicate_reports(registry)
    lert = next(registry.glob("papers/*/lert-a-*.yaml")).relative_to(registry.parent)
    assert [line.split(": ", 1)[1] for line in found] == [f"Q013 the paper has the title of {lert}"]
    assert found[0].startswith(f"{copy.relative_to(registry.parent)}:")
