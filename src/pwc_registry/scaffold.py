"""``pwc new``: a correctly placed, schema-valid paper file, and results appended to one.

Names are checked on the spot against the registry (ids, names and aliases, with a suggestion
for a near miss), and files are written in the canonical layout, comments kept.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import canonical, layout, schema, writing
from .arxiv import ArxivPaper
from .check import text_problems
from .dates import DAY_OR_MONTH, first_day, month_of_arxiv
from .diagnostics import Pointer
from .ids import board_problem, fold, identity_of, new_paper_id, new_slug
from .load import read, read_rich
from .registry import value_of
from .suggest import phrase, suggestions
from .values import exact_number, read_number_text
from .vocabulary import Limits, Vocabulary

#: The kinds `pwc new` can add.
NEW_ENTITY_KINDS = ("task", "dataset", "metric", "benchmark")


def shell_word(text: str) -> str:
    """``text`` as one word of a shell command shown to people."""
    import shlex

    return shlex.quote(text)


class ScaffoldError(Exception):
    """The request cannot be carried out; nothing was written."""


@dataclasses.dataclass(frozen=True)
class NewPaper:
    title: str
    authors: Sequence[str] = ()
    date: str | None = None
    arxiv_id: str | None = None
    abstract: str | None = None
    abstract_url: str | None = None
    pdf_url: str | None = None
    paper_id: str | None = None
    venue: str | None = None
    code: Sequence[str] = ()

    @classmethod
    def from_arxiv(cls, paper: ArxivPaper) -> NewPaper:
        return cls(paper.title, paper.authors, paper.date, paper.arxiv_id, paper.abstract,
                   paper.abstract_url, paper.pdf_url)


def _text_problems(record: Any, at: str = "") -> list[str]:
    """What the validator would refuse (or warn of) in the texts of a record about to be
    written: each text, however deep, by the one rule (helper-90: `pwc new paper` wrote a
    title with U+202E, which `pwc validate` then refused as V010)."""
    if isinstance(record, str):  # the errors only: a warning (Q014) is the validator's to say
        return [f"{at or 'the text'}: {what} ({code}); {hint}"
                for code, what, hint in text_problems(record) if code in ("V005", "V010")]
    if isinstance(record, dict):
        return [p for key, value in record.items()
                for p in _text_problems(value, f"{at}.{key}" if at else str(key))]
    if isinstance(record, list):
        return [p for i, value in enumerate(record) for p in _text_problems(value, f"{at}[{i}]")]
    return []


def _papers(registry: Path) -> list[layout.RegistryFile]:
    return [f for f in layout.discover(registry)[0] if f.kind == layout.PAPER]


def new_paper(registry: Path, new: NewPaper) -> Path:
    """Write the paper's file; its path."""
    paper_id = new.paper_id or new_paper_id(new.title, new.arxiv_id)[: layout.MAX_SLUG].rstrip("-")
    if not layout.SLUG.match(paper_id):
        raise ScaffoldError(f"{paper_id!r} is not an id (lowercase letters and digits joined by "
                            "'-'); give one with --id")
    if layout.RESERVED_IDS[layout.PAPER].fullmatch(paper_id):
        raise ScaffoldError(f"the id '{paper_id}' is reserved for a page of the site; give "
                            "another with --id")
    papers = _papers(registry)
    if new.arxiv_id:
        refuse_arxiv_in_registry(new.arxiv_id, papers)
    for f in papers:
        if f.stem == paper_id:
            raise ScaffoldError(f"{f.name} already exists\n{_adding_to(f.stem)}\nif it is "
                                "another paper of the same title, choose another id with --id")
    if new.date:
        try:
            if not DAY_OR_MONTH.match(new.date):
                raise ValueError
            first_day(new.date)
        except ValueError:
            raise ScaffoldError(f"{new.date!r} is not a date (YYYY-MM-DD, or YYYY-MM when only "
                                "the month is known)") from None
    record: dict[str, Any] = {"id": paper_id, "title": new.title}
    if new.authors:
        record["authors"] = list(new.authors)
    # Without a day, the month the arXiv id names (Q008 asks for it): never an invented day.
    date = new.date or (month_of_arxiv(new.arxiv_id) if new.arxiv_id else None)
    if date:
        record["date"] = date
    if new.arxiv_id:
        record["identifiers"] = {"arxiv": new.arxiv_id}
    if new.abstract:
        record["abstract"] = new.abstract
    if new.venue:
        record["venue"] = new.venue
    links = {k: v for k, v in (("abstract", new.abstract_url), ("pdf", new.pdf_url)) if v}
    if links:
        record["links"] = links
    if new.code:
        record["code"] = [{"url": url} for url in new.code]
    record["results"] = []
    if texts := _text_problems(record):
        raise ScaffoldError("; ".join(texts))
    if not schema.is_valid(layout.PAPER, record):
        raise ScaffoldError("the paper would not be valid: " + "; ".join(
            f"{d.message}" + (f" ({d.hint})" if d.hint else "")
            for d in _explain(record)) or "check the title, authors and links")
    return _written(writing.write_new, registry, layout.relative_path(layout.PAPER, paper_id),
                    canonical.dump(record, layout.PAPER))


