"""Hugging Face model cards and .eval_results files read into Imported batches
(src/pwc_registry/imports/hf_card.py).

Real cards from the corpus (../shared/corpus/hf-model-cards/cards/, see its MANIFEST.tsv), read
where they lie: Intel_bert-base-uncased-mrpc (3.6 KB: two results, verified metrics, a config),
51la5_distilbert-base-NER (1.8 KB: a card copied from another model, naming that one),
MIT_ast-finetuned-speech-commands-v2 (1.4 KB: percent accuracy, one arXiv paper). Hostile cards
are written here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pwc_registry.imports.hf_card import read_card, read_eval_results, read_hf
from pwc_registry.imports.report import ImportReport
from pwc_registry.imports.units import fraction_metrics
from pwc_registry.load import MAX_FILE_BYTES

CARDS = Path("hf-model-cards/cards")


def test_a_card_with_two_results(corpus: Path) -> None:
    batch = read_card(str(corpus / CARDS / "Intel_bert-base-uncased-mrpc_README.md"))
    assert batch.problems == ()
    assert batch.holder is not None
    assert (batch.holder.kind, batch.holder.title, batch.holder.identifiers, batch.holder.url) == (
        "model-card", "Intel/bert-base-uncased-mrpc",
        (("huggingface", "Intel/bert-base-uncased-mrpc"),),
        "https://huggingface.co/Intel/bert-base-uncased-mrpc")
    first, second = batch.results
    assert (first.task, first.dataset, first.split, first.model, first.kind) == (
        "Text Classification", "GLUE MRPC", None, "bert-base-uncased-mrpc", "model-card")
    # The same benchmark named by its Hub type: the configuration tells GLUE's tasks apart.
    assert (second.task, second.dataset, second.split) == (
        "Natural Language Inference", "glue (mrpc)", "validation")
    assert [(v.metric, v.value) for v in first.values] == [
        ("accuracy", 0.8602941176470589), ("f1", 0.9042016806722689)]
    assert first.values[0].origin.line == 23 and first.origin.line == 15
    card = (corpus / CARDS / "Intel_bert-base-uncased-mrpc_README.md").read_text("utf-8")
    line = card.splitlines()[22]
    assert line[first.values[0].origin.column - 1:].startswith("type: accuracy"), line
    assert any(n.startswith("verified by the Hub: accuracy, precision") for n in second.notes)
    assert first.paper is None  # the card names no paper
    # Every accuracy and F1 of the card lies in [0, 1]: the batch rule says fractions.
    assert {"accuracy", "f1", "precision", "recall"} <= fraction_metrics(batch)


def test_a_copied_card_gets_no_hub_id(corpus: Path) -> None:
    # The file is 51la5/distilbert-base-NER; the card names elastic/distilbert-...: neither is
    # certain, so the source has no Hub id.
    batch = read_card(str(corpus / CARDS / "51la5_distilbert-base-NER_README.md"))
    assert batch.holder is not None and batch.holder.identifiers == ()
    assert batch.holder.title == "elastic/distilbert-base-uncased-finetuned-conll03-english"
    (result,) = batch.results
    assert result.dataset == "conll2003" and result.split == "validation"
    assert "loss" in {v.metric for v in result.values}


def test_the_only_arxiv_paper_of_a_card_and_a_percent_accuracy(corpus: Path) -> None:
    batch = read_card(str(corpus / CARDS / "MIT_ast-finetuned-speech-commands-v2_README.md"))
    assert batch.holder is not None
    assert batch.holder.identifiers == (("huggingface", "MIT/ast-finetuned-speech-commands-v2"),)
    (result,) = batch.results
    assert result.task == "audio-classification"  # no task name: the Hub type
    assert result.paper is not None
    assert result.paper.identifiers == (("arxiv", "2104.01778"),)
    assert result.paper.title == "AST: Audio Spectrogram Transformer"
    assert fraction_metrics(batch) == set()  # 98.12 is not a fraction


def test_a_folder_of_cards(corpus: Path) -> None:
    batches = list(read_hf([corpus / CARDS]))
    assert len(batches) == 36
    assert sum(len(b.results) for b in batches) == 232
    assert [p for b in batches for p in b.problems] == []
    assert sum(bool(b.holder and b.holder.identifiers) for b in batches) == 31


def test_a_card_in_its_repository_folder(tmp_path: Path) -> None:
    card = tmp_path / "nvidia" / "stt_x" / "README.md"
    card.parent.mkdir(parents=True)
    card.write_text(_card("- name: stt_x\n" + RESULT))
    batch = read_card(str(card))
    assert batch.holder is not None
    assert batch.holder.identifiers == (("huggingface", "nvidia/stt_x"),)
    named = read_card(str(card), repo_id="org/other").holder
    assert named is not None and named.identifiers == (("huggingface", "org/other"),)


def test_one_repo_id_for_a_folder_of_cards_is_refused(corpus: Path, tmp_path: Path) -> None:
    """`--repo-id owner/name` on the corpus's 36 cards once filed all 232 results under one
    model card, `owner/name`: it names one card's repository, so many cards are refused."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    registry = tmp_path / "registry"
    registry.mkdir()
    outcome = CliRunner().invoke(main, ["import", "hf", str(corpus / CARDS), "--repo-id",
                                        "owner/name", "--registry", str(registry),
                                        "--report", str(tmp_path / "report.md")])
    assert outcome.exit_code == 2 and "36 are given" in outcome.output, outcome.output
    assert not any(registry.iterdir())
    card = tmp_path / "repo" / "README.md"
    card.parent.mkdir()
    card.write_text(_card("- name: stt_x\n" + RESULT))
    (card.parent / ".eval_results").mkdir()
    (card.parent / ".eval_results" / "beans.yaml").write_text(
        "- dataset:\n    id: beans\n  value: 78.03\n")
    (card.parent / "USE_POLICY.md").write_text("# Use policy\n")  # beside it: not a card
    from test_import_contract import classification_registry

    registry = classification_registry(tmp_path / "base")  # knows accuracy
    outcome = CliRunner().invoke(main, ["import", "hf", str(card.parent), "--repo-id",
                                        "owner/name", "--registry", str(registry),
                                        "--report", str(tmp_path / "report.md")])
    assert outcome.exit_code == 0, outcome.output  # one card, and its results files
    [source] = registry.glob("sources/*/*.yaml")
    assert "huggingface: owner/name" in source.read_text("utf-8")


