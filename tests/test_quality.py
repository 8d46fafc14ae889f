"""The quality rules (Q001–Q010) on real cases from the shipped registry, and on the real titles
and names they must leave alone. tests/examples/invalid/Q00* hold one case of each."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pwc_registry.check import title_problem
from pwc_registry.ids import abbreviates, name_keys, undated
from pwc_registry.validate import Options, validate

from conftest import REPO, TODAY, count_calls
from examples import materialise
from registry_builder import result, write


@pytest.mark.parametrize(("title", "code"), [
    # registry/papers/ab/xiaodong-liu-et-al-19.yaml: MT-DNN, #1 on SNLI
    ("Xiaodong Liu et al. '19", "Q002"),
    ("Dhingra et al, ICLR 2020", "Q002"),  # registry/papers/06/dhingra-et-al-iclr-2020.yaml
    ("Yang, Qi, Zhang, et al. 2018", "Q002"),  # registry/papers/0e/yang-qi-zhang-et-al-2018.yaml
    ("Nie  et al., EMNLP'2019", "Q002"),  # registry/papers/dc/nie-et-al-emnlp-2019.yaml
    ("Smith et al. (2020)", "Q002"),
    ("Wang & Jiang '15", "Q002"),  # registry/papers/1b/wang-jiang-15.yaml
    ("Munkhdalai & Yu '16b", "Q002"),  # registry/papers/b0/munkhdalai-yu-16b.yaml
    ("[10]", "Q002"),  # registry/papers/b1/10.yaml
    ("[13] [code]", "Q002"),  # registry/papers/e5/13-code.yaml
    ("https://arxiv.org/pdf/1908.00059.pdf", "Q003"),  # registry/papers/ce/https-arxiv-org-...
    ("https://www.6estates.com", "Q003"),  # registry/papers/1d/https-www-6estates-com.yaml
    ("www.example.org/paper", "Q003"),
    # registry/papers/84/contextual-string-embeddings-for-sequence-labeling-http-aclweb-...
    ("Contextual String Embeddings for Sequence Labeling](http://aclweb.org/anthology/C18-1139)",
     "Q004"),
    ("A Neural Attention Model for Sentence Summarization *", "Q004"),  # registry/papers/58/...
    ("Attention is *all* you need", "Q004"),
    ("Attention is __all__ you need", "Q004"),
    ("The `transformers` library", "Q004"),
])
def test_titles_that_are_not_titles(title: str, code: str) -> None:
    found = title_problem(title)
    assert found is not None and found[0] == code, found


@pytest.mark.parametrize("title", [
    "LERT: A Linguistically-motivated Pre-trained Language Model",
    "Universal Language Model Fine-tuning for Text Classification",
    "Mask R-CNN", "Deep Fried Convnets", "CCRL 40/40 - Index", "ILSVRC2016 Results",
    "A* Sampling",  # arXiv 1411.0030
    "[Re] Can gradient clipping mitigate label noise?",  # ReScience C 6(2), 2020
    "Learning the Difference that Makes a Difference with Counterfactually-Augmented Data",
    "XLNet: Generalized Autoregressive Pretraining for Language Understanding",
    "What do you learn from context? Probing for sentence structure in contextualized word "
    "representations", "snake_case and CamelCase in source code",
    "On the 'Rise' of Transformers in 2020",
])
def test_real_titles_are_left_alone(title: str) -> None:
    assert title_problem(title) is None


@pytest.mark.parametrize(("model", "folded"), [
    ("ULMFiT (2018)", "ulmfit"),
    ("AWD-LSTM + dynamic eval * (2017)", "awd-lstm + dynamic eval"),  # registry/papers/a1/...
    ("Joint Bi-LSTM ♦ (2017)", "joint bi-lstm"),  # registry/papers/39/a-novel-neural-network...
    ("+ELMo (2017) (2018)", "+elmo"),  # registry/papers/56/deep-contextualized-word-...
    ("A3C FF (1 day) hs", "a3c ff (1 day) hs"),  # a parenthesis that is no year stays
    ("GPT-3 (175B)", "gpt-3 (175b)"),
    ("A*", "a*"),  # a mark only counts after a space
])
def test_undated_drops_trailing_years_and_footnote_marks(model: str, folded: str) -> None:
    assert undated(model) == folded


def _codes(registry: Path) -> list[tuple[str, str]]:
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    return [(d.file, d.code) for d in report.diagnostics]


def test_placeholder_in_an_alias_is_reported_and_in_a_description_not(tmp_path: Path) -> None:
    """Descriptions are prose the site shows as such (registry/tasks/ has two, from
    NLP-progress's temporal processing page); names and titles are what people search for."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "dataset", {"id": "conll-2014", "name": "CoNLL-2014 Shared Task",
                                "aliases": ["F wzxhzdk:0βwzxhzdk:1"],
                                "description": "Models are scored by Fwzxhzdk:0βwzxhzdk:1."})
    assert _codes(registry) == [("registry/datasets/conll-2014.yaml", "Q001")]


