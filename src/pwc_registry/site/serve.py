"""``pwc site serve``: a built site over HTTP, answering the API paths a static host cannot.

A static host serves files: ``/api/v1/papers/<id>/`` is the ``index.json`` in that folder, and a
list's ``index.json`` is its first page whatever the query says. This server also answers:

* a list's later pages and other page sizes (``?page=``, ``?items_per_page=``), from the list's
  ``items.jsonl`` (:mod:`.api`), reading only the lines of the page asked for;
* the query filters the client sends (``?q=``, ``?name=``, ``?full_name=``, ``?title=``,
  ``?abstract=``, ``?arxiv_id=``), by reading the list's items;
* one result of a list by its id (``/api/v1/evaluations/<id>/results/<result id>/``).

Input from the network is hostile: a path is resolved one name at a time inside the site folder,
and a name that is ``..``, hidden, or a symbolic link is not found; the request line, the query
and the page size are bounded; any failure is a JSON error with its status, never a traceback.
"""

from __future__ import annotations

import contextlib
import http.server
import itertools
import os
import re
import shutil
import stat
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ..ids import fold
from .api import INDEX, ITEMS, PAGE, ROOT, page_of

#: The longest path and query answered (the longest paper id is far shorter).
MAX_PATH = 1024
MAX_QUERY = 1024
#: The largest page: the API's own limit was of this order.
MAX_PER_PAGE = 500
#: The filters the client sends, each a case-insensitive substring of these fields
#: (``arxiv_id`` matches whole).
FILTERS: dict[str, tuple[str, ...]] = {
    "q": ("name", "full_name", "title", "abstract", "description"),
    "name": ("name",), "full_name": ("full_name",), "title": ("title",),
    "abstract": ("abstract",), "arxiv_id": ("arxiv_id",),
}
PAGING = ("page", "items_per_page")
_SAFE_NAME = re.compile(r"[^\x00-\x1f/\\]+")
_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json",
          ".jsonl": "application/jsonl", ".csv": "text/csv; charset=utf-8",
          ".svg": "image/svg+xml", ".png": "image/png", ".md": "text/markdown; charset=utf-8",
          # Pagefind's search index (pagefind/): its WebAssembly is named wasm.<lang>.pagefind,
          # its chunks .pf_meta, .pf_index, .pf_fragment, .pf_filter (gzipped binary).
          ".wasm": "application/wasm", ".pagefind": "application/wasm",
          ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
          ".pf_fragment": "application/octet-stream", ".pf_filter": "application/octet-stream"}


class Moved(Exception):
    """A folder asked for without its closing slash: the same path with it."""

    def __init__(self, to: str) -> None:
        super().__init__(to)
        self.to = to


class Problem(Exception):
    """An answer other than 200: its status and what to tell the client."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def resolve(root: Path, names: list[str]) -> Path | None:
    """The file or folder at ``names`` inside ``root``, or None: every step must be a real
    entry (never a link) with a plain name, so nothing outside ``root`` can be reached."""
    here = root
    for name in names:
        if name in (".", "..") or name.startswith(".") or not _SAFE_NAME.fullmatch(name):
            return None
        here = here / name
        try:
            mode = os.lstat(here).st_mode
        except (OSError, ValueError):
            return None
        if stat.S_ISLNK(mode):
            return None
    return here


class _Offsets:
    """Where each line of an ``items.jsonl`` starts, kept per file (and its size and time), so
    that page 10,000 of a long list reads fifty lines, not the file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[Path, tuple[tuple[int, int], list[int]]] = {}

    def of(self, path: Path) -> list[int]:
        st = os.stat(path)
        key = (st.st_size, st.st_mtime_ns)
        with self._lock:
            known = self._known.get(path)
            if known is not None and known[0] == key:
                return known[1]
        offsets, at = [], 0
        with path.open("rb") as f:
            for line in f:
                offsets.append(at)
                at += len(line)
        with self._lock:
            if len(self._known) > 64:  # a bound, not a policy: the lists of one site
                self._known.clear()
            self._known[path] = (key, offsets)
        return offsets


