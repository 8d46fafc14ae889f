"""Markdown table cells: the text is kept on one line in one cell, and shown, never run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pwc_registry.markdown import cell, escaped, number


@pytest.mark.parametrize(("text", "shown"), [
    ("Chinese Lert Large (News+Factors)", "Chinese Lert Large (News+Factors)"),
    ("F1 | EM", "F1 \\| EM"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("two\nlines\tand a tab", "two lines and a tab"),
    ("a\\b", "a\\\\b"),
    ("bell\x07 and\u2028line separator", "bell\\x07 and\\u2028line separator"),
    ("non-breaking\xa0space", "non-breaking\xa0space"),
    ("![x](https://example.org/a.png)", "!\\[x\\](https:&#8203;//example.org/a.png)"),
    # A bare address, an emoji's shortcode and a bidirectional override are kept as written.
    ("see https://evil.example or www.evil.example :white_check_mark:",
     "see https:&#8203;//evil.example or www&#8203;.evil.example :&#8203;white\\_check\\_mark:"),
    ("a\u202eb", "a\\u202eb"),
    ("`code`", "\\`code\\`"),
    ("ping @octocat, see #12", "ping @&#8203;octocat, see #&#8203;12"),
    ("&#64;octocat & co", "&amp;#&#8203;64;octocat &amp; co"),
    # a name that would show a published row struck out and a verdict in bold (helper-64)
    ("~~Chinese Lert Large (News)~~ **withdrawn, see** _below_",
     "\\~\\~Chinese Lert Large (News)\\~\\~ \\*\\*withdrawn, see\\*\\* \\_below\\_"),
    # math on GitHub, where `%` hides the rest of the line's formula (helper-73)
    ("$x^{2}$ % hidden", "&#36;x^{2}&#36; % hidden"),
])
def test_cell(text: str, shown: str) -> None:
    assert cell(text) == shown


@given(st.text())
def test_cell_returns_text_as_is_only_where_nothing_is_escaped(text: str) -> None:
    assert cell(text) == escaped(text)


# Characters that mean something to Markdown, GitHub's among them, and letters to join them.
_MARKUP = st.lists(st.sampled_from([*"![]()<>`@#&:/\\|*_~-=+. \nax1",
    "https://", "http://x.org", "<img src=x>", "![", "](", "@octocat", "#12", "&#64;", "&#91;",
    "www.x.org", "<!-- ", " -->", "```", "~~~", "\\"]), max_size=20).map("".join)
_RENDER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
#: What a name must never become: a link, an image, code, HTML.
_RUN = {"link_open", "image", "code_inline", "html_inline", "html_block", "code_block", "fence"}


def _tokens(markdown: str) -> list[Token]:
    out: list[Token] = []
    for token in _RENDER.parse(markdown):
        out += [token, *(token.children or [])]
    return out


def _shown(tokens: list[Token]) -> str:
    return "".join(t.content for t in tokens if t.type == "text")


@given(_MARKUP)
def test_a_cell_renders_as_its_text_and_nothing_else(text: str) -> None:
    # The places the tools put cells: a table, a line of prose, a heading, a list item, and a
    # code span (where a backtick in the text closes the span: what follows must still be text).
    for markdown in (f"| a | b |\n|---|---|\n| x | {cell(text)} |\n",
                     f"Task: {cell(text)} · Dataset: x\n", f"# {cell(text)}\n",
                     f"- **{cell(text)}** — 1 by {cell(text)}\n", f"- `{cell(text)}`\n"):
        tokens = _tokens(markdown)
        made = {t.type for t in tokens} - ({"code_inline"} if markdown.startswith("- `")
                                            else set())
        assert not made & _RUN, (text, markdown)
        # GitHub makes mentions and issue links of the rendered text.
        assert not re.search(r"@[A-Za-z0-9]|#[0-9]", _shown(tokens)), (text, markdown)


@given(st.lists(st.sampled_from([*"![]()<>`@#&:/\\ ax1*_~$", "&#64;", "&amp;", "**", "~~"]),
                max_size=20).map("".join))
def test_a_cell_shows_every_character_of_the_text(text: str) -> None:
    tokens = _tokens(f"Model: {cell(text)}.\n")
    assert _shown(tokens).replace("\u200b", "") == f"Model: {text}."


def test_names_in_the_pull_request_comment_stay_text(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pwc_registry.cli import main

    from conftest import git
    from registry_builder import paper, registry_in_git, result

    registry = registry_in_git(tmp_path)
    git(tmp_path, "checkout", "-qb", "pr")
    hostile = "![x](https://e.org/p.png) [link](https://e.org) @octocat #1 `c` <img src=x>"
    paper(registry, "hostile", "2024-02-01", [
        result("stock-market-prediction", "astock", hostile, accuracy=99.0)], title=hostile)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "a hostile result")
    outcome = CliRunner().invoke(main, ["diff", "main", "pr", "--registry", str(registry)])
    assert outcome.exit_code == 0, outcome.output
    assert "New state of the art" in outcome.output and "Far above" in outcome.output
    tokens = _tokens(outcome.output)
    # The one kind of link: a paper's arXiv abstract, made from an id the schema checked.
    links = [t for t in tokens if t.type == "link_open"]
    assert links and all(re.fullmatch(r"https://arxiv\.org/abs/[0-9]{4}\.[0-9]{4,5}",
                                      str(t.attrGet("href"))) for t in links)
    assert not {t.type for t in tokens} & (_RUN - {"link_open"})
    assert not re.search(r"@[A-Za-z0-9]|#[0-9]", _shown(tokens))


def test_names_in_the_job_summary_stay_text(tmp_path: Path) -> None:
    from pwc_registry.report import markdown
    from pwc_registry.validate import Options, validate

    from conftest import TODAY
    from examples import materialise
    from registry_builder import paper, result

    registry = materialise(Path("/nonexistent"), tmp_path)
    hostile = "![x](https://e.org/p.png) [link](https://e.org) @octocat #1 `c` <img src=x>"
    paper(registry, "hostile", "2024-02-01", [result(hostile, "astock", hostile, accuracy=1)])
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert {d.code for d in report.diagnostics} >= {"R001"}
    tokens = _tokens(markdown(report))
    assert "table_open" in {t.type for t in tokens}
    # the report shows file names as code, and nothing else
    assert not {t.type for t in tokens if not (
        t.type == "code_inline" and t.content.startswith("registry/papers/"))} & _RUN
    assert not re.search(r"@[A-Za-z0-9]|#[0-9]", _shown(tokens))


@pytest.mark.parametrize(("value", "text"), [
    (66.36, "66.36"), (88.0, "88"), (1e15, "1000000000000000"),
    (2.0 ** 53, "9007199254740992"), (1e16, "1e+16"), (-3.0, "-3"), (5e-324, "5e-324")])
def test_a_number_is_the_shortest_text_of_itself(value: float, text: str) -> None:
    assert number(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_numbers_text_reads_back_as_the_same_number(value: float) -> None:
    text = number(value)
    assert float(text) == value and not text.endswith(".0")


@given(st.text())
@example(" a ")
@example("`x`")
@example("my_paper~.yaml")
@example("a\nb")
def test_a_code_span_shows_its_text_as_it_is(text: str) -> None:
    """A file name in a code span was escaped as a cell's text: `my\\_paper.yaml` showed the
    backslash (helper-67). A code span takes no escape: its text shows whole, backticks in it
    and all (line breaks and control characters as escapes, as printable() shows them)."""
    from pwc_registry.markdown import code_span, printable

    tokens = _tokens(f"Left out: {code_span(text)}\n")
    shown = [t.content for t in tokens if t.type == "code_inline"]
    expected = printable(text)
    if expected.strip(" ") == "" and expected:  # a span of spaces alone keeps them all
        return
    assert shown == [expected] or (not expected and shown in ([], [""])), (text, shown)


def test_a_joiner_that_is_spelling_is_shown_as_it_is() -> None:
    """helper-103: the Persian name "علی‌رضا" (a legal joiner, V010) showed as
    "علی\\u200cرضا" in the PR comment and the snapshot's Markdown, and as itself everywhere
    else; a joiner between Latin letters is still shown as its escape."""
    from pwc_registry.markdown import escaped

    assert escaped("علی\u200cرضا") == "علی\u200cرضا"
    assert escaped("ශ්\u200dරී") == "ශ්\u200dරී"
    assert escaped("BE\u200cRT") == "BE\\u200cRT"
