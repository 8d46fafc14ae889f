"""Archive records → registry records. No I/O: the importer feeds records in and writes out.

The archive keys everything by display name. :class:`Names` turns a name into an id: a name or
alias the registry already knows maps to that entity; a new name gets the slug of its name, made
unique by a short hash of the name when the slug is taken, so that the same name gets the same
id on every run. A :class:`Conversion` collects entities and papers as the dumps go by, and a
diagnostic for everything it could not take as given — nothing is guessed and nothing is
dropped without a word.

Origin an archive fact has a place (and what is lost):

================================  =========================================================
evaluation-tables: task           ``tasks/<id>``: name, description, parent (subtasks), area
                                  (the first category; further ones are reported, A011),
                                  source (source_link), aliases (synonyms)
  datasets[], subdatasets[]       ``datasets/<id>``: name, description, links, citations;
                                  a subdataset (named under ``subdataset``) is the dataset
                                  "<dataset> — <subdataset>" with its dataset as ``parent``
  sota.metrics                    ``metrics/<id>`` (direction from :mod:`.directions`); the
                                  order, when rows would not give it, in ``benchmarks/<id>``
  sota.rows[]                     a result of the paper named by paper_title, or by the
                                  identifier in paper_url (a paper with no title), or else of
                                  the board's source (``sources/<id>``, kind leaderboard):
                                  model, metric values (read by
                                  :func:`..values.read_number_text`), extra_training_data,
                                  code_links, model_links; paper_url and paper_date go to the
                                  paper (to the result, in a source). A row that repeats
                                  another but for a year or footnote mark is an alias of it
papers-with-abstracts             ``papers/<id>``: title, authors, date, identifiers (arXiv,
                                  the archive's slug), abstract, venue, links, tasks, methods
links-between-papers-and-code     the paper's ``code``: url, official, framework, mentions
methods                           ``methods/<id>``: name, full name, description, year,
                                  source, code, area, collections
datasets                          ``datasets/<id>``: full name, homepage, description,
                                  introduced, modalities, languages, variants as aliases
================================  =========================================================
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from .. import layout
from ..check import values_key
from ..diagnostics import pointer_text
from ..ids import (
    PAPER_IDENTIFIERS,
    PWC_PAPER_URL,
    ResultIdentity,
    fold,
    identifiers_in,
    result_identity,
    undated,
)
from ..imports.fields import URL, Fields, disagree
from ..imports.formats import FORMATS
from ..imports.holders import PaperDraft, PaperDrafts, Twins, numbered_model, numbered_note
from ..imports.records import Origin
from ..imports.resolve import Names, outside_range
from ..load import describe_value
from ..markdown import counted
from ..patterns import ARXIV_ID, ID
from ..vocabulary import Limits
from .directions import direction_of
from .dumps import OutOfRange

#: A dump record with its index in the dump.
Numbered = Iterable[tuple[int, Any]]

REPORTED_BY = FORMATS["pwc-archive"].reported_by
#: Between a dataset's name and a subdataset's in the name of the dataset a subdataset becomes
#: ("SemEval 2018 — General"): see :meth:`Conversion._dataset`.
SUBDATASET_SEPARATOR = " — "
_ARXIV_ID = re.compile(rf"^({ARXIV_ID})(?:v[0-9]+)?$")
_PWC_ENTITY = re.compile(
    rf"paperswithcode\.com/(?:method|dataset|task|sota)/({ID})/?\Z")


@dataclasses.dataclass
class SourceDraft:
    """The rows of one board of an archive file that name no paper: a source of kind
    ``leaderboard``. Its id is given when it is written."""

    task: str
    dataset: str
    title: str
    description: str
    results: dict[ResultIdentity, dict[str, Any]] = dataclasses.field(default_factory=dict)
    twins: dict[Twins, list[ResultIdentity]] = dataclasses.field(default_factory=dict)


#: What holds results as rows arrive.
HolderDraft = PaperDraft | SourceDraft


class Conversion(Fields):
    """Everything converted so far: entities by kind and id, paper drafts, diagnostics."""

    def __init__(self, names: Names, synonyms: Mapping[str, Iterable[str]] | None = None,
                 today: dt.date | None = None, limits: Mapping[str, Limits] | None = None
                 ) -> None:
        super().__init__(today)
        self.names = names
        #: The registry's metrics' ranges: a value outside one is not imported (A054).
        self.limits = limits or {}
        self._sources: dict[tuple[str, str], SourceDraft] = {}
        self.entities: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in layout.ENTITY_KINDS}
        self.counts: Counter[str] = Counter()
        #: The metrics each held result's rows gave two values of (A006), by ``id`` of the
        #: result: a later row giving one of them is not the same result's.
        self._twice: dict[int, frozenset[str]] = {}
        self.undecided_metrics: set[str] = set()
        self.drafts = PaperDrafts()
        self._synonyms = {fold(k): list(v) for k, v in (synonyms or {}).items()}

    # --- entities ----------------------------------------------------------------------

    def entity(self, kind: str, name: str, fields: Mapping[str, Any],
               preferred: str | None = None) -> str:
        """The id of the ``kind`` named ``name``, recording ``fields`` it does not have yet."""
        entity_id = self.names.claim(kind, name, preferred)
        record = self.entities[kind].get(entity_id)
        if record is None:
            record = {"id": entity_id, "name": name}
            self.entities[kind][entity_id] = record
            self.counts[kind] += 1
        elif fold(record.get("name", "")) != fold(name) and fold(name) != entity_id:
            aliases = record.setdefault("aliases", [])
            if fold(name) not in map(fold, aliases):
                aliases.append(name)
        for key, value in fields.items():
            if value in (None, [], {}):
                continue
            if key == "aliases":
                known = {fold(record["name"]), *map(fold, record.get("aliases", []))}
                new = [a for a in value if fold(a) not in known
                       and self.names.resolve(kind, a) in (None, entity_id)]
                if new:
                    record.setdefault("aliases", []).extend(dict.fromkeys(new))
                    for alias in new:
                        self.names.know(kind, entity_id, [alias])
            else:
                record.setdefault(key, value)
        return entity_id

    def area(self, name: str) -> str:
        return self.entity("area", name, {})

    def metric(self, name: str) -> str:
        known = self.names.resolve("metric", name)
        if known is not None and known not in self.entities["metric"]:
            return known  # the registry's own metric: its direction is already decided
        direction = direction_of(name)
        metric_id = self.entity("metric", name, {"direction": direction})
        if direction is None and metric_id not in self.undecided_metrics \
                and "direction" not in self.entities["metric"][metric_id]:
            self.undecided_metrics.add(metric_id)
        return metric_id

    # --- evaluation tables -------------------------------------------------------------

    def add_tasks(self, tasks: Numbered, file: str) -> None:
        for i, task in tasks:
            self._task(task, None, Origin(file, (i,)))

    def _entries(self, node: Mapping[str, Any], key: str, where: Origin) -> list[Any]:
        """The list ``node[key]`` (none when absent or null); anything else is reported (A002),
        with the rows it holds counted as not imported: a mapping where the archive writes a
        list, its rows were dropped without a word."""
        value = node.get(key)
        if value is None or isinstance(value, list):
            return value or []
        rows = 0
        if isinstance(value, dict):
            rows = len(value) if key == "rows" else sum(
                _rows_in(v) for v in value.values() if isinstance(v, dict))
        self.report("A002", f"{key} is {describe_value(value)}, not a list; not imported"
                    + (f" ({counted(rows, 'row')})" if rows else ""), where.at(key))
        self.counts["row"] += rows
        self.counts["skipped row"] += rows
        return []

    def _name_of(self, node: Any, field: str, kind: str, where: Origin) -> str | None:
        """The name of a task or dataset of the tables; None (reported, with the rows under it
        counted as skipped) when it is not a mapping or has no name."""
        if not isinstance(node, dict):
            self.report("A002", f"a {kind} is not a mapping; skipped", where)
            return None
        name = self.text(node.get(field), where.at(field))
        if name is None:
            rows = _rows_in(node)
            self.report("A002", f"a {kind} has no name; skipped with its {rows} rows", where)
            self.counts["row"] += rows
            self.counts["skipped row"] += rows
        return name

    def _task(self, task: Any, parent: str | None, where: Origin) -> None:
        name = self._name_of(task, "task", "task", where)
        if name is None:
            return
        categories = self.texts(task.get("categories"), where.at("categories"))
        areas = [self.area(c) for c in categories]
        if len(areas) > 1:
            self.report("A011", f"task '{name}' is in several areas; kept '{categories[0]}', "
                        f"not {', '.join(repr(c) for c in categories[1:])}", where.at("categories"))
        synonyms = self.texts(task.get("synonyms"), where.at("synonyms")) \
            + self._synonyms.get(fold(name), [])
        source = self._link(task.get("source_link"), where.at("source_link"))
        task_id = self.entity("task", name, {
            "description": self.text(task.get("description"), where.at("description")),
            "parent": parent, "area": areas[0] if areas else None, "source": source,
            "aliases": synonyms})
        for j, dataset in enumerate(self._entries(task, "datasets", where)):
            self._dataset(task_id, name, dataset, None, where.at("datasets", j))
        for j, sub in enumerate(self._entries(task, "subtasks", where)):
            self._task(sub, task_id, where.at("subtasks", j))

    def _link(self, raw: Any, where: Origin) -> dict[str, str] | None:
        if not isinstance(raw, dict):
            return None
        url = self.url(raw.get("url"), where.at("url"))
        if url is None:
            if raw.get("url") in (None, "") and self.text(raw.get("title"), where.at("title")):
                self.report("A009", f"the link {raw.get('title')!r} has no address; left out",
                            where.at("url"))
            return None
        title = self.text(raw.get("title"), where.at("title"))
        return {"title": title, "url": url} if title else {"url": url}

    def _dataset(self, task_id: str, task_name: str, dataset: Any,
                 parent: tuple[str, str] | None, where: Origin) -> None:
        """A dataset of the tables, or a subdataset of ``parent`` (its id and name).

        The sota-extractor names a subdataset under ``subdataset`` ("General", "SST-2"): it
        becomes a dataset of its own, "<dataset> — <subdataset>", whose ``parent`` is the
        dataset, since numbers on two subdatasets are not comparable and must be on two boards
        (a split would say they measure one dataset, which SST-2 and SST-5 do not). A
        subdataset named under ``dataset`` (as the registry's own export wrote them before) is
        taken by that name as it is."""
        if parent is not None and isinstance(dataset, dict) and "subdataset" in dataset:
            part = self._name_of(dataset, "subdataset", "subdataset", where)
            name = None if part is None else f"{parent[1]}{SUBDATASET_SEPARATOR}{part}"
        else:
            name = self._name_of(dataset, "dataset", "dataset", where)
        if name is None:
            return
        links = [link for k, raw in enumerate(self._entries(dataset, "dataset_links", where))
                 if (link := self._link(raw, where.at("dataset_links", k)))]
        citations = [c.strip() for c in self._entries(dataset, "dataset_citations", where)
                     if isinstance(c, str) and c.strip()]
        dataset_id = self.entity("dataset", name, {
            "description": self.text(dataset.get("description"), where.at("description")),
            "parent": parent[0] if parent else None, "links": links, "citations": citations})
        sota = dataset.get("sota")
        # A split's table, as `pwc export pwc-archive` writes one (the archive has none).
        split = self.text(dataset.get("split"), where.at("split")) \
            if dataset.get("split") is not None else None
        if isinstance(sota, dict):
            self._table(task_id, dataset_id, sota, where.at("sota"), (task_name, name), split)
        for k, sub in enumerate(self._entries(dataset, "subdatasets", where)):
            self._dataset(task_id, task_name, sub, (dataset_id, name), where.at("subdatasets", k))

    def _table(self, task_id: str, dataset_id: str, sota: Mapping[str, Any], where: Origin,
               board: tuple[str, str], split: str | None = None) -> None:
        listed = [m.strip() for m in self._entries(sota, "metrics", where)
                  if isinstance(m, str) and m.strip()]
        order = list(dict.fromkeys(self.metric(m) for m in listed))
        seen_order: list[str] = []
        for r, row in enumerate(self._entries(sota, "rows", where)):
            for metric_id in self._row(task_id, dataset_id, row, where.at("rows", r), board,
                                       split):
                if metric_id not in seen_order:
                    seen_order.append(metric_id)
        if order and order != seen_order and split is None:
            benchmark_id = layout.benchmark_id(task_id, dataset_id)
            if len(benchmark_id) > layout.MAX_BENCHMARK_ID:
                # Only a task or dataset the registry already holds can have so long an id.
                self.report("A014", f"the order of metrics {order} is not written: the "
                            f"leaderboard's id {benchmark_id} would be longer than "
                            f"{layout.MAX_BENCHMARK_ID} characters (V012)", where.at("metrics"))
            elif benchmark_id not in self.entities["benchmark"]:
                self.entities["benchmark"][benchmark_id] = {
                    "id": benchmark_id, "task": task_id, "dataset": dataset_id, "metrics": order}
                self.names.take("benchmark", benchmark_id)

    def _row(self, task_id: str, dataset_id: str, row: Any, where: Origin,
             board: tuple[str, str], split: str | None = None) -> list[str]:
        """One row: a result of the paper it names by title or by an identifier in its URL, or
        else of the board's source (:meth:`source_for`); a row with no readable value is not
        imported."""
        self.counts["row"] += 1
        if not isinstance(row, dict):
            self.report("A002", "a row is not a mapping; skipped", where)
            self.counts["skipped row"] += 1
            return []
        title = self.text(row.get("paper_title"), where.at("paper_title"))
        model = self.text(row.get("model_name"), where.at("model_name"))
        raw_url = row.get("paper_url")
        if title is None:  # the URL may still name the paper (OGB's rows: arXiv, no title)
            raw_url = self.url(raw_url, where.at("paper_url"))
        known = identifiers_in(raw_url) if title is None and raw_url else {}
        # The identifiers that may stand for a title (the paper schema's rule).
        paperless = title is None and not any(s in known for s in PAPER_IDENTIFIERS)
        holder_label = title or (raw_url if not paperless and isinstance(raw_url, str)
                                 else f"the row at {pointer_text(where.pointer)}")
        notes: list[str] = []
        if model is None and title is not None:
            self.report("A012", f"a row of '{title}' names no model; imported under the "
                        "paper's title", where)
            model = title
            notes.append("the archive names no model; the paper's title stands for it")
        elif model is None:
            model = unnamed_model(where.pointer[-1])
            self.report("A012", f"{holder_label} names no model and no paper title; imported "
                        f"as '{model}'", where)
            notes.append("the archive names no model and no paper; the row's place in the "
                         "table stands for it")
        metrics, twice, value_notes = self._values(row.get("metrics"), where.at("metrics"))
        notes += value_notes
        if not metrics:
            self.report("A005", f"row '{model}' of '{holder_label}' has no readable value; not "
                        "imported", where)
            self.counts["skipped row"] += 1
            return []
        date = self.date(row.get("paper_date"), where.at("paper_date"))
        holder: HolderDraft
        if paperless:
            holder = self.source_for(task_id, dataset_id, board)
        else:
            paper = self.paper_for(title, raw_url, where.at("paper_url"))
            if date:
                paper.row_dates.append(date)
            holder = paper
        result: dict[str, Any] = {"task": task_id, "dataset": dataset_id}
        if split:
            result["split"] = split
        result.update(model=model, metrics=metrics)
        extra = row.get("uses_additional_data")
        if isinstance(extra, bool):
            result["extra_training_data"] = extra
        elif extra is not None:  # "yes" is not read as a yes: said, left out
            self.report("A009", f"uses_additional_data is {describe_value(extra)} "
                        f"({str(extra)[:40]!r}), not true or false; left out",
                        where.at("uses_additional_data"))
        if date:
            result["date"] = date
        code_links = []
        for k, raw in enumerate(self._entries(row, "code_links", where)):
            link = self._link(raw, where.at("code_links", k))
            if link:
                code_links.append(link if "title" in link else link["url"])
        model_links = []
        for k, raw in enumerate(self._entries(row, "model_links", where)):
            url = self.url(raw.get("url") if isinstance(raw, dict) else raw,
                           where.at("model_links", k))
            if url and url not in model_links:
                model_links.append(url)
        if code_links:
            result["code_links"] = code_links
        if model_links:
            result["model_links"] = model_links
        result["source"] = {"reported_by": REPORTED_BY}
        if isinstance(raw_url, str) and URL.match(raw_url.strip()):
            if paperless:  # a page that is no paper's (a lab's PDF, a repository): the source
                result["source"]["url"] = raw_url.strip()
            else:
                result["_url"] = raw_url.strip()  # see paper_record
        if notes:
            result["notes"] = "; ".join(notes)
        self._add_result(holder, result, twice, where)
        return list(metrics)

    def _values(self, raw: Any, where: Origin
                ) -> tuple[dict[str, Any], frozenset[str], list[str]]:
        read: list[tuple[str, Any, Origin]] = []
        notes: list[str] = []
        if not isinstance(raw, dict):
            return {}, frozenset(), notes
        for name, value in raw.items():
            here = where.at(name)
            if value is None:
                continue
            clean = name.strip()
            if not clean:
                self.report("A002", "a value has no metric name; not imported", here)
                continue
            metric_id = self.metric(clean)
            if isinstance(value, OutOfRange):
                self.report("A015", f"{value.problem}; not imported", here)
                continue
            reading_value, read_notes = self.value(value, here)
            if reading_value is None:
                continue
            refused = outside_range(self.limits, metric_id, reading_value)
            if refused is not None:
                self.report("A054", f"{refused}; not imported", here)
                continue
            if read_notes:
                notes.append(f"{clean} {value!r}: {', '.join(read_notes)}")
            read.append((metric_id, reading_value, here))
        metrics, twice = self.one_value_each(read, "row")
        return metrics, twice, notes

    def _add_result(self, holder: HolderDraft, result: dict[str, Any], twice: frozenset[str],
                    where: Origin) -> None:
        """Hold ``result`` (``twice``: the metrics its row gave two values of, left out)."""
        key = result_identity(result["task"], result["dataset"], result.get("split"),
                              result["model"])
        existing = holder.results.get(key)
        model, n = result["model"], 1
        while existing is not None and disagree(existing["metrics"], self._twice[id(existing)],
                                                result["metrics"], twice):
            # Another row of the same name with other values (HotpotQA's many "Anonymous"
            # submissions, a paper's two "BERT" settings): a result of its own, named with a
            # number, so that neither row's values are lost.
            n += 1
            result["model"] = numbered_model(model, n)
            key = result_identity(result["task"], result["dataset"], result.get("split"),
                                  result["model"])
            existing = holder.results.get(key)
        if n > 1:
            note = numbered_note(model, result["model"], _place(where))
            result["notes"] = f"{result['notes']}; {note}" if "notes" in result else note
            self.report("A020", f"'{model}' is named again on this board with other values; "
                        f"imported as '{result['model']}'", where.at("model_name"))
        if existing is None:
            if (twin := self._twin(holder, key, result)) is not None:
                self._twice[id(twin)] |= twice
                self.counts["merged row"] += 1
                self.counts["aliased row"] += 1
                return
            holder.results[key] = result
            self._twice[id(result)] = twice
            holder.twins.setdefault((*key[:3], undated(result["model"])), []).append(key)
            self.counts["result"] += 1
            if isinstance(holder, SourceDraft):
                self.counts["result in a source"] += 1
            return
        self.counts["merged row"] += 1  # the same result again, with nothing that disagrees
        for metric, value in result["metrics"].items():
            existing["metrics"].setdefault(metric, value)
        self._twice[id(existing)] |= twice

    def _twin(self, holder: HolderDraft, key: ResultIdentity, result: dict[str, Any]
              ) -> dict[str, Any] | None:
        """The result of ``holder`` that ``result`` repeats by the validator's duplicate-row
        rule (Q005: same board, same values, names the same but for a trailing year or footnote
        mark), which then keeps the other name in ``aliases``; None if there is none. The
        values must also be the same to the spread, which the rule does not compare: a merge
        must lose nothing."""
        values = values_key(result["metrics"])
        board: Twins = (key[0], key[1], key[2], undated(result["model"]))
        for other_key in holder.twins.get(board, []):
            other = holder.results[other_key]
            if values is None or values_key(other["metrics"]) != values \
                    or other["metrics"] != result["metrics"]:
                continue
            name, alias = other["model"], result["model"]
            if fold(alias) == undated(alias) != fold(name):
                # The name without marks names the result ("ULMFiT", not "ULMFiT (2018)").
                name, alias = alias, name
                other["model"] = name
                holder.results = {(key if k == other_key else k): v
                                  for k, v in holder.results.items()}
                twins = holder.twins[board]
                twins[twins.index(other_key)] = key
            aliases = other.setdefault("aliases", [])
            if fold(alias) not in {fold(name), *map(fold, aliases)}:
                aliases.append(alias)
            for field, value in result.items():
                if field in ("code_links", "model_links"):
                    held = other.setdefault(field, [])
                    held.extend(v for v in value if v not in held)
                elif field not in ("model", "metrics"):
                    other.setdefault(field, value)
            return other
        return None

    # --- sources -------------------------------------------------------------------------

    def source_for(self, task_id: str, dataset_id: str, board: tuple[str, str]) -> SourceDraft:
        """The source holding the rows of a board (task, dataset) that name no paper."""
        draft = self._sources.get((task_id, dataset_id))
        if draft is None:
            task, dataset = board
            draft = SourceDraft(
                task=task_id, dataset=dataset_id,
                title=f"Papers with Code leaderboard: {task} on {dataset}",
                description=f"The rows of the Papers with Code archive's table of {task} on "
                f"{dataset} that name no paper.")
            self._sources[(task_id, dataset_id)] = draft
            self.counts["source"] += 1
        return draft

    def sources(self) -> list[SourceDraft]:
        return list(self._sources.values())

    # --- papers ------------------------------------------------------------------------

    def paper_for(self, title: str | None, url: Any, where: Origin,
                  identifiers: Mapping[str, str] | None = None) -> PaperDraft:
        """The draft of the paper with this title or these identifiers (made if new); without
        a title, the identifiers alone (the draft gains a title if a later record gives one)."""
        ids = dict(identifiers or {})
        link = self.url(url, where) if url else None
        if link:
            ids.update(identifiers_in(link))
        draft = self.drafts.find(title, ids)
        if link:
            links = draft.record.setdefault("links", {})
            kind = "pdf" if link.lower().endswith(".pdf") or "/pdf/" in link else "abstract"
            links.setdefault(kind, link)
        return draft

    def papers(self) -> list[PaperDraft]:
        return self.drafts.all()

    def add_code_links(self, links: Numbered, file: str) -> None:
        for i, item in links:
            where = Origin(file, (i,))
            self.counts["code link"] += 1
            if not isinstance(item, dict):
                self.report("A002", "a code link is not a mapping; skipped", where)
                continue
            title = self.text(item.get("paper_title"), where.at("paper_title"))
            repo = self.url(item.get("repo_url"), where.at("repo_url"))
            if title is None or repo is None:
                self.report("A002", "a code link without a paper title or repository; skipped",
                            where)
                self.counts["skipped code link"] += 1
                continue
            ids = {}
            if arxiv := self._arxiv_id(item.get("paper_arxiv_id"), where.at("paper_arxiv_id")):
                ids["arxiv"] = arxiv
            pwc = item.get("paper_url")
            if isinstance(pwc, str) and (m := PWC_PAPER_URL.search(pwc)):
                ids["pwc"] = m.group(1)
            paper = self.paper_for(title, None, where, ids)
            code: dict[str, Any] = {"url": repo}
            if isinstance(item.get("is_official"), bool):
                code["official"] = item["is_official"]
            framework = item.get("framework")
            if isinstance(framework, str) and layout.slugify(framework):
                code["framework"] = layout.slugify(framework)
            for flag in ("mentioned_in_paper", "mentioned_in_github"):
                if isinstance(item.get(flag), bool):
                    code[flag] = item[flag]
            paper.code.setdefault(repo, code)

    def _arxiv_id(self, value: Any, where: Origin) -> str | None:
        """An arXiv id as the dumps write it (``2302.00060``, a version allowed); any other
        value is reported and left out (helper-86: ``arXiv:2302.00060`` or ``12345`` left the
        paper without its id, unsaid, and matched by no later import)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and (found := _ARXIV_ID.match(value.strip())):
            return found.group(1)
        self.report("A009", f"{value!r} is not an arXiv identifier (such as 2302.00060); "
                    "left out", where)
        return None

    def add_paper(self, item: Any, where: Origin) -> PaperDraft | None:
        """One record of papers-with-abstracts: the draft it completes."""
        self.counts["paper record"] += 1
        if not isinstance(item, dict):
            self.report("A002", "a paper is not a mapping; skipped", where)
            return None
        title = self.text(item.get("title"), where.at("title"))
        if title is None:
            self.report("A002", "a paper has no title; skipped", where)
            self.counts["skipped paper"] += 1
            return None
        ids: dict[str, str] = {}
        if arxiv := self._arxiv_id(item.get("arxiv_id"), where.at("arxiv_id")):
            ids["arxiv"] = arxiv
        pwc = item.get("paper_url")
        if isinstance(pwc, str) and (found := PWC_PAPER_URL.search(pwc)):
            ids["pwc"] = found.group(1)
        paper = self.paper_for(title, None, where, ids)
        record = paper.record
        authors = self.texts(item.get("authors"), where.at("authors"))
        if authors:
            record.setdefault("authors", authors)
        date = self.date(item.get("date"), where.at("date"))
        if date:
            record.setdefault("date", date)
        abstract = self.text(item.get("abstract"), where.at("abstract"))
        if abstract:
            record.setdefault("abstract", abstract)
        venue = self.text(item.get("proceeding"), where.at("proceeding"))
        if venue:
            record.setdefault("venue", venue)
        links = record.setdefault("links", {})
        for field, kind in (("url_abs", "abstract"), ("url_pdf", "pdf")):
            url = self.url(item.get(field), where.at(field))
            if url:
                links[kind] = url  # the paper's own record outranks a row's link
        tasks = [self.entity("task", t, {})
                 for t in self.texts(item.get("tasks"), where.at("tasks"))]
        if tasks:
            record.setdefault("tasks", list(dict.fromkeys(tasks)))
        methods = []
        for k, method in enumerate(self._entries(item, "methods", where)):
            method_id = self.add_method(method, where.at("methods", k))
            if method_id:
                methods.append(method_id)
        if methods:
            record.setdefault("methods", list(dict.fromkeys(methods)))
        return paper

    def add_method(self, item: Any, where: Origin) -> str | None:
        if not isinstance(item, dict):
            self.report("A002", "a method is not a mapping; skipped", where)
            return None
        name = self.text(item.get("name"), where.at("name"))
        if name is None:
            self.report("A002", "a method has no name; skipped", where)
            return None
        url = item.get("url")
        preferred = m.group(1) if isinstance(url, str) and (m := _PWC_ENTITY.search(url)) else None
        collections = item.get("collections")
        collection_names = []
        area = None
        if isinstance(collections, list):
            for c in collections:
                if isinstance(c, dict) and isinstance(c.get("collection"), str):
                    collection_names.append(c["collection"].strip())
                    if area is None and isinstance(c.get("area"), str) and c["area"].strip():
                        area = self.area(c["area"].strip())
        main = item.get("main_collection")
        if isinstance(main, dict):
            if isinstance(main.get("name"), str) and main["name"].strip():
                collection_names.insert(0, main["name"].strip())
            if area is None and isinstance(main.get("area"), str) and main["area"].strip():
                area = self.area(main["area"].strip())
        paper: dict[str, Any] = item["paper"] if isinstance(item.get("paper"), dict) else {}
        source = self._link({"title": item.get("source_title") or paper.get("title"),
                             "url": item.get("source_url") or paper.get("url")},
                            where.at("source_url"))
        year = item.get("introduced_year")
        return self.entity("method", name, {
            "full_name": self.text(item.get("full_name"), where.at("full_name")),
            "description": self.text(item.get("description"), where.at("description")),
            "introduced_year": year if isinstance(year, int) and not isinstance(year, bool)
            and 1900 <= year <= 2100 else None,
            "source": source,
            "code": self.url(item.get("code_snippet_url"), where.at("code_snippet_url")),
            "area": area,
            "collections": list(dict.fromkeys(c for c in collection_names if c)),
        }, preferred)

    def add_methods(self, items: Numbered, file: str) -> None:
        for i, item in items:
            self.add_method(item, Origin(file, (i,)))

    def add_datasets(self, items: Numbered, file: str) -> None:
        for i, item in items:
            where = Origin(file, (i,))
            if not isinstance(item, dict):
                self.report("A002", "a dataset is not a mapping; skipped", where)
                continue
            name = self.text(item.get("name"), where.at("name"))
            if name is None:
                self.report("A002", "a dataset has no name; skipped", where)
                continue
            url = item.get("url")
            preferred = m.group(1) if isinstance(url, str) and (m := _PWC_ENTITY.search(url)) \
                else None
            variants = [v for v in self.texts(item.get("variants"), where.at("variants"))
                        if fold(v) != fold(name)]
            modalities = [layout.slugify(m)
                          for m in self.texts(item.get("modalities"), where.at("modalities"))
                          if layout.slugify(m)]
            languages = self.texts(item.get("languages"), where.at("languages"))
            self.entity("dataset", name, {
                "full_name": self.text(item.get("full_name"), where.at("full_name")),
                "description": self.text(item.get("description"), where.at("description")),
                "homepage": self.url(item.get("homepage"), where.at("homepage")),
                "introduced": self.date(item.get("introduced_date"), where.at("introduced_date")),
                "modalities": list(dict.fromkeys(modalities)),
                "languages": list(dict.fromkeys(languages)),
                "aliases": variants,
            }, preferred)


def unnamed_model(row: int | str) -> str:
    """The name of a row that names no model and no paper: its place in its table (the
    archive's HotpotQA board lists such rows), since a result needs a name and none is
    invented."""
    return f"[row {row + 1 if isinstance(row, int) else row}: no model name]"


def _place(where: Origin) -> str:
    row = where.pointer[-1] if where.pointer else "?"
    return str(row + 1) if isinstance(row, int) else str(row)


def _rows_in(node: Mapping[str, Any]) -> int:
    """The rows under a task or dataset of the evaluation tables, subtasks included."""
    sota = node.get("sota")
    rows = len(_list(sota.get("rows"))) if isinstance(sota, dict) else 0
    for key in ("datasets", "subdatasets", "subtasks"):
        rows += sum(_rows_in(n) for n in _list(node.get(key)) if isinstance(n, dict))
    return rows


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def source_record(draft: SourceDraft, source_id: str) -> dict[str, Any]:
    """The registry record of a board's source (schemas/source.schema.json)."""
    record: dict[str, Any] = {"id": source_id, "kind": "leaderboard", "title": draft.title,
                              "description": draft.description}
    if draft.results:
        record["results"] = list(draft.results.values())
    return record
