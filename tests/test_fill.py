"""`pwc papers fill`: what a paper record lacks, from arXiv, against a local server (no network).

The server answers the API's ``id_list`` queries in its Atom format with papers whose metadata
is real: the seed paper's recorded response (tests/data/arxiv-2211.05344.xml) and papers of the
corpus's Papers with Code API samples (pwc-api-samples/paperswithcode-go-dummy/
paper_list_response.json and paper_get_response.json: old-style ids such as cs/9408103, and
1406.2661), whose arXiv ids, titles, authors, first-version days and abstracts it gives.
"""

from __future__ import annotations

import json
import os
import socket
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
import yaml
from click.testing import CliRunner

from pwc_registry import arxiv
from pwc_registry.cli import main
from pwc_registry.fill import fill_papers
from pwc_registry.validate import Options, validate

from conftest import TODAY, arxiv_server
from examples import materialise
from registry_builder import write

SAMPLES = Path("pwc-api-samples/paperswithcode-go-dummy")
LERT_RESPONSE = Path(__file__).parent / "data" / "arxiv-2211.05344.xml"
LERT_ID = "lert-a-linguistically-motivated-pre-trained-language-model"


def _entry(paper: dict[str, Any]) -> str:
    authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in paper["authors"])
    return (f"<entry><id>http://arxiv.org/abs/{paper['arxiv_id']}v1</id>"
            f"<published>{paper['published']}T00:00:00Z</published>"
            f"<title>{escape(paper['title'])}</title><summary>{escape(paper['abstract'])}"
            f"</summary>{authors}<link href=\"http://arxiv.org/abs/{paper['arxiv_id']}v1\" "
            'rel="alternate" type="text/html"/></entry>')


