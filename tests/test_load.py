"""The two readers: the reference one reports every hazard with a position; the fast one never
says a file is clean when the reference reader would not, and then returns the same data."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pwc_registry import ids, load
from pwc_registry.validate import Options, validate

from conftest import TODAY, git
from examples import BASE, EXAMPLES, materialise

TRICKY_SCALARS = [
    "NO", "no", "Yes", "on", "OFF", "y", "n", "~", "null", "Null", "true", "False", "=", "<<",
    "010", "0o17", "0x1F", "0b101", "1_000", "1:20", "-1:30:00", "1e3", "1e+3", "1.0e+3",
    "1.5E-3", ".5", "5.", "+12", "-0", "0", "1.10", ".inf", "-.Inf", ".NaN", "2022-11-10",
    "2022-11-10T10:00:00Z", "2022-1-1", "12:30", "v1.0", "1.2.3", "0.5", "-0.0", "1,000",
    "'quoted'", '"NO"', '"2022-11-10"', '"010"', "'1e3'", "Accuray", "66.36", "1e400",
    "_0", "_.5", "1__0",  # Rust number syntax (yaml-rs read them so); strings in YAML
    "12345678901234567", "0.1234567890123456789", "77.28999999999999", "1" + "0" * 400,
    "1.0e-400", "9" * 5000,  # digits a float does not keep (V015), numbers beyond one (Y020)
]


def _agree(raw: bytes) -> None:
    rich = load.read_rich("f.yaml", raw)
    fast = load.read_fast(raw)
    if fast is not None:
        assert rich.diagnostics == [], f"fast reader accepted what the reference rejects: {raw!r}"
        assert repr(fast) == repr(rich.data), raw  # repr: 1, 1.0 and True are equal in Python


@pytest.mark.parametrize("scalar", TRICKY_SCALARS)
def test_readers_agree_on_tricky_scalars(scalar: str) -> None:
    _agree(f"value: {scalar}\nlist: [{scalar}]\n{scalar}: key\n".encode())


@pytest.mark.parametrize("text", [
    "id: |\n", "id: >\n", "id: |+\n", "id: |\n\n", "id: |\n  x", "a: 1\nid: >-\n  x\n  y",
    "id: | # c\n",
])
def test_readers_agree_on_block_scalars_ending_the_file(text: str) -> None:
    """yaml_rs reads an empty block scalar at the end of a file as a line break, and adds a line
    break to one that ends the file without one (found by the generated documents below)."""
    _agree(text.encode())


@pytest.mark.parametrize("escape", [
    "\\uD83D\\uDE00", "\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\\uD800", "\\uDC00x",
    "\\U0000D83D\\U0000DE00",
])
def test_readers_agree_on_escaped_surrogates(escape: str) -> None:
    """yaml_rs joined an escaped surrogate pair into one character where the reference reader
    refuses it: `pwc validate` passed a title that `pwc fmt` called invalid YAML."""
    raw = f'id: smile\ntitle: "Smile {escape}"\n'.encode()
    assert load.read_fast(raw) is None
    assert [d.code for d in load.read_rich("f.yaml", raw).diagnostics] == ["Y001"]
    _agree(raw)


def test_readers_agree_on_every_example_file() -> None:
    files = [p for p in EXAMPLES.rglob("*.yaml") if p.is_file() and not p.is_symlink()]
    assert len(files) > 40
    for path in files:
        _agree(path.read_bytes())


def test_fast_reader_takes_clean_files(tmp_path: Path) -> None:
    """The fast path is not dead code: the base registry's files all go through it."""
    files = list((BASE / "registry").rglob("*.yaml"))
    assert files and all(load.read_fast(p.read_bytes()) is not None for p in files)


def test_readers_agree_on_real_yaml_from_the_corpus(corpus: Path) -> None:
    files = sorted(corpus.glob("model-index/**/*.yml")) + sorted(corpus.glob("model-index/**/*.yaml"))
    cards = sorted(corpus.glob("hf-model-cards/cards/*.md"))
    assert len(files) > 10 and len(cards) > 10
    samples = [p.read_bytes() for p in files]
    for card in cards:  # the YAML front matter between the first two '---' lines
        text = card.read_bytes()
        if text.startswith(b"---\n"):
            samples.append(text[4:].split(b"\n---", 1)[0])
    for raw in samples:
        _agree(raw)


