"""The schemas are well formed and documented, and the fast validator agrees with the rich one."""

from __future__ import annotations

import copy
import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from pwc_registry import canonical, layout, load, schema
from pwc_registry.check import check_record
from pwc_registry.diagnostics import count
from pwc_registry.patterns import schema_file
from pwc_registry.vocabulary import Vocabulary

from conftest import REPO, TODAY
from examples import BASE, EXAMPLES, cases, materialise


def _properties(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{path}.{name}", sub
        for key, sub in node.items():
            yield from _properties(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{path}[{i}]")


@pytest.mark.parametrize("kind", layout.KINDS)
def test_schema_is_draft_2020_12_with_id_descriptions_and_closed_objects(kind: str) -> None:
    s = schema.schema(kind)
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].endswith(f"/{kind}.schema.json")
    assert s["examples"]
    for path, prop in _properties(s):
        assert prop.get("description"), f"{kind}{path} has no description"

    def closed(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, node.get("description")
            for sub in node.values():
                closed(sub)
        elif isinstance(node, list):
            for sub in node:
                closed(sub)

    closed(s)
    for sample in s["examples"]:
        assert schema.is_valid(kind, sample)


def _keyword(node: Any, keyword: str) -> Iterator[str]:
    """Every value of ``keyword`` in a schema, however deep."""
    if isinstance(node, dict):
        for key, sub in node.items():
            if key == keyword and isinstance(sub, str):
                yield sub
            else:
                yield from _keyword(sub, keyword)
    elif isinstance(node, list):
        for sub in node:
            yield from _keyword(sub, keyword)


def _patterns(node: Any) -> Iterator[str]:
    return _keyword(node, "pattern")


@pytest.mark.parametrize("kind", layout.KINDS)
def test_patterns_use_only_what_every_engine_reads_alike(kind: str) -> None:
    """ECMA-262 (what JSON Schema means, and editors use), Python's re and Rust's regex define
    `\\s`, `\\d`, `\\w` and `\\b` over different sets of characters; a lookaround makes
    jsonschema-rs three times slower. `$` is read as ECMA-262 reads it (patterns.ecma)."""
    patterns = list(_patterns(schema.schema(kind)))
    assert patterns
    for pattern in patterns:
        assert pattern.startswith("^") and pattern.endswith("$"), pattern
        for construct in ("\\s", "\\S", "\\d", "\\D", "\\w", "\\W", "\\b", "(?=", "(?!", "(?<"):
            assert construct not in pattern, (pattern, construct)


@pytest.mark.parametrize("kind", layout.KINDS)
def test_every_reference_is_written_in_and_the_common_forms_are_defined_once(kind: str) -> None:
    """No validator looks a reference up (a `$ref` left would be fetched from the schema's
    address); each id, date and address form is written once, in common.schema.json, which
    the tools' own checks of those forms read too (the validator's hints once matched a copy
    of the id pattern by its text)."""
    from pwc_registry import dates, patterns

    assert not list(_keyword(schema.schema(kind), "$ref"))
    written = patterns.schema_file(f"{kind}.schema.json")
    common = {d["pattern"] for d in patterns.schema_file(patterns.COMMON)["$defs"].values()}
    assert not common & set(_patterns(written)), "a common form copied instead of referred to"
    assert layout.SLUG is patterns.ecma(patterns.defined("id"))
    assert dates.DAY_OR_MONTH is patterns.ecma(patterns.defined("day-or-month"))


#: Modules whose text holds a common form's pattern for another thing: a dump's file name that
#: starts with a date (its own convention, not a registry value).
_OTHER_THINGS = {"archive/discover.py": {"day"}}


def test_no_module_copies_a_common_form() -> None:
    """Each form is written once, in common.schema.json: the tools compose their patterns
    from patterns.py (six copies of the arXiv id's, one with another letter case, and three of
    a day's were found by helper-71)."""
    from pwc_registry import patterns

    forms = patterns.schema_file(patterns.COMMON)["$defs"]
    found = []
    for path in sorted((REPO / "src" / "pwc_registry").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(REPO / "src" / "pwc_registry").as_posix()
        found += [(name, form) for form, d in forms.items()
                  if d["pattern"].removeprefix("^").removesuffix("$") in text
                  and form not in _OTHER_THINGS.get(name, set())]
    assert found == []


def test_a_reference_to_a_common_form_keeps_what_the_referring_node_adds() -> None:
    paper = schema.schema("paper")["properties"]["id"]
    assert paper["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$" and paper["maxLength"] == 200
    assert paper["description"] == "The paper's id; the file's name."
    assert not schema.is_valid("paper", {"id": "Not-A-Slug", "title": "T"})
    assert not schema.is_valid("paper", {"id": "a\n", "title": "T"})  # `$` is the end
    assert schema.is_valid("paper", {"id": "a-1", "title": "T"})


def test_fast_and_rich_validators_agree_on_every_example_file() -> None:
    checked = 0
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        kind = layout.kind_of(path.parts[path.parts.index("registry") + 1:])
        doc = load.read_rich(path.name, path.read_bytes()) if path.is_file() else None
        if kind is None or doc is None or doc.data is None:
            continue
        rich_ok = not list(schema.rich_validator(kind).iter_errors(doc.data))
        assert schema.is_valid(kind, doc.data) == rich_ok, path
        checked += 1
    assert checked > 30


# --- one verdict: what the validator reports and what the compilers leave out ------------------
#
# The compilers keep exactly the records `schema.is_valid` (jsonschema-rs) accepts; `pwc validate`
# explains with jsonschema. Documents made from valid files by changing a value, a key or a type
# (strings with line breaks and odd spaces, Unicode, big numbers, nested junk) must get one verdict
# from both engines, and a record the compilers would leave out must never validate clean.

_SEED_FILES = sorted(
    p for root in (BASE / "registry", *(c / "registry" for c in cases("valid")), REPO / "registry")
    for p in root.rglob("*.yaml") if p.is_file() and not p.is_symlink())


@functools.cache
def _seed(index: int) -> tuple[str, dict[str, Any]]:
    path = _SEED_FILES[index]
    kind = layout.kind_of(path.parts[len(path.parts) - 1 - path.parts[::-1].index("registry") + 1:])
    data = load.read_rich(path.name, path.read_bytes()).data
    assert kind is not None and isinstance(data, dict), path
    return kind, data


_EDGES = ["\n", "\r\n", " ", "\t", "\x85", "\u2028", "\ufeff", "\xa0", "\u3000", "\x1c", "\x7f"]
_junk_text = st.text(alphabet=st.sampled_from(
    [*(e for e in _EDGES if len(e) == 1), "\r", "a", "z", "0", "9", "-", ".", "/", ":", "_", "A",
     "é", "Ａ", "ß", "İ", "\u0301", "😀", "\u200b", "\u202e", "h", "t", "p", "s"]), max_size=12)
_big_numbers = st.one_of(
    st.integers(), st.integers(15, 330).map(lambda k: 10 ** k), st.integers(15, 330).map(
        lambda k: -(10 ** k) - 1), st.sampled_from([2 ** 53 + 1, 2 ** 63, 2 ** 64, 1900, 2100, 0]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, 5e-324, -0.0, 1.0]))
_junk = st.recursive(
    st.one_of(st.none(), st.booleans(), _big_numbers, _junk_text),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(_junk_text, inner, max_size=3)),
    max_leaves=6)


def _pointers(node: Any, pointer: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield pointer
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _pointers(value, (*pointer, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _pointers(value, (*pointer, i))


def _at(data: Any, pointer: tuple[Any, ...]) -> Any:
    for part in pointer:
        data = data[part]
    return data


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    kind, seed = _seed(draw(st.integers(0, len(_SEED_FILES) - 1)))
    data = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["edge", "edge", "replace", "delete", "extra", "number"]))
        pointers = list(_pointers(data))
        strings = [p for p in pointers if isinstance(_at(data, p), str)]
        pointer = draw(st.sampled_from(strings if action == "edge" and strings else pointers))
        parent = _at(data, pointer[:-1])
        here = _at(data, pointer)
        if action == "edge" and isinstance(here, str):
            edge = draw(st.sampled_from(["\n", *_EDGES]))  # the line break most of all
            new: Any = draw(st.sampled_from([here + edge, edge + here, here.upper(), ""]))
        elif action == "number":
            new = draw(_big_numbers)
        elif action == "extra" and isinstance(here, dict):
            here[draw(_junk_text)] = draw(_junk)
            continue
        elif action == "delete" and pointer and isinstance(parent, (dict, list)):
            del parent[pointer[-1]]
            continue
        else:
            new = draw(_junk)
        if pointer:
            parent[pointer[-1]] = new
        elif isinstance(new, dict):
            data = new
    return kind, data


_LINE_BREAK_AREA = ("area", {"id": "computer-vision\n", "name": "Computer Vision"})
_LINE_BREAK_URL = ("paper", {"id": "p", "title": "P", "code": [{"url": "https://x.org/y\n"}]})


@settings(max_examples=int(os.environ.get("PWC_FUZZ_EXAMPLES", "300")), deadline=None)
@given(_mutated())
@example(_LINE_BREAK_AREA)
@example(_LINE_BREAK_URL)
def test_both_engines_give_one_verdict_on_generated_documents(
        document: tuple[str, dict[str, Any]]) -> None:
    kind, data = document
    rich_ok = not list(schema.rich_validator(kind).iter_errors(data))
    assert schema.is_valid(kind, data) == rich_ok, data


@settings(max_examples=int(os.environ.get("PWC_FUZZ_EXAMPLES", "300")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_mutated())
@example(document=_LINE_BREAK_URL)
def test_a_record_the_compilers_leave_out_never_validates_clean(
        tmp_path: Path, document: tuple[str, dict[str, Any]]) -> None:
    """Written as a file and validated as `pwc validate` does: an error whenever the compilers'
    `schema.is_valid` rejects the record, and no schema diagnostic when it accepts it."""
    kind, data = document
    registry = tmp_path / "registry"
    if not registry.exists():
        shutil.copytree(BASE / "registry", registry)
    record_id = data.get("id") if isinstance(data.get("id"), str) else "x"
    path = registry / layout.relative_path(kind, layout.slugify(record_id) or "x")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(canonical.dump(data, kind), encoding="utf-8")
    file = layout.RegistryFile(layout.display_name(registry, path), str(path), kind)
    doc = load.read(file.name, path.read_bytes())
    found = check_record(file, doc, Vocabulary(layout.discover_entities(registry), lambda: ()),
                         TODAY)
    path.unlink()
    if doc.data is None:  # the readers refuse what the writer wrote: reported, never compiled
        assert count(found, "error"), found
        return
    assert doc.data == data  # the canonical writer keeps every value
    if schema.is_valid(kind, doc.data):
        assert not [d for d in found if d.code.startswith("S")], found
    else:
        assert count(found, "error"), found


def test_a_record_only_the_fast_validator_rejects_is_still_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety net: were the explaining validator to find nothing wrong with a record the
    compilers leave out (the two engines reading a keyword apart), `pwc validate` still says
    the record fails, at the top of the file, instead of passing it clean."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    path = registry / "areas" / "vision.yaml"
    path.write_text("id: vision\nname: Vision\n", encoding="utf-8")

    class Blind:
        def iter_errors(self, _: Any) -> Iterator[Any]:
            return iter(())

    monkeypatch.setattr(schema, "rich_validator", lambda kind: Blind())
    monkeypatch.setattr(schema, "is_valid", lambda kind, data: kind != "area")
    file = layout.RegistryFile("registry/areas/vision.yaml", str(path), "area")
    found = check_record(file, load.read(file.name, path.read_bytes()),
                         Vocabulary(layout.discover_entities(registry), lambda: ()), TODAY)
    assert [(d.code, d.line, d.column) for d in found] == [("S004", 1, 1)]
    assert "does not pass the area schema" in found[0].message


def test_a_key_left_empty_by_a_line_indented_too_little_says_so() -> None:
    """`bleu` at the level of `metrics:` leaves metrics null: the message said "got null null"
    and nothing of indentation."""
    text = ("id: x\ntitle: T\ndate: \"2023-01-05\"\nresults:\n  - task: t\n    dataset: d\n"
            "    model: m\n    metrics:\n    bleu: 30.1\n")
    doc = load.read_rich("registry/papers/aa/x.yaml", text.encode())
    found = {d.code: d for d in schema.explain("paper", doc, "registry/papers/aa/x.yaml")}
    null = found["S003"]
    assert null.message == "results[0].metrics: expected a mapping, got nothing (null)"
    assert (null.line, null.column) == (8, 13)
    assert "indented further than the key" in (null.hint or "")


def test_the_benchmark_id_limit_is_the_one_the_validator_and_importers_use() -> None:
    import json

    from pwc_registry.ids import MAX_BENCHMARK_ID

    text = (REPO / "src" / "pwc_registry" / "schemas" / "benchmark.schema.json").read_text()
    assert json.loads(text)["properties"]["id"]["maxLength"] == MAX_BENCHMARK_ID


@pytest.mark.parametrize("name", ["   ", "\u3000", " \u00a0 "])
def test_a_blank_model_name_or_alias_is_refused(name: str) -> None:
    """helper-59: `model: "   "` passed and showed as an empty cell on the board, in its CSV
    and in the comment. Blank by the portable set of spaces the schemas use for addresses."""
    result = {"task": "t", "dataset": "d", "model": "M", "metrics": {"m": 1}}
    for blank in ({**result, "model": name}, {**result, "aliases": [name]}):
        errors = list(schema.rich_validator("paper").iter_errors(
            {"id": "p", "title": "P", "results": [blank]}))
        assert errors and not schema.is_valid("paper", {"id": "p", "title": "P",
                                                        "results": [blank]})
    assert schema.is_valid("paper", {"id": "p", "title": "P",
                                     "results": [{**result, "model": " a "}]})


@pytest.mark.parametrize(("line", "code", "hint"), [
    # a title with a second ": " is not a mapping in a mapping: quote it (the hint spoke of
    # indentation; helper-65)
    ('title: FinBERT-X: Better "Stock" Prediction', "Y001",
     'the value after \'title:\' holds \': \': quote it, title: '
     '"FinBERT-X: Better \\"Stock\\" Prediction"'),
    ('date: Nov 2022', "S004", 'write "2022-11" (a month is YYYY-MM, a day YYYY-MM-DD, quoted)'),
    ('date: "2022 November"', "S004",
     'write "2022-11" (a month is YYYY-MM, a day YYYY-MM-DD, quoted)'),
    ('date: 11/10/2022', "S004",
     'a date is YYYY-MM-DD, or YYYY-MM when only the month is known, quoted: "2022-11"'),
    ('id: FinBERT-X', "S004", "ids are lowercase letters and digits in words joined by '-': "
     "finbert-x"),
    ('results: [{task: stock-market-prediction, dataset: astock, model: M, metrics: {accuracy: '
     '"68.2"}}]', "V001", "remove the quotes: 68.2"),
    ('results: [{task: stock-market-prediction, dataset: astock, model: M, metrics: {accuracy: '
     '"68,2"}}]', "V001", "a comma is not read as a decimal point: write 68.2 if the paper "
     "means that, or the digits without it if it separates thousands"),
    ('results: [{task: stock-market-prediction, dataset: astock, model: M, metrics: {accuracy: '
     'null}}]', "V001", "write the number, or leave the metric out if the paper gives none"),
    ("results: none", "S003", "write [] for none (or leave the key out)"),
    # the numbers given, not an example's 90.0 (helper-74)
    ('results: [{task: stock-market-prediction, dataset: astock, model: M, metrics: {accuracy: '
     '{value: "67.2 ± 0.5"}}}]', "V001", "write value: 67.2 and spread: 0.5"),
    # bold marks around a number: YAML's alias marker, to YAML (helper-74)
    ('results: [{task: stock-market-prediction, dataset: astock, model: M, metrics: {accuracy: '
     '**79.1**}}]', "Y001", "bold marks are not part of the number: write 79.1"),
    # a correction written inside the result it corrects
    ('results: [{task: stock-market-prediction, dataset: astock, model: M, metrics: {accuracy: 1},'
     ' corrections: []}]', "S002", "corrections: is a list at the top level of the file, beside "
     "results:, each naming the result it corrects (CONTRIBUTING.md)"),
])
def test_a_newcomers_mistake_gets_a_hint_that_fixes_it(line: str, code: str, hint: str,
                                                       tmp_path: Path) -> None:
    text = "id: finbert-x\ntitle: FinBERT-X\ndate: \"2022-11\"\nresults: []\n"
    key = line.split(":")[0]
    text = "".join(line + "\n" if row.startswith(key + ":") else row + "\n"
                   for row in text.splitlines())
    registry = tmp_path / "registry"
    shutil.copytree(BASE / "registry", registry)
    path = registry / layout.relative_path(layout.PAPER, "finbert-x")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    file = layout.RegistryFile(layout.display_name(registry, path), str(path), layout.PAPER)
    doc = load.read(file.name, path.read_bytes())
    found = doc.diagnostics or check_record(
        file, doc, Vocabulary(layout.discover_entities(registry), lambda: ()), TODAY)
    assert [(d.code, d.hint) for d in found if d.code == code] == [(code, hint)]


@pytest.mark.parametrize("written", ["arXiv:2211.05344v2", "2211.05344v3",
                                     "https://arxiv.org/abs/2211.05344"])
def test_an_arxiv_id_written_as_people_write_it_gets_the_id_to_write(written: str) -> None:
    """helper-110: the raw pattern, and no word of what to write."""
    doc = load.read_rich("x.yaml", f'id: x\ntitle: X\nidentifiers:\n  arxiv: "{written}"\n'
                         .encode())
    [found] = schema.explain("paper", doc, "x.yaml")
    assert (found.code, found.hint) == ("S004", 'write "2211.05344": the id alone, without a '
                                        'version or "arXiv:" (its versions are one paper)')


@pytest.mark.parametrize(("url", "arxiv"), [
    ("https://arxiv.org/abs/2211.05344v3", "2211.05344"),
    ("https://ARXIV.ORG/abs/2211.05344", "2211.05344"),  # hosts have no case (helper-112)
    ("https://arxiv.org/html/2211.05344v2", "2211.05344"),
    ("https://export.arxiv.org/pdf/cs/0501001v1", "cs/0501001"),
    ("https://example.org/abs/2211.05344", None)])
def test_an_address_gives_the_arxiv_id_it_names(url: str, arxiv: str | None) -> None:
    from pwc_registry.ids import identifiers_in

    assert identifiers_in(url).get("arxiv") == arxiv


def test_the_site_publishes_the_schemas_where_their_ids_point(shipped_site: Path) -> None:
    """helper-71: resolved against a schema's `$id`, `common.schema.json#/$defs/id` is an
    address of the site, which held no schemas: an editor following the spec could not
    resolve a form. Each schema, with the references between them, resolves from the site."""
    import json

    from referencing import Registry, Resource

    def from_site(uri: str) -> Resource:
        base = "https://papers-with-code-2.github.io/registry/"
        assert uri.startswith(base), uri
        return Resource.from_contents(json.loads((shipped_site / uri[len(base):]).read_text(
            encoding="utf-8")))

    registry: Registry = Registry(retrieve=from_site)  # type: ignore[call-arg]
    for kind in layout.KINDS:
        published = json.loads((shipped_site / "schemas" / f"{kind}.schema.json").read_text(
            encoding="utf-8"))
        assert published == schema_file(f"{kind}.schema.json")
        validator = Draft202012Validator(published, registry=registry)
        errors = list(validator.iter_errors({"id": "Not An Id"}))  # every keyword, refs too
        assert [e.validator for e in errors if list(e.path) == ["id"]] == ["pattern"], kind
