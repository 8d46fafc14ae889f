"""CONTRIBUTING.md, replayed as written (issue 16): its shell blocks run in bash, in order, on a
fork made in a temporary folder, offline, with a local arXiv API. GitHub's addresses are the only
words changed: the upstream repository and the fork are git repositories in the temporary folder
(the fork a bare clone of the upstream, as GitHub's Fork button makes it).

The worked example's facts come from the corpus: NLP-progress's machine-translation table
(corpus/nlp-progress/english/machine_translation.md, "WMT 2014 EN-DE": "Admin (Liu et al., 2020)
| 30.1 | [Very Deep Transformers for Neural Machine Translation](https://arxiv.org/abs/2008.07772)").
The local arXiv API answers with what that row says of the paper (its arXiv id and title) and
nothing more: no author, date or abstract is made up here.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import CORPUS, REPO, git

GUIDE = REPO / "CONTRIBUTING.md"
ARXIV_ID = "2008.07772"
TITLE = "Very Deep Transformers for Neural Machine Translation"
PAPER_ID = "very-deep-transformers-for-neural-machine-translation"
UPSTREAM_URL = "https://github.com/papers-with-code-2/registry"
FORK_URL = "https://github.com/YOUR-NAME/registry"
FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/{ARXIV_ID}v1</id>
    <title>{TITLE}</title>
    <link href="http://arxiv.org/abs/{ARXIV_ID}v1" rel="alternate" type="text/html"/>
  </entry>
</feed>
"""


