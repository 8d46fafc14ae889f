"""A paper's metadata from the public arXiv API (``export.arxiv.org/api/query``, Atom XML).

:func:`parse` is pure and tested on a recorded response; :func:`fetch` adds the request, with
a timeout and a message that says what to do when arXiv cannot be reached. The address can be
changed (``PWC_ARXIV_API``) so tests serve the recorded response from a local server.
"""

from __future__ import annotations

import dataclasses
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree

API = "https://export.arxiv.org/api/query"
TIMEOUT = 15.0
_ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV_ID = re.compile(r"^(?:arxiv:)?([0-9]{4}\.[0-9]{4,5}|[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7})"
                      r"(v[0-9]+)?$", re.IGNORECASE)


class ArxivError(Exception):
    """arXiv could not be asked, or did not know the paper; the message says what to do."""


@dataclasses.dataclass(frozen=True)
class ArxivPaper:
    arxiv_id: str
    title: str
    authors: tuple[str, ...]
    date: str
    abstract: str
    abstract_url: str
    pdf_url: str | None


def normalise_id(text: str) -> str:
    """``arXiv:2211.05344v1`` → ``2211.05344``; ArxivError if it is not an arXiv id."""
    m = ARXIV_ID.match(text.strip())
    if not m:
        raise ArxivError(f"{text!r} is not an arXiv id (such as 2211.05344)")
    return m.group(1)


def _text(element: ElementTree.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def parse(data: bytes, arxiv_id: str) -> ArxivPaper:
    """The paper in an API response for ``arxiv_id``."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # entities are how XML bombs work
        raise ArxivError("the arXiv response declares entities; refusing to read it")
    try:
        feed = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ArxivError(f"the arXiv response is not valid XML: {exc}") from None
    for entry in feed.iter(f"{_ATOM}entry"):
        entry_id = _text(entry.find(f"{_ATOM}id"))
        if not re.search(rf"/abs/{re.escape(arxiv_id)}(v[0-9]+)?$", entry_id):
            continue
        links = {link.get("title") or link.get("rel"): link.get("href")
                 for link in entry.iter(f"{_ATOM}link")}
        return ArxivPaper(
            arxiv_id=arxiv_id,
            title=_text(entry.find(f"{_ATOM}title")),
            authors=tuple(_text(a.find(f"{_ATOM}name")) for a in entry.iter(f"{_ATOM}author")),
            date=_text(entry.find(f"{_ATOM}published"))[:10],
            abstract=_text(entry.find(f"{_ATOM}summary")),
            abstract_url=links.get("alternate") or entry_id,
            pdf_url=links.get("pdf"),
        )
    raise ArxivError(f"arXiv has no paper {arxiv_id}")


def fetch(arxiv_id: str, *, api: str | None = None, timeout: float = TIMEOUT) -> ArxivPaper:
    arxiv_id = normalise_id(arxiv_id)
    base = api or os.environ.get("PWC_ARXIV_API") or API
    url = f"{base}?{urllib.parse.urlencode({'id_list': arxiv_id, 'max_results': 1})}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = response.read(2 << 20)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ArxivError(f"cannot reach arXiv at {base} ({reason}); are you offline? Write the "
                         "paper from flags instead: pwc new paper --title ... --author ... "
                         "--date YYYY-MM-DD") from None
    return parse(data, arxiv_id)
