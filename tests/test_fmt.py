"""`pwc fmt` never changes what a file says (issue 12, class 8): a file with errors is named,
not rewritten; numbers keep their digits; no comment is lost, wherever it stands."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pwc_registry import canonical
from pwc_registry.cli import main
from pwc_registry.formatting import format_registry
from pwc_registry.load import read_rich

from conftest import REPO
from examples import materialise

# The base example's LERT paper (tests/examples/base), laid out by hand: keys out of the
# schema's order (so that fmt has something to do), numbers as a paper prints them, and
# comments in the places a person puts them.
MESSY = """\
id: lert-a-linguistically-motivated-pre-trained-language-model
title: "LERT: A Linguistically-motivated Pre-trained Language Model"
date: "2022-11-10"
authors:
  - Yiming Cui
  - Wanxiang Che
identifiers:
  arxiv: "2211.05344"
tasks:
  - stock-market-prediction  # why: the Astock tables
  - # the paper's main subject
    language-modelling
results:
  - # from the paper's page
    dataset: astock
    task: stock-market-prediction
    model: Chinese Lert Large
      (News+Factors)  # wrapped by hand
    metrics:
      accuracy: 66.360  # three decimals, as printed
      f1-score: 66.16
      precision: 6.640e+1
      recall:
        value: 66.690
        spread: 0.50
    notes: As listed on the paper's page of the Papers with Code archive,
      which gives no table or figure for these numbers.
    # about the source
    source:
      reported_by: papers-with-code-archive
"""

COMMENTS = ["# why: the Astock tables", "# the paper's main subject", "# from the paper's page",
            "# wrapped by hand", "# three decimals, as printed", "# about the source"]


@pytest.fixture
def lert(tmp_path: Path) -> Path:
    registry = materialise(Path("/nonexistent"), tmp_path)
    path = next(registry.glob("papers/*/lert-*.yaml"))
    path.write_text(MESSY, encoding="utf-8")
    return path


def comments(text: str) -> list[str]:
    """Every comment of a file in this test, found without the writer's own reading: a '#'
    after a space or at a line's start (no string in these files holds one)."""
    return sorted(m.group(1).rstrip() for m in re.finditer(r"(?:^|\s)(#[^\n]*)", text)
                  if not m.group(1).startswith("# yaml-language-server:"))


def number_texts(text: str) -> list[str]:
    """The text of every plain number value, in order."""
    return re.findall(r": (-?[0-9][0-9.e+-]*)(?=\s|$)", text)


def data(path: Path) -> Any:
    doc = read_rich(path.name, path.read_bytes())
    assert doc.diagnostics == []
    return doc.data


def test_fmt_keeps_every_comment_every_value_and_every_numbers_digits(lert: Path) -> None:
    before = data(lert)
    assert comments(MESSY) == sorted(COMMENTS)
    outcome = format_registry(lert.parents[2], [lert], jobs=1)
    assert outcome.not_formatted == []
    assert outcome.changed == [f"registry/{lert.relative_to(lert.parents[2])}"]
    text = lert.read_text("utf-8")
    assert text != MESSY
    assert comments(text) == comments(MESSY)
    assert number_texts(text) == number_texts(MESSY) \
        == ["66.360", "66.16", "6.640e+1", "66.690", "0.50"]
    assert data(lert) == before
    assert "  - stock-market-prediction  # why: the Astock tables\n" in text
    assert "    model: Chinese Lert Large (News+Factors)  # wrapped by hand\n" in text
    assert "      accuracy: 66.360  # three decimals, as printed\n" in text
    assert format_registry(lert.parents[2], [lert], check=True, jobs=1).changed == []


@pytest.mark.parametrize(("written", "canonical"), [
    ("0x42", "66"), ("+66", "66"), ("66.", "66.0"), (".5", "0.5"), ("+.5", "0.5"),
    ("0o102", "66"), ("66.360", "66.360"), ("-0.50", "-0.50"), ("007", "7"), ("-0", "0"),
    ("-0.00", "-0.00"), ("0.50", "0.50"), ("+0.50", "0.50"), (".50", "0.50"),
    ("+66.360", "66.360"), ("007.50", "7.50")])
def test_a_number_in_another_form_than_decimal_digits_is_written_in_them(
        lert: Path, written: str, canonical: str) -> None:
    """helper-68: `accuracy: 0x42` (66 to both YAML versions) passed `fmt --check` and showed
    in the diff a reviewer reads: a number is written in decimal digits, its own digits and
    its type kept (`+0.50` is `0.50`, `66.` a float `66.0`; helper-77)."""
    format_registry(lert.parents[2], [lert], jobs=1)
    tidy = lert.read_text("utf-8")
    line = "      accuracy: 66.360  # three decimals, as printed\n"
    assert line in tidy
    text = tidy.replace(line, line.replace("66.360", written))
    lert.write_text(text, encoding="utf-8")
    doc = read_rich(lert.name, text.encode())
    if doc.diagnostics:  # a form one YAML version reads otherwise is Y007's, not fmt's
        assert {d.code for d in doc.diagnostics} == {"Y007"}, doc.diagnostics
        return
    checked = format_registry(lert.parents[2], [lert], check=True, jobs=1)
    assert (checked.changed == []) == (written == canonical), checked
    format_registry(lert.parents[2], [lert], jobs=1)
    assert line.replace("66.360", canonical) in lert.read_text("utf-8")