yaml_text = st.text(
    alphabet=st.sampled_from(list("ab019xo:- \n\r\"'[]{},#&*!|>.%?_eE+~@`\\\t\ufeff\x07\x85\u2028é")),
    max_size=80)


@settings(max_examples=int(os.environ.get("PWC_FUZZ_EXAMPLES", "1000")), deadline=None)
@given(yaml_text)
def test_readers_never_raise_and_agree_on_random_text(text: str) -> None:
    _agree(text.encode("utf-8"))


_scalar = st.sampled_from([*TRICKY_SCALARS, "F1", "Acc", "3D object", "- x", "a b", "", "x # c",
                            "1.5 # c", "2022-11-10 10:00:00", "0e0", "ab", "-x", "12 34"])
_line = st.tuples(
    st.sampled_from(["", " ", "  ", "    ", "       "]),
    st.sampled_from(["", "- ", "- - "]),
    st.one_of(st.tuples(_scalar, st.just(": "), _scalar), st.tuples(_scalar, st.just(":"), st.just("")),
              st.tuples(st.just(""), st.just(""), _scalar)),
    st.sampled_from(["\n", "\r\n", " # note\n"]),
).map(lambda t: t[0] + t[1] + "".join(t[2]) + t[3])


@settings(max_examples=int(os.environ.get("PWC_FUZZ_EXAMPLES", "1000")), deadline=None)
@given(st.lists(_line, min_size=1, max_size=8).map("".join))
def test_readers_agree_on_block_style_documents(text: str) -> None:
    """Documents shaped like registry files (keys, values, lists, comments, CRLF), built from the
    scalars that YAML 1.1 and 1.2 read apart: where the fast reader's pattern looks."""
    _agree(text.encode("utf-8"))


_plain_key = st.one_of(
    st.sampled_from(["id", "a", "metrics", "Top 1 Accuracy", "k-1", "a b", "'q k'", "x:y"]),
    st.integers(0, 99).map(lambda i: f"key{i}"))
_key = st.one_of(_plain_key, _plain_key, _plain_key, st.sampled_from(
    ['"d: k"', "1e3", "~", "null", "no", "é", "-k", "?k", "[k]", "k#", "12"]))
_plain_value = st.sampled_from(["x", "1.5", "12", "text here", '"q"', "'s'", "a # c", "x:y", "true",
                                "null", "~", "F1", "-3", "0.5", '"a\\tb"', "'it''s'", '""', "v1.0"])
_value = st.one_of(_plain_value, _plain_value, _plain_value, _scalar, st.sampled_from(
    ['"\\x07"', "x: y", "@x", "`x", "%x", ",x", "]x", "}x", "|x", "- x", "-", "#c", "x #c",
     "[a, b]", "{a: 1}", "&a x", "*a", "!t x", "!!str 1"]))
_block_header = st.sampled_from(["|", "|-", ">", ">-"] * 3 + ["|+", ">+", "|2", ">1-", "| # c", ">x"])


def _doc_lines(draw: st.DrawFn, indent: int, depth: int, wild: bool) -> list[str]:
    """A block mapping or sequence at ``indent``, its children deeper. ``wild``: any key, value and
    block header, odd steps and lines off by one column; otherwise mostly what the fast reader
    takes, so that its parser's reading is what is tested."""
    lines: list[str] = []
    step = draw(st.sampled_from([2] * 8 + [4, 1, 3] if wild else [2, 2, 2, 4]))
    sequence = depth > 0 and draw(st.booleans())
    for _ in range(draw(st.integers(1, 4))):
        pad = " " * max(0, indent + (draw(st.sampled_from([0] * 14 + [1, -1])) if wild else 0))
        lead = pad + ("- " if sequence else "")
        if draw(st.integers(0, 15)) == 0:
            lines.append(draw(st.sampled_from(["", pad + "# note", pad + "  "]
                                              + (["---", "..."] if wild else []))))
        shape = draw(st.sampled_from(["scalar", "scalar", "empty", "nested", "block", "compact"]))
        key = "" if sequence and shape != "compact" else draw(_key if wild else _plain_key) + ":"
        value = _value if wild else _plain_value
        if shape == "scalar":
            lines.append(f"{lead}{key} {draw(value)}".rstrip() if key else lead + draw(value))
        elif shape == "empty":
            lines.append(lead.rstrip() + (key if not sequence else "") + draw(
                st.sampled_from(["", " ", " # c"])))
        elif shape == "block":
            header = draw(_block_header if wild else st.sampled_from(["|", "|-", ">", ">-"]))
            lines.append(f"{lead}{key} {header}")
            for _ in range(draw(st.integers(0, 3))):
                off = draw(st.sampled_from([0] * 6 + ([1, 2, -1] if wild else [2])))
                lines.append(" " * (len(pad) + step + off) + draw(st.sampled_from(
                    ["text", "x: y", "- a", "", "# not a comment", "more  words", "no"])))
        elif shape == "compact" and depth < 4:
            lines.append(f"{lead}{key} {draw(value)}".rstrip())
            lines += _doc_lines(draw, len(lead), depth + 1, wild)[1:] if sequence else []
        elif depth < 4:
            lines.append(f"{lead}{key}" if key else lead.rstrip())
            child = indent + step + (2 if sequence else 0)
            if not sequence and draw(st.integers(0, 4)) == 0:
                child = indent  # an indentless sequence or a sibling: both must be read right
            lines += _doc_lines(draw, child, depth + 1, wild)
    return lines


