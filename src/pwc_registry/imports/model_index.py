"""model-index metafiles (paperswithcode/model-index): OpenMMLab's ``model-index.yml`` trees and
timm's docs, read into :class:`~.records.Imported` batches.

The format: a root ``model-index.yml`` whose ``Import`` lists files (relative paths or glob
patterns: ``configs/resnet/metafile.yml``, ``./docs/models/*.md``); each file holds
``Collections`` (a method: its ``Paper``, ``Code``, ``Metadata``) and ``Models`` (a trained
configuration: ``Name``, ``In Collection``, ``Results`` of ``Task``/``Dataset``/``Metrics``,
``Weights``). A field may name a file instead of holding its value (``Results: r1.yaml``,
``Models: [model1.yaml]``). Markdown files carry the same YAML inside HTML comments (timm).

The ``model-index`` package (PyPI) reads these trees too, but it is not used: it leaves a model's
``paper`` empty when the paper sits on its collection (every OpenMMLab metafile does that), it
reads with ``yaml.load`` (no size, depth or alias limits, no positions for a diagnostic), it
follows ``Import`` paths anywhere on the disk, and an unexpected shape (mmocr's oclip metafile,
``Models`` a mapping) raises. Here every file is read by :func:`pwc_registry.load.read_rich`
and confined to the tree given; every problem is reported with its file and line.

Holder: the numbers are the library's own re-training of each method, so one source of kind
``library`` per library tree (per root ``model-index.yml``) holds them, named by its
``Library: Name`` or else by its checkout's folder (``mmpretrain``; a metafile given alone, by
the checkout above it, else by the repository or its own folder, said: A056); each result names
the method's paper (the model's ``Paper``, or its collection's) and has kind ``library``. One
batch per file that holds models, so the unit rule judges a metafile as a whole.
"""

from __future__ import annotations

import codecs
import dataclasses
import fnmatch
import glob
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..diagnostics import Pointer, pointer_text
from ..ids import identifiers_in
from ..load import MAX_FILE_BYTES, Document, read_rich, salvage
from ..utf8 import NotUTF8, decode
from .records import Imported, ImportedResult, ImportedValue, Origin, PaperRef, SourceRef

ROOT_NAMES = ("model-index.yml", "model-index.yaml")
METAFILE_NAMES = ("metafile.yml", "metafile.yaml")
#: Files read from one tree at most: OpenMMLab's largest repositories have a few hundred.
MAX_FILES = 10_000
#: The most results one tree gives: a results file named by many models is read for each
#: (3,000 models naming one file of 3,000 results, 330 KB, took over 4 GB). OpenMMLab's
#: largest libraries hold a few thousand.
MAX_RESULTS = 100_000
#: Imports nested deeper than this are not followed (real trees nest two or three).
MAX_IMPORT_DEPTH = 32
_FILE_FIELD = re.compile(r"\.(?:ya?ml|json|md)$", re.IGNORECASE)
_MODEL_INDEX_KEYS = ("Models", "Collections", "Import")

Problem = tuple[str, str, Origin]


def paper_identifiers(url: str | None) -> tuple[tuple[str, str], ...]:
    """The identifiers a paper's link gives away (arXiv, the archive's slug, ACL, DOI,
    OpenReview), read as the archive importer reads them."""
    return tuple(sorted(identifiers_in(url.strip()).items())) if url else ()


def _html_comments(text: str) -> Iterator[tuple[int, str, bool]]:
    """Each HTML comment's body, where it starts, and whether it is closed (one never closed
    runs to the end of the text). Found by hand, not by a pattern: a non-greedy
    ``<!--(.*?)-->`` rescans to the end from every unclosed ``<!--``, quadratic on a file full
    of them."""
    position = 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            yield start + 4, text[start + 4:], False
            return
        yield start + 4, text[start + 4: end], True
        position = end + 3


