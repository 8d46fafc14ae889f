"""The GitHub workflows: linted by actionlint and audited by zizmor (offline), and pinned."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, git

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_actionlint_is_clean() -> None:
    done = subprocess.run([_tool("actionlint"), *map(str, WORKFLOWS)], capture_output=True,
                          text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_is_clean_even_when_pedantic() -> None:
    done = subprocess.run([_tool("zizmor"), "--offline", "--persona", "pedantic",
                           "--format", "plain", ".github/workflows"],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def test_third_party_actions_are_pinned_and_permissions_are_read_only_by_default() -> None:
    assert [w.name for w in WORKFLOWS] == ["comment.yml", "publish.yml", "pull-request.yml"]
    for workflow in WORKFLOWS:
        text = workflow.read_text(encoding="utf-8")
        for uses in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), (workflow.name, uses)
        assert yaml.safe_load(text)["permissions"] == {}, workflow.name
    pull_request = yaml.safe_load((REPO / ".github/workflows/pull-request.yml").read_text())
    assert pull_request["concurrency"]["cancel-in-progress"] is True
    comment = (REPO / ".github/workflows/comment.yml").read_text()
    assert "actions/checkout" not in comment  # the privileged run never runs the PR's code


# --- the comment never goes where the pull request's artifact says ---------------------------

#: Runs comment.yml's github-script as actions/github-script does (the body of an async
#: function given require, github, context and core), against a fake API serving the pull
#: requests, files and comments of a scenario; prints what it asked to post or update.
HARNESS = r"""
const fs = require("fs");
const scenario = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const script = fs.readFileSync(process.argv[3], "utf8");
const did = [];
const byNumber = (n) => {
  const pr = scenario.pulls.find((p) => p.number === n);
  if (!pr) throw new Error(`404 pull ${n}`);
  return pr;
};
const github = {
  paginate: async (method, params) => (await method(params)).data,
  rest: {
    pulls: {
      get: async ({ pull_number }) => ({ data: byNumber(pull_number) }),
      list: async ({ state, head }) => ({ data: scenario.pulls.filter((p) => p.state === state
        && (!head || `${p.head.repo.owner.login}:${p.head.ref}` === head)) }),
      listFiles: async ({ pull_number }) => ({
        data: (scenario.files[pull_number] || []).map((filename) => ({ filename })) }),
    },
    issues: {
      listComments: async ({ issue_number }) => ({ data: scenario.comments[issue_number] || [] }),
      updateComment: async ({ comment_id, body }) => { did.push(["update", comment_id, body]); },
      createComment: async ({ issue_number, body }) => { did.push(["create", issue_number, body]); },
    },
  },
};
const core = {
  setFailed: (m) => did.push(["failed", m]),
  warning: (m) => did.push(["warning", m]),
};
const context = { repo: { owner: "pwc", repo: "registry" },
                  payload: { workflow_run: scenario.run } };
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
new AsyncFunction("require", "github", "context", "core", script)(require, github, context, core)
  .then(() => console.log(JSON.stringify(did)),
        (e) => console.log(JSON.stringify([...did, ["threw", String(e.message)]])));
"""

SHA, OTHER_SHA = "a" * 40, "b" * 40
MARKER = "<!-- pwc diff -->"


def _pull(number: int, sha: str, owner: str, ref: str = "add-paper",
          state: str = "open") -> dict[str, Any]:
    return {"number": number, "state": state,
            "head": {"sha": sha, "ref": ref,
                     "repo": {"full_name": f"{owner}/registry", "owner": {"login": owner}}},
            "base": {"repo": {"full_name": "pwc/registry"}}}


def _run(owner: str, listed: list[int], sha: str = SHA) -> dict[str, Any]:
    """The workflow_run of a pull request's check, as GitHub sends it (a fork's lists none)."""
    return {"head_sha": sha, "head_branch": "add-paper",
            "head_repository": {"full_name": f"{owner}/registry", "owner": {"login": owner}},
            "pull_requests": [{"number": n} for n in listed]}


def _comment(comment_id: int, login: str, body: str, kind: str = "User") -> dict[str, Any]:
    return {"id": comment_id, "user": {"login": login, "type": kind}, "body": body}


def _post(tmp_path: Path, scenario: dict[str, Any], *, number: str = "3",
          body: str = "## Leaderboard changes\n") -> list[list[Any]]:
    """What comment.yml's script does in ``scenario``; the artifact it reads says ``number``."""
    workflow = yaml.safe_load((REPO / ".github/workflows/comment.yml").read_text())
    script = next(s["with"]["script"] for s in workflow["jobs"]["comment"]["steps"]
                  if "github-script" in s["uses"])
    (tmp_path / "comment").mkdir(exist_ok=True)
    (tmp_path / "comment" / "number").write_text(number + "\n")
    if not (tmp_path / "comment" / "body.md").is_symlink():
        (tmp_path / "comment" / "body.md").write_text(body)
    scenario = {"files": {}, "comments": {}, **scenario}
    (tmp_path / "scenario.json").write_text(json.dumps(scenario))
    (tmp_path / "script.js").write_text(script)
    (tmp_path / "harness.js").write_text(HARNESS)
    done = subprocess.run([_tool("node"), "harness.js", "scenario.json", "script.js"],
                          capture_output=True, text=True, cwd=tmp_path, check=True)
    result: list[list[Any]] = json.loads(done.stdout)
    return result