@st.composite
def _documents(draw: st.DrawFn, wild: bool) -> str:
    lines = _doc_lines(draw, 0, 0, wild)
    if wild and draw(st.integers(0, 5)) == 0:
        lines.insert(0, draw(st.sampled_from(["# yaml-language-server: $schema=x", "~", "x", "- a"])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"] if wild else ["\n"]))


@settings(max_examples=int(os.environ.get("PWC_FUZZ_EXAMPLES", "1000")), deadline=None)
@given(st.one_of(_documents(wild=False), _documents(wild=True)))
def test_readers_agree_on_nested_documents(text: str) -> None:
    """Nested mappings and sequences, empty values, block scalars, comments, odd indentation:
    where Rust parsers were found reading apart from YAML (yaml_rs: an empty block scalar ending
    the file, see load.py; another parser tried: keys with empty values, benchmarks/README.md)."""
    _agree(text.encode("utf-8"))


def _nested(depth: int, style: str) -> str:
    """A valid document whose deepest scalar is at ``depth`` (the root mapping is depth 1)."""
    if style == "mappings":  # each level one column right
        return "".join(f"{' ' * i}k{i}:\n" for i in range(depth - 2)) + f"{' ' * (depth - 2)}k: v\n"
    if style == "indentless":  # a sequence under a key starts in the key's column
        lines, column, level = [], 0, 1
        while level < depth - 1:
            lines.append(f"{' ' * column}k{level}:")
            lines.append(f"{' ' * column}-")
            column, level = column + 1, level + 2
        lines.append(f"{' ' * column}k: v" if level == depth - 1 else f"{' ' * column}v")
        return "\n".join(lines) + "\n"
    return "k:\n" + "- " * (depth - 2) + "v\n"  # compact sequences on one line


@pytest.mark.parametrize("style", ["mappings", "indentless", "compact"])
@pytest.mark.parametrize("depth", [30, 31, 32, 33, 34, 40])
def test_readers_agree_on_deep_nesting(style: str, depth: int) -> None:
    raw = _nested(depth, style).encode()
    rich = load.read_rich("f.yaml", raw)
    assert [d.code for d in rich.diagnostics] == ([] if depth <= load.MAX_DEPTH else ["Y011"])
    _agree(raw)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=60))
def test_reference_reader_never_raises_on_random_bytes(raw: bytes) -> None:
    doc = load.read_rich("f.yaml", raw)
    assert doc.data is None or isinstance(doc.data, dict)
    for d in doc.diagnostics:
        assert d.line >= 1 and d.column >= 1


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    raw = f"id: x\ntitle: !!python/object/apply:pathlib.Path.touch ['{marker}']\n".encode()
    doc = load.read_rich("f.yaml", raw)
    assert [d.code for d in doc.diagnostics] == ["Y004"]
    assert load.read_fast(raw) is None
    assert not marker.exists()


def test_file_over_the_size_cap(tmp_path: Path) -> None:
    registry = materialise(Path("/nonexistent"), tmp_path)
    big = registry / "papers" / "00" / "big.yaml"
    big.parent.mkdir(parents=True)
    big.write_bytes(b"id: big\ntitle: x\nabstract: " + b"a" * load.MAX_FILE_BYTES + b"\n")
    report = validate(Options(registry=registry, today=TODAY))
    assert [(d.file, d.line, d.column, d.code) for d in report.diagnostics] == [
        ("registry/papers/00/big.yaml", 1, 1, "Y010")]


