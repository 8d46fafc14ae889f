"""Papers' metadata from the public arXiv API (``export.arxiv.org/api/query``, Atom XML).

:func:`parse_feed` is pure and tested on recorded responses; :func:`fetch` (one paper, for ``pwc
new paper``) and :func:`fetch_many` (batches, for ``pwc papers fill``) add the requests, with a
timeout and a message that says what to do when arXiv cannot be reached. The address can be
changed (``PWC_ARXIV_API``) so tests serve responses from a local server.

A response is untrusted input: it is read up to :data:`MAX_RESPONSE` bytes, and parsed as it
streams (SAX, keeping only the entries' fields) with entities and document types refused
(defusedxml), so neither a huge body, nor a strange shape, nor an entity bomb can exhaust
memory.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from . import patterns
from .ids import ARXIV_WRITTEN

API = "https://export.arxiv.org/api/query"
TIMEOUT = 15.0
#: Ids asked for in one request: arXiv's guide suggests modest slices; 50 abstracts are ~100 KB.
BATCH = 50
#: Seconds between two requests, as arXiv's terms of use ask ("no more than one request every
#: three seconds").
PAUSE = 3.0
#: Tries of one request that arXiv answers with a temporary failure (429, 5xx).
TRIES = 3
#: The most of one response that is read: far above a batch of abstracts.
MAX_RESPONSE = 8 << 20
_ATOM_NS = "http://www.w3.org/2005/Atom"
#: What is read of an entry: each field's first occurrence; ``name`` is an author's, each kept.
_ENTRY_FIELDS = {"id", "title", "summary", "published", "name"}
#: A feed is four levels deep (feed, entry, author, name); a response far deeper is not one.
_MAX_DEPTH = 32
#: An entry's id: ``http://arxiv.org/abs/2211.05344v1``, ``http://arxiv.org/abs/cs/9301114v1``.
_ENTRY_ID = re.compile(r"/abs/(.+?)(?:v[0-9]+)?$")
_TEMPORARY = {429, 500, 502, 503, 504}


class ArxivError(Exception):
    """arXiv could not be asked, or did not know the paper; the message says what to do."""


class ArxivUnreachable(ArxivError):
    """arXiv could not be reached, or answered with an error: nothing more can be asked now.
    ``temporary``: arXiv said so (busy, 429 or 5xx), and asking again later may work."""

    def __init__(self, message: str, *, temporary: bool = False) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclasses.dataclass(frozen=True)
class ArxivPaper:
    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    #: The day of the first version (``published``), YYYY-MM-DD; empty if arXiv gives none.
    date: str
    abstract: str
    abstract_url: str
    pdf_url: str | None


def normalise_id(text: str) -> str:
    """``arXiv:2211.05344v1`` → ``2211.05344``; ArxivError if it is not an arXiv id."""
    m = ARXIV_WRITTEN.match(text.strip())
    if not m:
        raise ArxivError(f"{text!r} is not an arXiv id (such as 2211.05344)")
    return m.group(1)


class _Feed(ContentHandler):
    """The entries of a feed, read as the parser goes: only the entries' fields are kept, so
    what reading takes follows the size of the response, never its shape (a million empty
    elements, or elements nested a million deep, cost nothing)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[dict[str, Any]] = []
        self._entry: dict[str, Any] | None = None
        self._field: str | None = None
        self._text: list[str] = []
        self._depth = 0

    def startElementNS(self, name: tuple[str | None, str], qname: str | None,
                       attrs: Any) -> None:
        self._depth += 1
        if self._depth > _MAX_DEPTH:
            raise ArxivError("the arXiv response nests deeper than a feed does; refusing to "
                             "read it")
        uri, local = name
        if uri != _ATOM_NS:
            return
        if local == "entry" and self._depth == 2:
            self._entry = {"authors": [], "links": {}}
        elif self._entry is not None and local in _ENTRY_FIELDS and self._field is None:
            self._field, self._text = local, []
        elif self._entry is not None and local == "link":
            key = attrs.get((None, "title")) or attrs.get((None, "rel"))
            self._entry["links"].setdefault(key, attrs.get((None, "href")))

    def characters(self, content: str) -> None:
        if self._field is not None:
            self._text.append(content)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        self._depth -= 1
        uri, local = name
        if self._entry is None or uri != _ATOM_NS:
            return
        if local == self._field:
            text = " ".join("".join(self._text).split())
            if local == "name":
                self._entry["authors"].append(text)
            else:
                self._entry.setdefault(local, text)
            self._field = None
        elif local == "entry":
            self.entries.append(self._entry)
            self._entry = None


