"""Atom feeds of new states of the art: ``feeds/sota.atom`` for the whole site and
``feeds/tasks/<task id>.atom`` for each task with one.

An entry is a step of a leaderboard's state of the art on its primary metric
(:attr:`..leaderboard.Leaderboard.sota`: the result that beat every earlier one when it appeared),
or of its state of the art among the results that used no extra training data where the whole
board's does not have it, newest first; an entry says which (helper-88: a reader following the
view without extra data found none of its bests). Every date in a feed is a date of the data
— a day, or a month's first day where the registry knows the month only — never the clock's,
so the same registry writes the same bytes. Entry ids are ``urn:uuid:`` names made from the
board and the result's id (:func:`..tables.result_id`; and the view, for a best without extra
training data only): stable across builds and hosts, with no domain to own. Links are
relative to the feed's own address unless the site's address is configured (``pwc site build
--site-url``), then absolute.
"""

from __future__ import annotations

import heapq
import re
import uuid
from collections.abc import Iterable
from xml.sax.saxutils import escape

from ..dates import first_day
from ..leaderboard import Leaderboard, Step
from ..markdown import number
from ..registry import Registry, paper_label
from ..tables import result_id

#: How many entries a feed holds: its newest steps (a reader polls it; history is the chart's).
CAP = 100
ATOM = "http://www.w3.org/2005/Atom"
#: The namespace of the feeds' ``urn:uuid`` ids (a fixed random UUID: changing it would make
#: every reader see every entry anew).
NAMESPACE = uuid.UUID("8f0c4a57-2d55-4c51-9f3c-5b1e4c7a9d21")
SITE_FEED = "feeds/sota.atom"
# In an attribute, quotes would end it and a parser would turn line breaks and tabs into spaces.
_QUOTES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
# Characters XML 1.0 cannot hold even escaped: a registry string with one stays readable.
_NOT_XML = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PLAIN = re.compile("[^&<>\"\x00-\x1f\ud800-\udfff\ufffe\uffff]*\\Z")


def task_feed(task_id: str) -> str:
    """The path of a task's feed, from the site's root."""
    return f"feeds/tasks/{task_id}.atom"


def has_feed(boards: Iterable[Leaderboard]) -> bool:
    """Whether these boards (a task's) have a state of the art to announce: no feed otherwise."""
    return any(board.sota for board in boards)


#: A feed's step: its board, whether it is a step of the view without extra training data only
#: (a best among the rows that used none, which the whole board's state of the art does not
#: show), its place in that view's steps, and the step.
Entry = tuple[Leaderboard, bool, int, Step]


def _steps(boards: Iterable[Leaderboard]) -> list[Entry]:
    """The :data:`CAP` newest steps of ``boards`` in either view, newest first (then by board
    id, the whole board's before the other view's, later steps first). A step of both views
    is the whole board's."""
    def entries(board: Leaderboard) -> Iterable[Entry]:
        shown = {id(step.row) for step in board.sota}
        yield from ((board, False, i, step) for i, step in enumerate(board.sota))
        yield from ((board, True, i, step)
                    for i, step in enumerate(board.sota_without_extra_data)
                    if id(step.row) not in shown)

    return heapq.nlargest(CAP, (e for board in boards for e in entries(board)),
                          key=lambda s: (s[3].date, s[0].benchmark.id, not s[1], s[2]))


def _stamp(date: str) -> str:
    return f"{first_day(date).isoformat()}T00:00:00Z"


def _text(text: str) -> str:
    """Registry text as XML character data or an attribute value (quotes escaped too)."""
    if _PLAIN.match(text):  # most text: nothing to escape (a feed has ~200,000 strings)
        return text
    return escape(_NOT_XML.sub("\ufffd", text), _QUOTES)


def _element(tag: str, text: str | None = None, indent: str = "  ", **attributes: str) -> str:
    attrs = "".join(f' {name}="{_text(value)}"' for name, value in attributes.items())
    if text is None:
        return f"{indent}<{tag}{attrs} />\n"
    return f"{indent}<{tag}{attrs}>{_text(text)}</{tag}>\n"