def test_positions_of_values_and_keys() -> None:
    doc = load.read_rich("f.yaml", b"a:\n  b: [1, {c: 2}]\n  'd': x\n")
    assert doc.locate(("a", "b", 1, "c")) == (2, 14)
    assert doc.locate(("a", "d"), key=True) == (3, 3)
    assert doc.locate(("a", "missing")) == (2, 3)


def test_invisible_is_unicodes_format_category() -> None:
    import sys
    import unicodedata

    matched = {c for c in range(sys.maxunicode + 1) if load.INVISIBLE.match(chr(c))}
    formats = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    listed = re.compile(f"[{load.IGNORABLE_BLANKS}]")
    blanks = {c for c in range(sys.maxunicode + 1) if listed.match(chr(c))}
    assert formats | blanks <= matched  # every format character of this Python's Unicode
    # and nothing else, but code points a newer Unicode made format characters
    assert {unicodedata.category(chr(c)) for c in matched - formats - blanks} <= {"Cn"}
    # the blanks are letters or marks of no width (Hangul fillers, Khmer inherent vowels, the
    # combining grapheme joiner), none of them a format character
    assert {unicodedata.category(chr(c)) for c in blanks} <= {"Lo", "Mn"}


@pytest.mark.parametrize("character", ["\u200b", "\u200d", "\u202e", "\u2066", "\u2069",
                                       "\ufeff", "\u00ad", "\U000e0041", "\u3164"])
def test_an_invisible_character_is_an_error_on_the_fast_path_too(
        character: str, tmp_path: Path) -> None:
    raw = f"id: x\nname: Bad{character}Name\n".encode()
    assert load.read_fast(raw) is not None or character == "\ufeff"
    assert load.read("f.yaml", raw).may_hold_controls
    registry = materialise(EXAMPLES / "valid" / "full-paper", tmp_path)
    (registry / "datasets" / "astock.yaml").write_text(
        f"id: astock\nname: Astock{character}\n", encoding="utf-8")
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert [(d.code, d.file, d.line) for d in report.diagnostics] == [
        ("V010", "registry/datasets/astock.yaml", 2)]


def _pwc(*args: str, cwd: Path) -> tuple[int, str]:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "pwc_registry", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120)  # a read of a pipe would wait
    return done.returncode, done.stdout + done.stderr


def test_a_named_pipe_is_reported_and_never_opened(tmp_path: Path) -> None:
    from pwc_registry.layout import shard

    registry = materialise(EXAMPLES / "valid" / "full-paper", tmp_path)
    pipes = [registry / "papers" / shard("pipe") / "pipe.yaml", registry / "tasks" / "pipe.yaml",
             registry / "papers" / "pipe.yaml", registry / "pipe"]
    for pipe in pipes:
        pipe.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(pipe)
    names = sorted(f"registry/{p.relative_to(registry).as_posix()}" for p in pipes)
    code, out = _pwc("validate", "--registry", str(registry), cwd=tmp_path)
    assert code == 1
    assert sorted(line.split(":")[0] for line in out.splitlines() if " Y016 " in line) == names
    assert "is a named pipe (FIFO), not a regular file" in out
    assert out.splitlines()[-1].endswith(": 4 errors, 0 warnings"), out
    code, out = _pwc("validate", "--registry", str(registry), str(pipes[0]), cwd=tmp_path)
    assert code == 1 and f"registry/papers/{shard('pipe')}/pipe.yaml:1:1: Y016 " in out, out
    code, out = _pwc("fmt", "--check", "--registry", str(registry), cwd=tmp_path)
    assert "Traceback" not in out, out
    code, out = _pwc("leaderboards", "build", "--registry", str(registry), "--out",
                     str(tmp_path / "snapshot"), cwd=tmp_path)
    assert code == 0, out


