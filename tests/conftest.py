from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
#: The shared real-data corpus sits beside the repository (../shared/corpus), in CI too.
CORPUS = Path(os.environ.get("PWC_CORPUS", REPO.parent / "shared" / "corpus"))
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the real-data corpus is missing at {CORPUS} (set PWC_CORPUS)")
    return CORPUS


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def arxiv_server(monkeypatch: pytest.MonkeyPatch,
                 answer: Callable[[str], tuple[int, bytes]]) -> http.server.ThreadingHTTPServer:
    """A local stand-in for arXiv's API, answering each request's path with ``answer`` (status,
    Atom feed), and ``PWC_ARXIV_API`` pointing at it; the caller shuts it down."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("PWC_ARXIV_API", f"http://127.0.0.1:{server.server_address[1]}/api/query")
    return server


# --- the shipped registry's site and a real browser, made once for every test module ---------

CHROMIUM = os.environ.get("PWC_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the registry in the repository. Shared by every module: read it, never
    write into it (build a site of your own to change one)."""
    from pwc_registry.site.build import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(REPO / "registry", out, jobs=2)
    return out


# Per module: Playwright's sync API keeps an event loop running while a browser is open, and
# other modules' tests (Datasette's client) run their own.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: apt-get install chromium (or set "
                    "PWC_CHROMIUM)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def stand_in_pagefind(site: Path, answers: dict[str, list[dict[str, Any]]]) -> None:
    """A ``pagefind/pagefind.js`` in ``site`` that answers each query in ``answers`` with its
    pages (Pagefind's result data), in that order (``"*"``: any other query), and anything
    else with nothing: for testing ``search.js`` apart from Pagefind's own scoring."""
    (site / "pagefind").mkdir()
    (site / "pagefind" / "pagefind.js").write_text(
        f"const ANSWERS = {json.dumps(answers)};\n"
        "export async function options() {}\n"
        "export async function mergeIndex() {}\n"
        "export async function search(query) {\n"
        "  const has = Object.prototype.hasOwnProperty;\n"
        "  const pages = has.call(ANSWERS, query) ? ANSWERS[query] : ANSWERS['*'] || [];\n"
        "  return { results: pages.map(d => ({ data: async () => d })) };\n}\n", "utf-8")


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve ``folder`` on localhost from a thread: (server, its URL)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def shipped_url(shipped_site: Path) -> Iterator[str]:
    server, url = serve(shipped_site)
    yield url
    server.shutdown()


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> Callable[[], int]:
    """``owner.name`` replaced by itself counting its calls; the count, asked for later (a
    test that the work a rule does grows with its input, not with its square)."""
    real = getattr(owner, name)
    calls = [0]

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return lambda: calls[0]