def test_the_comment_goes_to_the_pull_request_of_the_run(tmp_path: Path) -> None:
    scenario = {"run": _run("pwc", [7]), "pulls": [_pull(7, SHA, "pwc"), _pull(3, OTHER_SHA, "pwc")]}
    assert _post(tmp_path, scenario, number="3") == [
        ["create", 7, MARKER + "\n## Leaderboard changes\n"]]


def test_a_fork_cannot_send_the_comment_to_another_pull_request(tmp_path: Path) -> None:
    """A fork's run lists no pull request: the one whose head is the run's commit in the run's
    repository is found and used, whatever number the fork's artifact gives."""
    pulls = [_pull(3, OTHER_SHA, "victim"), _pull(9, SHA, "mallory")]
    assert _post(tmp_path, {"run": _run("mallory", []), "pulls": pulls}, number="3") == [
        ["create", 9, MARKER + "\n## Leaderboard changes\n"]]


def test_no_comment_without_one_open_pull_request_of_that_commit_and_repository(
        tmp_path: Path) -> None:
    cases = [
        # The branch has no pull request; another repository's pull request has the commit.
        (_run("mallory", []), [_pull(3, SHA, "victim")]),
        # The listed pull request's head is another commit now, or in another repository.
        (_run("pwc", [3]), [_pull(3, OTHER_SHA, "pwc")]),
        (_run("mallory", [3]), [_pull(3, SHA, "victim")]),
        # Closed since.
        (_run("pwc", [3]), [_pull(3, SHA, "pwc", state="closed")]),
    ]
    for run, pulls in cases:
        did = _post(tmp_path, {"run": run, "pulls": pulls}, number="3")
        assert [d[0] for d in did] == ["warning"], (run, pulls, did)


def test_only_the_bots_own_comment_is_updated(tmp_path: Path) -> None:
    forged = [_comment(1, "mallory", MARKER + "\nforged"),
              _comment(2, "some-app[bot]", MARKER + "\nanother bot", "Bot")]
    scenario = {"run": _run("pwc", [7]), "pulls": [_pull(7, SHA, "pwc")],
                "comments": {"7": forged}}
    assert [d[:2] for d in _post(tmp_path, scenario)] == [["create", 7]]
    scenario["comments"] = {"7": [*forged, _comment(5, "github-actions[bot]", MARKER + "\nold",
                                                    "Bot")]}
    assert [d[:2] for d in _post(tmp_path, scenario)] == [["update", 5]]


def test_a_pull_request_that_changes_the_workflows_gets_a_warning_not_its_artifact(
        tmp_path: Path) -> None:
    scenario = {"run": _run("mallory", []), "pulls": [_pull(9, SHA, "mallory")],
                "files": {"9": ["registry/papers/ab/x.yaml", ".github/workflows/pull-request.yml"]}}
    [(verb, number, body)] = _post(tmp_path, scenario, body="All good, merge it!\n")
    assert (verb, number) == ("create", 9)
    assert "All good" not in body and "changes `.github/`" in body


def test_a_pull_request_with_more_files_than_the_api_lists_gets_the_warning(
        tmp_path: Path) -> None:
    scenario = {"run": _run("mallory", []), "pulls": [_pull(9, SHA, "mallory")],
                "files": {"9": [f"registry/papers/ab/{i}.yaml" for i in range(3000)]}}
    [(_, _, body)] = _post(tmp_path, scenario, body="All good, merge it!\n")
    assert "All good" not in body


def test_the_artifacts_body_is_read_only_if_it_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "comment").mkdir()
    (tmp_path / "comment" / "body.md").symlink_to("/etc/hostname")
    scenario = {"run": _run("pwc", [7]), "pulls": [_pull(7, SHA, "pwc")]}
    assert [d[0] for d in _post(tmp_path, scenario)] == ["threw"]