def test_a_named_pipe_in_a_pull_request_does_not_hang_the_check(tmp_path: Path) -> None:
    from pwc_registry.layout import shard

    registry = materialise(EXAMPLES / "valid" / "full-paper", tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    pipe = registry / "papers" / shard("pipe") / "pipe.yaml"
    pipe.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(pipe)
    code, out = _pwc("validate", "--changed-since", "main", cwd=tmp_path)
    assert "Traceback" not in out and code in (0, 1), out


@pytest.mark.parametrize(("text", "hint"), [
    ("id: x\nresults:\n  - task: t\n\tmodel: m\n", "line 4 is indented with a tab"),
    ("id: x\nresults:\n  - task: t\n  model: m\n", "check the indentation of this line"),
    ("id: x\nresults:\n- task: t\n  model: m\n    dataset: d\n", "check the indentation"),
    ('id: x\ntitle: "open\n', None),  # not an indentation problem: no hint about one
])
def test_a_parse_error_says_what_usually_causes_it(text: str, hint: str | None) -> None:
    [found] = load.read_rich("f.yaml", text.encode()).diagnostics
    assert found.code == "Y001"
    assert (found.hint is None) if hint is None else (hint in (found.hint or "")), found


def test_salvage_changes_nothing_the_checker_reads() -> None:
    """helper-38: salvaging wrote a value's text into the data `pwc fmt` reads as YAML 1.2 (a
    correction's `old: 3.22e1` became the text "3.22e1"). Salvage works on a copy, on demand;
    a registry file is refused whole and never salvaged."""
    raw = b"id: x\nold: 3.22e1\nvalues: [1, 2]\nvalues: [3]\n"
    doc = load.read_rich("x.yaml", raw)
    assert doc.data is None and doc.partial is not None
    before = repr(doc.partial)
    assert load.salvage(doc) is None  # a key twice outside every list entry: refused
    raw = b"items:\n  - {old: 3.22e1, n: 1e400}\n  - {a: 1, a: 2}\n  - {b: 3}\n"
    doc = load.read_rich("x.yaml", raw)
    before = repr(doc.partial)
    saved = load.salvage(doc)
    assert saved is not None and repr(doc.partial) == before
    assert saved.doc.data == {"items": [{"old": "3.22e1", "n": "1e400"}, {"b": 3}]}
    assert [(d.code, entry) for d, entry in saved.left_out] == [("Y002", ("items", 1))]
    assert saved.doc.locate(("items", 1, "b")) == (4, 9)  # {b: 3}, now the second entry


def test_a_huge_file_is_read_no_further_than_the_cap(tmp_path: Path) -> None:
    """A 3 GB registry file (sparse here) made `pwc validate` hold 6 GB before refusing it: it
    is read one byte past the cap, and refused the same (found by an attack)."""
    from pwc_registry import layout

    registry = materialise(Path("/nonexistent"), tmp_path)
    big = registry / "papers" / "00" / "big.yaml"
    big.parent.mkdir(parents=True)
    with big.open("wb") as f:
        f.truncate(3 * 1024 ** 3)
    [found] = [f for f in layout.discover(registry)[0] if f.stem == "big"]
    assert len(found.read_bytes()) <= layout.MAX_FILE_BYTES + 16384
    report = validate(Options(registry=registry, today=TODAY))
    assert [(d.file, d.code) for d in report.diagnostics] == [
        ("registry/papers/00/big.yaml", "Y010")]


def test_a_file_out_of_place_is_told_where_it_goes(tmp_path: Path) -> None:
    """A paper saved without its shard folder, or at the registry's top, got "see
    docs/registry.md" (helper-65): the place its id gives is named."""
    from pwc_registry import layout

    registry = materialise(EXAMPLES / "valid" / "full-paper", tmp_path)
    text = next(registry.glob("papers/*/*.yaml")).read_text("utf-8")
    (registry / "papers" / "mine.yaml").write_text(text, encoding="utf-8")
    (registry / "mine-too.yaml").write_text(text, encoding="utf-8")
    (registry / "datasets" / "x").mkdir()
    (registry / "datasets" / "x" / "astock-v2.yaml").write_text("id: astock-v2\n", "utf-8")
    _, strays = layout.discover(registry)
    hints = {d.file: d.hint for d in strays if d.code == "Y013"}
    assert hints == {
        "registry/papers/mine.yaml":
            f"a paper with the id 'mine' is registry/{layout.relative_path('paper', 'mine')}",
        "registry/mine-too.yaml": f"a paper with the id 'mine-too' is registry/"
        f"{layout.relative_path('paper', 'mine-too')}; docs/registry.md says where each other "
        "kind of file lives",
        "registry/datasets/x/astock-v2.yaml":
            "a dataset with the id 'astock-v2' is registry/datasets/astock-v2.yaml"}


def test_a_word_all_cyrillic_among_latin_words_is_no_mixed_word() -> None:
    """Q014 is for a word mixing scripts: "Whisper (СССР subset)" is a real name (helper-67)."""
    from pwc_registry.check import text_problems

    assert text_problems("Whisper (СССР subset)") == []
    assert [code for code, _, _ in text_problems("Chinese Lert L\u0430rge")] == ["Q014"]


def test_only_a_real_html_character_reference_is_q015(tmp_path: Path) -> None:
    """"&ampx;" and "&copyright;" were read as the entities &amp and &copy without their
    semicolon (helper-67); "R&D;" never was."""
    registry = materialise(EXAMPLES / "valid" / "full-paper", tmp_path)
    for i, name in enumerate(["&ampx; Net", "&copyright; Net", "R&D; Net", "A &amp; B"]):
        (registry / "datasets" / f"d{i}.yaml").write_text(f'id: d{i}\nname: "{name}"\n',
                                                           encoding="utf-8")
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert [(d.code, d.file) for d in report.diagnostics] == [
        ("Q015", "registry/datasets/d3.yaml")]


@pytest.mark.parametrize(("text", "hidden"), [
    ("علی\u200cرضا", False),  # Persian: the non-joiner is spelling
    ("ශ්\u200dරී", False),  # Sinhala "Sri": the joiner makes the conjunct
    ("BE\u200cRT", True),  # between Latin letters it only makes two names of one
    ("\u200cعلی", True), ("علی\u200c", True),  # at an end it joins nothing
    ("a\u200dب", True), ("ی\u200d\u200dر", True),
    # helper-97: digits, punctuation and marks on a Latin letter are no letters that join
    ("١\u200d٢", True), ("،\u200d١", True), ("।\u200d।", True), ("BERT\u0651\u200dب", True),
    ("BE\u180b\u200d\u180bRT", True), ("BE\u180bRT", True), ("BERT\ufe0f", True),
])
def test_joiners_are_text_only_between_letters_of_joining_scripts(text: str, hidden: bool
                                                                 ) -> None:
    assert (load.find_invisible(text) is not None) is hidden
    assert (load.without_hidden(text) != text) is hidden
    assert ids.fold(text) == ids.fold(text.replace("\u200c", "").replace("\u200d", ""))


def test_a_long_file_of_many_names_after_a_joiner_is_checked_in_linear_time(
        tmp_path: Path) -> None:
    """helper-103: a title holding a (legal) joiner sends the file to the written-plainly check
    (Y021), which searched the whole text once for each name a result gives: 2,900 results
    after a 1 MB abstract took 12 minutes. A name is asked once, from its first place."""
    registry = materialise(BASE, tmp_path)
    words = "lorem ipsum dolor sit amet " * 12_000
    abstract = "".join(f"  {words[i:i + 96].strip()}\n" for i in range(0, len(words), 96))
    results = "".join(f"  - task: stock-market-prediction\n    dataset: astock\n    model: M{r}\n"
                      f"    metrics:\n      accuracy: {r % 90 + 1}\n" for r in range(1500))
    paper = registry / "papers" / "95" / "big.yaml"
    paper.parent.mkdir(parents=True, exist_ok=True)
    paper.write_text(f'id: big\ntitle: "Persian model علی\u200cرضا"\ndate: "2021-01-01"\n'
                     f"abstract: >-\n{abstract}tasks:\n  - stock-market-prediction\n"
                     f"results:\n{results}", encoding="utf-8")
    report = validate(Options(registry=registry, paths=[paper], today=TODAY, jobs=1))
    assert report.errors == 0, report.diagnostics[:3]


def test_a_name_far_after_its_key_on_its_line_is_written_plainly(tmp_path: Path) -> None:
    """helper-105: searching from 64 characters before a name's first place, a name written 100
    spaces after its key ("dataset:" then the name, as YAML allows) was taken as not written
    plainly (Y021, an error) in a file the check reads (a joiner in its title). The search
    starts at the line of the name's first place."""
    registry = materialise(BASE, tmp_path)
    paper = registry / "papers" / "3e" / "spaced.yaml"
    paper.parent.mkdir(parents=True, exist_ok=True)
    paper.write_text('id: spaced\ntitle: "Persian model علی\u200cرضا"\ndate: "2021-01-01"\n'
                     "tasks:\n  - stock-market-prediction\nresults:\n"
                     "  - task: stock-market-prediction\n    dataset:" + " " * 100 + "astock\n"
                     "    model: M\n    metrics:\n      accuracy: 50\n", encoding="utf-8")
    report = validate(Options(registry=registry, paths=[paper], today=TODAY, jobs=1))
    assert not [d for d in report.diagnostics if d.code == "Y021"], report.diagnostics
    assert report.errors == 0, report.diagnostics