def test_same_values_on_other_boards_or_one_metric_are_not_duplicates(tmp_path: Path) -> None:
    """Atari scores repeat by chance: registry/papers/c8/dueling-network-architectures-for-deep-
    reinforcement-learning.yaml has "DDQN (tuned) noop" and "Prior+Duel noop" at one score."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "paper", {"id": "dueling", "title": "Dueling Network Architectures",
                              "results": [
                                  result("stock-market-prediction", "astock", "DDQN (tuned) noop",
                                         accuracy=21.0),
                                  result("stock-market-prediction", "astock", "Prior+Duel noop",
                                         accuracy=21.0),
                                  result("stock-trend-prediction", "astock", "Duel (2016)",
                                         accuracy=21.0, precision=3.0),
                                  result("stock-market-prediction", "astock", "Duel",
                                         accuracy=21.0, precision=3.0),
                                  result("stock-market-prediction", "astock", "Duel (2015)",
                                         accuracy=21.0, precision=3.0, split="dev")]})
    assert _codes(registry) == []


def test_a_subtasks_rows_count_for_the_parents_benchmark(tmp_path: Path) -> None:
    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "metric", {"id": "mcc", "name": "MCC", "direction": "higher"})
    write(registry, "dataset", {"id": "acl18", "name": "ACL18"})
    write(registry, "paper", {"id": "trend", "title": "A Trend Paper", "results": [
        result("stock-trend-prediction", "acl18", "Model", mcc=0.2, accuracy=55.0)]})
    benchmark = {"id": "stock-market-prediction--acl18", "task": "stock-market-prediction",
                 "dataset": "acl18", "primary_metric": "mcc"}
    write(registry, "benchmark", benchmark)
    assert _codes(registry) == []
    write(registry, "benchmark", {**benchmark, "primary_metric": "f1-score"})
    assert _codes(registry) == [("registry/benchmarks/stock-market-prediction--acl18.yaml",
                                 "Q007")]
    write(registry, "benchmark", {**benchmark, "primary_metric": "matthews"})  # unknown: R001
    assert _codes(registry) == [("registry/benchmarks/stock-market-prediction--acl18.yaml",
                                 "R001")]


def _listed_warnings(page: str) -> dict[str, int]:
    """The table of docs/registry-warnings.md: warnings by code."""
    block = re.search(r"<!-- warnings by code: begin -->\n(.*?)<!-- warnings by code: end -->",
                      page, re.S)
    assert block is not None, "docs/registry-warnings.md lost its markers"
    rows = re.findall(r"^\| ([A-Z][0-9]{3}) \| ([0-9,]+) \|", block.group(1), re.M)
    return {code: int(count.replace(",", "")) for code, count in rows}


def test_every_warning_of_the_shipped_registry_has_its_decision_written() -> None:
    """A warning code, or more warnings of a code, than docs/registry-warnings.md lists with the
    decision it needs: whoever added them writes the decision (or fixes the data)."""
    report = validate(Options(registry=REPO / "registry"))
    found = Counter(d.code for d in report.diagnostics if d.severity == "warning")
    page = (REPO / "docs" / "registry-warnings.md").read_text(encoding="utf-8")
    assert dict(found) == _listed_warnings(page), (
        "update the table in docs/registry-warnings.md (and the decision each code needs)")


def test_the_warnings_table_is_read_as_written() -> None:
    page = ("<!-- warnings by code: begin -->\n| code | warnings | the decision |\n|---|---|---|\n"
            "| V008 | 1,057 | a direction |\n| Q002 | 3 | the title |\n"
            "<!-- warnings by code: end -->\n")
    assert _listed_warnings(page) == {"V008": 1057, "Q002": 3}


def test_shipped_registry_is_curated() -> None:
    """What issue 13 asks of the shipped registry: no row listed twice (Q005), no entity filed
    twice under another form of its name (Q010), no name holding the extractor's placeholder
    (Q001). The warnings left are listed, with the decision
    each needs, in docs/registry-warnings.md (tests/test_registry.py keeps it current)."""
    # The shipped registry's corrections carry the day they were made: judged against today.
    report = validate(Options(registry=REPO / "registry"))
    codes = {d.code for d in report.diagnostics}
    assert not codes & {"Q001", "Q005", "Q010"}
    assert report.errors == 0


def test_every_metric_where_lower_is_better_has_its_least_value() -> None:
    """A value below what a metric can take (a negative error rate, a perplexity under 1)
    would lead a board where lower is better: the shipped metrics say their least value, so
    the validator (V002) and the importers (A054) refuse it (helper-70: WER had none)."""
    lower = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
             for path in sorted((REPO / "registry" / "metrics").glob("*.yaml"))}
    lower = {name: m for name, m in lower.items() if m.get("direction") == "lower"}
    assert len(lower) >= 14
    assert [name for name, m in lower.items() if "min" not in (m.get("range") or {})] == []


@pytest.mark.parametrize("title", ["et al " * 10_000, "[" * 50_000, "[a" * 25_000,
                                   "**a " * 12_000, " *" * 25_000 + "a"])
def test_a_long_hostile_title_is_read_in_linear_time(title: str) -> None:
    """Every paper's title is classified on the validator's hot path; a title is any length."""
    import time

    start = time.perf_counter()
    title_problem(title)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(("short", "long"), [
    ("ASR", "Automatic speech recognition"),  # registry/tasks/automatic-speech-recognition-asr
    ("CoQA", "Conversational Question Answering Challenge"),  # registry/datasets/coqa-...
    ("SQuAD", "Stanford Question Answering Dataset"),
])
def test_abbreviations_spelt_out(short: str, long: str) -> None:
    assert abbreviates(short, long)


@pytest.mark.parametrize(("part", "name"), [
    # What the shipped registry's names put in parentheses that is not their abbreviation.
    ("English", "CoNLL 2003"),  # registry/datasets/conll-2003-english.yaml
    ("per-class", "MSRC-21 image semantic labelling"),
    ("pairs", "Visual Genome"),  # registry/datasets/visual-genome-pairs.yaml
    ("10k training examples", "bAbi 20 QA"),
    ("Quasar-T", "EM"),  # registry/metrics/em-quasar-t.yaml
    ("Perplexity when parsing English sentences", "Penn Treebank"),
])
def test_other_parentheses_are_not_abbreviations(part: str, name: str) -> None:
    assert not abbreviates(part, name) and not abbreviates(name, part)


@pytest.mark.parametrize("name", ["a " * 5_000 + "(aaaaaaaaab)", "a " + "(" * 50_000 + ")",
                                  "x" * 50_000 + " (" + "y " * 25_000 + ")"])
def test_a_long_hostile_name_is_read_quickly(name: str) -> None:
    start = time.perf_counter()
    name_keys(name)
    assert time.perf_counter() - start < 0.5


def test_names_the_same_but_for_form_are_reported_on_both(tmp_path: Path) -> None:
    """The shipped registry had CoQA twice (registry/datasets/coqa.yaml, from the datasets
    dump, and the evaluation tables' "CoQA (Conversational Question Answering Challenge)"); an
    alias counts as a name. Names that only share letters are left alone: VCR's "Q->AR" and
    "QA->R" (registry/metrics/q-ar.yaml, qa-r.yaml) are two metrics."""
    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "dataset", {"id": "coqa", "name": "CoQA"})
    write(registry, "dataset", {"id": "coqa-challenge", "name": "CoQA challenge set",
                                "aliases": ["CoQA (Conversational Question Answering "
                                            "Challenge)"]})
    write(registry, "metric", {"id": "q-ar", "name": "Q->AR", "direction": "higher"})
    write(registry, "metric", {"id": "qa-r", "name": "QA->R", "direction": "higher"})
    assert _codes(registry) == [("registry/datasets/coqa-challenge.yaml", "Q010"),
                                ("registry/datasets/coqa.yaml", "Q010")]
    # Merged as scripts/merge_entities.py merges them: one id, the other name an alias.
    (registry / "datasets" / "coqa-challenge.yaml").unlink()
    write(registry, "dataset", {"id": "coqa", "name": "CoQA", "aliases": [
        "CoQA (Conversational Question Answering Challenge)"]})
    assert _codes(registry) == []


def test_many_entities_of_one_near_name_give_one_warning_each(tmp_path: Path) -> None:
    """300 datasets named "Same:", "Same::"...: Q010 was reported once per ordered pair
    (89,700 warnings; 999,000 at 1,000, 1.3 GB of output, found by fuzzing). One an entity,
    naming the first other and counting the rest."""
    from examples import materialise
    from registry_builder import write

    registry = materialise(Path("/nonexistent"), tmp_path)
    for i in range(300):
        write(registry, "dataset", {"id": f"same-{i:03}", "name": "Same" + ":" * (i + 1)})
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    near = [d for d in report.diagnostics if d.code == "Q010"]
    assert len(near) == 300
    assert near[0].message.startswith("dataset 'same-000' is named 'Same:', and dataset "
                                      "'same-001'")
    assert "(and 298 other datasets: 'same-002', 'same-003', 'same-004', ...)" in near[0].message


def test_diagnostics_about_many_files_name_a_few(tmp_path: Path) -> None:
    """1,000 papers with one arXiv id, or a cycle of 300 tasks: each diagnostic listed every
    other file, or the whole cycle (68 MB and 87 MB of report from small inputs, found by
    fuzzing). A few are named, and the rest counted."""
    from examples import materialise
    from registry_builder import paper, write

    registry = materialise(Path("/nonexistent"), tmp_path)
    for i in range(200):
        paper(registry, f"copy-{i:03}", "2022-11-10", [], identifiers={"arxiv": "2211.05344"})
    for i in range(300):
        write(registry, "task", {"id": f"loop-{i:03}", "name": f"Loop {i}",
                                 "parent": f"loop-{(i - 1) % 300:03}"})
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    shared = [d for d in report.diagnostics if d.code == "I003"]
    assert len(shared) == 201 and all(d.message.endswith(" more") for d in shared)
    assert max(len(d.message) for d in shared) < 300
    cycle = [d for d in report.diagnostics if d.code == "R003"]
    assert len(cycle) == 300 and all("(300 tasks)" in d.message for d in cycle)
    assert max(len(d.message) for d in cycle) < 200


def test_a_file_gets_a_bounded_number_of_did_you_mean_hints(tmp_path: Path) -> None:
    """One paper naming 10,000 unknown datasets kept validate busy for minutes, each name
    searched for among every dataset's id, name and alias (found by fuzzing). A file gets
    the first SUGGESTED hints; the rest say what to add."""
    from pwc_registry.check import SUGGESTED

    from examples import materialise
    from registry_builder import paper, result, write

    registry = materialise(Path("/nonexistent"), tmp_path)
    for j in range(20):
        write(registry, "dataset", {"id": f"benchmark-corpus-{j}", "name": f"Corpus {j}"})
    paper(registry, "unknowns", "2024-01-01", [
        result("stock-market-prediction", f"benchmark-corpus-x{i}", "M", accuracy=50)
        for i in range(SUGGESTED + 40)])
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    unknown = [d for d in report.diagnostics if d.code == "R001"]
    assert len(unknown) == SUGGESTED + 40
    hinted = [d for d in unknown if (d.hint or "").startswith("did you mean")]
    assert len(hinted) == SUGGESTED
    assert all((d.hint or "").startswith("add registry/datasets/") for d in unknown
               if d not in hinted)


def test_an_escaped_name_is_found_even_where_a_longer_word_holds_it(tmp_path: Path) -> None:
    """`dataset: "\\x61stock"` beside `model: astocks`: Y021 looked for "astock" anywhere in
    the text and found it inside "astocks", which `git grep -w` does not (found by an
    attack). A name is looked for as a whole word, on its field's line."""
    from examples import materialise
    from registry_builder import paper, result

    registry = materialise(Path("/nonexistent"), tmp_path)
    path = paper(registry, "hidden", "2023-01-10", [
        result("stock-market-prediction", "astock", "astocks", accuracy=60.1)])
    path.write_text(path.read_text().replace("dataset: astock", 'dataset: "\\x61stock"'))
    assert '"\\x61stock"' in path.read_text()
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert [(d.code, d.pointer) for d in report.diagnostics if d.code == "Y021"] == [
        ("Y021", ("results", 0, "dataset"))]


def _pairs_by_scan(results: list[dict[str, Any]], indices: list[int]
                   ) -> list[tuple[str, int, int]]:
    """The rule as first written (each result against every earlier one of its values): the
    oracle for the one-lookup version."""
    from pwc_registry.check import values_key

    by_values: dict[Any, list[int]] = {}
    out = []
    for i in indices:
        values = values_key(results[i]["metrics"])
        earlier = by_values.setdefault(values, [])
        for j in earlier:
            if undated(results[j]["model"]) == undated(results[i]["model"]):
                out.append(("Q005", i, j))
                break
            if len(values) > 1:
                out.append(("Q006", i, j))
                break
        earlier.append(i)
    return out


@given(st.lists(st.tuples(st.sampled_from(["A", "A (2018)", "B", "B*", "C", "a"]),
                          st.sampled_from([{"m": 1}, {"m": 2}, {"m": 1, "n": 2},
                                           {"m": 2, "n": 2}])), max_size=12))
def test_duplicate_rows_are_found_as_by_a_scan_of_every_earlier_row(
        rows: list[tuple[str, dict[str, int]]]) -> None:
    from pwc_registry.check import same_value_pairs

    results = [{"model": name, "metrics": dict(metrics)} for name, metrics in rows]
    indices = list(range(len(results)))
    assert list(same_value_pairs(results, indices)) == _pairs_by_scan(results, indices)


def test_duplicate_rows_cost_one_lookup_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """helper-79: 34,450 rows of one value and distinct names took `pwc validate` 11 minutes
    (each row compared with every earlier one): each row now names itself once."""
    from pwc_registry import check

    calls = count_calls(monkeypatch, check, "undated")
    results = [{"model": f"{i:x}", "metrics": {"m": 1}} for i in range(3000)]
    assert list(check.same_value_pairs(results, list(range(3000)))) == []
    assert calls() == 3000


def _near_names_by_scan(entries: list[Any]) -> dict[str, tuple[str, int]]:
    """Q010 as first written (each entity against every other holder of each of its names):
    the oracle, as (the first other's id, how many others) by entity."""
    from pwc_registry.ids import fold

    holders: dict[tuple[str, str], dict[str, tuple[Any, str]]] = {}
    for entry in entries:
        names = ([entry.name] if entry.name else []) + list(entry.aliases)
        for name in names:
            for key in name_keys(name):
                holders.setdefault((entry.kind, key), {}).setdefault(entry.id, (entry, name))
    out: dict[str, tuple[str, int]] = {}
    for entry in entries:
        shared = [by_id for by_id in holders.values() if entry.id in by_id and len(by_id) > 1]
        if not shared:
            continue
        name = shared[0][entry.id][1]
        others = sorted({b.id for by_id in shared for b, nb in by_id.values()
                         if b.id != entry.id and fold(name) != fold(nb)})
        if others:
            out[entry.id] = (others[0], len(others) - 1)
    return out


@given(st.lists(st.sampled_from(["Same", "same", "Same:", "SAME-", "Other", "Same (S)", "S"]),
                min_size=2, max_size=9))
def test_near_names_are_found_as_by_a_scan_of_every_other(names: list[str]) -> None:
    from pwc_registry.check import check_near_names
    from pwc_registry.vocabulary import Entry

    entries = [Entry("dataset", f"d{i}", f"registry/datasets/d{i}.yaml", name)
               for i, name in enumerate(names)]
    found = check_near_names(entries, lambda file, pointer: (1, 1))
    expected = _near_names_by_scan(entries)
    assert sorted(d.file.split("/")[-1][:-5] for d in found) == sorted(expected)
    for d in found:
        entity = d.file.split("/")[-1][:-5]
        first, more = expected[entity]
        assert f"dataset '{first}' (" in d.message, (d.message, first)
        if "at least" not in d.message:
            assert (f"and {more} other" in d.message) == (more > 0), (d.message, more)


@pytest.mark.parametrize(("value", "hint"), [
    (0.07, "if the paper says 7%, write 7"),  # not 7.000000000000001, as floats multiply
    (0.765, "if the paper says 76.5%, write 76.5"),
    (0.123456789, "if the paper says 12.3456789%, write 12.3456789"),  # was 12.3457
    (1e-300, "check the value and its unit against the paper"),  # no percent to offer
])
def test_a_fraction_on_a_percent_metric_is_offered_as_its_percent(tmp_path: Path, value: float,
                                                                 hint: str) -> None:
    from registry_builder import paper

    registry = materialise(Path("/nonexistent"), tmp_path)
    paper(registry, "tiny", "2021-01-01", [
        result("stock-market-prediction", "astock", "M", accuracy=value)])
    report = validate(Options(registry=registry, today=TODAY, jobs=1))
    [found] = [d for d in report.diagnostics if d.code == "V003"]
    assert found.hint == hint