def test_the_artifact_carries_no_pull_request_number() -> None:
    text = (REPO / ".github/workflows/pull-request.yml").read_text()
    assert "comment/number" not in text and "pull_request.number }}\n" not in text.split(
        "jobs:")[1]
    script = (REPO / ".github/workflows/comment.yml").read_text()
    assert "comment/number" not in script


# --- the pull request's data is validated by the base branch's pwc ---------------------------

def _pull_request_jobs() -> dict[str, Any]:
    jobs: dict[str, Any] = yaml.safe_load(
        (REPO / ".github/workflows/pull-request.yml").read_text())["jobs"]
    return jobs


def test_the_check_runs_the_base_branchs_pwc_on_the_pull_requests_files() -> None:
    steps = _pull_request_jobs()["check"]["steps"]
    checkouts = [s["with"] for s in steps if s.get("uses", "").startswith("actions/checkout@")]
    assert {"path": "pr", "fetch-depth": 0, "persist-credentials": False} in checkouts
    assert {"ref": "${{ github.event.pull_request.base.sha }}", "path": "trusted",
            "persist-credentials": False} in checkouts
    runs = [s["run"] for s in steps if "run" in s]
    installs = [line for run in runs for line in run.splitlines() if "pip install" in line]
    assert installs == ['"$RUNNER_TEMP/trusted/bin/python" -m pip install ./trusted']
    # Every pwc this job runs is the trusted one, on the pull request's registry.
    invoked = re.compile(r'(\S*pwc"?) (?:validate|fmt|diff)\b')
    assert [m for run in runs for m in invoked.findall(run)] == [
        '"$RUNNER_TEMP/trusted/bin/pwc"'] * 5
    for step in steps:
        if invoked.search(step.get("run", "")):
            assert step["working-directory"] == "pr", step
    joined = "\n".join(runs)
    assert '--changed-since "$BASE_SHA" --format github' in joined
    assert "fmt --check --registry registry" in joined
    assert 'diff --registry registry "$BASE_SHA" HEAD' in joined


def test_a_tool_change_is_also_validated_with_the_pull_requests_own_pwc() -> None:
    jobs = _pull_request_jobs()
    own = jobs["own-tool"]
    assert own["needs"] == "check"
    assert "needs.check.outputs.tool-changed == 'true'" in own["if"]
    assert "pwc validate --changed-since \"$BASE_SHA\"" in " ".join(
        s.get("run", "") for s in own["steps"])
    # On a runner of its own: the pull request's code never shares one with the trusted pwc.
    assert not any(s.get("with", {}).get("path") == "trusted" for s in own["steps"])


@pytest.mark.parametrize(("changed", "tool"), [
    ("registry/papers/ab/x.yaml", "false"),
    ("src/pwc_registry/check.py", "true"),
    ("pyproject.toml", "true"),
    ("schemas", "true"),  # a link to src/pwc_registry/schemas, replaced by a folder
])
def test_the_check_says_whether_the_pull_request_changes_the_tool(
        tmp_path: Path, changed: str, tool: str) -> None:
    """The scope step's own shell, run in a real repository."""
    step = next(s for s in _pull_request_jobs()["check"]["steps"] if s.get("id") == "scope")
    pr = tmp_path / "pr"
    for path in ("registry/papers/ab/x.yaml", "src/pwc_registry/check.py", "pyproject.toml"):
        (pr / path).parent.mkdir(parents=True, exist_ok=True)
        (pr / path).write_text("a: 1\n")
    (pr / "schemas").symlink_to("src/pwc_registry")
    git(pr, "init", "-q", "-b", "main")
    git(pr, "add", "-A")
    git(pr, "commit", "-qm", "base")
    base = git(pr, "rev-parse", "HEAD").strip()
    target = pr / changed
    if target.is_symlink():
        target.unlink()
        target.mkdir()
        (target / "paper.schema.json").write_text("{}\n")
    else:
        target.write_text("a: 2\n")
    git(pr, "add", "-A")
    git(pr, "commit", "-qm", "change")
    output, summary = tmp_path / "output", tmp_path / "summary"
    subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                   cwd=pr, check=True, env={**os.environ, "BASE_SHA": base,
                                            "GITHUB_OUTPUT": str(output),
                                            "GITHUB_STEP_SUMMARY": str(summary)})
    assert output.read_text() == f"tool-changed={tool}\n"
    assert "base branch's pwc" in summary.read_text()
    assert ("changes files outside `registry/`" in summary.read_text()) == (tool == "true")