def _int(query: dict[str, str], name: str, default: int, top: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 1 <= int(text) <= top:
        raise Problem(400, f"{name} must be a whole number from 1 to {top}")
    return int(text)


def _matches(item: dict[str, Any], filters: dict[str, str]) -> bool:
    for name, wanted in filters.items():
        fields = [item.get(f) for f in FILTERS[name]]
        if name == "arxiv_id":
            if wanted not in fields:
                return False
        elif not any(isinstance(v, str) and wanted in fold(v) for v in fields):
            return False
    return True


class Api:
    """Answers ``GET /api/v1/...`` from the files under the site's ``api/v1``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.offsets = _Offsets()

    def answer(self, names: list[str], query: dict[str, str]) -> bytes:
        folder = resolve(self.root, names)
        if folder is not None and stat.S_ISDIR(os.lstat(folder).st_mode):
            index = resolve(folder, [INDEX])
            if index is not None and stat.S_ISREG(os.lstat(index).st_mode):
                return self._endpoint(folder, index, query)
        if len(names) >= 2:  # one item of a list, by its id
            parent = resolve(self.root, names[:-1])
            if parent is not None and (found := self._item(parent, names[-1])) is not None:
                return orjson.dumps(found)
        raise Problem(404, "Not found.")

    def _endpoint(self, folder: Path, index: Path, query: dict[str, str]) -> bytes:
        filters = {k: fold(v) if k != "arxiv_id" else v for k, v in query.items()
                   if k in FILTERS}
        paged = any(k in query for k in PAGING)
        if not filters and not paged:
            return index.read_bytes()
        data = orjson.loads(index.read_bytes())
        if not (isinstance(data, dict) and "results" in data and "count" in data):
            return index.read_bytes()  # a record, not a list: the query means nothing to it
        page = _int(query, "page", 1, 10**9)
        per_page = _int(query, "items_per_page", PAGE, MAX_PER_PAGE)
        if not filters and page == 1 and per_page == PAGE:
            return index.read_bytes()
        items_file = resolve(folder, [ITEMS])
        if filters:
            found = [i for i in self._items(data, items_file) if _matches(i, filters)]
            count, chosen = len(found), found[(page - 1) * per_page: page * per_page]
        else:
            count = data["count"]
            chosen = self._slice(data, items_file, (page - 1) * per_page, per_page)
        if page > 1 and not chosen:
            raise Problem(404, "Invalid page.")
        return orjson.dumps(page_of(chosen, count, page, per_page,
                                    {k: query[k] for k in filters}))

    def _items(self, data: dict[str, Any], items_file: Path | None) -> Iterator[Any]:
        if items_file is None:
            yield from data["results"]
            return
        with items_file.open("rb") as f:
            for line in f:
                yield orjson.loads(line)

    def _slice(self, data: dict[str, Any], items_file: Path | None, start: int,
               size: int) -> list[Any]:
        if items_file is None:
            return list(data["results"][start:start + size])
        offsets = self.offsets.of(items_file)
        if start >= len(offsets):
            return []
        out = []
        with items_file.open("rb") as f:
            f.seek(offsets[start])
            for line in itertools.islice(f, size):
                out.append(orjson.loads(line))
        return out

    def _item(self, folder: Path, item_id: str) -> Any | None:
        index = resolve(folder, [INDEX])
        if index is None or not stat.S_ISREG(os.lstat(index).st_mode):
            return None
        data = orjson.loads(index.read_bytes())
        if not (isinstance(data, dict) and "results" in data):
            return None
        for item in self._items(data, resolve(folder, [ITEMS])):
            if isinstance(item, dict) and item.get("id") == item_id:
                return item
        return None


def handler_for(site: Path) -> Callable[..., http.server.BaseHTTPRequestHandler]:
    root = site.resolve()
    api = Api(root / ROOT)
    prefix = ROOT.split("/")

    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "pwc-site"
        sys_version = ""
        #: A client that stops sending mid-request is dropped, not waited for.
        timeout = 30

        def log_message(self, format: str, *args: Any) -> None:
            pass  # a preview server: the terminal stays quiet

        def send_error(self, code: int, message: str | None = None,
                       explain: str | None = None) -> None:
            """http.server's own refusals (a method other than GET and HEAD, a request line
            or header too long) as JSON, as every other answer of the API."""
            detail = message or self.responses.get(code, ("Error.",))[0]
            data = orjson.dumps({"detail": detail})
            self.send_response(code, message)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.close_connection = True
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(data)

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            file: Path | None = None
            try:
                status, kind, answer = self._route()
                if isinstance(answer, Path):
                    file, data = answer, b""
                else:
                    data = answer
            except Moved as moved:
                self.send_response(301)
                self.send_header("Location", moved.to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            except Problem as problem:
                status, kind = problem.status, "application/json"
                data = orjson.dumps({"detail": problem.detail})
            except Exception:  # a bug must not show its traceback to the network
                status, kind, data = 500, "application/json", b'{"detail":"Server error."}'
            try:
                stream = file.open("rb") if file is not None else None
            except OSError:
                status, kind, data, stream = 404, "application/json", b'{"detail":"Not found."}', None
            with stream or contextlib.nullcontext():
                size = os.fstat(stream.fileno()).st_size if stream else len(data)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(size))
                self.send_header("X-Content-Type-Options", "nosniff")
                self.end_headers()
                if body:
                    if stream is not None:
                        shutil.copyfileobj(stream, self.wfile)
                    else:
                        self.wfile.write(data)

        def _route(self) -> tuple[int, str, bytes | Path]:
            if not self.path.isascii():  # raw bytes a client should have percent-encoded
                raise Problem(400, "Bad request.")
            # A fragment is the client's own: not part of the path nor of the query
            # (helper-93: ?q=bert#frag searched for "bert#frag").
            path, _, raw_query = self.path.split("#", 1)[0].partition("?")
            if len(path) > MAX_PATH or len(raw_query) > MAX_QUERY:
                raise Problem(414, "Request too long.")
            try:
                pairs = urllib.parse.parse_qsl(raw_query, keep_blank_values=True,
                                               strict_parsing=False, max_num_fields=20,
                                               errors="strict")
                names = [n for n in urllib.parse.unquote(path.split("#")[0],
                                                         errors="strict").split("/") if n]
            except ValueError as exc:
                raise Problem(400, "Bad request.") from exc
            query = dict(pairs)
            found = resolve(root, names)
            is_file = found is not None and stat.S_ISREG(os.lstat(found).st_mode)
            if names[:len(prefix)] == prefix and resolve(root, prefix) is None:
                # `api` or `api/v1` itself a link: followed, it served files from outside the
                # site (helper-93).
                raise Problem(404, "Not found.")
            if names[:len(prefix)] == prefix and not is_file:
                return 200, "application/json", api.answer(names[len(prefix):], query)
            if names[:len(prefix)] == prefix and names[-1] == INDEX and query:
                # A list asked for by its file's full name (as on a static host), with a
                # query: answered as its folder is (page 1 of every query was a loop).
                return 200, "application/json", api.answer(names[len(prefix):-1], query)
            if found is not None and stat.S_ISDIR(os.lstat(found).st_mode):
                if not path.endswith("/"):  # the page's relative links need the slash
                    # Made from the names found, the query kept (a list's ?page=2 was lost).
                    raise Moved("/" + "".join(urllib.parse.quote(n, safe="") + "/"
                                              for n in names)
                                + (f"?{raw_query}" if raw_query else ""))
                found = resolve(found, ["index.html"])
            if found is None or not stat.S_ISREG(os.lstat(found).st_mode):
                raise Problem(404, "Not found.")
            return 200, _TYPES.get(found.suffix, "application/octet-stream"), found

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    #: Connections waiting to be taken: the standard library's 5 made a burst of a hundred
    #: requests wait seconds on repeated connection attempts (helper-93).
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone mid-answer is not the server's error: no traceback for it."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def serve(site: Path, bind: str, port: int, ready: Callable[[int], None]) -> None:
    """Serve ``site`` until interrupted; ``ready`` is told the port (0 picks a free one)."""
    with _Server((bind, port), handler_for(site)) as server:
        ready(server.server_address[1])
        server.serve_forever()