def test_a_card_starting_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    text = _card("- name: stt_x\n" + RESULT)
    plain = read_card(_write(tmp_path, text, "a_b_README.md"))
    marked = read_card(_write(tmp_path, b"\xef\xbb\xbf" + text.encode(), "a_b_README.md"))
    assert marked.problems == plain.problems == ()
    assert marked.results == plain.results and len(marked.results) == 1


def test_a_refused_card_leaves_no_empty_source_behind(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pwc_registry.cli import main

    registry = tmp_path / "registry"
    registry.mkdir()
    card = _write(tmp_path, "no front matter here\n", "owner_model_README.md")
    outcome = CliRunner().invoke(main, ["import", "hf", card, "--registry", str(registry),
                                        "--report", str(tmp_path / "report.md")])
    assert outcome.exit_code == 0 and "A047" in (tmp_path / "report.md").read_text()
    assert not list(registry.rglob("*.yaml"))


RESULT = ("  results:\n  - task:\n      type: text-classification\n    dataset:\n"
          "      name: Beans\n      type: beans\n    metrics:\n    - type: accuracy\n"
          "      value: '78.03%'\n")


def _card(model_index: str, body: str = "# A model\n") -> str:
    return f"---\nlicense: mit\nmodel-index:\n{model_index}---\n\n{body}"


def _write(tmp_path: Path, text: str | bytes, name: str = "owner_model_README.md") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return str(path)


def test_values_as_text_are_handed_on_as_written(tmp_path: Path) -> None:
    batch = read_card(_write(tmp_path, _card("- name: model\n" + RESULT)))
    assert batch.problems == ()
    ((value,),) = [r.values for r in batch.results]
    assert value.value == "78.03%" and value.stated_unit is None
    assert fraction_metrics(batch) == set()


@pytest.mark.parametrize("text, codes, line", [
    ("# no front matter\n", ["A047"], 1),
    ("---\nlicense: mit\n---\n# no model-index\n", ["A047"], 2),
    ("---\nmodel-index: [\n---\n", ["A047", "A040"], 1),  # not YAML
    ("---\n\tmodel-index: 1\n---\n", ["A047", "A040"], 1),
    ("---\na: *x\nmodel-index: []\n---\n", ["A047", "A040"], 1),  # an alias of no anchor
    ("---\nmodel-index: {name: m}\n---\n", ["A047"], 2),
    ("---\nmodel-index:\n- name: m\n# no closing line\n", ["A047"], 1),  # never closed
    ("---\nmodel-index:\n- name: 123\n" + RESULT + "---\n", ["A048"], 5),  # a number
])
def test_cards_without_readable_results(tmp_path: Path, text: str, codes: list[str],
                                        line: int) -> None:
    batch = read_card(_write(tmp_path, text))
    assert batch.results == ()
    assert [c for c, _, _ in batch.problems] == codes
    assert batch.problems[0][2].line == line
    # a front matter never closed is said to be so, not to be missing (helper-66)
    assert ("never closed" in batch.problems[0][1]) == ("no closing" in text)


def test_the_error_in_a_front_matter_has_the_cards_line(tmp_path: Path) -> None:
    batch = read_card(_write(tmp_path, "---\nlicense: mit\nmodel-index:\n- name: [\n---\n"))
    (_, (code, message, origin)) = batch.problems
    assert code == "A040" and "(Y001)" in message
    assert origin.line == 5  # the line in the card, past its opening '---'


def test_a_bad_result_is_skipped_and_the_others_kept(tmp_path: Path) -> None:
    no_task_type = ("  - task:\n      name: Text Classification\n    dataset:\n"
                    "      name: Beans\n      type: beans\n    metrics:\n    - type: f1\n"
                    "      value: 0.5\n")
    listed_type = ("  - task:\n      type: [a, b]\n    dataset:\n      name: Beans\n"
                   "      type: beans\n    metrics:\n    - type: f1\n      value: 0.5\n")
    value_list = ("  - task:\n      type: t\n    dataset:\n      name: Beans\n"
                  "      type: beans\n    metrics:\n    - type: f1\n      value: [1]\n"
                  "    - type: recall\n      value: 0.25\n")
    batch = read_card(_write(tmp_path, _card(
        "- name: model\n" + RESULT + no_task_type + listed_type + value_list)))
    assert [(c, o.line) for c, _, o in batch.problems] == [("A048", 14), ("A048", 22),
                                                           ("A048", 36)]
    assert "no 'type'" in batch.problems[0][1]
    assert [[v.metric for v in r.values] for r in batch.results] == [["accuracy"], ["recall"]]


def test_a_huge_card_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "owner_model_README.md"
    with open(path, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    batch = read_card(str(path))
    assert [c for c, _, _ in batch.problems] == ["A040"]


def test_two_arxiv_papers_are_not_one(tmp_path: Path) -> None:
    body = ("Based on [A](https://arxiv.org/abs/1810.04805) and "
            "[B](https://arxiv.org/abs/1907.11692).\n")
    batch = read_card(_write(tmp_path, _card("- name: model\n" + RESULT, body)))
    assert batch.results[0].paper is None


EVAL_RESULTS = """\
- dataset:
    id: cais/hle
    task_id: default
    revision: 5503434ddd753f426f4b38109466949a1217c2bb
  value: 20.90
  date: "2025-01-15T10:30:00Z"
  source:
    url: https://huggingface.co/datasets/cais/hle
    name: CAIS HLE
  notes: no-tools
- dataset:
    id: Idavidrein/gpqa
  value: 0.412
- dataset:
    id: Idavidrein/gpqa
    task_id: gpqa_diamond
  value: 0.412
"""


def test_eval_results_files(tmp_path: Path) -> None:
    folder = tmp_path / "my-model" / ".eval_results"
    folder.mkdir(parents=True)
    (folder / "hle.yaml").write_text(EVAL_RESULTS)
    (batch,) = read_hf([tmp_path / "my-model"])
    assert batch.holder is not None and batch.holder.kind == "model-card"
    assert [(c, o.line) for c, _, o in batch.problems] == [("A048", 11)]
    assert "no 'task_id'" in batch.problems[0][1]
    hle, gpqa = batch.results
    assert (hle.task, hle.dataset, hle.model, hle.date, hle.url) == (
        "default", "cais/hle", "my-model", "2025-01-15T10:30:00Z",
        "https://huggingface.co/datasets/cais/hle")
    assert hle.notes == ("no-tools", "dataset revision 5503434ddd753f426f4b38109466949a1217c2bb")
    assert [(v.metric, v.value) for v in hle.values] == [("score", 20.9)]
    assert gpqa.task == "gpqa_diamond"
    assert batch.unread_rows == 1  # the entry reported: read, not imported, counted


def test_a_card_result_left_out_is_counted_as_a_row_not_imported(tmp_path: Path) -> None:
    """A result whose every value is null, a list or `true` was reported (A048) but counted
    nowhere: "0 rows read … 0 not imported" (found by an attack)."""
    card = _write_card(tmp_path, (
        "model-index:\n- name: m\n  results:\n"
        "  - task: {type: text-classification}\n"
        "    dataset: {name: sst2, type: sst2}\n"
        "    metrics: [{type: accuracy, value: null}, {type: f1, value: [1]}]\n"
        "  - task: {type: text-classification}\n"
        "    dataset: {name: cola, type: cola}\n"
        "    metrics: [{type: accuracy, value: 81.0}]\n"))
    batch = read_card(str(card))
    assert [r.dataset for r in batch.results] == ["cola"]
    assert [code for code, _, _ in batch.problems] == ["A048", "A048"]
    assert batch.unread_rows == 1


def test_an_eval_results_file_that_is_not_a_list(tmp_path: Path) -> None:
    batch = read_eval_results(_write(tmp_path, "value: 1\n", "x.yaml"), repo_id="o/m")
    assert [c for c, _, _ in batch.problems] == ["A047"]
    assert batch.holder is not None and batch.holder.identifiers == (("huggingface", "o/m"),)


def test_a_value_written_twice_leaves_out_that_metric_not_the_card(
        corpus: Path, tmp_path: Path) -> None:
    """Intel's MRPC card (corpus: hf-model-cards/cards/Intel_bert-base-uncased-mrpc_README.md)
    with its first accuracy given a second value: that metric is reported (A049) and left out;
    the card's other values are imported. A key written twice used to refuse the whole card."""
    text = (corpus / CARDS / "Intel_bert-base-uncased-mrpc_README.md").read_text("utf-8")
    lines = text.splitlines(keepends=True)
    assert lines[23] == "      value: 0.8602941176470589\n"  # line 24: the first accuracy
    lines.insert(24, "      value: 0.99\n")
    card = tmp_path / "Intel_bert-base-uncased-mrpc_README.md"
    card.write_text("".join(lines), "utf-8")
    batch = read_card(str(card))
    assert [(code, message, o.line) for code, message, o in batch.problems] == [
        ("A049", "key 'value' is written twice (first at line 24): "
         "model-index[0].results[0].metrics[0] is not imported", 25)], batch.problems
    first, second = batch.results
    assert batch.unread_rows == 0  # one value, not a row
    assert [(v.metric, v.value) for v in first.values] == [("f1", 0.9042016806722689)]
    # The metric after the one left out keeps its own line (not the removed one's).
    assert lines[first.values[0].origin.line - 1] == "    - type: f1\n"
    assert len(second.values) == len(read_card(str(corpus / CARDS / card.name)).results[1].values)


def _write_card(tmp_path: Path, front: str, name: str = "org_model_README.md") -> Path:
    card = tmp_path / name
    card.write_text(f"---\n{front}---\n# A card\n", "utf-8")
    return card


def _import_card(tmp_path: Path, front: str, metrics: tuple[str, ...] = ()
                 ) -> tuple[ImportReport, Path]:
    """The import report of a card of ``front`` into a copy of the shipped registry (with
    ``metrics`` added by name, higher is better), and that copy."""
    from pwc_registry.imports.formats import import_format

    from conftest import REPO

    card = _write_card(tmp_path, front)
    registry = tmp_path / "registry"
    shutil.copytree(REPO / "registry", registry)
    for name in metrics:
        metric = name.replace("_", "-")
        (registry / "metrics" / f"{metric}.yaml").write_text(
            f"id: {metric}\nname: {name}\ndirection: higher\n")
    return import_format("hf", registry, [card], None, jobs=1), registry


def _glue_then_sst2(glue_dataset: str) -> str:
    """A model-index of two results: one on GLUE whose dataset is ``glue_dataset`` (its YAML
    lines), then one on SST-2 that nothing is wrong with."""
    return ("model-index:\n- name: m\n  results:\n"
            "  - task: {type: text-classification}\n" + glue_dataset +
            "    metrics: [{type: accuracy, value: 86.0}]\n"
            "  - task: {type: text-classification}\n"
            "    dataset: {name: sst2, type: sst2}\n"
            "    metrics: [{type: accuracy, value: 91.0}]\n")


def test_a_key_twice_in_a_cards_result_leaves_out_that_result(tmp_path: Path) -> None:
    """helper-38: `config: mrpc` and `config: cola` in one dataset filed the result under GLUE
    without a configuration, as if it measured another leaderboard; the result is left out."""
    card = _write_card(tmp_path, _glue_then_sst2(
        "    dataset: {name: glue, type: glue, config: mrpc, config: cola}\n"))
    batch = read_card(str(card))
    assert [r.dataset for r in batch.results] == ["sst2"]
    [(code, message, origin)] = batch.problems
    assert (code, origin.line) == ("A049", 6)
    assert message == ("key 'config' is written twice (first at line 6): "
                       "model-index[0].results[0] is not imported")
    # Counted as a row read and not imported (it was counted nowhere: "0 rows read").
    assert batch.unread_rows == 1


def test_a_cards_only_entry_left_out_is_still_reported(tmp_path: Path) -> None:
    """helper-38: a card whose only model-index entry wrote `name:` twice reported only that it
    had no results (A047), not why (A049)."""
    card = _write_card(tmp_path, "model-index:\n- name: a\n  name: b\n  results: []\n")
    assert [code for code, _, _ in read_card(str(card)).problems] == ["A049", "A047"]


#: A card whose second accuracy, 93.1, is left out (its `value` written twice): its first,
#: 0.48, cannot be judged a fraction by the rest.
PARTLY_LEFT_OUT = (
    "model-index:\n- name: m\n  results:\n"
    "  - task: {type: image-classification}\n    dataset: {name: A, type: a}\n"
    "    metrics: [{type: accuracy, value: 0.48}]\n"
    "  - task: {type: image-classification}\n    dataset: {name: B, type: b}\n"
    "    metrics: [{type: accuracy, value: 93.1, value: 93.1}]\n")


def test_a_card_missing_a_value_is_not_judged_fractions_by_the_rest(tmp_path: Path) -> None:
    """helper-38: with 93.1 left out (its `value` written twice), a card's other accuracy, 0.48,
    was judged a fraction and imported as 48 %. A card of which a value was left out is judged by
    what it states only."""
    card = _write_card(tmp_path, PARTLY_LEFT_OUT)
    batch = read_card(str(card))
    assert batch.partial and [v.value for r in batch.results for v in r.values] == [0.48]
    assert fraction_metrics(batch) == set()
    whole = read_card(str(_write_card(tmp_path, (
        "model-index:\n- name: m\n  results:\n"
        "  - task: {type: image-classification}\n    dataset: {name: A, type: a}\n"
        "    metrics: [{type: accuracy, value: 0.48}]\n"), "other_README.md")))
    assert fraction_metrics(whole) == {"accuracy"}  # the same card, whole, is judged by range


def test_a_card_that_links_out_of_the_folder_is_not_read(corpus: Path, tmp_path: Path) -> None:
    """A folder of cards where one is a symbolic link to a file elsewhere (here a real card
    outside the folder; /etc/passwd in the attack): it was opened and read, where `pwc import
    model-index` refuses a link out of its tree (A041). A link to a card inside is read."""
    outside = tmp_path / "elsewhere" / "README.md"
    outside.parent.mkdir()
    outside.write_bytes((corpus / CARDS / "Intel_bert-base-uncased-mrpc_README.md").read_bytes())
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a_README.md").symlink_to(outside)
    (cards / "b_README.md").write_bytes(outside.read_bytes())
    (cards / "c_README.md").symlink_to(cards / "b_README.md")
    batches = {Path(b.origin.file).name: b for b in read_hf([cards])}
    assert [(code, Path(origin.file).name) for code, _, origin in batches["a_README.md"].problems
            ] == [("A041", "a_README.md")] and not batches["a_README.md"].results
    assert batches["b_README.md"].results and batches["c_README.md"].results
    # A link to a folder outside (named like a card, too) was skipped without a word.
    (cards / "sub.md").symlink_to(outside.parent)
    (cards / "inside").symlink_to(cards)  # a folder inside: its cards are read where they are
    batches = {Path(b.origin.file).name: b for b in read_hf([cards])}
    assert [code for code, _, _ in batches["sub.md"].problems] == ["A041"]
    assert "inside" not in batches and len(batches) == 4


def test_a_metric_averaged_over_classes_is_named_so_not_filed_as_the_plain_one(
        corpus: Path) -> None:
    """51la5_distilbert-base-sentiment (corpus) gives precision, recall and F1 each three ways,
    "Precision Macro", "Precision Micro", "Precision Weighted", all of type precision: the
    macro one was filed as plain precision and the other two dropped as its duplicates
    (A006), and "F1 Macro" filed as F1 (found by a curator). The averaging the display name
    gives qualifies the type: "Macro f1" is the registry's Macro F1, and a macro precision
    the registry lacks is reported (A031), never filed under plain precision."""
    batch = read_card(str(corpus / CARDS / "51la5_distilbert-base-sentiment_README.md"))
    averaged = [v for r in batch.results for v in r.values if " " in v.metric]
    assert [(v.metric, v.value) for v in averaged] == [
        ("Macro precision", 0.9881965062029833), ("Micro precision", 0.9885521685548412),
        ("Weighted precision", 0.9885639626373408), ("Macro recall", 0.9886145346602994),
        ("Micro recall", 0.9885521685548412), ("Weighted recall", 0.9885521685548412),
        ("Macro f1", 0.9884019815052447), ("Micro f1", 0.9885521685548412),
        ("Weighted f1", 0.9885546181087554)]
    plain = {v.metric for r in batch.results for v in r.values} - {v.metric for v in averaged}
    assert plain == {"accuracy", "precision", "recall", "f1", "auc", "loss"}


def test_an_ambiguous_value_of_a_card_partly_left_out_says_why(tmp_path: Path) -> None:
    """With 93.1 left out (its `value` written twice), 0.48 is not imported (A033), but the
    reason given was "other values of it in the source are outside [0, 1]", which none is
    (found by a curator): the reason is the value left out."""
    report, _ = _import_card(tmp_path, PARTLY_LEFT_OUT)
    [ambiguous] = [d for d in report.diagnostics if d.code == "A033"]
    assert "left out unread (A049)" in ambiguous.message and "outside" not in ambiguous.message


@pytest.mark.parametrize(("kind", "shown", "metric"), [
    ("f1", "F1 Macro", "Macro f1"), ("f1", "macro-F1", "Macro f1"),
    ("precision", "Precision (weighted avg)", "Weighted precision"),
    # words beside the type and the averaging that say no more (helper-61: these went back
    # to plain F1 for a while, the macro value filed as F1 and the others dropped)
    ("f1", "F1-score (macro)", "Macro f1"), ("f1", "Macro F1 score", "Macro f1"),
    ("f1", "Eval F1 Macro", "Macro f1"), ("f1", "Test Macro F1", "Macro f1"),
    # A name saying more than the type and an averaging qualifies nothing (helper-60: these
    # became "Samples pass@1", "Weighted accuracy" — the opposite — and "Micro wer").
    ("pass@1", "pass@1 (greedy, 164 samples)", "pass@1"),
    ("accuracy", "Un-weighted accuracy", "accuracy"),
    ("wer", "WER (micro-averaged over speakers)", "wer"), ("f1", "Macro-BERT F1", "f1")])
def test_only_a_name_that_is_the_type_and_an_averaging_qualifies_it(kind: str, shown: str,
                                                                   metric: str) -> None:
    from pwc_registry.imports.hf_card import _metric

    assert _metric(kind, shown) == metric


def test_a_links_text_is_no_title_and_a_title_finds_no_paper_of_another_arxiv_id(
        tmp_path: Path) -> None:
    """A card saying "described in [this paper](arXiv 2401.01234)" made a paper titled "this
    paper"; a second card's "[this paper](arXiv 2402.09999)" then filed its result under the
    first paper, found by that title (helper-66)."""
    from click.testing import CliRunner

    from pwc_registry.cli import main
    from pwc_registry.registry import load_registry

    registry = tmp_path / "registry"
    shutil.copytree(Path(__file__).parents[1] / "tests" / "examples" / "base" / "registry",
                    registry)
    for model, arxiv in (("x", "2401.01234"), ("z", "2402.09999")):
        card = _write(tmp_path, _card(f"- name: {model}\n" + RESULT, "Described in [this paper]"
                                      f"(https://arxiv.org/abs/{arxiv}).\n"),
                      f"someone_{model}_README.md")
        outcome = CliRunner().invoke(main, ["import", "hf", card, "--registry", str(registry),
                                            "--report", str(tmp_path / f"{model}.md")])
        assert outcome.exit_code == 0, outcome.output
    loaded = load_registry(registry, jobs=1)
    assert not any(p.title == "this paper" for p in loaded.papers.values())
    credited = {r.model: loaded.papers[r.paper].identifiers["arxiv"]
                for s in loaded.sources.values() for r in s.results if r.paper}
    assert credited == {"x": "2401.01234", "z": "2402.09999"}


def test_two_values_of_one_metric_in_a_result_import_neither(tmp_path: Path) -> None:
    """A card's result on the validation split with "Test Accuracy" 80 and "Validation
    Accuracy" 90, both of type accuracy: the first was filed as the validation result, a guess
    (helper-66)."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    registry = tmp_path / "registry"
    shutil.copytree(Path(__file__).parents[1] / "tests" / "examples" / "base" / "registry",
                    registry)
    card = _write(tmp_path, _card(
        "- name: m\n  results:\n  - task:\n      type: text-classification\n    dataset:\n"
        "      name: GLUE MRPC\n      type: glue\n      split: validation\n    metrics:\n"
        "    - type: accuracy\n      value: 80.0\n      name: Test Accuracy\n"
        "    - type: accuracy\n      value: 90.0\n      name: Validation Accuracy\n"
        "    - type: f1\n      value: 85.5\n"))
    outcome = CliRunner().invoke(main, ["import", "hf", card, "--repo-id", "someone/m",
                                        "--registry", str(registry), "--report",
                                        str(tmp_path / "r.md")])
    assert outcome.exit_code == 0, outcome.output
    report = (tmp_path / "r.md").read_text("utf-8")
    assert "two values for metric 'accuracy' in one result, 80.0 and 90.0; neither imported" \
        in report
    written = "".join(p.read_text("utf-8") for p in registry.glob("sources/*/*.yaml"))
    assert "      accuracy:" not in written and "f1-score: 85.5" in written


def test_a_yaml_merge_key_leaves_its_result_out_said_so(tmp_path: Path) -> None:
    """helper-86: `<<: {config: mrpc, split: test}` (a merge in YAML 1.1, as the Hub reads the
    card: glue / mrpc / test) is a key of its own in YAML 1.2, so its keys were dropped
    unsaid and the result filed under plain glue with no split. Its result is left out, with
    the reason."""
    card = _write_card(tmp_path, _glue_then_sst2(
        "    dataset:\n      <<: {config: mrpc, split: test}\n      name: glue\n"
        "      type: glue\n"))
    batch = read_card(str(card))
    assert [r.dataset for r in batch.results] == ["sst2"]
    [(code, message, origin)] = batch.problems
    assert origin.line == 7
    assert code == "A049" and "'<<'" in message and "merge" in message
    assert message.endswith("model-index[0].results[0] is not imported")


def test_a_card_whose_lines_end_in_a_carriage_return_alone_is_said_so(tmp_path: Path) -> None:
    """helper-86: a card written with CR line ends was said to have no front matter."""
    card = _write(tmp_path, _card("- name: m\n  results: []\n").replace("\n", "\r"))
    [(code, message, _)] = read_card(card).problems
    assert code == "A047" and "carriage return alone" in message


def test_a_line_separator_in_a_cards_text_is_a_line_break_as_the_hub_reads_it(
        tmp_path: Path) -> None:
    """helper-91: with Y022, a card whose widget text held U+2028 was refused whole (A040),
    though the Hub (PyYAML, YAML 1.1) reads it as a line break; a registry file is refused,
    someone else's card is read as its readers read it."""
    card = _write(tmp_path, _card(
        "- name: m\n  results:\n  - task: {type: text-classification}\n"
        "    dataset: {name: sst2, type: sst2}\n"
        "    metrics: [{type: accuracy, value: 91.0}]\n").replace(
        "license: mit\n", 'license: mit\nwidget:\n- text: "My name is\u2028Wolfgang"\n'))
    batch = read_card(card)
    assert batch.problems == () and [r.dataset for r in batch.results] == ["sst2"]


def test_a_float_printed_with_all_its_digits_is_that_float(tmp_path: Path) -> None:
    """helper-98: an MTEB card (aari1995/German_Semantic_STS_V2) writes cos_sim_spearman
    39.146000000000003, a float printed with 17 digits: refused as having more digits than a
    float keeps (A015), 8 of its 26 values lost. It is the float 39.146 to every reader of the
    card: imported as that, with a note; 21 digits are still refused."""
    front = ("model-index:\n- name: sts\n  results:\n  - task:\n      type: sts\n    dataset:\n"
             "      name: GermanSTSBenchmark\n      type: sts\n      split: test\n    metrics:\n"
             "    - type: cos_sim_spearman\n      value: 39.146000000000003\n"
             "    - type: cos_sim_pearson\n      value: 1.23456789012345678901\n")
    report, registry = _import_card(tmp_path, front, ("cos_sim_spearman", "cos_sim_pearson"))
    [refused] = [d for d in report.diagnostics if d.code == "A015"]
    assert refused.line == 14 and "1.23456789012345678901" in refused.message
    [text] = [t for p in (registry / "sources").glob("*/*.yaml")
              if "germanstsbenchmark" in (t := p.read_text("utf-8"))]
    assert "cos-sim-spearman: 39.146\n" in text and "cos-sim-pearson" not in text
    assert "written 39.146000000000003, more digits than a 64-bit float keeps: read as " \
        "39.146, the float every reader of it gets" in " ".join(text.split())


@pytest.mark.parametrize(("results", "said"), [
    ("  results: [accuracy, wer]\n", "the result is a string"),
    ("  results:\n  - task: text-classification\n    dataset: {name: d, type: d}\n"
     "    metrics: [{type: accuracy, value: 1}]\n", "the result's task is a string"),
    ("  results:\n  - task: {type: t}\n    dataset: {name: d, type: d}\n    metrics: [acc]\n",
     "the result's metrics are not a list of mappings"),
])
def test_a_result_of_another_shape_is_said_in_the_cards_terms(tmp_path: Path, results: str,
                                                             said: str) -> None:
    """helper-98: a card whose results are a flow list of strings (glob-asr/xls-r-es-test-lm)
    was reported as "the Hub cannot read this result: string indices must be integers, not
    'str'", Python's words."""
    batch = read_card(_write(tmp_path, _card("- name: m\n" + results)))
    assert batch.results == ()
    messages = [m for c, m, _ in batch.problems if c == "A048"]
    assert messages and all(said in m for m in messages), batch.problems
    assert not any("indices" in m or "attribute" in m for m in messages)


def test_a_value_kept_out_by_an_unreadable_one_says_so(tmp_path: Path) -> None:
    """helper-98: a card's CER of 0.113 beside a CER written "NA" (DrishtiSharma's XLS-R cards)
    was not imported (A033) because "other values of it in the source are outside [0, 1]",
    which none is: the unreadable one leaves the scale unknown, and A033 now says that."""
    front = ("model-index:\n- name: m\n  results:\n"
             "  - task: {type: automatic-speech-recognition}\n"
             "    dataset: {name: Common Voice 7, type: cv, config: hi}\n"
             "    metrics: [{type: cer, value: 0.113}]\n"
             "  - task: {type: automatic-speech-recognition}\n"
             "    dataset: {name: Robust Speech Event, type: rse, config: hi}\n"
             "    metrics: [{type: cer, value: NA}]\n")
    report, _ = _import_card(tmp_path, front)
    [ambiguous] = [d for d in report.diagnostics if d.code == "A033"]
    assert "another value of it in the source, 'NA', cannot be read or states its own unit" \
        in ambiguous.message, ambiguous.message
    assert "outside" not in ambiguous.message