def feed(registry: Registry, boards: Iterable[Leaderboard], path: str, title: str,
         site_url: str | None = None, page: str = "index.html") -> bytes | None:
    """The Atom document at ``path`` (from the site's root) announcing the new bests of
    ``boards``, whose page is ``page``; None when they have none (a feed with no entry has no
    date to give)."""
    steps = _steps(boards)
    if not steps:
        return None
    base = site_url.rstrip("/") + "/" if site_url else "../" * path.count("/")
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n', f'<feed xmlns="{ATOM}">\n',
        _element("title", title),
        _element("subtitle", "Each result that set a new best on a leaderboard's primary "
                 "metric, and each that set one among the results that used no extra "
                 "training data, newest first."),
        _element("id", NAMESPACE.urn if path == SITE_FEED else uuid.uuid5(NAMESPACE, path).urn),
        _element("updated", _stamp(steps[0][3].date)),
        _element("link", rel="self", type="application/atom+xml",
                 href=base + path if site_url else path.rsplit("/", 1)[-1]),
        _element("link", rel="alternate", type="text/html", href=base + page),
        "  <author>\n", _element("name", "Papers With Code 2", "    "), "  </author>\n",
        _element("generator", "pwc site build"),
    ]
    parts += [_entry(registry, board, clean, i, step, base) for board, clean, i, step in steps]
    parts.append("</feed>\n")
    return "".join(parts).encode("utf-8")


def _entry(registry: Registry, board: Leaderboard, clean: bool, i: int, step: Step,
           base: str) -> str:
    b = board.benchmark
    row = step.row
    metric = registry.name("metric", b.primary or "")
    value = number(step.value)
    rid = result_id(row.result)
    view = board.sota_without_extra_data if clean else board.sota
    previous = view[i - 1] if i else None
    # Which best it is: among the rows without extra training data, or one that used some.
    kind = " without extra training data" if clean else \
        " (with extra training data)" if row.result.extra_training_data else ""
    summary = (f"{row.result.model} set a new best {metric}{kind} on {b.name}: {value}"
               + (f" ({paper_label(row.paper)})" if row.paper is not None else "")
               + (f", as reported in {paper_label(row.holder)}" if row.holder is not row.paper
                  else "")
               + f", {step.date}. "
               + (f"The best before was {number(previous.value)} by "
                  f"{previous.row.result.model} ({previous.date})." if previous
                  else "The first dated result without extra training data on this "
                  "leaderboard." if clean else "The first dated result on this leaderboard."))
    inside = "    "
    return "".join([
        "  <entry>\n",
        _element("title", f"{row.result.model}: {value} {metric} on {b.name}"
                 + (" (without extra training data)" if clean else
                    " (extra training data)" if row.result.extra_training_data else ""),
                 inside),
        _element("id", uuid.uuid5(NAMESPACE, f"{b.id}\x1f{rid}"
                                  + ("\x1fwithout extra data" if clean else "")).urn, inside),
        _element("updated", _stamp(step.date), inside),
        _element("published", _stamp(step.date), inside),
        _element("link", None, inside, rel="alternate", type="text/html",
                 href=f"{base}benchmarks/{b.id}.html#r-{rid}"),
        _element("link", None, inside, rel="related", type="text/html",
                 title=paper_label(row.paper), href=f"{base}papers/{row.paper.id}.html")
        if row.paper is not None else "",
        _element("category", None, inside, term=b.task, label=registry.name("task", b.task)),
        _element("summary", summary, inside),
        "  </entry>\n"])


def feeds(registry: Registry, boards: dict[str, Leaderboard], by_task: dict[str, list[str]],
          site_url: str | None = None) -> dict[str, bytes]:
    """Every feed of the site: path from the site's root → Atom document."""
    out: dict[str, bytes] = {}
    whole = feed(registry, boards.values(), SITE_FEED,
                 "Papers With Code 2: new states of the art", site_url)
    if whole is not None:
        out[SITE_FEED] = whole
    for task_id in sorted(by_task):
        path = task_feed(task_id)
        document = feed(registry, (boards[b] for b in by_task[task_id]), path,
                        f"New states of the art: {registry.name('task', task_id)}", site_url,
                        f"tasks/{task_id}.html")
        if document is not None:
            out[path] = document
    return out