def paper_ref(value: Any) -> PaperRef | None:
    """A ``Paper`` field: a URL, or a mapping with ``URL`` and ``Title``."""
    if isinstance(value, str) and value.strip():
        return PaperRef(url=value.strip(), identifiers=paper_identifiers(value))
    if isinstance(value, dict):
        link, title = _text(value.get("URL")), _text(value.get("Title"))
        if link or title:
            return PaperRef(title=title, url=link, identifiers=paper_identifiers(link))
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _url(value: Any) -> str | None:
    """A ``Code``/``Weights`` field: a URL, or a mapping with ``URL``."""
    return _text(value.get("URL") if isinstance(value, dict) else value)


#: NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR in UTF-8, and a carriage return alone: line breaks
#: to the readers of cards and metafiles that some viewers do not show (Y022 in the registry).
_HIDDEN_BREAKS = re.compile(b"\xc2\x85|\xe2\x80[\xa8\xa9]|\r(?!\n)")


def read_source_yaml(file: str, raw: bytes, *, any_shape: bool = False, line_offset: int = 0
                     ) -> tuple[Document | None, list[Problem], bool]:
    """A YAML document of someone else's (a metafile, a card's front matter at ``line_offset``),
    the problems to report, and whether some of it was left out. A document whose every problem
    is one value's is read all the same (:func:`..load.salvage`): a number no float holds is
    kept as its text, which the value reader then reports (A015) as it would a quoted one; a
    key written twice or a number YAML 1.1 reads otherwise leaves out the list entry holding it
    (a card's metric, a result, a model), reported (A049); the rest of the file is imported.
    An alias is read as a copy of its anchor's value (:func:`..load.read_rich`'s ``aliases``),
    as the library's own reader takes it. Anything else refuses the document (A040). A
    byte-order mark at its start is taken off:
    the registry's own files may not have one (Y009), but a library's file is read as the
    tables and cards are. NEL, LINE and PARAGRAPH SEPARATOR are line breaks, as YAML 1.1 reads
    them (the Hub reads cards with PyYAML), and so is a carriage return alone, as every YAML
    reader takes it: a registry file holding one is refused (Y022), but
    refusing someone else's card for one in a widget's text lost all of it (helper-91); a
    diagnostic's line past one counts it as a line."""
    raw = _HIDDEN_BREAKS.sub(b"\n", raw.removeprefix(codecs.BOM_UTF8))
    doc = read_rich(file, raw, any_shape=any_shape, aliases=True)
    if doc.data is not None:
        return doc, [], False
    saved = salvage(doc)
    if saved is None:
        return None, [("A040", f"{d.message} ({d.code})",
                       Origin(file, d.pointer or (), d.line + line_offset, d.column or None))
                      for d in doc.diagnostics], False
    problems: list[Problem] = []
    for d, entry in saved.left_out:
        pointer = d.pointer or ()
        if d.code == "Y002":
            first = doc.key_positions.get(pointer, (d.line, 0))[0] + line_offset
            why = f"key {pointer[-1]!r} is written twice (first at line {first})"
        else:
            why = d.message
        problems.append(("A049", f"{why}: {pointer_text(entry)} is not imported",
                         Origin(file, pointer, d.line + line_offset, d.column or None)))
    return saved.doc, problems, bool(saved.left_out)


@dataclasses.dataclass
class _Part:
    """One YAML document of a file (a markdown file may hold several) and where it starts."""

    file: str
    doc: Document
    line_offset: int = 0

    def origin(self, pointer: Pointer) -> Origin:
        line, column = self.doc.locate(pointer)
        return Origin(self.file, pointer, line + self.line_offset, column or None)


@dataclasses.dataclass
class _Model:
    data: dict[str, Any]
    part: _Part
    pointer: Pointer


