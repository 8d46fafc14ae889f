"""The registry shipped in the repository: clean, and the LERT paper exactly as the seed shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from pwc_registry.validate import Options, validate

from conftest import REPO


def _load(path: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_shipped_registry_has_no_errors_and_its_warnings_are_in_the_docs() -> None:
    """The imported archive leaves warnings only a human can settle (metrics without a direction,
    fractions on percent metrics, names and titles the archive got wrong, rows it listed twice);
    docs/registry-warnings.md lists them, and must stay current."""
    from pwc_registry.report import markdown

    # Today's date, not the suite's fixed one: the registry's corrections are dated when they
    # were made, and a correction dated after "today" is an error (V004).
    report = validate(Options(registry=REPO / "registry", today=dt.date.today()))
    assert report.errors == 0
    # No citation or URL titles (Q002, Q003) are left: issue 13's bar.
    assert {d.code for d in report.diagnostics} == {"Q007", "V008", "Q006", "Q009", "Q013"}
    listed = (REPO / "docs" / "registry-warnings.md").read_text(encoding="utf-8")
    assert listed.endswith(markdown(report)), "run: pwc validate --format markdown >> the page"
    assert report.checked["paper"] > 600


def test_shipped_registry_is_written_as_pwc_fmt_writes_it() -> None:
    """CI runs `pwc fmt --check` on a pull request; the registry itself must pass it (two
    corrections of this repository's own were once left unformatted)."""
    from click.testing import CliRunner

    from pwc_registry.cli import main

    result = CliRunner().invoke(main, ["fmt", "--check", "--registry", str(REPO / "registry")])
    assert result.exit_code == 0, result.output


def test_lert_results_match_the_seed_page_row_for_row(corpus: Path) -> None:
    seed = (corpus.parent / "seed").glob("*.txt")
    text = next(seed).read_text(encoding="utf-8")
    table = text.split("\nResults\n", 1)[1].split("\nRelated Papers", 1)[0]
    seed_rows = [line for line in table.splitlines()
                 if line.strip() and line != "TaskDatasetMetricValueModel"]
    assert len(seed_rows) == 16

    registry = REPO / "registry"
    lert = _load(next(registry.glob("papers/*/lert-a-linguistically-motivated-*.yaml")))
    rows = []
    for result in lert["results"]:
        task = _load(registry / "tasks" / f"{result['task']}.yaml")
        dataset = _load(registry / "datasets" / f"{result['dataset']}.yaml")
        for metric_id, value in result["metrics"].items():
            metric = _load(registry / "metrics" / f"{metric_id}.yaml")
            spellings = [metric["name"], *metric.get("aliases", [])]
            matches = [f"{task['name']}{dataset['name']}{m}{value:g}{result['model']}"
                       for m in spellings]
            found = [m for m in matches if m in seed_rows]
            assert len(found) == 1, matches
            rows.append(found[0])
    assert sorted(rows) == sorted(seed_rows)
    assert lert["title"] in text and "2022-11-10" in text
    assert ", ".join(lert["authors"]) in text