def parse_feed(data: bytes) -> dict[str, ArxivPaper]:
    """Every paper in an API response, by arXiv id without version. An id arXiv does not know
    is not in it; an error arXiv reports (a malformed id) is an ArxivError."""
    feed = _Feed()
    parser = DefusedExpatParser(forbid_dtd=True)
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(feed)
    try:
        parser.feed(data)
        parser.close()
    except DefusedXmlException:  # entities are how XML bombs work
        raise ArxivError("the arXiv response declares entities or a document type; refusing "
                         "to read it") from None
    except SAXParseException as exc:
        raise ArxivError(f"the arXiv response is not valid XML: {exc.getMessage()} at line "
                         f"{exc.getLineNumber()}, column {exc.getColumnNumber()}") from None
    papers: dict[str, ArxivPaper] = {}
    for entry in feed.entries:
        entry_id = entry.get("id", "")
        if "/api/errors" in entry_id:
            raise ArxivError(f"arXiv refused the request: {entry.get('summary', '')}")
        found = _ENTRY_ID.search(entry_id)
        if found is None or not entry.get("title"):  # an empty entry: arXiv has no such paper
            continue
        published = entry.get("published", "")[:10]
        papers[found.group(1)] = ArxivPaper(
            arxiv_id=found.group(1),
            title=entry["title"],
            authors=tuple(name for name in entry["authors"] if name),
            date=published if patterns.DAY.match(published) else "",
            abstract=entry.get("summary", ""),
            abstract_url=entry["links"].get("alternate") or entry_id,
            pdf_url=entry["links"].get("pdf"),
        )
    return papers


def parse(data: bytes, arxiv_id: str) -> ArxivPaper:
    """The paper in an API response for ``arxiv_id``."""
    found = parse_feed(data).get(arxiv_id)
    if found is None:
        raise ArxivError(f"arXiv has no paper {arxiv_id}")
    return found


def _base(api: str | None) -> str:
    return api or os.environ.get("PWC_ARXIV_API") or API


def _get(base: str, ids: Sequence[str], timeout: float) -> bytes:
    """One response, at most :data:`MAX_RESPONSE` bytes; ArxivUnreachable on a failure,
    whose message says whether trying again later may help."""
    query = urllib.parse.urlencode({"id_list": ",".join(ids), "max_results": len(ids)})
    try:
        with urllib.request.urlopen(f"{base}?{query}", timeout=timeout) as response:
            data: bytes = response.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as exc:
        raise ArxivUnreachable(f"arXiv at {base} answered {exc.code} {exc.reason}; try again "
                               "later", temporary=exc.code in _TEMPORARY) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ArxivUnreachable(f"cannot reach arXiv at {base} ({reason}); are you "
                               "offline?") from None
    if len(data) > MAX_RESPONSE:
        raise ArxivError(f"the arXiv response is larger than {MAX_RESPONSE >> 20} MiB; "
                         "refusing to read it")
    return data


def fetch(arxiv_id: str, *, api: str | None = None, timeout: float = TIMEOUT) -> ArxivPaper:
    arxiv_id = normalise_id(arxiv_id)
    try:
        data = _get(_base(api), [arxiv_id], timeout)
    except ArxivUnreachable as exc:
        raise ArxivError(f"{exc} Write the paper from flags instead: pwc new paper --title ... "
                         f"--author ... --date YYYY-MM-DD --arxiv {arxiv_id}") from None
    return parse(data, arxiv_id)


def fetch_many(ids: Sequence[str], *, api: str | None = None, timeout: float = TIMEOUT,
               batch: int = BATCH, pause: float = PAUSE, tries: int = TRIES,
               sleep: Callable[[float], None] = time.sleep
               ) -> Iterator[tuple[list[str], dict[str, ArxivPaper]]]:
    """The papers of ``ids`` (without versions), a batch at a time: each batch's ids and what
    arXiv knows of them (an id it does not know is missing). Requests are ``pause`` seconds
    apart; one that arXiv answers with a temporary failure is tried ``tries`` times, waiting
    longer each time. ArxivUnreachable when arXiv cannot be asked (the batches before it were
    yielded)."""
    base = _base(api)
    for start in range(0, len(ids), batch):
        chunk = list(ids[start: start + batch])
        if start:
            sleep(pause)
        for attempt in range(1, tries + 1):
            try:
                data = _get(base, chunk, timeout)
                break
            except ArxivUnreachable as exc:
                if not exc.temporary or attempt == tries:
                    raise
                sleep(pause * attempt)
        yield chunk, parse_feed(data)