def _feed(entries: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>ArXiv Query</title>{entries}</feed>").encode()


class Arxiv:
    """A local arXiv API: the papers it knows, what it was asked, and how it misbehaves."""

    def __init__(self, corpus: Path) -> None:
        listed = json.loads((corpus / SAMPLES / "paper_list_response.json").read_text())
        one = json.loads((corpus / SAMPLES / "paper_get_response.json").read_text())
        self.papers = {p["arxiv_id"]: p for p in [*listed["results"], one] if p["arxiv_id"]}
        self.asked: list[list[str]] = []
        #: A status to answer with, or a body to send instead of the feed.
        self.status = 200
        self.body: bytes | None = None
        self.fail_first = 0

    def answer(self, path: str) -> tuple[int, bytes]:
        ids = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["id_list"][0].split(",")
        self.asked.append(ids)
        if self.fail_first:
            self.fail_first -= 1
            return 503, b"busy"
        if self.body is not None:
            return self.status, self.body
        entries = "".join(_entry(self.papers[i]) for i in ids if i in self.papers)
        if "2211.05344" in ids:  # the recorded response's entry, as arXiv wrote it
            recorded = LERT_RESPONSE.read_text()
            entries += recorded[recorded.index("<entry>"): recorded.index("</feed>")]
        return self.status, _feed(entries)


@pytest.fixture
def api(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Arxiv]:
    server_api = Arxiv(corpus)
    server = arxiv_server(monkeypatch, server_api.answer)
    yield server_api
    server.shutdown()


def invoke(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(main, list(args))
    return outcome.exit_code, outcome.output


def _paper(registry: Path, paper_id: str, **fields: Any) -> Path:
    return write(registry, "paper", {"id": paper_id, **fields})


def _data(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return materialise(Path("/nonexistent"), tmp_path)


def test_a_paper_known_by_its_arxiv_id_gets_what_it_lacks(registry: Path, api: Arxiv) -> None:
    path = _paper(registry, "arxiv-1406-2661", date="2014-06",
                  identifiers={"arxiv": "1406.2661"})
    before = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert [d.code for d in before.diagnostics] == ["Q009"]
    code, out = invoke("papers", "fill", "--registry", str(registry))
    assert code == 0, out
    assert "filled registry/papers/" in out and "arxiv-1406-2661.yaml: title, authors, date, " \
        "abstract" in out
    data = _data(path)
    assert data["title"] == "Generative Adversarial Networks"
    assert data["authors"][:2] == ["Ian J. Goodfellow", "Jean Pouget-Abadie"]
    assert data["date"] == "2014-06-10"  # the month, refined to the day in it
    assert data["abstract"].startswith("We propose a new framework for estimating generative")
    after = validate(Options(registry=registry, today=TODAY, jobs=1))
    assert after.diagnostics == []
    # The two papers of the base registry are complete but for LERT's abstract... and have
    # their own values: nothing of theirs was asked for or rewritten but what they lack.
    assert api.asked == [["1406.2661"]]


def test_nothing_a_person_wrote_is_replaced_and_comments_stay(registry: Path, api: Arxiv
                                                              ) -> None:
    path = _paper(registry, "oc1", title="OC1 (as we call it)", date="1994-09",
                  identifiers={"arxiv": "cs/9408103"})
    path.write_text(path.read_text().replace("title:", "# checked by hand\ntitle:"))
    code, out = invoke("papers", "fill", "oc1", "--registry", str(registry))
    assert code == 0, out
    assert "oc1.yaml: authors, abstract" in out
    assert "note: date 1994-09 kept: arXiv's first version is of 1994-08-01" in out
    text = path.read_text()
    assert "# checked by hand\ntitle: OC1 (as we call it)\n" in text
    data = _data(path)
    assert data["date"] == "1994-09" and data["authors"] == ["S. K. Murthy", "S. Kasif",
                                                            "S. Salzberg"]
    code, out = invoke("papers", "fill", "oc1", "--registry", str(registry))
    assert code == 1 and "not filled" in out and "date 1994-09 kept" in out
    assert path.read_text() == text  # a second run changes nothing


def test_several_ids_in_batches_with_a_pause_and_an_unknown_one(registry: Path, api: Arxiv
                                                                ) -> None:
    ids = ["cs/9301114", "astro-ph/9204005", "hep-ph/9206214", "cs/9501101", "2401.99999"]
    for i, arxiv_id in enumerate(ids):
        _paper(registry, f"paper-{i}", identifiers={"arxiv": arxiv_id})
    pauses: list[float] = []
    outcome = fill_papers(registry, batch=2, sleep=pauses.append)
    assert [len(batch) for batch in api.asked] == [2, 2, 1]
    assert sorted(i for batch in api.asked for i in batch) == sorted(ids)
    assert pauses == [3.0, 3.0]  # between requests, as arXiv asks
    assert sorted(f.file.rsplit("/", 1)[1] for f in outcome.filled) == [
        f"paper-{i}.yaml" for i in range(4)]
    (unknown,) = outcome.not_filled
    assert unknown.file.endswith("paper-4.yaml")
    assert unknown.reason == "arXiv has no paper 2401.99999; check the id"
    assert outcome.error is None


def test_a_doi_paper_is_reported_not_guessed(registry: Path, api: Arxiv) -> None:
    path = _paper(registry, "doi-only", identifiers={"doi": "10.18653/v1/2022.finnlp-1.24"})
    before = path.read_text()
    code, out = invoke("papers", "fill", "--registry", str(registry))
    assert code == 1
    assert ("not filled registry/papers/" in out and "doi:10.18653/v1/2022.finnlp-1.24 (title "
            "unknown): pwc papers fill reads arXiv only") in out
    assert path.read_text() == before and api.asked == []


def test_dry_run_writes_nothing(registry: Path, api: Arxiv) -> None:
    path = _paper(registry, "arxiv-1406-2661", identifiers={"arxiv": "1406.2661"})
    before = path.read_text()
    code, out = invoke("papers", "fill", "1406.2661", "--dry-run", "--registry", str(registry))
    assert code == 0 and "would fill registry/papers/" in out and "1 paper to fill, 0 not filled" in out
    assert path.read_text() == before


def test_paths_ids_and_arxiv_ids_choose_the_papers(registry: Path, api: Arxiv) -> None:
    lert = next(registry.glob(f"papers/*/{LERT_ID}.yaml"))
    data = _data(lert)
    del data["abstract"]
    write(registry, "paper", data)
    _paper(registry, "arxiv-1406-2661", identifiers={"arxiv": "1406.2661"})
    code, out = invoke("papers", "fill", str(lert), "--registry", str(registry))
    assert code == 0, out
    assert api.asked == [["2211.05344"]] and out.count("filled registry") == 1
    assert _data(lert)["abstract"].startswith("Pre-trained Language Model (PLM) has become")
    code, out = invoke("papers", "fill", "nope", "--registry", str(registry))
    assert code == 2 and "no paper 'nope'" in out


def test_arxiv_down_is_one_line_and_nothing_is_written(registry: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PWC_ARXIV_API", f"http://127.0.0.1:{port}/api/query")
    path = _paper(registry, "arxiv-1406-2661", identifiers={"arxiv": "1406.2661"})
    before = path.read_text()
    outcome = CliRunner().invoke(main, ["papers", "fill", "--registry", str(registry)])
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1 and "Traceback" not in outcome.output
    assert outcome.stderr.startswith(f"pwc: cannot reach arXiv at http://127.0.0.1:{port}/")
    assert "are you offline?" in outcome.stderr
    # The count is of what was checked, which is nothing (it read "0 papers filled, 0 not
    # filled" as if every paper had been, found by a newcomer).
    assert outcome.stdout.rstrip().endswith(
        "the others were not asked for: arXiv did not answer (below)")
    assert path.read_text() == before


def test_a_busy_arxiv_is_asked_again_a_bounded_number_of_times(registry: Path, api: Arxiv
                                                               ) -> None:
    _paper(registry, "arxiv-1406-2661", identifiers={"arxiv": "1406.2661"})
    waits: list[float] = []
    api.fail_first = 2
    outcome = fill_papers(registry, sleep=waits.append)
    assert len(api.asked) == 3 and waits == [3.0, 6.0] and len(outcome.filled) == 1
    api.asked.clear()
    api.fail_first = 99
    outcome = fill_papers(registry, sleep=waits.append)  # nothing to do any more
    assert api.asked == []
    _paper(registry, "oc1", identifiers={"arxiv": "cs/9408103"})
    outcome = fill_papers(registry, sleep=waits.append)
    assert len(api.asked) == arxiv.TRIES and outcome.filled == []
    assert outcome.error is not None and "answered 503" in outcome.error


@pytest.mark.parametrize(("body", "message"), [
    (b"<html>Service unavailable", "not valid XML"),
    # An entity bomb, plainly and in UTF-16 (which a search for b"<!ENTITY" does not see).
    (b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;'
     b'&a;&a;&a;&a;">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&b;</title></feed>',
     "declares entities or a document type"),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE f [<!ENTITY a "a">]><feed>&a;</feed>'
     .encode("utf-16"), "declares entities or a document type"),
    (b"<feed>" + b" " * (arxiv.MAX_RESPONSE + 1) + b"</feed>", "larger than 8 MiB"),
    # Read as it streams, no tree kept: a shape no feed has is refused at once.
    (b'<feed xmlns="http://www.w3.org/2005/Atom">' + b"<a>" * 100_000 + b"</a>" * 100_000
     + b"</feed>", "nests deeper than a feed does"),
    # What arXiv answers an id it cannot read.
    (_feed("<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1406.266</id>"
           "<title>Error</title><summary>incorrect id format for 1406.266</summary></entry>"),
     "arXiv refused the request: incorrect id format for 1406.266"),
])
def test_a_malformed_or_hostile_response_is_refused(registry: Path, api: Arxiv, body: bytes,
                                                    message: str) -> None:
    path = _paper(registry, "arxiv-1406-2661", identifiers={"arxiv": "1406.2661"})
    before = path.read_text()
    api.body = body
    outcome = CliRunner().invoke(main, ["papers", "fill", "--registry", str(registry)])
    assert outcome.exit_code == 2 and message in outcome.stderr, outcome.output
    assert outcome.stderr.count("\n") == 1
    assert path.read_text() == before


def test_a_symbolic_link_is_not_written_through(registry: Path, api: Arxiv, tmp_path: Path
                                                ) -> None:
    path = _paper(registry, "arxiv-1406-2661", identifiers={"arxiv": "1406.2661"})
    outside = tmp_path / "outside.yaml"
    outside.write_text(path.read_text())
    path.unlink()
    path.symlink_to(outside)
    before = outside.read_text()
    code, out = invoke("papers", "fill", "--registry", str(registry))
    assert code == 1 and outside.read_text() == before and os.path.islink(path)
    assert "arxiv-1406-2661.yaml: is a symbolic link" in out and "0 papers filled" in out


def test_a_file_that_became_a_link_after_it_was_read_is_not_written_through(
        registry: Path, api: Arxiv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery leaves links out; the write refuses one all the same (O_NOFOLLOW), should the
    file be replaced by a link while arXiv is asked."""
    import pwc_registry.fill as fill

    path = _paper(registry, "arxiv-1406-2661", identifiers={"arxiv": "1406.2661"})
    outside = tmp_path / "outside.yaml"
    outside.write_text(path.read_text())
    before = outside.read_text()
    fetch_many = arxiv.fetch_many

    def then_a_link(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for batch in fetch_many(*args, **kwargs):
            path.unlink()
            path.symlink_to(outside)
            yield batch

    monkeypatch.setattr(fill.arxiv, "fetch_many", then_a_link)
    outcome = fill.fill_papers(registry)
    assert outside.read_text() == before
    (left,) = outcome.not_filled
    assert left.reason == "not written: it is a symbolic link"


def test_the_seed_papers_recorded_response_still_reads() -> None:
    """`pwc new paper` and `pwc papers fill` read responses with one parser."""
    found = arxiv.parse_feed(LERT_RESPONSE.read_bytes())
    assert list(found) == ["2211.05344"]
    assert found["2211.05344"].date == "2022-11-10"
    assert arxiv.parse(LERT_RESPONSE.read_bytes(), "2211.05344") == found["2211.05344"]


def test_what_arxiv_gives_is_written_only_where_the_validator_would_take_it() -> None:
    """helper-90: a published day of 2023-02-30, a title with U+202E and an author with a soft
    hyphen were written, then refused by `pwc validate` (V007, V010). The texts are written as
    the importers write someone else's text (without those characters, said so); a date that
    is no day is left out. helper-91: a day of the month before the id's (a paper submitted on
    the 31st, announced in the next month) is arXiv's, and kept."""
    from pwc_registry.fill import completed

    def given(**fields: Any) -> arxiv.ArxivPaper:
        return arxiv.ArxivPaper(**{"arxiv_id": "2301.00001", "title": "A title",
                                   "authors": ("Ann Lee",), "date": "2023-01-05",
                                   "abstract": "Words.", "abstract_url": "", "pdf_url": None,
                                   **fields})

    record = {"id": "p", "identifiers": {"arxiv": "2301.00001"}}
    out, fields, _ = completed(record, given())
    assert fields == ("title", "authors", "date", "abstract") and out["date"] == "2023-01-05"
    out, _, notes = completed(record, given(date="2023-02-30"))
    assert "date" not in out and notes == ("arXiv's date '2023-02-30' is not a day; left out",)
    out, _, notes = completed(record, given(title="Title\u202eRTL",
                                            authors=("Bob\u00adSmith", "Ann Lee")))
    assert (out["title"], out["authors"]) == ("TitleRTL", ["BobSmith", "Ann Lee"])
    assert len(notes) == 2 and all("removed control or invisible" in n for n in notes)
    out, _, notes = completed(record, given(date="2022-12-31"))
    assert out["date"] == "2022-12-31" and notes == ()
    assert completed({**record, "date": "2022-12"}, given(date="2022-12-31"))[0]["date"] == \
        "2022-12-31"
