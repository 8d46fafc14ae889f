"""The static Papers with Code API (``api/v1/`` of the site) and ``pwc site serve``.

The client test installs the unmodified ``paperswithcode-client`` 0.3.1 from the package index in
a virtual environment of its own (its pins — pydantic 1.6, httpx 0.14 — clash with ours), once a
session, and reads the examples' base registry through a real ``pwc site serve``.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pwc_registry.site.api import entity
from pwc_registry.site.build import build_site
from pwc_registry.site.serve import handler_for

REPO = Path(__file__).resolve().parents[1]
BASE = REPO / "tests" / "examples" / "base" / "registry"
LERT = "lert-a-linguistically-motivated-pre-trained-language-model"
ASTOCK = "stock-market-prediction--astock"
CLIENT = "paperswithcode-client==0.3.1"


@pytest.fixture(scope="module")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api") / "site"
    build_site(BASE, out, jobs=1)
    return out


def _read(site: Path, path: str) -> Any:
    return json.loads((site / "api" / "v1" / path / "index.json").read_bytes())


def test_a_static_host_finds_every_endpoint_as_a_folder_index(base_site: Path) -> None:
    paper = _read(base_site, f"papers/{LERT}")
    assert paper["title"].startswith("LERT") and paper["arxiv_id"] == "2211.05344"
    assert paper["published"] == "2022-11-10" and paper["url_abs"].startswith("https://arxiv")
    results = _read(base_site, f"papers/{LERT}/results")
    assert results["next"] is None and results["previous"] is None
    # Two models on two boards, and each row on the parent board it counts for, if any.
    best = [r for r in results["results"] if r["evaluation"] == ASTOCK
            and r["methodology"] == "Chinese Lert Large (News+Factors)"]
    assert [(r["metrics"]["Accuracy"], r["best_rank"], r["best_metric"], r["paper"])
            for r in best] == [("66.36", 1, "Accuracy", LERT)]
    table = _read(base_site, f"evaluations/{ASTOCK}")
    assert (table["task"], table["dataset"]) == ("stock-market-prediction", "astock")
    metrics = _read(base_site, f"evaluations/{ASTOCK}/metrics")["results"]
    assert {m["name"]: m["is_loss"] for m in metrics} == {
        "Accuracy": False, "F1-score": False, "Precision": False, "Recall": False}
    for listing in ("papers", "tasks", "datasets", "evaluations", "areas", "methods"):
        page = _read(base_site, listing)
        assert set(page) == {"count", "next", "previous", "results"}
        assert page["count"] == len(page["results"])  # all on the first page here
    assert _read(base_site, "datasets/astock/evaluations")["count"] >= 1
    assert _read(base_site, "areas/time-series/tasks")["count"] >= 1


def test_the_shapes_have_every_field_paperswithcode_com_served(base_site: Path,
                                                                corpus: Path) -> None:
    """Real answers of the old API (pwc-api-samples/paperswithcode-go-dummy, from
    codingpot/paperswithcode-go's test data): every key they have, ours have."""
    samples = corpus / "pwc-api-samples" / "paperswithcode-go-dummy"

    def sample(name: str) -> Any:
        return json.loads((samples / name).read_text("utf-8"))

    listing = sample("paper_list_response.json")
    ours = _read(base_site, "papers")
    assert set(listing) <= set(ours)
    assert set(listing["results"][0]) <= set(ours["results"][0])
    assert set(sample("paper_get_response.json")) <= set(_read(base_site, f"papers/{LERT}"))
    result = sample("paper_result_list.json")["results"][0]
    assert set(result) <= set(_read(base_site, f"papers/{LERT}/results")["results"][0])
    assert all(isinstance(v, str) for v in result["metrics"].values())  # values as text, too
    method = sample("paper_method_list_response.json")["results"][0]
    assert set(method) <= set(entity("method", "m", {"name": "M"}, {}))


def test_result_ids_are_stable_and_unique(base_site: Path, tmp_path: Path) -> None:
    rows = _read(base_site, f"evaluations/{ASTOCK}/results")["results"]
    ids = [r["id"] for r in rows]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[0-9a-f-]{36}", i) for i in ids)
    again = tmp_path / "again"
    build_site(BASE, again, jobs=2)
    for path in sorted((base_site / "api").rglob("*")):
        twin = again / path.relative_to(base_site)
        assert twin.exists(), twin
        if path.is_file():
            assert path.read_bytes() == twin.read_bytes(), path


# --- pwc site serve: what a static host cannot answer, and hostile requests -----------------

@pytest.fixture(scope="module")
def served(base_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import http.server

    site = tmp_path_factory.mktemp("served") / "site"
    shutil.copytree(base_site, site)  # links are planted in a copy, not in the shared build
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("secret")
    (site / "api" / "v1" / "leak").symlink_to(outside)
    (site / "leak.txt").symlink_to(outside / "secret.txt")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(host: str, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.putrequest("GET", path, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def test_serve_pages_filters_and_finds_one_result(served: str) -> None:
    status, body = _get(served, "/api/v1/papers/?page=2&items_per_page=1")
    page = json.loads(body)
    assert status == 200 and page["count"] == 2 and len(page["results"]) == 1
    assert page["previous"] == "?items_per_page=1&page=1" and page["next"] is None
    assert json.loads(_get(served, "/api/v1/papers/?q=LINGUISTICALLY")[1])["count"] == 1
    # A filtered list's next page is of the same selection (the links keep the filter).
    first = json.loads(_get(served, "/api/v1/papers/?q=a%20&items_per_page=1")[1])
    assert first["count"] == 2 and first["next"] == "?q=a+&items_per_page=1&page=2"
    second = json.loads(_get(served, "/api/v1/papers/" + first["next"])[1])
    assert second["previous"] == "?q=a+&items_per_page=1&page=1"
    assert second["results"][0]["id"] not in {p["id"] for p in first["results"]}
    hit = json.loads(_get(served, "/api/v1/papers/?arxiv_id=2211.05344")[1])
    assert [p["id"] for p in hit["results"]] == [LERT]
    assert json.loads(_get(served, "/api/v1/datasets/?name=astock")[1])["count"] == 1
    assert json.loads(_get(served, "/api/v1/tasks/?q=nothing-like-this")[1])["count"] == 0
    rows = json.loads(_get(served, f"/api/v1/evaluations/{ASTOCK}/results/")[1])["results"]
    status, body = _get(served, f"/api/v1/evaluations/{ASTOCK}/results/{rows[0]['id']}/")
    assert status == 200 and json.loads(body) == rows[0]
    # Without the closing slash too, as a directory-style URL.
    assert json.loads(_get(served, f"/api/v1/papers/{LERT}")[1])["id"] == LERT


@pytest.mark.parametrize("path, status", [
    ("/api/v1/../../../etc/passwd", 404),
    ("/api/v1/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404),
    ("/api/v1/papers/%2e%2e%2f%2e%2e%2fleak.txt", 404),
    ("/api/v1/leak/secret.txt", 404),         # a link inside the site to a folder outside
    ("/api/v1/leak/", 404),
    ("/leak.txt", 404),                        # a link to a file outside
    ("/.pwc-output", 404),
    ("/api/v1/papers/%ff%fe/", 400),           # not UTF-8
    ("/api/v1/papers/%00/", 404),
    ("/api/v1/papers/?page=0", 400),
    ("/api/v1/papers/?page=-1", 400),
    ("/api/v1/papers/?page=%C2%B2", 400),     # a superscript two: a digit to str.isdigit
    ("/api/v1/papers/?items_per_page=1e3", 400),
    ("/api/v1/papers/?page=99999999999999999999", 400),
    ("/api/v1/papers/?items_per_page=100000", 400),
    ("/api/v1/papers/?page=3", 404),
    ("/api/v1/papers/?q=" + "a" * 5000, 414),
    ("/api/v1/papers/?" + "&".join(f"q{i}=1" for i in range(50)), 400),
    ("/api/v1/" + "a/" * 2000, 414),
    ("/api/v1/nothing/here/", 404),
])
def test_hostile_requests_get_an_answer_never_a_file_outside(served: str, path: str,
                                                            status: int) -> None:
    got, body = _get(served, path)
    assert got == status, body
    assert b"secret" not in body and b"Traceback" not in body and b"root:" not in body
    assert "detail" in json.loads(body)


def test_a_list_asked_for_by_its_files_name_is_paged_and_filtered(served: str) -> None:
    """helper-72: `papers/index.json?page=2` (the full names docs/api.md gives for static
    hosts) answered page 1 whatever the query, whose `next` asked for page 2 again."""
    by_folder = json.loads(_get(served, "/api/v1/papers/?page=2&items_per_page=1")[1])
    by_name = json.loads(_get(served, "/api/v1/papers/index.json?page=2&items_per_page=1")[1])
    assert by_name == by_folder and by_name["next"] is None
    assert json.loads(_get(served, "/api/v1/papers/index.json?q=LINGUISTICALLY")[1])[
        "count"] == 1


@pytest.mark.parametrize("request_text", [
    b"POST /api/v1/papers/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    b"DELETE /api/v1/papers/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET /api/v1/papers/ HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET /api/v1/papers/ HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n",
])
def test_the_servers_own_refusals_are_json_too(served: str, request_text: bytes) -> None:
    """helper-72: a POST (the client's task_add), a garbage request line or a header too long
    got http.server's HTML page, where docs/api.md says every error is JSON."""
    import socket

    host, port = served.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request_text)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    if answer.startswith(b"HTTP/"):
        head, _, body = answer.partition(b"\r\n\r\n")
        assert int(head.split(b" ")[1]) >= 400 and b"application/json" in head, head
    else:  # a request line that names no HTTP/1 version gets the body alone (HTTP/0.9)
        body = answer
    assert "detail" in json.loads(body)


def test_serve_answers_the_site_pages_too(served: str) -> None:
    status, body = _get(served, "/")
    assert status == 200 and b"<html" in body
    assert _get(served, "/papers")[0] == 301


@pytest.mark.parametrize("path, location", [
    ("/papers", "/papers/"),
    ("//papers", "/papers/"),                 # not "//papers/": a host named "papers"
    ("/papers?page=2", "/papers/?page=2"),
])
def test_a_folder_without_its_slash_moves_within_the_site(served: str, path: str,
                                                          location: str) -> None:
    connection = http.client.HTTPConnection(served, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    assert (response.status, response.getheader("Location")) == (301, location)


# --- the unmodified client from PyPI --------------------------------------------------------

@pytest.fixture(scope="session")
def client_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("pwc-client") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q",
                                "--disable-pip-version-check", CLIENT],
                               capture_output=True, text=True, timeout=600)
    if installed.returncode != 0:
        pytest.fail(f"could not install {CLIENT}: {installed.stderr[-2000:]}")
    return python


CLIENT_SCRIPT = textwrap.dedent("""\
    import json, sys
    from paperswithcode import PapersWithCodeClient

    client = PapersWithCodeClient(url=sys.argv[1])
    paper = client.paper_get(sys.argv[2])
    results = client.paper_result_list(sys.argv[2])
    table = client.evaluation_get(sys.argv[3])
    rows = client.evaluation_result_list(sys.argv[3])
    metrics = client.evaluation_metric_list(sys.argv[3])
    tasks = client.task_list()
    datasets = client.dataset_list()
    found = client.paper_list(arxiv_id="2211.05344")
    print(json.dumps({
        "paper": [paper.id, paper.title, str(paper.published), paper.arxiv_id],
        "results": [[r.methodology, r.metrics, r.best_rank, r.paper] for r in results.results],
        "table": [table.id, table.task, table.dataset],
        "rows": [[r.methodology, r.metrics.get("Accuracy"), r.best_rank] for r in rows.results],
        "metrics": sorted(m.name for m in metrics.results),
        "tasks": [tasks.count, sorted(t.id for t in tasks.results)],
        "datasets": [datasets.count, [d.id for d in datasets.results]],
        "found": [p.id for p in found.results],
    }))
""")


def test_the_unmodified_client_reads_lert_and_astock(client_python: Path, base_site: Path,
                                                     tmp_path: Path) -> None:
    script = tmp_path / "read.py"
    script.write_text(CLIENT_SCRIPT)
    server = subprocess.Popen([sys.executable, "-m", "pwc_registry", "site", "serve", "--dir",
                               str(base_site), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert url, line
        env = {k: v for k, v in os.environ.items() if not k.endswith("_PROXY")
               and not k.endswith("_proxy")}
        run = subprocess.run([str(client_python), str(script), url.group(0), LERT, ASTOCK],
                             capture_output=True, text=True, timeout=120, env=env)
        assert run.returncode == 0, run.stderr
        got = json.loads(run.stdout)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert got["paper"] == [LERT, "LERT: A Linguistically-motivated Pre-trained Language Model",
                            "2022-11-10", "2211.05344"]
    assert ["Chinese Lert Large (News+Factors)",
            {"Accuracy": "66.36", "F1-score": "66.16", "Precision": "66.4", "Recall": "66.69"},
            1, LERT] in got["results"]
    assert got["table"] == [ASTOCK, "stock-market-prediction", "astock"]
    assert got["rows"] == [["Chinese Lert Large (News+Factors)", "66.36", 1],
                           ["Chinese Lert Large (News)", "64.37", 2]]
    assert got["metrics"] == ["Accuracy", "F1-score", "Precision", "Recall"]
    assert got["tasks"][0] == 3 and "stock-market-prediction" in got["tasks"][1]
    assert got["datasets"] == [1, ["astock"]]
    assert got["found"] == [LERT]


def _submissions_site(tmp_path: Path, results: list[dict[str, Any]]) -> Path:
    """The site of the speech registry with a leaderboard's source holding ``results``."""
    from registry_builder import speech_registry, write

    registry = speech_registry(tmp_path)
    write(registry, "source", {
        "id": "librispeech-leaderboard", "kind": "submission", "title": "Submissions",
        "date": "2021-03", "url": "https://example.org/leaderboard", "results": results})
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    return out


def test_results_held_by_sources_are_rows_whose_paper_is_their_methods(tmp_path: Path) -> None:
    from registry_builder import result

    out = _submissions_site(tmp_path, [
        {**result("speech-recognition", "librispeech-test-clean", "Human",
                  word_error_rate=4.0), "paper": "first-asr"},
        result("speech-recognition", "librispeech-test-clean", "Anonymous",
               word_error_rate=3.0)])
    rows = {r["methodology"]: r for r in
            _read(out, "evaluations/speech-recognition--librispeech-test-clean/results")[
                "results"]}
    human, anonymous = rows["Human"], rows["Anonymous"]
    assert human["paper"] == "first-asr" and anonymous["paper"] is None
    for row in (human, anonymous):
        assert row["holder"] == {"kind": "source", "id": "librispeech-leaderboard"}
        assert row["external_source_url"] == "https://example.org/leaderboard"
        assert row["evaluated_on"] == "2021-03"
    # Lower is better: the anonymous 3.0 ranks above the human 4.0.
    assert anonymous["best_rank"] == anonymous["rank"] < human["rank"] == human["best_rank"]
    assert anonymous["best_metric"] == "Word Error Rate"
    # The paper's own results list the source's row of its method, not the anonymous one.
    mine = _read(out, "papers/first-asr/results")["results"]
    assert "Human" in {r["methodology"] for r in mine}
    assert "Anonymous" not in {r["methodology"] for r in mine}
    assert not (out / "api" / "v1" / "papers" / "librispeech-leaderboard").exists()
    metrics = _read(out, "evaluations/speech-recognition--librispeech-test-clean/metrics")
    assert {m["name"]: m["is_loss"] for m in metrics["results"]}["Word Error Rate"] is True


def test_one_models_results_under_two_subtasks_are_two_rows_of_the_parent(
        tmp_path: Path) -> None:
    """Both copies on the parent's table once had one id (board, holder and model), so the
    served `results/<id>/` answered for one of them only."""
    import http.server

    from examples import materialise
    from registry_builder import result, write

    registry = materialise(Path("/nonexistent"), tmp_path)
    for child in ("child-a", "child-b"):
        write(registry, "task", {"id": child, "name": child.title(),
                                 "parent": "stock-market-prediction", "area": "time-series"})
    write(registry, "paper", {"id": "twins", "title": "Twins", "date": "2023-01-05", "results": [
        result("child-a", "astock", "Same Model", accuracy=10),
        result("child-b", "astock", "Same Model", accuracy=90)]})
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    rows = [r for r in _read(out, f"evaluations/{ASTOCK}/results")["results"]
            if r["methodology"] == "Same Model"]
    assert sorted((r["via_task"], r["metrics"]["Accuracy"]) for r in rows) == [
        ("child-a", "10"), ("child-b", "90")]
    assert len({r["id"] for r in rows}) == 2
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(out))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = f"127.0.0.1:{server.server_address[1]}"
        for row in rows:
            status, body = _get(host, f"/api/v1/evaluations/{ASTOCK}/results/{row['id']}/")
            assert status == 200 and json.loads(body) == row
    finally:
        server.shutdown()
        server.server_close()


def test_no_api_builds_the_pages_alone(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(BASE, out, jobs=1, with_api=False)
    assert (out / "papers" / f"{LERT}.html").is_file() and not (out / "api").exists()


def test_a_paper_whose_title_is_unknown_is_named_by_its_label(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(BASE, registry)
    lert = next(registry.glob(f"papers/*/{LERT}.yaml"))
    lert.write_text(lert.read_text().replace(
        'title: "LERT: A Linguistically-motivated Pre-trained Language Model"\n', ""))
    out = tmp_path / "site"
    build_site(registry, out, jobs=1)
    paper = _read(out, f"papers/{LERT}")
    assert paper["title"] == "arXiv:2211.05344 (title unknown)"
    assert paper["title_known"] is False


def test_serve_on_a_taken_port_says_so(base_site: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = subprocess.run([sys.executable, "-m", "pwc_registry", "site", "serve", "--dir",
                              str(base_site), "--port", str(taken.getsockname()[1])],
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "cannot serve on 127.0.0.1:" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_boards_metrics_list_its_primary_first(tmp_path: Path) -> None:
    """A benchmark's file may list its primary metric after another; the API's list of the
    table's metrics still starts with it, as docs/api.md says."""
    from examples import materialise
    from registry_builder import write

    registry = materialise(Path("/nonexistent"), tmp_path)
    write(registry, "benchmark", {"id": ASTOCK, "task": "stock-market-prediction",
                                  "dataset": "astock", "primary_metric": "f1-score",
                                  "metrics": ["accuracy", "f1-score"]})
    build_site(registry, tmp_path / "site")
    metrics = _read(tmp_path / "site", f"evaluations/{ASTOCK}/metrics")["results"]
    assert [m["id"] for m in metrics][:2] == ["f1-score", "accuracy"]


def test_a_papers_links_are_its_arxiv_pages_where_it_gives_none(shipped_site: Path) -> None:
    """The site linked Mogrifier LSTM's arXiv page (the paper gives no PDF link) where the
    API's url_pdf was "" (helper-67): one definition now (registry.abstract_page, pdf_page)."""
    import json

    api = json.loads((shipped_site / "api" / "v1" / "papers" / "mogrifier-lstm" /
                      "index.json").read_text("utf-8"))
    page = (shipped_site / "papers" / "mogrifier-lstm.html").read_text("utf-8")
    assert api["url_pdf"] == "https://arxiv.org/pdf/1909.01792"
    assert f'href="{api["url_pdf"]}" rel="nofollow">PDF</a>' in page
    assert f'href="{api["url_abs"]}" rel="nofollow">Paper</a>' in page


def _listed(site: Path, folder: str) -> list[str]:
    """The ids of an API list, every page of it (its items.jsonl holds them all where they
    do not fit on the first page)."""
    every = site / "api" / "v1" / folder / "items.jsonl"
    if every.exists():
        return [json.loads(line)["id"] for line in every.read_text("utf-8").splitlines()]
    first = _read(site, folder)
    assert first["next"] is None and first["count"] == len(first["results"])
    return [item["id"] for item in first["results"]]


def test_a_papers_tasks_and_an_areas_tasks_say_the_same_everywhere(shipped_site: Path) -> None:
    """helper-107: Supertagging with LSTMs had rows on Combinatory Categorical Grammar's board
    (copies of its subtask's) and was among that task's papers, but not among its own tasks;
    Computer Vision had 6 tasks on the site, 7 in the API, 9 in the export's tasks table."""
    from pwc_registry.registry import load_registry
    from pwc_registry.tables import compute

    api = shipped_site / "api" / "v1"
    tasks = _listed(shipped_site, "tasks")
    papers_of = {t: set(_listed(shipped_site, f"tasks/{t}/papers")) for t in tasks}
    for paper in _listed(shipped_site, "papers"):
        mine = _listed(shipped_site, f"papers/{paper}/tasks")
        assert set(mine) == {t for t, ps in papers_of.items() if paper in ps}, paper
        page = (shipped_site / "papers" / f"{paper}.html").read_text("utf-8")
        assert re.findall(r'<a class="tag" href="\.\./tasks/([^"]+)\.html">', page) == mine, paper
    assert "combinatory-categorical-grammar" in _listed(
        shipped_site, "papers/supertagging-with-lstms/tasks")
    tables = compute(load_registry(REPO / "registry"))
    column = [c.name for c in tables["papers"].columns].index("tasks")
    # helper-109: the export's papers.tasks and `pwc show paper` gave the declared tasks alone
    assert {row[0]: row[column] for row in tables["papers"].rows} == {
        paper: _listed(shipped_site, f"papers/{paper}/tasks")
        for paper in _listed(shipped_site, "papers")}
    exported = tables["tasks"]
    area = [c.name for c in exported.columns].index("area")
    for row in json.loads((api / "areas" / "index.json").read_text("utf-8"))["results"]:
        listed = _listed(shipped_site, f"areas/{row['id']}/tasks")
        assert sorted(listed) == sorted(t[0] for t in exported.rows if t[area] == row["id"])
        page = (shipped_site / "tasks" / "areas" / f"{row['id']}.html").read_text("utf-8")
        assert sorted(re.findall(r'<tr><td><a href="\.\./\.\./tasks/([^"]+)\.html">', page)) == \
            sorted(listed), row["id"]
    assert len(_listed(shipped_site, "areas/computer-vision/tasks")) == 9


@pytest.mark.parametrize("linked", ["api", "api/v1"])
def test_an_api_folder_that_is_a_link_is_not_followed(base_site: Path, tmp_path: Path,
                                                      linked: str) -> None:
    """helper-93: with `api` (or `api/v1`) itself a link, `pwc site serve` answered files from
    outside the site folder; docs/api.md says nothing outside is served, through a link or not."""
    import http.server

    site = tmp_path / "site"
    shutil.copytree(base_site, site)
    outside = tmp_path / "outside"
    (outside / "v1" / "secret").mkdir(parents=True)
    (outside / "v1" / "secret" / "index.json").write_text('{"secret": 1}')
    if linked == "api/v1":
        (outside / "secret").mkdir()
        (outside / "secret" / "index.json").write_text('{"secret": 1}')
    target = site / linked
    shutil.rmtree(target)
    target.symlink_to(outside)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for(site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host = f"127.0.0.1:{server.server_address[1]}"
    for path in ("/api/v1/secret/", "/api/v1/secret", "/api/v1/secret/index.json",
                 "/api/v1/v1/secret/", "/api/v1/papers/"):
        status, body = _get(host, path)
        assert b"secret" not in body and status == 404, (path, status, body)
    server.shutdown()
    server.server_close()


def test_raw_bytes_and_fragments_of_a_request_are_taken_as_they_are(served: str) -> None:
    """helper-93: a raw byte that is not ASCII in the query was read as Latin-1 (200, nothing
    found) where docs/api.md promises 400; `?q=bert#frag` searched for "bert#frag"."""
    import socket

    host, port = served.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET /api/v1/papers/?q=\xff HTTP/1.1\r\nHost: x\r\n"
                           b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.1 400"), answer[:80]
    plain = json.loads(_get(served, "/api/v1/papers/?q=LINGUISTICALLY")[1])
    assert plain["count"] == 1
    assert json.loads(_get(served, "/api/v1/papers/?q=LINGUISTICALLY#frag")[1]) == plain


def test_a_result_has_its_rank_in_the_view_without_extra_training_data(tmp_path: Path) -> None:
    from registry_builder import result

    out = _submissions_site(tmp_path, [
        {**result("speech-recognition", "librispeech-test-clean", "Pretrained",
                  word_error_rate=2.0), "extra_training_data": True},
        result("speech-recognition", "librispeech-test-clean", "Plain", word_error_rate=3.0)])
    rows = {r["methodology"]: r for r in
            _read(out, "evaluations/speech-recognition--librispeech-test-clean/results")[
                "results"]}
    pretrained, plain = rows["Pretrained"], rows["Plain"]
    assert pretrained["uses_additional_data"] is True
    assert (pretrained["rank"], pretrained["rank_without_extra_data"]) == (1, None)
    assert plain["rank_without_extra_data"] < plain["rank"]
    # Every row as the leaderboard's own file ranks it in its two views.
    board = json.loads((out / "benchmarks" / "speech-recognition--librispeech-test-clean.json")
                       .read_bytes())
    assert sorted((r["model"], r["rank"], r["rank_without_extra_data"]) for r in board["rows"]) \
        == sorted((r["methodology"], r["rank"], r["rank_without_extra_data"])
                  for r in rows.values())


def test_a_filter_compares_as_names_are_compared() -> None:
    """helper-103: `?q=علیرضا` (typed without the joiner) found nothing of "علی‌رضا", which the
    site's search and the registry's names find (they compare without joiners)."""
    from pwc_registry.ids import fold
    from pwc_registry.site.serve import _matches

    paper = {"title": "مدل علی\u200cرضا"}
    assert _matches(paper, {"q": fold("علیرضا")}) and _matches(paper, {"q": fold("علی\u200cرضا")})
    assert _matches({"title": "BERT Ｌarge"}, {"q": fold("bert  large")})
    assert not _matches(paper, {"q": fold("bert")})