def test_a_file_that_breaks_its_schema_is_named_and_left_alone(lert: Path) -> None:
    # A list where the model's name belongs: which name was meant is not for fmt to decide (a
    # plain `model: 1.10` is quoted as written: tests/test_contributor.py).
    broken = MESSY.replace("    model: Chinese Lert Large\n      (News+Factors)  # wrapped by hand\n",
                           "    model: [M, N]\n")
    lert.write_text(broken, encoding="utf-8")
    registry = str(lert.parents[2])
    for args in (["fmt", str(lert), "--registry", registry],
                 ["fmt", "--check", str(lert), "--registry", registry]):
        outcome = CliRunner().invoke(main, args)
        assert outcome.exit_code == 1, outcome.output
        name = f"registry/{lert.relative_to(lert.parents[2])}"
        assert f"{name}:17:12: S003 results[0].model: expected a string" in outcome.output
        assert "1 with errors not formatted" in outcome.output
        assert lert.read_text("utf-8") == broken


def test_an_invisible_character_stays_in_sight(lert: Path) -> None:
    """helper-110: `title: "Sweep\\u202ePaper"` (V010) was rewritten with the override itself,
    which then reorders what an editor or a diff shows; a zero-width space, a soft hyphen,
    U+3164 and a variation selector alike. They stay escaped; a joiner between two Persian
    letters, which is spelling, stays itself."""
    registry = str(lert.parents[2])
    CliRunner().invoke(main, ["fmt", str(lert), "--registry", registry])
    text = lert.read_text("utf-8")
    title = re.search(r"^title: .*$", text, re.M)
    assert title is not None
    written = ('title: "LERT\\u202e \\u200b\\u00ad\\u3164\\ufe0f \\u2066x\\u2069 '
               '\u0639\u0644\u06cc\u200c\u0631\u0636\u0627"')
    lert.write_text(text.replace(title.group(), written), encoding="utf-8")
    before = lert.read_text("utf-8")
    outcome = CliRunner().invoke(main, ["fmt", str(lert), "--registry", registry])
    assert lert.read_text("utf-8") == before, outcome.output
    outcome = CliRunner().invoke(main, ["fmt", "--check", str(lert), "--registry", registry])
    assert outcome.exit_code == 0, outcome.output


@pytest.mark.parametrize(("damage", "said"), [
    (lambda text: text.replace("  # wrapped by hand", ""), "a comment"),
    (lambda text: text.replace("66.360", "66.36"), "how a number is written"),
    (lambda text: text.replace("66.16", "66.17"), "the data"),
])
def test_a_rewrite_that_would_change_anything_is_not_written(
        lert: Path, monkeypatch: pytest.MonkeyPatch, damage: Any, said: str) -> None:
    # The writer is made to lose something: the check before writing catches it.
    dump = canonical.dump
    monkeypatch.setattr(canonical, "dump", lambda *a, **k: damage(dump(*a, **k)))
    outcome = format_registry(lert.parents[2], [lert], jobs=1)
    assert [(d.code, d.message) for d in outcome.not_formatted] == [
        ("F001", f"formatting would change {said}, so the file is left as it is")]
    assert lert.read_text("utf-8") == MESSY


def test_the_reader_of_comments_finds_each_and_the_text_of_each_number(lert: Path) -> None:
    # `pwc new result` rewrites a paper through the same reader: it keeps them too.
    text = canonical.dump(data(lert), "paper")
    source = read_rich("x", MESSY.encode())
    kept = canonical.comments_of(MESSY, source.positions, source.key_positions)
    assert sorted(kept.texts()) == sorted(COMMENTS)
    assert kept.numbers[("results", 0, "metrics", "recall", "spread")] == "0.50"
    assert "66.360" not in text  # without the source's texts, the canonical number


def test_adding_a_result_keeps_the_papers_comments_and_digits(lert: Path) -> None:
    from pwc_registry.scaffold import new_result

    new_result(lert.parents[2], lert.stem, task="stock-market-prediction", dataset="astock",
               model="Chinese Lert Base", metrics={"accuracy": "61.20"})
    text = lert.read_text("utf-8")
    assert comments(text) == comments(MESSY)
    assert number_texts(text)[:5] == ["66.360", "66.16", "6.640e+1", "66.690", "0.50"]


def test_paths_as_typed_relative_to_the_working_folder(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """`pwc fmt --check registry/papers` from the repository's root (it reported every file as
    outside the registry when the path was relative)."""
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    monkeypatch.chdir(tmp_path)
    outcome = CliRunner().invoke(main, ["fmt", "--check", "registry/papers"])
    assert "Y013" not in outcome.output and outcome.exit_code == 0, outcome.output


def test_line_endings_are_said_once_not_shown_as_every_line_changed(lert: Path) -> None:
    """A file saved with Windows line endings: validate says clean, fmt --check failed with a
    diff removing and adding every line, each looking the same on screen (helper-65)."""
    registry = str(lert.parents[2])
    assert CliRunner().invoke(main, ["fmt", str(lert), "--registry", registry]).exit_code == 0
    canonical_text = lert.read_bytes()
    lert.write_bytes(canonical_text.replace(b"\n", b"\r\n"))
    outcome = CliRunner().invoke(main, ["fmt", "--check", str(lert), "--registry", registry])
    assert outcome.exit_code == 1
    name = f"registry/{lert.relative_to(lert.parents[2])}"
    lines = outcome.output.splitlines()
    assert lines[0] == f"# {name}: its line endings are CRLF (Windows); pwc fmt writes LF"
    assert not any(line.startswith(("-", "+")) for line in lines), lines
    fixed = CliRunner().invoke(main, ["fmt", str(lert), "--registry", registry])
    assert fixed.exit_code == 0 and lert.read_bytes() == canonical_text