@pytest.fixture
def arxiv_api() -> Iterator[str]:
    """A local arXiv API that knows the worked example's paper; its address."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            known = f"id_list={ARXIV_ID}" in self.path
            body = FEED if known else '<feed xmlns="http://www.w3.org/2005/Atom"></feed>'
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.end_headers()
            self.wfile.write(body.encode("utf-8"))

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/query"
    server.shutdown()


def blocks(section: str) -> list[str]:
    """The ```sh blocks of a section of the guide, in order."""
    text = GUIDE.read_text(encoding="utf-8").split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", text, re.S)


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """The project as a contributor finds it: this repository's registry, committed."""
    top = tmp_path / "upstream"
    shutil.copytree(REPO / "registry", top / "registry", symlinks=True)
    git(top.parent, "init", "-q", "-b", "main", str(top))
    git(top, "add", "-A")
    git(top, "commit", "-qm", "the registry")
    git(tmp_path, "clone", "-q", "--bare", str(top), str(tmp_path / "fork" / "registry.git"))
    return top


def replay(script: str, cwd: Path, tmp_path: Path, arxiv: str) -> subprocess.CompletedProcess[str]:
    # The virtualenv is this test's own: `pwc` is on PATH, as `. .venv/bin/activate` puts it.
    lines = [line for line in script.replace("\\\n", " ").splitlines()
             if ".venv" not in line and line.strip()]
    script = "\n".join(lines).replace(FORK_URL, str(tmp_path / "fork" / "registry.git")).replace(
        UPSTREAM_URL, str(tmp_path / "upstream"))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PWC_ARXIV_API": arxiv, "COLUMNS": "100",
           "GIT_AUTHOR_NAME": "A Contributor", "GIT_AUTHOR_EMAIL": "contributor@example.org",
           "GIT_COMMITTER_NAME": "A Contributor", "GIT_COMMITTER_EMAIL": "contributor@example.org"}
    env.pop("PWC_REGISTRY", None)
    return subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_worked_example_is_real_and_not_yet_in_the_registry() -> None:
    table = (CORPUS / "nlp-progress/english/machine_translation.md").read_text("utf-8")
    assert f"| Admin (Liu et al., 2020) | 30.1 | [{TITLE}](https://arxiv.org/abs/{ARXIV_ID}) |" \
        in table
    assert not list((REPO / "registry").glob(f"papers/*/{PAPER_ID}.yaml"))
    assert ARXIV_ID not in "".join(p.read_text("utf-8") for p in
                                   (REPO / "registry" / "papers").glob("*/*.yaml"))


def test_contributing_replayed_to_a_green_check_and_a_comment(
        tmp_path: Path, upstream: Path, arxiv_api: str) -> None:
    (setup,) = blocks("Set up once")
    online, _ = blocks("Add a paper and its results")
    done = replay(setup + online, tmp_path, tmp_path, arxiv_api)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert re.search(r"checked 1 paper \(files changed since upstream/main\): (clean|0 errors)",
                     out), out
    assert re.search(r"0 of [0-9]+ files would reformat\n", out), out
    # The comment: its summary line, the paper and the new row's place on the board (Admin's
    # 30.1 is the best without extra training data: back-translation and DeepL used some).
    assert re.search(r"\*\*1 result added, 0 changed, 0 removed · 1 new best · .*✅ valid", out), out
    assert re.search(r"\| Very Deep Transformers for Neural Machine Translation \| Machine "
                     r"Translation \| WMT 2014 EN-DE \| Admin \| BLEU 30\.1 \| rank [0-9]+ of "
                     r"[0-9]+ \|", out), out
    clone = tmp_path / "registry"
    paper = next(clone.glob(f"registry/papers/*/{PAPER_ID}.yaml")).read_text("utf-8")
    assert f'arxiv: "{ARXIV_ID}"' in paper and "date: 2020-08\n" in paper
    assert "      bleu: 30.1\n" in paper
    # Pushed to the fork, never to the upstream.
    assert "add-my-paper" in git(tmp_path / "fork" / "registry.git", "branch", "--list")
    assert "add-my-paper" not in git(upstream, "branch", "--list")


def test_the_offline_route_as_written(tmp_path: Path, upstream: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on: arXiv cannot be reached
        s.bind(("127.0.0.1", 0))
        offline_api = f"http://127.0.0.1:{s.getsockname()[1]}/api/query"
    (setup,) = blocks("Set up once")
    _, offline = blocks("Add a paper and its results")
    check = "pwc validate --changed-since upstream/main && pwc fmt --check registry\n"
    done = replay(setup + offline + check, tmp_path, tmp_path, offline_api)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert f"later, online: pwc papers fill {PAPER_ID}" in out
    paper = next((tmp_path / "registry").glob(f"registry/papers/*/{PAPER_ID}.yaml"))
    text = paper.read_text("utf-8")
    assert f'arxiv: "{ARXIV_ID}"' in text and f"abstract: https://arxiv.org/abs/{ARXIV_ID}" in text


def test_the_correction_as_the_guide_shows_it_passes_every_check(tmp_path: Path) -> None:
    """The guide's correction block, pasted into a paper whose value it corrects: the history
    guard is satisfied and `pwc fmt --check` too (the block was once a flow mapping, which fmt
    rewrites, so the guide's own example failed CI)."""
    from registry_builder import committed

    block = GUIDE.read_text("utf-8").split("## Correct or remove a result", 1)[1]
    block = block.split("```yaml\n", 1)[1].split("```", 1)[0]
    registry = tmp_path / "registry"
    shutil.copytree(REPO / "registry", registry)
    lert = next(registry.glob("papers/*/lert-*.yaml"))
    text = lert.read_text("utf-8")
    # The value as v1 would have published it, then the guide's correction to the real one.
    news = "    model: Chinese Lert Large (News+Factors)\n    metrics:\n      accuracy: "
    assert text.count(news + "66.36\n") == 2
    lert.write_text(text.replace(news + "66.36\n", news + "66.63\n", 1), "utf-8")
    committed(tmp_path, registry, branch="fix")
    lert.write_text(text + block, "utf-8")
    for args in (["validate", "--changed-since", "main"],
                 ["fmt", "--check", str(lert.relative_to(tmp_path))]):
        done = subprocess.run([sys.executable, "-m", "pwc_registry", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