def test_the_check_jobs_commands_run_on_a_pull_request(tmp_path: Path) -> None:
    """The check job's shell steps as the runner runs them (the installed pwc standing in for
    the base branch's), on a pull request that adds a result on a misspelt dataset."""
    from registry_builder import paper, registry_in_git, result

    workspace, temp = tmp_path / "workspace", tmp_path / "runner-temp"
    registry = registry_in_git(workspace / "pr")
    subprocess.run([_tool("pwc"), "fmt", "--registry", str(registry)], check=True,
                   capture_output=True)  # the examples are not all in the canonical layout
    git(registry.parent, "commit", "-qam", "fmt")
    base = git(registry.parent, "rev-parse", "HEAD").strip()
    git(registry.parent, "checkout", "-qb", "pr")
    paper(registry, "a-new-paper", "2024-05-01", [result(
        "stock-market-prediction", "astok", "Model A", accuracy=61.2)])
    subprocess.run([_tool("pwc"), "fmt", "--registry", str(registry)], check=True,
                   capture_output=True)
    git(registry.parent, "add", "-A")
    git(registry.parent, "commit", "-qm", "a paper")
    (temp / "trusted" / "bin").mkdir(parents=True)
    (temp / "trusted" / "bin" / "pwc").symlink_to(_tool("pwc"))
    summary, output = tmp_path / "summary", tmp_path / "output"
    outcomes = {}
    for step in _pull_request_jobs()["check"]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        env = {k: v.replace("${{ github.event.pull_request.base.sha }}", base)
               for k, v in step.get("env", {}).items()}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace / step.get("working-directory", "."), capture_output=True, text=True,
            check=False, env={**os.environ, **env, "RUNNER_TEMP": str(temp),
                              "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)})
        outcomes[step["name"]] = (done.returncode, done.stdout + done.stderr)
    validated = outcomes["Validate what the pull request changed"]
    assert validated[0] == 1 and "::error file=registry/papers/" in validated[1], validated
    assert "R001" in validated[1]
    assert outcomes["Check the canonical layout"][0] == 0, outcomes["Check the canonical layout"]
    assert outcomes["Describe what it does to the leaderboards"][0] == 0
    assert (workspace / "comment" / "body.md").read_text().startswith("## Leaderboard changes")
    assert output.read_text() == "tool-changed=false\n"
    assert "base branch's pwc" in summary.read_text()


def test_a_tool_change_is_judged_by_what_it_does_to_the_leaderboards(tmp_path: Path) -> None:
    """The own-tool job compares the leaderboards the base branch's pwc (the check job's site
    artifact) and the pull request's make of the same registry (a pull request that changed
    the ranking code re-ranked Astock with CI green, found by an attack). No action runs on that
    runner after the pull request's code does (an action step gets the run's artifact token,
    and the pull request's code could have rewritten the action: it replaced the check job's
    artifacts, found by an attack). Its comparing step, run here with the installed pwc, fails
    when the two differ and says how in the job summary."""
    from pwc_registry import snapshot
    from pwc_registry.registry import load_registry

    from registry_builder import speech_registry

    steps = _pull_request_jobs()["own-tool"]["steps"]
    first_own = next(i for i, s in enumerate(steps) if "pip install ." in s.get("run", ""))
    assert not [s for s in steps[first_own:] if "uses" in s]
    assert any("download-artifact" in s.get("uses", "") for s in steps[:first_own])
    assert "tool-effect" not in _pull_request_jobs()
    step = next(s for s in steps if s.get("name") == "Compare the leaderboards of the two tools")
    temp = tmp_path / "runner-temp"
    registry = speech_registry(tmp_path / "data")
    snapshot.build(load_registry(registry), temp / "trusted-site" / "leaderboards", jobs=1)
    metric = registry / "metrics" / "word-error-rate.yaml"
    metric.write_text(metric.read_text().replace("direction: lower", "direction: higher"))
    summary = tmp_path / "summary"
    bin_folder = str(Path(_tool("pwc")).parent)
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                          cwd=registry.parent, capture_output=True, text=True, check=False,
                          env={**os.environ, "RUNNER_TEMP": str(temp),
                               "PATH": f"{bin_folder}:{os.environ['PATH']}",
                               "GITHUB_STEP_SUMMARY": str(summary)})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "rank 1 →" in summary.read_text() and "differences on 2 leaderboards" in \
        summary.read_text()