def _written(write: Callable[[Path, str, bytes], Path], registry: Path, relative: str,
             text: str) -> Path:
    """``write`` (:func:`..writing.write_new` or :func:`..writing.rewrite`) of ``text``, a
    refusal (a link on the way, a file that appeared meanwhile) said as a ScaffoldError."""
    try:
        return write(registry, relative, text.encode("utf-8"))
    except writing.NotWritten as exc:
        raise ScaffoldError(f"{registry.name}/{relative}: not written: "
                            f"{exc.where.relative_to(registry.parent)} {exc.why}") from None


class Problems(ScaffoldError):
    """Everything wrong with a request, found at once (not one name per run); nothing was
    written."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def refuse_arxiv_in_registry(arxiv_id: str,
                             papers: Sequence[layout.RegistryFile] | Path) -> None:
    """Raise :class:`ScaffoldError`, naming the paper, if the registry (its folder, or its
    papers' files) holds a paper of this arXiv id: asked before arXiv is, so that a paper
    already there is said to be so offline too."""
    for f in _papers(papers) if isinstance(papers, Path) else papers:
        raw = f.read_bytes()
        if arxiv_id.encode() in raw:
            data = read(f.name, raw).data
            if isinstance(data, dict) and isinstance(data.get("identifiers"), dict) \
                    and data["identifiers"].get("arxiv") == arxiv_id:
                raise ScaffoldError(f"arXiv {arxiv_id} is already in the registry: {f.name}"
                                    f"\n{_adding_to(f.stem)}")


def _adding_to(paper_id: str) -> str:
    return (f"to add a result to it: pwc new result {paper_id} --task ... --dataset ... "
            "--model ... --metric NAME=VALUE")


def _explain(record: dict[str, Any], kind: str = layout.PAPER) -> list[Any]:
    """Why ``record`` breaks its schema, as validate says it (the schema's own words)."""
    text = canonical.dump(record, kind)
    return schema.explain(kind, read_rich(kind, text.encode("utf-8")), kind)


def _resolve(vocabulary: Vocabulary, kind: str, text: str, problems: list[str],
             exclude: Sequence[str] = ()) -> str | None:
    found, via_name = vocabulary.resolve(kind, text)
    if found or via_name:
        return found or via_name
    add = (f"add it first: pwc new {kind} {shell_word(text)}" if kind in NEW_ENTITY_KINDS else
           f"add registry/{layout.FOLDERS[kind]}/{layout.slugify(text) or '<id>'}.yaml first")
    # A near name is a guess: if it is not the one, the way to add it is said too (helper-92:
    # "WMT 2016 EN-RO" was offered the WMT 2014 datasets and nothing else).
    near = phrase(vocabulary.suggest(kind, text, exclude))
    hint = f"{near} If not, {add}" if near else add
    problems.append(f"no {kind} {text!r} in the registry; {hint}")
    return None


def metric_value(name: str, text: str, limits: Limits | None, *, unit_known: bool = True
                 ) -> tuple[Any, str | None]:
    """The value ``text`` gives for a metric, as a registry file writes it (a number with the
    digits given, or a value with its spread), read by the one reader of values; or why not.
    A percent sign is the metric's unit when the metric is in percent; bold, footnote marks
    and remarks are not values: the message says what to write."""
    reading = read_number_text(text)
    if reading.value is None or reading.value_text is None:
        if reading.out_of_range:
            return None, f"{name}={text!r}: {reading.problem}; give the number as the paper " \
                "prints it"
        return None, f"{name}={text!r}: {reading.problem}; write a number such as 76.5"
    percent = "stripped a percent sign" in reading.notes
    others = [n for n in reading.notes if n != "stripped a percent sign"]
    written = reading.value_text + (f"±{reading.spread_text}" if reading.spread_text else "")
    if others:
        return None, f"{name}={text!r} is not a plain value ({'; '.join(others)}): write " \
            f"{written}"
    if percent and unit_known and not (limits and limits.percent):
        return None, f"{name}={text!r}: {limits.name if limits else name} is not in percent; " \
            "write the value in the metric's unit"
    value: Any = exact_number(reading.value_text)
    if limits:
        if not limits.low <= value <= limits.high:
            return None, f"{name}={text!r} is outside the range of {limits.name} " \
                f"[{limits.low:g}, {limits.high:g}]"
        if limits.percent and 0 < value <= 1:  # V003, refused here: nothing to review yet
            return None, f"{name}={text!r} looks like a fraction, but {limits.name} is in " \
                f"percent: if the paper says {value * 100:g}%, write {value * 100:g} (V003; a value " \
                "of at most 1% goes in the file by hand, for a maintainer to confirm)"
    if reading.spread_text is not None:
        value = {"value": value, "spread": exact_number(reading.spread_text)}
    return value, None


def new_result(registry: Path, paper: str, *, task: str, dataset: str, model: str,
               metrics: Mapping[str, str], split: str | None = None,
               extra_training_data: bool | None = None, location: str | None = None,
               kind: str | None = None) -> tuple[Path, str]:
    """Append a result to ``paper`` (an id, or a path), or add metrics to its result of the
    same model on the same board; the paper's path and what was done. Every problem with the
    names and values is reported at once (:class:`Problems`)."""
    if not metrics:
        raise ScaffoldError("give at least one --metric NAME=VALUE")
    files = {f.stem: f for f in _papers(registry)}
    target = files.get(paper) or next((f for f in files.values()
                                       if Path(f.path).resolve() == Path(paper).resolve()), None)
    problems: list[str] = []
    if target is None:
        # An arXiv id, another identifier or the title, as `pwc show paper` takes them (the
        # registry is read only for this).
        from .registry import load_registry

        found = load_registry(registry, abstracts=False).find_papers(paper)
        if len(found) == 1:
            target = files.get(found[0].id)
        elif found:
            problems.append(f"{paper!r} names {len(found)} papers: "
                            + "; ".join(p.id for p in found[:10]) + "; give the id of one")
    if target is None and not problems:
        problems.append(f"no paper {paper!r} in the registry; "
                        + (phrase(suggestions(paper, files)) or "give its id, or add it first "
                           "with pwc new paper"))
    vocabulary = Vocabulary(layout.discover_entities(registry), lambda: files.keys())
    task_id = _resolve(vocabulary, "task", task, problems)
    dataset_id = _resolve(vocabulary, "dataset", dataset, problems)
    values: dict[str, Any] = {}
    digits: dict[str, tuple[str, str | None]] = {}
    named: dict[str, str] = {}
    for name, text in metrics.items():
        metric = _resolve(vocabulary, "metric", name, problems)
        if metric in named:
            problems.append(f"{named[metric]} and {name} both mean the metric {metric}")
            continue
        if metric:
            named[metric] = name
        # An unknown metric's value is read too, for every problem at once; its unit is not
        # known, so a percent sign is let be until the metric is.
        value, problem = metric_value(name, text, vocabulary.limits(metric) if metric else None,
                                      unit_known=metric is not None)
        if problem:
            problems.append(problem)
        else:
            values[metric or name] = value
            reading = read_number_text(text)  # its digits, as given: written so (66.360)
            digits[metric or name] = (reading.value_text or "", reading.spread_text)
    _board_problems(vocabulary, task_id, dataset_id, split, problems)
    given: dict[str, str | None] = {"--model": model, "--split": split, "--location": location}
    problems += [f"{option}: {what} ({code}); {hint}" for option, text in given.items()
                 for code, what, hint in text_problems(text or "")]
    if problems:
        raise Problems(problems)
    assert target is not None and task_id is not None and dataset_id is not None
    result: dict[str, Any] = {"task": task_id, "dataset": dataset_id}
    if split:
        result["split"] = split
    result["model"] = model
    result["metrics"] = values
    if extra_training_data is not None:
        result["extra_training_data"] = extra_training_data
    source = {k: v for k, v in (("kind", kind), ("location", location)) if v}
    if source:
        result["source"] = source
    raw = target.read_bytes()
    doc = read_rich(target.name, raw)
    if not isinstance(doc.data, dict):
        raise ScaffoldError(f"{target.name} is not valid; run pwc validate and fix it first")
    existing = [r for r in doc.data.get("results", []) if isinstance(r, dict)]
    key = identity_of(result)
    same = next((r for r in existing if identity_of(r) == key), None)
    if same is None:
        results = [*existing, result]
        done = "added the result to"
    else:
        results, done = _add_metrics(target.name, existing, same, result)
    comments = canonical.comments_of(raw.decode("utf-8"), doc.positions, doc.key_positions)
    at: Pointer = ("results", len(existing) if same is None else existing.index(same), "metrics")
    texts: dict[Pointer, str] = {}
    for metric, (value_text, spread_text) in digits.items():
        value_at: Pointer = (*at, metric) if spread_text is None else (*at, metric, "value")
        spread_at: Pointer = (*at, metric, "spread")
        places: list[tuple[Pointer, str | None]] = [(value_at, value_text),
                                                    (spread_at, spread_text)]
        for where, digits_given in places:
            # Plain decimals only: an exponent is written out (1e-5 is text to YAML 1.1).
            if digits_given is not None and _DECIMAL.fullmatch(digits_given):
                texts[where] = digits_given
    comments = dataclasses.replace(comments, numbers={**comments.numbers, **texts})
    data = {**doc.data, "results": results}
    if not schema.is_valid(layout.PAPER, data):
        raise ScaffoldError("the result would not be valid (pwc validate explains)")
    relative = Path(os.path.relpath(target.path, registry)).as_posix()
    return _written(writing.rewrite, registry, relative,
                    canonical.dump(data, layout.PAPER, comments)), done


#: A decimal YAML 1.1 and 1.2 read alike: no leading zero (016 is octal 14 to YAML 1.1).
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def _shown_value(value: Any) -> str:
    """A value as a person writes it: ``65.1±0.3``."""
    if isinstance(value, dict):
        spread = value.get("spread")
        return str(value.get("value")) + (f"±{spread}" if spread is not None else "")
    return str(value)


def _add_metrics(name: str, existing: list[dict[str, Any]], same: dict[str, Any],
                 result: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The results with ``result``'s new metrics added to ``same``, the result of the same
    model on the same board. A value already there is never changed here: a published value
    changes with a correction that says why."""
    metrics = same.get("metrics")
    held: dict[str, Any] = metrics if isinstance(metrics, dict) else {}
    there = [m for m in result["metrics"] if m in held]
    if there and all(value_of(held[m]) == value_of(result["metrics"][m]) for m in there) \
            and len(there) == len(result["metrics"]):
        raise Problems([f"{name} already has this result ('{same.get('model')}' on "
                        f"{result['dataset']}, {result['task']}) with these values: nothing "
                        "to add"])
    if there:
        raise Problems([f"{name} already has {m}={_shown_value(held[m])} for "
                        f"'{same.get('model')}' on "
                        f"{result['dataset']} ({result['task']}); a published value changes "
                        "with a correction (CONTRIBUTING.md, 'Correct or remove a result')"
                        for m in there])
    clashes = [f for f in ("extra_training_data", "source") if f in result and f in same
               and result[f] != same[f]]
    if clashes:
        raise Problems([f"{name} already has a result of '{same.get('model')}' on "
                        f"{result['dataset']} ({result['task']}) with another {f}; edit it "
                        "instead" for f in clashes])
    merged = {**same, "metrics": {**held, **result["metrics"]}}
    for field in ("extra_training_data", "source"):
        if field in result and field not in same:
            merged[field] = result[field]
    added = ", ".join(result["metrics"])
    return ([merged if r is same else r for r in existing],
            f"added {added} to the result of '{same.get('model')}' in")


@dataclasses.dataclass(frozen=True)
class NewEntity:
    """A task, dataset or metric to add: its name, its own aliases (never a neighbour's: a
    name leads to one entity, I002) and the fields of its kind."""

    kind: str
    name: str
    entity_id: str | None = None
    aliases: Sequence[str] = ()
    description: str | None = None
    #: task: parent, area; dataset: parent, homepage; metric: direction, unit, range.
    fields: Mapping[str, Any] = dataclasses.field(default_factory=dict)


#: The fields of each kind that name another entity, and that entity's kind.
_REFERENCES = {"task": {"parent": "task", "area": "area"}, "dataset": {"parent": "dataset"},
               "metric": {}}


def new_entity(registry: Path, new: NewEntity) -> Path:
    """Write a new task, dataset or metric file; its path. Every problem is reported at once
    (:class:`Problems`): a name or alias the registry already has (add your spelling to that
    entity's aliases instead), an id taken, a parent or area it does not have."""
    problems: list[str] = []
    entity_id = new.entity_id or new_slug(new.name)[: layout.MAX_SLUG].rstrip("-")
    if not layout.SLUG.match(entity_id):
        problems.append(f"{entity_id!r} is not an id (lowercase letters and digits joined by "
                        "'-'); give one with --id")
    elif new.kind in layout.RESERVED_IDS and layout.RESERVED_IDS[new.kind].fullmatch(entity_id):
        problems.append(f"the id '{entity_id}' is reserved for a page of the site; give another "
                        "with --id")
    path = registry / layout.relative_path(new.kind, entity_id)
    vocabulary = Vocabulary(layout.discover_entities(registry), lambda: ())
    if path.exists() or path.is_symlink():
        problems.append(f"{layout.FOLDERS[new.kind]}/{entity_id}.yaml already exists; to add "
                        f"a spelling, add it to that {new.kind}'s aliases")
    seen: dict[str, str] = {}
    for name in (new.name, *new.aliases):
        found, via_name = vocabulary.resolve(new.kind, name)
        taken = found or via_name
        if taken:
            problems.append(f"{name!r} already leads to the {new.kind} '{taken}' (I002: a name "
                            f"leads to one {new.kind}); if it is the same, add your spelling "
                            f"to the aliases of registry/{layout.FOLDERS[new.kind]}/{taken}.yaml "
                            "instead")
        elif (first := seen.get(fold(name))) is not None:
            # Names are compared ignoring case and spacing: "mc2" is the name "MC2" again.
            problems.append(f"{name!r} is given twice" if first == name else
                            f"{name!r} is {first!r} again (names are compared ignoring case and "
                            "spacing): an alias needs another spelling than that")
        seen.setdefault(fold(name), name)
    record: dict[str, Any] = {"id": entity_id, "name": new.name}
    if new.description:
        record["description"] = new.description
    for field, value in new.fields.items():
        kind = _REFERENCES[new.kind].get(field)
        if value is None:
            continue
        if kind is None:
            record[field] = value
            continue
        target = _resolve(vocabulary, kind, value, problems,
                          exclude=(entity_id,) if kind == new.kind else ())
        if target is not None and kind == new.kind and target == entity_id:
            problems.append(f"a {kind} cannot be its own {field}")
        record[field] = target
    if new.aliases:
        record["aliases"] = list(new.aliases)
    problems += _text_problems(record)
    if not problems and not schema.is_valid(new.kind, record):
        problems += [d.message + (f" ({d.hint})" if d.hint else "")
                     for d in _explain(record, new.kind)]
    if problems:
        raise Problems(problems)
    return _written(writing.write_new, registry, layout.relative_path(new.kind, entity_id),
                    canonical.dump(record, new.kind))


def _board_problems(vocabulary: Vocabulary, task: str | None, dataset: str | None,
                    split: str | None, problems: list[str]) -> None:
    """What the validator would say of the leaderboard (V011, V012), said before writing."""
    if task is None or dataset is None:
        return
    found = board_problem(task, dataset, split, vocabulary.longest_task_id(task))
    if found is not None:
        code, why = found
        problems.append(f"{why} ({code}): " + ("write --split in Latin letters or digits"
                                               if code == "V011" else "give a shorter --split"))


def new_benchmark(registry: Path, task: str, dataset: str, *, split: str | None = None,
                  primary_metric: str | None = None, metrics: Sequence[str] = (),
                  notes: str | None = None) -> Path:
    """Write the settings file of the leaderboard of ``task`` on ``dataset`` (and split): its
    primary metric and the order of its metrics; its path."""
    problems: list[str] = []
    vocabulary = Vocabulary(layout.discover_entities(registry), lambda: ())
    task_id = _resolve(vocabulary, "task", task, problems)
    dataset_id = _resolve(vocabulary, "dataset", dataset, problems)
    primary = _resolve(vocabulary, "metric", primary_metric, problems) if primary_metric \
        else None
    shown = [m for m in (_resolve(vocabulary, "metric", m, problems) for m in metrics) if m]
    _board_problems(vocabulary, task_id, dataset_id, split, problems)
    if problems:
        raise Problems(problems)
    assert task_id is not None and dataset_id is not None
    record: dict[str, Any] = {"id": layout.benchmark_id(task_id, dataset_id, split),
                              "task": task_id, "dataset": dataset_id}
    if split:
        record["split"] = split
    if primary:
        record["primary_metric"] = primary
    if shown:
        record["metrics"] = shown
    if notes:
        record["notes"] = notes
    path = registry / layout.relative_path(layout.BENCHMARK, record["id"])
    if path.exists() or path.is_symlink():
        raise Problems([f"benchmarks/{record['id']}.yaml already exists; edit it (a change of "
                        "its primary metric needs a correction: CONTRIBUTING.md)"])
    if not schema.is_valid(layout.BENCHMARK, record):
        raise Problems([d.message for d in _explain(record, layout.BENCHMARK)])
    return _written(writing.write_new, registry,
                    layout.relative_path(layout.BENCHMARK, record["id"]),
                    canonical.dump(record, layout.BENCHMARK))