@dataclasses.dataclass
class _Tree:
    """One root model-index file and everything it imports, confined to ``top``."""

    top: str  # real path of the folder the reader may read in
    top_given: str  # the same folder as given (absolute), to tell a link from a `..`
    problems: list[Problem] = dataclasses.field(default_factory=list)
    read: set[str] = dataclasses.field(default_factory=set)  # real paths of files read
    #: What each file read holds: a file of results two models name is read once, used twice.
    parsed: dict[str, list[_Part]] = dataclasses.field(default_factory=dict)
    walked: set[str] = dataclasses.field(default_factory=set)  # real paths imported
    reading: list[str] = dataclasses.field(default_factory=list)  # the import chain
    #: Each collection name's definitions, in the order read (a tree of metafiles may define
    #: one name in two of them).
    collections: dict[str, list[tuple[dict[str, Any], _Part, Pointer]]] = dataclasses.field(
        default_factory=dict)
    models: list[_Model] = dataclasses.field(default_factory=list)
    library: dict[str, Any] | None = None
    #: Files some of which was left out (A049): the unit rule cannot judge them whole.
    partial: set[str] = dataclasses.field(default_factory=set)
    results_given: int = 0
    #: Results each model's file gives that are not read (no task, dataset or value): counted
    #: as rows read and not imported.
    unread: Counter[str] = dataclasses.field(default_factory=Counter)

    def report(self, code: str, message: str, origin: Origin) -> None:
        self.problems.append((code, message, origin))

    def _count_left_out(self, path: str, problems: list[Problem]) -> None:
        """A model's entry or a result the reader left out (A049) is a row not read (a model
        holds one result at least), as the card importer counts it."""
        for code, _, where in problems:
            places = [i for i, part in enumerate(where.pointer) if isinstance(part, int)]
            entry = where.pointer[: places[-1] + 1] if places else ()
            if code == "A049" and entry and (len(entry) == 1 or
                                             entry[-2] in ("Models", "Results")):
                self.unread[path] += 1

    # --- files ---

    def _inside(self, real: str) -> bool:
        return real == self.top or real.startswith(self.top.rstrip(os.sep) + os.sep)

    def _given_inside(self, path: str) -> bool:
        """Whether ``path``, read as written (``..`` resolved, links not), is in the tree."""
        lexical = os.path.abspath(path)
        return lexical == self.top_given or lexical.startswith(
            self.top_given.rstrip(os.sep) + os.sep)

    def _glob(self, pattern: str) -> tuple[list[str], bool]:
        """The paths matching ``pattern`` (in the tree as written), sorted, as :mod:`glob`
        finds them but listing only folders of the tree, and whether a folder reached through
        a link out of it was left unlisted (glob followed ``rootlink/*/*/*``: minutes of
        walking the disk, naming files outside). More than MAX_FILES at any depth: cut there
        (the caller refuses them all)."""
        found = [self.top_given]
        left = False
        parts = os.path.relpath(pattern, self.top_given).split(os.sep)
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            deeper: list[str] = []
            for folder in found:
                if not last and not self._inside(os.path.realpath(folder)):
                    left = True  # through a link out of the tree: not listed
                    continue
                if not glob.has_magic(part):
                    path = os.path.join(folder, part)
                    if os.path.lexists(path) if last else os.path.isdir(path):
                        deeper.append(path)
                    continue
                try:
                    with os.scandir(folder) as entries:
                        deeper += [e.path for e in entries
                                   if (not e.name.startswith(".") or part.startswith("."))
                                   and fnmatch.fnmatchcase(e.name, part)
                                   and (last or e.is_dir())]
                except OSError:
                    continue
                if len(deeper) > MAX_FILES:
                    return deeper, left
            found = deeper
        return sorted(found), left

    def resolve(self, base_dir: str, text: str, at: Origin) -> list[str]:
        """The files an ``Import`` entry or file field names, each checked to lie in the tree."""
        if any(ord(c) < 32 for c in text):  # a NUL byte would make the system calls raise
            self.report("A045", f"{text!r} holds control characters; it is not a path", at)
            return []
        if os.path.isabs(text) or text.startswith("~"):
            self.report("A041", f"{text!r} is an absolute path; only paths inside "
                        f"{self.top} are read", at)
            return []
        joined = os.path.normpath(os.path.join(base_dir, text))
        if glob.has_magic(text):
            if not self._given_inside(joined):
                # Said before any folder is listed: "../../*/*/*/*" would walk the whole disk
                # (3 GB and minutes) only to refuse each match, naming files outside.
                self.report("A041", f"{text!r} leads out of {self.top}; not read", at)
                return []
            matches, left = self._glob(joined)
            if left:
                self.report("A041", f"{text!r} leads through a symbolic link out of "
                            f"{self.top}; what lies there is not listed", at)
            if len(matches) > MAX_FILES:
                self.report("A040", f"{text!r} matches more than {MAX_FILES:,} files; none "
                            "is read", at)
                return []
            if not matches and not left:
                self.report("A042", f"{text!r} matches no file", at)
        else:
            matches = [joined]
        out = []
        for path in matches:
            real = os.path.realpath(path)
            if not self._inside(real):
                how = "through a symbolic link " if self._given_inside(path) else ""
                self.report("A041", f"{text!r} leads {how}out of {self.top} (to {real}); "
                            "not read", at)
                continue
            if not os.path.lexists(path):
                self.report("A042", f"{text!r} does not exist ({path})", at)
                continue
            out.append(path)
        return out

    def load(self, path: str, at: Origin | None) -> list[_Part]:
        """The YAML documents of ``path`` (read once per tree, its problems said once), or []
        with a problem said."""
        real = os.path.realpath(path)
        if real in self.reading:
            chain = " → ".join(os.path.relpath(p, self.top) for p in
                               self.reading[self.reading.index(real):])
            self.report("A043", f"import cycle: {chain} → {os.path.relpath(real, self.top)}",
                        at or Origin(path))
            return []
        if real not in self.parsed:
            self.parsed[real] = self._read(path, real, at)
        return self.parsed[real]

    def _read(self, path: str, real: str, at: Origin | None) -> list[_Part]:
        if len(self.read) >= MAX_FILES:
            self.report("A040", f"more than {MAX_FILES:,} files in one tree; {path} and the rest "
                        "are not read", at or Origin(path))
            return []
        if len(self.reading) >= MAX_IMPORT_DEPTH:
            self.report("A040", f"imports nested deeper than {MAX_IMPORT_DEPTH} files; {path} is "
                        "not read", at or Origin(path))
            return []
        self.read.add(real)
        try:
            info = os.stat(real)
            if not stat.S_ISREG(info.st_mode):
                self.report("A040", f"{path} is not a regular file", at or Origin(path))
                return []
            if info.st_size > MAX_FILE_BYTES:
                self.report("A040", f"{path} is {info.st_size:,} bytes, over the limit of "
                            f"{MAX_FILE_BYTES:,}", at or Origin(path))
                return []
            with open(real, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self.report("A040", f"{path} cannot be read: {exc.strerror or exc}",
                        at or Origin(path))
            return []
        if path.lower().endswith(".md"):
            return self._markdown(path, raw)
        found, problems, partial = read_source_yaml(path, raw, any_shape=True)
        self._count_left_out(path, problems)
        for problem in problems:
            self.report(*problem)
        if partial:
            self.partial.add(path)
        return [] if found is None else [_Part(path, found)]

    def _markdown(self, path: str, raw: bytes) -> list[_Part]:
        """The model-index blocks of a markdown file: YAML inside HTML comments."""
        try:
            text = decode(raw)
        except NotUTF8 as exc:
            self.report("A040", exc.message, Origin(path, (), raw[: exc.start].count(b"\n") + 1))
            return []
        parts = []
        for start, body, closed in _html_comments(text):
            if not any(f"{key}:" in body for key in _MODEL_INDEX_KEYS):
                continue  # a comment of another kind
            offset = text.count("\n", 0, start)
            if not closed:  # its models would be lost without a word
                self.report("A040", "the HTML comment that holds a model-index block is never "
                            "closed (-->); it is not read", Origin(path, (), offset + 1))
                continue
            found, problems, partial = read_source_yaml(path, body.encode("utf-8"),
                                                        line_offset=offset)
            self._count_left_out(path, problems)
            for problem in problems:
                self.report(*problem)
            if partial:
                self.partial.add(path)
            if found is not None:
                parts.append(_Part(path, found, offset))
        return parts

    # --- the format ---

    def walk(self, path: str, at: Origin | None = None) -> None:
        """Read a model-index file and, depth first, everything it imports (each file once)."""
        real = os.path.realpath(path)
        if real in self.walked and real not in self.reading:  # in it: a cycle, said by load
            return
        parts = self.load(path, at)
        if not parts:
            return
        self.walked.add(real)
        self.reading.append(real)
        try:
            for part in parts:
                data = part.doc.data
                if isinstance(data, dict):
                    self._document(part, data)
                elif isinstance(data, list):  # a file of models (``Models: [models.yml]``)
                    self._models(part, data, ())
        finally:
            self.reading.pop()

    def _document(self, part: _Part, data: dict[str, Any]) -> None:
        base = os.path.dirname(part.file)
        if isinstance(data.get("Library"), dict) and self.library is None:
            self.library = data["Library"]
        imports = data.get("Import")
        if isinstance(imports, str):
            imports = [imports]
        if imports is not None and not isinstance(imports, list):
            self.report("A045", "Import is not a list of paths", part.origin(("Import",)))
            imports = []
        for i, entry in enumerate(imports or []):
            at = part.origin(("Import", i))
            if not isinstance(entry, str):
                self.report("A045", "an Import entry is not a path", at)
                continue
            for target in self.resolve(base, entry, at):
                self.walk(target, at)
        for item, item_part, pointer in self._field(part, data, "Collections"):
            name = item.get("Name")
            if not isinstance(name, str) or not name.strip():
                self.report("A045", "a collection has no Name", item_part.origin(pointer))
                continue
            self.collections.setdefault(name.strip(), []).append((item, item_part, pointer))
            if item.get("Results"):
                self.report("A045", f"collection {name.strip()!r} has Results of its own; "
                            "only a model's results are imported",
                            item_part.origin((*pointer, "Results")))
        if "Models" in data:
            self._models(part, data["Models"], ("Models",))
        elif "Results" in data and "Name" in data:  # a file holding one model
            self.models.append(_Model(data, part, ()))
        elif not any(key in data for key in _MODEL_INDEX_KEYS):
            # Not this format at all: said, not read as an empty library.
            self.report("A045", "the file has no Models, Collections or Import: not a "
                        "model-index file" + (
                            " (its model-index block is a Hugging Face card's: import it with "
                            "`pwc import hf`)" if "model-index" in data else ""),
                        part.origin(()))

    def _models(self, part: _Part, value: Any, pointer: Pointer) -> None:
        for item, item_part, item_pointer in self._expand(part, value, pointer, "Models"):
            self.models.append(_Model(item, item_part, item_pointer))

    def _field(self, part: _Part, data: dict[str, Any], key: str
               ) -> Iterator[tuple[dict[str, Any], _Part, Pointer]]:
        if key in data:
            yield from self._expand(part, data[key], (key,), key)

    def _expand(self, part: _Part, value: Any, pointer: Pointer, key: str
                ) -> Iterator[tuple[dict[str, Any], _Part, Pointer]]:
        """The mappings a list field holds, files it names read in their place."""
        if isinstance(value, str) and _FILE_FIELD.search(value.strip()):
            value = [value]
        if key == "Results" and isinstance(value, dict) and "Metrics" in value:
            yield value, part, pointer  # one result written without its list: not a guess
            return
        if not isinstance(value, list):
            self.report("A045", f"{key} is {_kind(value)} where a list is expected; "
                        "its entries are not imported", part.origin(pointer))
            return
        for i, item in enumerate(value):
            at = (*pointer, i)
            if isinstance(item, dict):
                yield item, part, at
            elif isinstance(item, str) and _FILE_FIELD.search(item.strip()):
                for target in self.resolve(os.path.dirname(part.file), item.strip(),
                                           part.origin(at)):
                    real = os.path.realpath(target)
                    loaded = self.load(target, part.origin(at))
                    self.reading.append(real)
                    try:
                        for sub in loaded:
                            data = sub.doc.data
                            if isinstance(data, dict) and key in data:
                                yield from self._expand(sub, data[key], (key,), key)
                            elif isinstance(data, dict):
                                yield data, sub, ()
                            else:
                                yield from self._expand(sub, data, (), key)
                    finally:
                        self.reading.pop()
            else:
                self.report("A045", f"an entry of {key} is {_kind(item)}, not a mapping",
                            part.origin(at))

    # --- results ---

    def batches(self, holder: SourceRef) -> Iterator[Imported]:
        by_file: dict[str, list[ImportedResult]] = {}
        problems_by_file: dict[str, list[Problem]] = {}
        order: list[str] = []
        for model in self.models:
            file = model.part.file
            if file not in by_file:
                by_file[file] = []
                problems_by_file[file] = []
                order.append(file)
            by_file[file].extend(self._results(model, problems_by_file[file]))
        for file in order:
            yield Imported(Origin(file), holder, tuple(by_file[file]),
                           tuple(problems_by_file[file]), partial=file in self.partial,
                           unread_rows=self.unread[file])

    def _results(self, model: _Model, problems: list[Problem]) -> Iterator[ImportedResult]:
        data, part, pointer = model.data, model.part, model.pointer
        if self.results_given > MAX_RESULTS:  # said once, at the first left out
            return
        name = data.get("Name")
        if not isinstance(name, str) or not name.strip():
            problems.append(("A045", "a model has no Name; its results are not imported",
                             part.origin(pointer)))
            return
        name = name.strip()
        collection: dict[str, Any] = {}
        collection_at: tuple[_Part, Pointer] | None = None
        in_collection = data.get("In Collection")
        if isinstance(in_collection, str) and in_collection.strip():
            found = self.collections.get(in_collection.strip(), [])
            # Defined in the model's own file, or the same wherever defined: else which one
            # the model means is a guess (two metafiles each defining "Net", for two papers).
            own = [c for c in found if c[1].file == part.file]
            if not found:
                problems.append(("A046", f"model {name!r} is in collection "
                                 f"{in_collection.strip()!r}, which the tree does not define",
                                 part.origin((*pointer, "In Collection"))))
            elif len(own) == 1 or all(c[0] == found[0][0] for c in found):
                collection, collection_at = (own or found)[0][0], (own or found)[0][1:]
            else:
                files = sorted({os.path.relpath(c[1].file, self.top) for c in found})
                problems.append(("A046", f"model {name!r} is in collection "
                                 f"{in_collection.strip()!r}, which the tree defines "
                                 f"{len(found)} times, differently ({', '.join(files)}): it "
                                 "takes no paper or code from any of them",
                                 part.origin((*pointer, "In Collection"))))
        paper = paper_ref(data.get("Paper")) or paper_ref(collection.get("Paper"))
        code = _url(data.get("Code")) or _url(collection.get("Code"))
        weights = _url(data.get("Weights"))

        def field_at(field: str, given: Any) -> Origin:
            """Where the model's field is, else its collection's: a value's own line."""
            own = data.get(field)
            where = (part, (*pointer, field)) if paper_ref(own) or _url(own) or \
                collection_at is None else (collection_at[0], (*collection_at[1], field))
            inner = (*where[1], "URL") if isinstance(given, dict) and "URL" in given else where[1]
            return where[0].origin(inner)

        origins = ((("paper", field_at("Paper", data.get("Paper") or collection.get("Paper"))),)
                   if paper else ()) \
            + ((("code_links", field_at("Code", data.get("Code") or collection.get("Code"))),)
               if code else ()) \
            + ((("model_links", part.origin((*pointer, "Weights"))),) if weights else ())
        results = data.get("Results")
        if results is None:
            return
        for entry, entry_part, at in self._expand(part, results, (*pointer, "Results"),
                                                   "Results"):
            task, dataset, metrics = (entry.get("Task"), entry.get("Dataset"),
                                      entry.get("Metrics"))
            missing = [k for k, v in (("Task", task), ("Dataset", dataset))
                       if not isinstance(v, str) or not v.strip()]
            if not isinstance(metrics, dict) or not metrics:
                missing.append("Metrics")
            if missing:
                problems.append(("A045", f"a result of {name!r} has no {' or '.join(missing)}; "
                                 "not imported", entry_part.origin(at)))
                self.unread[part.file] += 1
                continue
            assert isinstance(task, str) and isinstance(dataset, str) and isinstance(metrics, dict)
            values = []
            for metric, value in metrics.items():
                origin = entry_part.origin((*at, "Metrics", metric))
                if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                    problems.append(("A045", f"{metric!r} of {name!r} is {_kind(value)}, not a "
                                     "value", origin))
                    continue
                values.append(ImportedValue(metric, value, origin))
            if values and self.results_given >= MAX_RESULTS:
                problems.append(("A040", f"more than {MAX_RESULTS:,} results in one tree; "
                                 f"those from {name!r} on are not imported",
                                 entry_part.origin(at)))
                self.results_given += 1
                return
            if not values:  # every value said (A045) and none read
                self.unread[part.file] += 1
            if values:
                self.results_given += 1
                yield ImportedResult(
                    origin=entry_part.origin(at), task=task.strip(), dataset=dataset.strip(),
                    model=name, values=tuple(values), paper=paper, kind="library",
                    code_links=(code,) if code else (),
                    model_links=(weights,) if weights else (), origins=origins)


def _kind(value: Any) -> str:
    from ..load import describe_value

    return describe_value(value)


#: How many folders above a metafile given alone are looked at for its checkout.
CHECKOUT_DEPTH = 16


def checkout_of(root: str) -> tuple[str, str | None] | None:
    """The folder of the library checkout ``root`` (a file, its real place) belongs to, and
    its ``model-index.yml`` if it has one: its own folder for a ``model-index.yml``; for a
    metafile given alone, the nearest folder above it holding a ``model-index.yml`` or else a
    ``.git`` (a repository, which may hold many libraries' files); None in neither."""
    real = os.path.realpath(root)
    folder = os.path.dirname(real)
    if os.path.basename(root) in ROOT_NAMES:
        return folder, real
    repository: str | None = None
    for _ in range(CHECKOUT_DEPTH):
        for name in ROOT_NAMES:
            if os.path.isfile(os.path.join(folder, name)):
                return folder, os.path.join(folder, name)
        if repository is None and os.path.lexists(os.path.join(folder, ".git")):
            repository = folder
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return (repository, None) if repository is not None else None


def _library_block(root_file: str) -> dict[str, Any] | None:
    """The ``Library`` block of a checkout's ``model-index.yml`` above a metafile given alone
    (what names the library when the whole checkout is imported); None if it has none or
    cannot be read (a regular file of at most the size a metafile may have)."""
    try:
        info = os.stat(root_file)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        with open(root_file, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    found, _, _ = read_source_yaml(root_file, raw, any_shape=True)
    data = found.data if found is not None else None
    block = data.get("Library") if isinstance(data, dict) else None
    return block if isinstance(block, dict) else None


def _library_source(root: str, library: dict[str, Any] | None
                    ) -> tuple[SourceRef, Problem | None]:
    """The library's source: named by its ``Library: Name``, else by its checkout's (the
    ``model-index.yml`` above a metafile given alone), else by the checkout's folder
    (:func:`checkout_of`); a metafile in no checkout but a repository, or in neither, is named
    by that folder, said (A056)."""
    from ..ids import slugify

    name = library.get("Name") if library else None
    problem: Problem | None = None
    if not isinstance(name, str) or not name.strip():
        checkout = checkout_of(root)
        if checkout is not None and checkout[1] is not None and \
                os.path.basename(root) not in ROOT_NAMES:
            library = library or _library_block(checkout[1])
            name = library.get("Name") if library else None
        if not isinstance(name, str) or not name.strip():
            folder = checkout[0] if checkout else os.path.dirname(os.path.realpath(root))
            name = os.path.basename(folder) or "model-index"
            if checkout is None or checkout[1] is None:
                where = "in no checkout (no model-index.yml or .git above it)" \
                    if checkout is None else f"in the repository {folder} but in no " \
                    "checkout of a library (no model-index.yml above it)"
                problem = ("A056", f"{root} is {where} and has no 'Library: Name': its "
                           f"library is named after the folder {name!r}", Origin(root))
    name = name.strip()
    url = None
    if library:
        url = _url(library.get("Repository")) or _url(library.get("Website"))
    return SourceRef(kind="library", title=name, preferred_id=slugify(name) or None, url=url,
                     description="The library's own training of each method, as its "
                     "model-index metafiles publish it."), problem


def _roots_and_metafiles(folder: str) -> tuple[list[str], list[str]]:
    roots, metafiles = [], []
    for here, dirs, files in os.walk(folder):  # never follows a linked folder
        dirs.sort()
        for name in sorted(files):
            if name in ROOT_NAMES:
                roots.append(os.path.join(here, name))
            elif name in METAFILE_NAMES:
                metafiles.append(os.path.join(here, name))
    return roots, metafiles


def read_model_index(paths: Iterable[str | Path]) -> Iterator[Imported]:
    """The batches of every model-index tree under ``paths`` (root files or folders).

    A folder is searched for ``model-index.yml`` files; each is a tree confined to the folder
    given. A metafile under a folder that no tree reads is reported (A044), not read. A file
    given by name is a root, confined to its own folder."""
    for given in paths:
        path = os.path.normpath(str(given))
        walked = os.path.isdir(path)
        if walked:
            roots, metafiles = _roots_and_metafiles(path)
            top = path
        else:
            roots, metafiles, top = [path], [], os.path.dirname(path) or "."
        read_anywhere: set[str] = set()
        leftover: list[Problem] = []
        if not roots and not metafiles:
            leftover.append(("A042", f"{path} holds no model-index.yml or metafile",
                             Origin(path)))
        for root in roots:
            tree = _Tree(os.path.realpath(top), os.path.abspath(top))
            if walked and not tree._inside(os.path.realpath(root)):
                # A root found in the folder that is a link out of it: read nothing it names.
                leftover.append(("A041", f"{root} leads through a symbolic link out of {path} "
                                 f"(to {os.path.realpath(root)}); not read", Origin(root)))
                continue
            tree.walk(root)
            read_anywhere |= tree.read
            holder, named = _library_source(root, tree.library)
            batches = list(tree.batches(holder))
            # (Its name matters only to results: a file of another format has none.)
            problems = [*tree.problems, *([named] if named and batches else [])]
            if batches:
                first = batches[0]
                batches[0] = dataclasses.replace(first, problems=(*problems, *first.problems))
            elif problems:
                batches = [Imported(Origin(root), holder, (), tuple(problems))]
            yield from batches
        for metafile in metafiles:
            if os.path.realpath(metafile) not in read_anywhere:
                leftover.append(("A044", f"{metafile} is not imported by any model-index.yml "
                                 f"under {path}; not read", Origin(metafile)))
        if leftover:
            yield Imported(Origin(path), None, (), tuple(leftover))
