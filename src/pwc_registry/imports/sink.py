"""The shared path from a source's records to registry files: :class:`Sink` takes the
:class:`.records.Imported` batches any format reads and writes them as the archive importer
writes its rows.

For each result of a batch:

- **names → ids** through the registry's ids, names and aliases (:class:`.resolve.Known`). A task
  or dataset the registry lacks is created, as the archive importer creates them, and reported
  (A030) so that a maintainer can make it an alias instead; a metric it lacks is *not* created —
  a metric's direction and unit decide ranking and the unit rule, which an importer cannot
  know — and the value is reported (A031) and left out.
- **values** are read by the one number reader (:meth:`.fields.Fields.value`), then judged by
  **the unit rule**: on a metric whose unit is percent, a batch that states its values are
  fractions, or whose every value of that metric lies in [0, 1] (:func:`.units.fraction_metrics`),
  has them multiplied by 100, said in the result's notes and in the report (A032); a value in
  (0, 1] beside values of the same metric above 1 could be either, and is reported (A033), not
  imported. A source that states percent (``stated_unit="percent"``) is taken as written.
- **holders**: the batch's source record (found again by its preferred id, then its title), or
  where a batch has none, each result's paper (found by identifier, then title). A paper a
  source's result names is written too and linked as the result's ``paper``.
- **merging and writing** go through :func:`.write.write_record` (never overwriting a
  maintainer's value, never writing through a link), so a second import changes nothing.

Every result is counted in the report as a *row*, and ends as a result, merged into another row,
or not imported with a diagnostic saying why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import layout
from ..diagnostics import Diagnostic
from ..ids import (
    PAPER_IDENTIFIERS,
    ResultIdentity,
    board_problem,
    fold,
    identifiers_in,
    result_identity,
)
from ..suggest import did_you_mean
from ..values import exact_number
from ..writing import Folders
from .fields import Fields, disagree
from .holders import PaperDraft, PaperDrafts, paper_record, title_left_out
from .records import Imported, ImportedResult, ImportedValue, Origin, PaperRef, SourceRef
from .report import ImportReport
from .resolve import Known, outside_range
from .units import fraction_metrics, lowest, value_number
from .write import BatchWriter, write_record

#: result.schema.json's source kinds: how numbers relate to the method.
RESULT_KINDS = ("own", "baseline", "reproduction", "submission", "library", "model-card",
                "report")
#: Called with the number of rows read so far.
Progress = Callable[[int], None]


@dataclasses.dataclass
class _SourceHolder:
    ref: SourceRef
    id: str
    results: dict[ResultIdentity, dict[str, Any]] = dataclasses.field(default_factory=dict)


class Sink(Fields):
    """Imported batches into a registry: :meth:`add` each batch, then :meth:`close`."""

    def __init__(self, registry: Path, *, subject: str, speaker: str, reported_by: str,
                 jobs: int | None = None, today: dt.date | None = None,
                 progress: Progress | None = None) -> None:
        super().__init__(today)
        self.registry = registry
        self.subject = subject
        self.speaker = speaker
        self.reported_by = reported_by
        self.jobs = jobs
        self.progress = progress
        self.known = Known(registry, jobs)
        self.counts: Counter[str] = Counter()
        self.files: Counter[tuple[str, str]] = Counter()
        self.papers = PaperDrafts()
        self.sources: dict[str, _SourceHolder] = {}
        #: Tasks and datasets this import creates, by kind and id.
        self.created: dict[str, dict[str, dict[str, Any]]] = {"task": {}, "dataset": {}}
        #: Whether the batch being read had some of it left out (A049): why a value is
        #: ambiguous (A033) then.
        self._partial = False
        self._outside: set[str] = set()
        self._unknown: dict[str, str] = {}
        #: The metrics each held result's rows gave two values of (A006), by ``id`` of the
        #: result: a later row giving one of them is not the same result's (fields.disagree).
        self._twice: dict[int, frozenset[str]] = {}

    # --- reading --------------------------------------------------------------------------

    def report_at(self, code: str, message: str, origin: Origin, hint: str | None = None
                  ) -> None:
        """A problem at a place the format knows by line (a table's row) or by pointer."""
        if origin.line is None:
            self.report(code, message, origin)
            return
        self.diagnostics.add(Diagnostic(code, message, origin.file, origin.line,
                                        origin.column or 1, hint=hint,
                                        pointer=origin.pointer or None))

    def add(self, batch: Imported) -> None:
        for code, message, origin in batch.problems:
            self.report_at(code, message, origin)
        for code, more in batch.more_problems:
            self.diagnostics.count(code, more)
        self.counts["row"] += batch.unread_rows
        self.counts["skipped row"] += batch.unread_rows
        holder = self._source(batch.holder, batch.origin) if batch.holder else None
        fractions = fraction_metrics(batch, self._metric_of, self.known.signed)
        # The batch's metrics whose values are not all fractions: their small values are
        # ambiguous (A033).
        mixed = {self._metric_of(v.metric) for r in batch.results for v in r.values} \
            - fractions
        # Why each of those is not all fractions, for A033: a readable value outside [0, 1]
        # (_outside), else the first value that cannot be read or states its own unit ("NA",
        # "85.3%"), as written (_unknown). One pass over the values.
        self._outside, self._unknown = set(), {}
        for r in batch.results:
            for v in r.values:
                metric = self._metric_of(v.metric)
                if metric not in mixed:
                    continue
                n = value_number(v)
                if n is None:
                    self._unknown.setdefault(metric, str(v.value)[:40])
                elif not lowest(metric, self.known.signed) <= n <= 1:
                    self._outside.add(metric)
        self._partial = batch.partial
        for result in batch.results:
            self.counts["row"] += 1
            self._result(result, holder, fractions, mixed)
        if self.progress is not None:
            self.progress(self.counts["row"])

    def _source(self, ref: SourceRef, origin: Origin) -> _SourceHolder:
        key = ref.preferred_id or fold(ref.title)
        holder = self.sources.get(key)
        if holder is None:
            if ref.preferred_id and layout.SLUG.match(ref.preferred_id) and (
                    ref.preferred_id in self.known.source_ids
                    or (self.registry / layout.relative_path(layout.SOURCE, ref.preferred_id))
                    .exists()):
                # Found by its id, whatever its title is now; a file there that cannot be read
                # is reported when merging (A008), never duplicated under another id.
                source_id = ref.preferred_id
            else:
                source_id = self.known.source_id(ref.title, ref.preferred_id)
            # What the registry cannot hold is left out, reported, as in any other record.
            ref = dataclasses.replace(
                ref, url=self.url(ref.url, origin) if ref.url else None,
                date=self.date(ref.date, origin) if ref.date else None,
                description=self.text(ref.description, origin) if ref.description else None)
            holder = _SourceHolder(ref, source_id)
            self.sources[key] = holder
            self.counts["source"] += 1
        return holder

    def _entity(self, kind: str, clean: str, origin: Origin) -> str:
        """The id of the task or dataset named ``clean``: the registry's, or a new one."""
        found = self.known.names.resolve(kind, clean)
        if found is not None:
            return found
        entity_id = self.known.names.claim(kind, clean)
        self.created[kind][entity_id] = {"id": entity_id, "name": clean}
        self.counts[f"new {kind}"] += 1
        near = did_you_mean(clean, self.known.spellings.get(kind, []))
        self.report_at("A030", f"{kind} '{clean}' is not in the registry: created as "
                       f"{layout.relative_path(kind, entity_id)}", origin,
                       hint=f"did you mean '{near}'? then add '{clean}' to its aliases"
                       if near else None)
        return entity_id

    def _result(self, imported: ImportedResult, source: _SourceHolder | None,
                fractions: set[str], mixed: set[str]) -> None:
        origin = imported.origin
        task_name = self.text(imported.task, origin)
        dataset_name = self.text(imported.dataset, origin)
        model = self.text(imported.model, origin)
        if task_name is None or dataset_name is None or model is None:
            missing = [n for n, v in (("task", task_name), ("dataset", dataset_name),
                                      ("model", model)) if v is None]
            self.report_at("A036", f"the result has no {' or '.join(missing)}; not imported",
                           origin)
            self.counts["skipped row"] += 1
            return
        notes = list(imported.notes)
        values = [(*read, value.origin) for value in imported.values
                  if (read := self._value(value, fractions, mixed, notes)) is not None]
        metrics, twice = self.one_value_each(values, "result")
        if not metrics:
            self.report_at("A005", f"'{model}' has no value that can be imported; not imported",
                           origin)
            self.counts["skipped row"] += 1
            return
        at = dict(imported.origins)
        paper = self._paper(imported.paper, at.get("paper", origin)) if imported.paper else None
        if source is None and paper is None:
            self.report_at("A034", f"'{model}' names no paper that can be identified and its "
                           "batch no source; not imported", origin)
            self.counts["skipped row"] += 1
            return
        split = self.text(imported.split, origin) if imported.split else None
        names = self.known.names
        task_id = names.would_be("task", task_name)
        problem = board_problem(task_id, names.would_be("dataset", dataset_name), split,
                                self.known.longest_task.get(task_id, 0))
        if problem is not None:
            code, why = problem
            self.report_at("A039", f"'{model}': {why} ({code}); not imported", origin,
                           hint="name the split in Latin letters or digits" if code == "V011"
                           else "give the split (or the task or dataset) a shorter name")
            self.counts["skipped row"] += 1
            return
        # Only now, so that rows with nothing to import create no task or dataset.
        record: dict[str, Any] = {"task": self._entity("task", task_name, origin),
                                  "dataset": self._entity("dataset", dataset_name, origin)}
        if split:
            record["split"] = split
        record.update(model=model, metrics=metrics)
        if source is not None and paper is not None:
            record["paper"] = paper  # an id when written: see _records
        if imported.extra_training_data is not None:
            record["extra_training_data"] = imported.extra_training_data
        date = self.date(imported.date, origin) if imported.date else None
        if date:
            record["date"] = date
        for field, links in (("code_links", imported.code_links),
                             ("model_links", imported.model_links)):
            urls = [u for u in dict.fromkeys(self.url(x, at.get(field, origin)) for x in links)
                    if u]
            if urls:
                record[field] = urls
        provenance: dict[str, str] = {}
        kind = imported.kind or (source.ref.kind if source else None)
        if kind in RESULT_KINDS:
            provenance["kind"] = kind
        url = self.url(imported.url, at.get("url", origin)) if imported.url else None
        if url:
            provenance["url"] = url
        provenance["reported_by"] = self.reported_by
        record["source"] = provenance
        if notes:
            record["notes"] = "; ".join(notes)
        if source is not None:
            self._hold(source.results, record, twice, origin)
        elif paper is not None:
            self._hold(paper.results, record, twice, origin)

    def _metric_of(self, name: str) -> str:
        """The metric a batch's name for it is, as the unit rule groups values: its id, or the
        name as given where the registry has no such metric (its values are not imported)."""
        return self.known.names.resolve("metric", name) or name

    def _value(self, value: ImportedValue, fractions: set[str], mixed: set[str],
               notes: list[str]) -> tuple[str, Any] | None:
        """The metric's id and the value as the registry writes it, by the unit rule; None
        (reported) when it is not imported (a value outside the metric's range too: written,
        it would make the registry invalid, V002)."""
        read = self._unit_read(value, fractions, mixed, notes)
        if read is None:
            return None
        refused = outside_range(self.known.limits, *read)
        if refused is not None:
            self.report_at("A054", f"{value.metric}: {refused}; not imported", value.origin,
                           hint="check the source's value and unit")
            self.counts["skipped value"] += 1
            return None
        return read

    def _unit_read(self, value: ImportedValue, fractions: set[str], mixed: set[str],
                   notes: list[str]) -> tuple[str, Any] | None:
        metric_id = self.known.names.resolve("metric", value.metric)
        if metric_id is None:
            near = did_you_mean(value.metric, self.known.spellings.get("metric", []))
            self.report_at("A031", f"metric '{value.metric}' is not in the registry; its value "
                           f"{value.value!r} is not imported", value.origin,
                           hint=f"did you mean '{near}'? then add '{value.metric}' to its "
                           "aliases" if near else "add the metric, or the name as an alias")
            self.counts["skipped value"] += 1
            return None
        number, read_notes = self.value(value.value, value.origin)
        if number is None:
            self.counts["skipped value"] += 1
            return None
        if read_notes:
            notes.append(f"{value.metric} {value.value!r}: {', '.join(read_notes)}")
        unit = self.known.units.get(metric_id)
        if unit is None and value.stated_unit == "fraction":
            # The registry's values of the metric may be percents (timm's 9.944 top-1 error):
            # a fraction of 1 is neither taken as written nor converted without a unit.
            self.report_at("A033", f"{value.metric} {value.value!r} is said to be a fraction of "
                           f"1, but the registry's metric '{metric_id}' has no unit to convert "
                           "it to; not imported", value.origin,
                           hint=f"give metric '{metric_id}' its unit, or file the value by hand")
            self.counts["skipped value"] += 1
            return None
        if unit != "percent" or value.stated_unit == "percent" \
                or "stripped a percent sign" in read_notes:
            return metric_id, number
        central = number["value"] if isinstance(number, dict) else number
        low = lowest(metric_id, self.known.signed)
        interval = f"[{low:g}, 1]"
        if metric_id in fractions and not low <= central <= 1:
            self.report_at("A033", f"{value.metric} {central!r} is said to be a fraction of 1 "
                           f"but is not within {interval}; not imported", value.origin,
                           hint="check the source's unit, or file the value by hand")
            self.counts["skipped value"] += 1
            return None
        if metric_id in fractions:
            rounded: list[bool] = []
            converted = _percent(number, rounded)
            shown = converted["value"] if isinstance(converted, dict) else converted
            why = "as the source states" if value.stated_unit == "fraction" else \
                f"every value of it in the source is within {interval}"
            if rounded:
                why += (f"; rounded to {PERCENT_DIGITS} significant digits, as the source gives "
                        "more than a 64-bit float keeps")
            notes.append(f"{value.metric} {central!r} converted from a fraction to {shown!r} "
                         f"percent ({why})")
            self.report_at("A032", f"{value.metric} {central!r} read as {shown!r} percent: "
                           f"{why}", value.origin)
            self.counts["converted value"] += 1
            return metric_id, converted
        if metric_id in mixed and low <= central <= 1 and central != 0:
            why = ("some of the source was left out unread (A049), so its values cannot all "
                   f"be seen within {interval}") if self._partial else \
                f"other values of it in the source are outside {interval}" \
                if metric_id in self._outside else \
                (f"another value of it in the source, {self._unknown.get(metric_id, '?')!r}, "
                 "cannot be read or states its own unit, so the scale of the others is not "
                 "known")
            self.report_at("A033", f"{value.metric} {central!r} may be a fraction or a percent: "
                           f"{why}; not imported", value.origin, hint="state the unit, or "
                           "file the value by hand")
            self.counts["skipped value"] += 1
            return None
        return metric_id, number

    def _paper(self, ref: PaperRef, origin: Origin) -> PaperDraft | None:
        title = self.text(ref.title, origin) if ref.title else None
        url = self.url(ref.url, origin) if ref.url else None
        identifiers = {scheme: value for scheme, value in ref.identifiers if value}
        if url:
            for scheme, value in identifiers_in(url).items():
                identifiers.setdefault(scheme, value)
        if title is None and not any(s in identifiers for s in PAPER_IDENTIFIERS):
            return None
        draft = self.papers.find(title, identifiers)
        if url:
            draft.record.setdefault("links", {}).setdefault("abstract", url)
        date = self.date(ref.date, origin) if ref.date else None
        if date:
            draft.record.setdefault("date", date)
        return draft

    def _hold(self, results: dict[ResultIdentity, dict[str, Any]], record: dict[str, Any],
              twice: frozenset[str], origin: Origin) -> None:
        """Hold ``record`` (``twice``: the metrics its row gave two values of, left out)."""
        key = result_identity(record["task"], record["dataset"], record.get("split"),
                              record["model"])
        held = results.get(key)
        if held is None:
            results[key] = record
            self._twice[id(record)] = twice
            self.counts["result"] += 1
            return
        if disagree(held["metrics"], self._twice[id(held)], record["metrics"], twice):
            self.report_at("A035", f"'{record['model']}' is given again with other values; "
                           "the first is imported", origin)
            self.counts["skipped row"] += 1
            return
        held["metrics"].update({m: v for m, v in record["metrics"].items()
                                if m not in held["metrics"]})
        self._twice[id(held)] |= twice
        self.counts["merged row"] += 1

    # --- writing --------------------------------------------------------------------------

    def close(self, sources: Iterable[str]) -> ImportReport:
        """Write everything held; the report."""
        folders = Folders(self.registry)
        paper_ids: dict[int, str] = {}
        batches = BatchWriter(self.registry, layout.PAPER, self.jobs, self.files,
                              self.diagnostics, self.speaker, self.known.moved)
        drafts = self.papers.all()
        if len(drafts) > 1000:  # enough papers to be worth workers
            batches.start()
        # Drafts of papers renamed into a source: a source's rows naming one credit no paper.
        into_sources: dict[int, str] = {}
        for draft in drafts:
            paper_id = self.known.paper_id(draft.identifiers, draft.title, draft.label)
            renamed = self.known.renamed_into_source(paper_id, draft.label, len(draft.results))
            if renamed is not None:
                self.diagnostics.add(renamed)
                self.counts["result"] -= len(draft.results)
                self.counts["skipped row"] += len(draft.results)
                into_sources[id(draft)] = paper_id
                continue
            paper_ids[id(draft)] = paper_id
            left_out = title_left_out(draft, batches.file_of(paper_id))
            if left_out is not None:
                self.diagnostics.add(left_out)
            batches.add(paper_record(draft, paper_id))
        batches.close()
        for holder in self.sources.values():
            if not holder.results and not (
                    self.registry / layout.relative_path(layout.SOURCE, holder.id)).exists():
                self.counts["source"] -= 1
                continue  # nothing of it was imported (a card refused): no empty file for it
            record = _source_record(holder, paper_ids, into_sources)
            self._write(layout.SOURCE, record, folders)
            self.counts["result in a source"] += len(holder.results)
        for kind, created in self.created.items():
            for entity_id in sorted(created):
                self._write(kind, created[entity_id], folders)
        listed, totals = self.diagnostics.report(self.registry.name)
        return ImportReport(list(sources), self.counts, self.files, listed, [], totals,
                            subject=self.subject)

    def _write(self, kind: str, record: dict[str, Any], folders: Folders) -> None:
        outcome, found = write_record(self.registry, kind, record, folders, self.speaker,
                                      self.known.moved)
        self.files[(kind, outcome)] += 1
        self.diagnostics.extend(found)


#: The significant digits a float always keeps (DBL_DIG): a percent made from a fraction
#: with more digits than a float keeps (0.8978260869565218 is 89.78260869565218 percent, which
#: no float holds) is rounded to these, and the note says so.
PERCENT_DIGITS = 15


def _percent(number: Any, rounded: list[bool]) -> Any:
    """A fraction as a percent, digit for digit (0.853 → 85.3, not 85.30000000000001); where no
    float holds those digits, rounded to :data:`PERCENT_DIGITS`, and ``rounded`` told so."""
    if isinstance(number, dict):
        return {k: _percent(v, rounded) if k in ("value", "spread") else v
                for k, v in number.items()}
    hundred = decimal.Decimal(repr(number)) * 100
    if isinstance(number, int):
        return int(hundred)
    try:
        return float(exact_number(format(hundred, "f")))
    except ValueError:  # more digits than a float keeps: the fraction's own were float noise
        rounded.append(True)
        return float(format(hundred, f".{PERCENT_DIGITS}g"))


def _source_record(holder: _SourceHolder, paper_ids: dict[int, str],
                   into_sources: dict[int, str]) -> dict[str, Any]:
    """The registry record of a source (schemas/source.schema.json) with its results; a result
    naming a paper renamed into a source (``into_sources``) credits none and says so (a
    result's ``paper`` is a paper: R001 refused the registry the import wrote)."""
    ref = holder.ref
    record: dict[str, Any] = {"id": holder.id, "kind": ref.kind, "title": ref.title}
    if ref.authors:
        record["authors"] = list(ref.authors)
    for field in ("date", "url", "description"):
        if getattr(ref, field):
            record[field] = getattr(ref, field)
    if ref.identifiers:
        record["identifiers"] = dict(ref.identifiers)
    if ref.code:
        record["code"] = [{"url": url} for url in ref.code]
    results = []
    for result in holder.results.values():
        draft = result.get("paper")
        if isinstance(draft, PaperDraft) and id(draft) in into_sources:
            note = (f"the source names the paper {draft.label!r}, which the registry holds as the "
                    f"source '{into_sources[id(draft)]}'")
            result = {k: v for k, v in result.items() if k != "paper"}
            result["notes"] = f"{result['notes']}; {note}" if result.get("notes") else note
        elif isinstance(draft, PaperDraft):
            result = {**result, "paper": paper_ids[id(draft)]}
        results.append(result)
    if results:
        record["results"] = results
    return record


def import_batches(registry: Path, batches: Iterable[Imported], sources: Iterable[str], *,
                   subject: str, speaker: str, reported_by: str, jobs: int | None = None,
                   today: dt.date | None = None, progress: Progress | None = None
                   ) -> ImportReport:
    """Every batch through one :class:`Sink`: the report."""
    sink = Sink(registry, subject=subject, speaker=speaker, reported_by=reported_by, jobs=jobs,
                today=today, progress=progress)
    for batch in batches:
        sink.add(batch)
    return sink.close(sources)
