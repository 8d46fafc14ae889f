"""Hugging Face model cards (``README.md`` with a ``model-index:`` block in its YAML front matter)
and the Hub's ``.eval_results/*.yaml`` files, read into :class:`~.records.Imported` batches.

What ``huggingface_hub`` does here: it finds the front matter (its own ``REGEX_YAML_BLOCK``), and
it reads each ``model-index`` result (:func:`model_index_to_eval_results`) and each
``.eval_results`` entry (:func:`parse_eval_result_entries`), so the fields mean what the Hub
means by them. Where it falls short, this module does the rest: ``ModelCard.load`` parses the
front matter with ``yaml.safe_load`` (no size, depth or alias limits, no line numbers), so the
YAML is read by :func:`pwc_registry.load.read_rich`; both functions raise ``KeyError`` on the
first entry that lacks a field, and let through fields of the wrong kind (a task type that is
a list), so each entry is handed over alone and checked, and a bad one is reported (A048) while
the rest of the card is imported.

One batch per card (the unit rule judges a card as a whole), held by a source of kind
``model-card``. Its Hub id (``owner/name``) is written only when certain: a card's file is
``<owner>_<name>_README.md`` (how collections of cards are saved) or ``<owner>/<name>/README.md``
and its ``model-index`` names that same model; otherwise the source is titled by the card's
model name and has no id (cards copied from another model name that one: the corpus has them).
A paper is linked only when the card names exactly one arXiv paper.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from huggingface_hub import parse_eval_result_entries
from huggingface_hub.repocard import REGEX_YAML_BLOCK
from huggingface_hub.repocard_data import EvalResult, model_index_to_eval_results

from ..diagnostics import Pointer
from ..ids import fold, identifier_page
from ..load import MAX_FILE_BYTES, Document, describe_value
from ..utf8 import NotUTF8, decode
from .model_index import _text, paper_identifiers, read_source_yaml
from .records import (
    Imported,
    ImportedResult,
    ImportedValue,
    Origin,
    PaperRef,
    SourceRef,
    link_title,
)

_CARD_FILE = re.compile(r"^(?P<stem>.+)_README\.md$", re.IGNORECASE)
_ARXIV_LINK = re.compile(
    r"(?:\[(?P<title>[^\[\]\n]{1,300})\]\()?(?P<url>https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/"
    r"[0-9a-z./-]+?)(?:\.pdf)?[)\s>\"']", re.IGNORECASE)
_ARXIV_TAG = re.compile(r"^arxiv:(.+)$", re.IGNORECASE)
#: The metric of an ``.eval_results`` entry: the format gives a value and leaves its metric to
#: the benchmark's own definition on the Hub, which is not read here.
EVAL_RESULTS_METRIC = "score"
#: How an entry's notes name its metric and split where the format has no field for them, as
#: ``pwc export hf`` writes them ("metric: accuracy; split: test"): read back by the importer.
METRIC_NOTE = "metric: "
SPLIT_NOTE = "split: "

Problem = tuple[str, str, Origin]


def hf_files(paths: Iterable[str | Path]) -> list[str]:
    """The model cards and ``.eval_results`` files under ``paths`` (files or folders): in a
    folder, every ``*.md`` file is a card and every ``.yaml``/``.yml`` file in an
    ``.eval_results`` folder an eval-results file."""
    return [file for file, _ in _found(paths)]


def _found(paths: Iterable[str | Path]) -> Iterator[tuple[str, str | None]]:
    """:func:`hf_files`, each with why it is not read: a file found in a folder that is a
    symbolic link leading out of that folder (as ``pwc import model-index`` refuses, A041)."""
    for given in paths:
        path = str(given)
        if not os.path.isdir(path):
            yield path, None
            continue
        top = os.path.realpath(path)
        for here, dirs, names in os.walk(path):  # never follows a linked folder
            dirs.sort()
            for name in dirs:
                folder = os.path.join(here, name)
                real = os.path.realpath(folder)
                if os.path.islink(folder) and real != top \
                        and not real.startswith(top.rstrip(os.sep) + os.sep):
                    # Not walked: said, as a linked card is (one inside is walked where it is).
                    yield folder, (f"{folder} is a symbolic link to a folder outside {path} "
                                   f"(to {real}); not read")
            for name in sorted(names):
                if name.lower().endswith(".md") or (
                        os.path.basename(here) == ".eval_results"
                        and name.lower().endswith((".yaml", ".yml"))):
                    file = os.path.join(here, name)
                    real = os.path.realpath(file)
                    outside = real != top and not real.startswith(top.rstrip(os.sep) + os.sep)
                    yield file, (f"{file} is a symbolic link that leads out of {path} (to "
                                 f"{real}); not read") if outside else None


def is_card(file: str) -> bool:
    return not file.lower().endswith((".yaml", ".yml"))


def read_hf(paths: Iterable[str | Path], *, repo_id: str | None = None) -> Iterator[Imported]:
    """The batches of :func:`hf_files`. ``repo_id`` names the Hub repository of a single card
    (and its eval-results files) when its file name does not."""
    for file, refused in _found(paths):
        if refused is not None:
            yield Imported(Origin(file), None, (), (("A041", refused, Origin(file)),))
            continue
        yield read_card(file, repo_id=repo_id) if is_card(file) \
            else read_eval_results(file, repo_id=repo_id)


def _raw(file: str) -> tuple[bytes | None, Problem | None]:
    try:
        if not os.path.isfile(file):
            return None, ("A040", f"{file} is not a regular file", Origin(file))
        size = os.path.getsize(file)
        if size > MAX_FILE_BYTES:
            return None, ("A040", f"{file} is {size:,} bytes, over the limit of "
                          f"{MAX_FILE_BYTES:,}", Origin(file))
        with open(file, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1), None
    except OSError as exc:
        return None, ("A040", f"{file} cannot be read: {exc.strerror or exc}", Origin(file))


def _origin(file: str, doc: Document, pointer: Pointer, offset: int) -> Origin:
    line, column = doc.locate(pointer)
    return Origin(file, pointer, line + offset, column or None)


def read_card(file: str, *, repo_id: str | None = None) -> Imported:
    """One model card: its ``model-index`` results, held by the card."""
    raw, problem = _raw(file)
    fallback = SourceRef(kind="model-card", title=_card_stem(file))
    if raw is None:
        assert problem is not None
        return Imported(Origin(file), fallback, (), (problem,))
    try:
        text = decode(raw, mark=True)  # a byte-order mark hid the front matter's ---
    except NotUTF8 as exc:
        return Imported(Origin(file), fallback, (), (
            ("A040", exc.message, Origin(file, (), raw[: exc.start].count(b"\n") + 1)),))
    match = REGEX_YAML_BLOCK.search(text)
    if match is None:
        opened = text.split("\n", 1)[0].rstrip() == "---"
        why = "the card's YAML front matter (--- at its top) is never closed by a line of ---" \
            if opened else "the card has no YAML front matter (--- at its top)"
        if "\r" in text and "\n" not in text and text.startswith("---"):
            why = ("the card's lines end in a carriage return alone, which the Hub's reader "
                   "(and this one) does not take for the end of its front matter")
        return Imported(Origin(file), fallback, (), (("A047", why, Origin(file, (), 1)),))
    offset = text.count("\n", 0, match.start(2))
    doc, read_problems, partial = read_source_yaml(file, match.group(2).encode("utf-8"),
                                                   line_offset=offset)
    if doc is None:
        return Imported(Origin(file), fallback, (), (
            ("A047", "the card's front matter is not read as YAML, so its results are not "
             "imported", Origin(file, (), 1)), *read_problems))
    front: dict[str, Any] = doc.data
    model_index = front.get("model-index")
    if not isinstance(model_index, list) or not model_index:
        return Imported(Origin(file), fallback, (), (
            *read_problems,
            ("A047", "the card's front matter has no model-index list of results",
             _origin(file, doc, ("model-index",) if "model-index" in front else (), offset))))
    names = [m.get("name") for m in model_index if isinstance(m, dict)]
    first_name = next((n.strip() for n in names if isinstance(n, str) and n.strip()), None)
    hub_id = repo_id or _hub_id(file, first_name)
    holder = SourceRef(
        kind="model-card", title=hub_id or first_name or _card_stem(file),
        preferred_id=None, url=f"https://huggingface.co/{hub_id}" if hub_id else None,
        identifiers=(("huggingface", hub_id),) if hub_id else (),
        description="The model card's own evaluation results (its model-index block).")
    paper = _only_arxiv_paper(text, front)
    problems: list[Problem] = list(read_problems)
    results: list[ImportedResult] = []
    # A result (or a whole model's entry) the YAML reader left out (A049) is a row not read.
    unread = sum(1 for code, _, where in read_problems
                 if code == "A049" and _left_out_row(where.pointer))
    for i, entry in enumerate(model_index):
        at: Pointer = ("model-index", i)
        if not isinstance(entry, dict) or not isinstance(entry.get("results"), list):
            problems.append(("A048", "a model-index entry has no list of results",
                             _origin(file, doc, at, offset)))
            continue
        name = entry.get("name")
        for j, result in enumerate(entry["results"]):
            where = (*at, "results", j)
            got = _card_result(file, doc, offset, name, result, where, paper, problems)
            if got is not None:
                results.append(got)
            else:  # reported (A048): a row read and not imported, counted as such
                unread += 1
    return Imported(Origin(file), holder, tuple(results), tuple(problems), partial=partial,
                    unread_rows=unread)


def _left_out_row(pointer: Pointer) -> bool:
    """Whether the list entry the reader leaves out for a problem at ``pointer`` (the
    innermost entry holding it) is a result, or a model's entry (of one result at least),
    rather than one metric of a result."""
    places = [i for i, part in enumerate(pointer) if isinstance(part, int)]
    if not places:
        return False
    entry = pointer[: places[-1] + 1]
    return entry[-2:-1] == ("results",) or len(entry) == 2


def _card_result(file: str, doc: Document, offset: int, name: Any, result: Any, at: Pointer,
                 paper: PaperRef | None, problems: list[Problem]) -> ImportedResult | None:
    origin = _origin(file, doc, at, offset)
    if not isinstance(name, str) or not name.strip():
        what = "has no name" if name is None or isinstance(name, str) else \
            f"has {describe_value(name)} for a name ({name!r}): quote the name in the card"
        problems.append(("A048", f"a model-index entry {what}", origin))
        return None
    # The shapes the Hub's reader indexes without asking (it said "string indices must be
    # integers" of a result written as text): said in the card's terms.
    shape = None
    if not isinstance(result, dict):
        shape = f"the result is {describe_value(result)}, not a mapping of task, dataset and " \
            "metrics"
    elif any(key in result and not isinstance(result[key], dict) for key in ("task", "dataset")):
        key = next(k for k in ("task", "dataset") if k in result
                   and not isinstance(result[k], dict))
        shape = f"the result's {key} is {describe_value(result[key])}, not a mapping"
    elif "metrics" in result and not (isinstance(result["metrics"], list) and all(
            isinstance(m, dict) for m in result["metrics"])):
        shape = "the result's metrics are not a list of mappings (type, value)"
    if shape is not None:
        problems.append(("A048", shape, origin))
        return None
    try:
        _, evals = model_index_to_eval_results([{"name": name, "results": [result]}])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.append(("A048", f"the Hub cannot read this result: {_why(exc)}", origin))
        return None
    if not evals:
        problems.append(("A048", "the result has no metrics", origin))
        return None
    first = evals[0]
    wrong = [f for f, v in (("task type", first.task_type), ("dataset type", first.dataset_type),
                            ("dataset name", first.dataset_name)) if not _is_text(v)]
    if wrong:
        problems.append(("A048", f"the result's {', '.join(wrong)} is not text", origin))
        return None
    values: list[ImportedValue] = []
    for k, ev in enumerate(evals):
        where = _origin(file, doc, (*at, "metrics", k), offset)
        if not _is_text(ev.metric_type):
            problems.append(("A048", "a metric has no type", where))
            continue
        value = ev.metric_value
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            problems.append(("A048", f"metric {ev.metric_type!r} has "
                             f"{describe_value(value)} for its value", where))
            continue
        values.append(ImportedValue(_metric(ev.metric_type, ev.metric_name), value, where))
    if not values:
        return None
    notes = []
    for ev in evals:  # the card's display name, where it says more than the metric's type
        shown, kind = _text(ev.metric_name), _text(ev.metric_type)
        if shown and kind and fold(shown) != fold(kind):
            notes.append(f"{kind}: {shown}")
    verified = [kind for ev in evals if ev.verified is True and (kind := _text(ev.metric_type))]
    if verified:
        notes.append("verified by the Hub: " + ", ".join(verified))
    revision = _text(first.dataset_revision)
    if revision:
        notes.append(f"dataset revision {revision}")
    return ImportedResult(
        origin=origin, task=_task(first), dataset=_dataset(first), model=name.strip(),
        values=tuple(values), split=_text(first.dataset_split), paper=paper,
        kind="model-card", url=_text(first.source_url), notes=tuple(notes))


#: How a card's display name says a metric is averaged over classes, which its type does not
#: ("F1 Macro" of type f1).
_AVERAGING = re.compile(r"\b(macro|micro|weighted|samples)\b", re.IGNORECASE)
#: Words a display name may hold beside its type and averaging and still be that metric:
#: "F1-score (macro)", "Eval F1 Macro", "Test Macro F1", "Precision (weighted avg)".
_FILLER = frozenset({"avg", "average", "averaged", "score", "eval", "evaluation", "test",
                     "validation", "val", "dev"})
_WORDS = re.compile(r"[0-9a-z@]+")


def _metric(kind: str, shown: Any) -> str:
    """The metric an entry names: its type, qualified by the averaging its display name
    gives where the name is the type and that averaging, give or take words such as "score"
    or "test" ("F1 Macro", "macro-F1", "F1-score (macro)" → "Macro f1", the registry's Macro
    F1). One card gives macro, micro and weighted precision all of type precision: taken by
    the type alone, the first was filed as plain precision and the others dropped as its
    duplicates. A name saying more ("Un-weighted accuracy", "pass@1 (164 samples)", "WER
    micro-averaged over speakers") qualifies nothing. A qualified metric the registry lacks
    is reported, not filed under the plain one."""
    kind = kind.strip()
    found = _AVERAGING.search(shown) if isinstance(shown, str) else None
    if found is None or _AVERAGING.search(kind):
        return kind
    assert isinstance(shown, str)
    rest = _WORDS.findall((shown[:found.start()] + " " + shown[found.end():]).casefold())
    if [w for w in rest if w not in _FILLER] != \
            [w for w in _WORDS.findall(kind.casefold()) if w not in _FILLER]:
        return kind
    return f"{found.group(1).capitalize()} {kind}"


def _is_text(value: Any) -> bool:
    return _text(value) is not None


def _why(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"it has no {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def _task(ev: EvalResult) -> str:
    """The task's display name (``Text Classification``) if given, else its Hub type."""
    return _text(ev.task_name) or ev.task_type.strip()


def _dataset(ev: EvalResult) -> str:
    """The dataset's name, with its configuration when the name does not already say it: GLUE's
    ``mrpc`` and ``cola`` are different benchmarks, though a card may name both ``glue``."""
    name = ev.dataset_name.strip()
    config = _text(ev.dataset_config) or _text(ev.dataset_args)
    if config and config != "default" and fold(config) not in fold(name):
        return f"{name} ({config})"
    return name


def _card_stem(file: str) -> str:
    m = _CARD_FILE.match(os.path.basename(file))
    return m.group("stem") if m else os.path.basename(os.path.dirname(os.path.abspath(file)))


def _hub_id(file: str, model_name: str | None) -> str | None:
    """``owner/name`` when the file's name or place and the card's model name agree on it."""
    if not model_name:
        return None
    base = os.path.basename(file)
    candidates = []
    m = _CARD_FILE.match(base)
    if m:
        stem = m.group("stem")
        if "/" in model_name:
            owner, _, model = model_name.partition("/")
            if stem == f"{owner}_{model}":
                candidates.append(model_name)
        elif stem.endswith("_" + model_name) and len(stem) > len(model_name) + 1:
            candidates.append(f"{stem[: -len(model_name) - 1]}/{model_name}")
    elif base == "README.md":
        folder = os.path.dirname(os.path.abspath(file))
        owner, model = os.path.basename(os.path.dirname(folder)), os.path.basename(folder)
        if model_name in (model, f"{owner}/{model}"):
            candidates.append(f"{owner}/{model}")
    for candidate in candidates:
        owner, _, model = candidate.partition("/")
        if owner and model and "/" not in model and "_" not in owner:
            return candidate
    return None


def _only_arxiv_paper(text: str, front: dict[str, Any]) -> PaperRef | None:
    """The card's paper when it names exactly one arXiv paper (a link or an ``arxiv:`` tag)."""
    found: dict[str, PaperRef] = {}
    tags = front.get("tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, str) and (m := _ARXIV_TAG.match(tag.strip())):
            url = identifier_page("arxiv", m.group(1).strip())
            ids = dict(paper_identifiers(url))
            if "arxiv" in ids:
                found.setdefault(ids["arxiv"], PaperRef(url=url, identifiers=(
                    ("arxiv", ids["arxiv"]),)))
    for m in _ARXIV_LINK.finditer(text):
        ids = dict(paper_identifiers(m.group("url")))
        if "arxiv" in ids:
            title = link_title(m.group("title"), identified=True)
            known = found.get(ids["arxiv"])
            if known is None or (known.title is None and title):
                found[ids["arxiv"]] = PaperRef(title=title,
                                               url=m.group("url"),
                                               identifiers=(("arxiv", ids["arxiv"]),))
    return next(iter(found.values())) if len(found) == 1 else None


def read_eval_results(file: str, *, repo_id: str | None = None) -> Imported:
    """One ``.eval_results/*.yaml`` file: a list of entries of a benchmark's score."""
    hub_id = repo_id
    holder = SourceRef(kind="model-card", title=hub_id or _eval_results_owner(file),
                       url=f"https://huggingface.co/{hub_id}" if hub_id else None,
                       identifiers=(("huggingface", hub_id),) if hub_id else (),
                       description="The model's evaluation results on the Hub (.eval_results).")
    raw, problem = _raw(file)
    if raw is None:
        assert problem is not None
        return Imported(Origin(file), holder, (), (problem,))
    doc, read_problems, partial = read_source_yaml(file, raw, any_shape=True)
    if doc is None:
        return Imported(Origin(file), holder, (), tuple(read_problems))
    entries = doc.data if isinstance(doc.data, list) else None
    if entries is None:
        return Imported(Origin(file), holder, (), (
            *read_problems,
            ("A047", f"the file is {describe_value(doc.data)}, not a list of eval results",
             Origin(file, (), 1))))
    model = hub_id or _eval_results_owner(file)
    problems: list[Problem] = list(read_problems)
    results: list[ImportedResult] = []
    for i, item in enumerate(entries):
        origin = _origin(file, doc, (i,), 0)
        try:
            if not isinstance(item, dict):
                raise TypeError(f"the entry is {describe_value(item)}, not a mapping")
            (entry,) = parse_eval_result_entries([item])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(("A048", f"the Hub cannot read this entry: {_why(exc)}", origin))
            continue
        if not (_is_text(entry.dataset_id) and _is_text(entry.task_id)):
            problems.append(("A048", "the entry's dataset id or task id is not text", origin))
            continue
        value = entry.value
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            problems.append(("A048", f"the entry's value is {describe_value(value)}", origin))
            continue
        metric, split, notes = _named_in_notes(_text(entry.notes))
        revision = _text(entry.dataset_revision)
        if revision:
            notes.append(f"dataset revision {revision}")
        results.append(ImportedResult(
            origin=origin, task=entry.task_id.strip(), dataset=entry.dataset_id.strip(),
            model=model, split=split,
            values=(ImportedValue(metric or EVAL_RESULTS_METRIC, value,
                                  _origin(file, doc, (i, "value"), 0)),),
            kind="model-card", date=_text(entry.date), url=_text(entry.source_url),
            notes=tuple(notes)))
    # Each entry is one row: those not made a result were reported (A048) and are counted.
    return Imported(Origin(file), holder, tuple(results), tuple(problems), partial=partial,
                    unread_rows=len(entries) - len(results))


def _named_in_notes(text: str | None) -> tuple[str | None, str | None, list[str]]:
    """(metric, split, the other notes) of an entry's notes: the metric and split as ``pwc
    export hf`` names them there (:data:`METRIC_NOTE`, :data:`SPLIT_NOTE`), else None."""
    metric = split = None
    rest = []
    for part in text.split("; ") if text else ():
        if part.startswith(METRIC_NOTE) and metric is None and part[len(METRIC_NOTE):].strip():
            metric = part[len(METRIC_NOTE):].strip()
        elif part.startswith(SPLIT_NOTE) and split is None and part[len(SPLIT_NOTE):].strip():
            split = part[len(SPLIT_NOTE):].strip()
        else:
            rest.append(part)
    return metric, split, ["; ".join(rest)] if rest else []


def _eval_results_owner(file: str) -> str:
    """The folder holding ``.eval_results`` (the model's checkout) names the model."""
    folder = os.path.dirname(os.path.abspath(file))
    if os.path.basename(folder) == ".eval_results":
        folder = os.path.dirname(folder)
    return os.path.basename(folder) or file
