"""The ``pwc`` command. Each command maps its flags to options and calls one library function;
this module is the one place that turns outcomes into exit codes (0 clean, 1 problems found,
2 usage or internal error)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import layout

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _registry(option: Path | None, hint: Path | None = None) -> Path:
    if option is not None:
        return option
    found = layout.find_registry(hint if hint is not None else Path.cwd())
    if found is None:
        raise click.UsageError("no registry/ folder here or above; pass --registry DIR")
    return found


registry_option = click.option(
    "--registry", type=click.Path(file_okay=False, path_type=Path), default=None,
    envvar="PWC_REGISTRY", help="The registry folder (default: ./registry, or one above).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pwc-registry")
def main() -> None:
    """Papers With Code 2: validate, compile and publish a registry of ML results."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@registry_option
@click.option("--changed-since", metavar="REF",
              help="Check only files changed since this git ref (against the whole registry).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Output format.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per core).")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def validate(paths: tuple[Path, ...], registry: Path | None, changed_since: str | None,
             fmt: str, jobs: int | None, strict: bool) -> None:
    """Check registry files: YAML, schemas, references, values, and across files.

    With PATHS, check those files or folders only; everything else is still read so that
    references are checked against the whole registry."""
    from . import report as reporters
    from .gitrefs import GitError
    from .validate import Options, UsageError
    from .validate import validate as run

    if paths and changed_since:
        raise click.UsageError("give PATHS or --changed-since, not both")
    options = Options(
        registry=_registry(registry, paths[0] if paths else None),
        paths=paths or None,
        changed_since=changed_since,
        jobs=jobs,
    )
    try:
        result = run(options)
    except (UsageError, GitError) as exc:
        raise click.UsageError(str(exc)) from exc
    formatter = {"text": reporters.text, "json": reporters.as_json,
                 "github": reporters.github}[fmt]
    click.echo(formatter(result), nl=False)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(reporters.markdown(result))
    failed = result.errors or (strict and result.warnings)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_CLEAN)


@main.group()
def leaderboards() -> None:
    """Compile, show and snapshot leaderboards."""


@leaderboards.command("build")
@registry_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build/leaderboards"), show_default=True,
              help="The snapshot folder (its benchmarks/ is replaced).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def leaderboards_build(registry: Path | None, out: Path, jobs: int | None) -> None:
    """Write every leaderboard as JSON, CSV and Markdown, with an index and a summary."""
    from . import snapshot
    from .registry import load_registry

    loaded = load_registry(_registry(registry), jobs=jobs, abstracts=False)
    summary = snapshot.build(loaded, out, jobs=jobs)
    click.echo(f"wrote {summary['benchmarks']} leaderboards ({summary['rows']} rows) to "
               f"{out}/ — start at {out / 'index.md'}")
    if loaded.skipped:
        click.echo(f"left out {len(loaded.skipped)} files that do not pass validation "
                   "(run pwc validate)", err=True)


@leaderboards.command("show")
@click.argument("task")
@click.argument("dataset")
@click.option("--split", default=None, help="The split, if the results name one.")
@click.option("--no-extra-data", is_flag=True,
              help="Leave out results that used extra training data (and rank without them).")
@registry_option
def leaderboards_show(task: str, dataset: str, split: str | None, no_extra_data: bool,
                      registry: Path | None) -> None:
    """Print the ranked leaderboard of TASK on DATASET (ids, names or aliases)."""
    from . import terminal
    from .leaderboard import find_leaderboard
    from .registry import load_registry

    loaded = load_registry(_registry(registry), abstracts=False)
    board = find_leaderboard(loaded, task, dataset, split)
    if board is None:
        raise click.UsageError(f"no results for {task!r} on {dataset!r}"
                               + (f" ({split})" if split else ""))
    click.echo(terminal.leaderboard(board, loaded, extra_data=not no_extra_data), nl=False)


@main.group()
def show() -> None:
    """Show records of the registry."""


@show.command("paper")
@click.argument("paper")
@registry_option
def show_paper(paper: str, registry: Path | None) -> None:
    """Print a paper and its results (PAPER: id, arXiv id or title)."""
    from . import terminal
    from .leaderboard import leaderboards_of_paper
    from .registry import load_registry, related_papers

    loaded = load_registry(_registry(registry))
    found = loaded.find_paper(paper)
    if found is None:
        raise click.UsageError(f"no paper {paper!r} (give its id, arXiv id or exact title)")
    boards = leaderboards_of_paper(loaded, found.id)
    click.echo(terminal.paper(found, loaded, boards, related_papers(loaded, found)), nl=False)


@main.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@registry_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True)
def diff(base: str, head: str | None, registry: Path | None, fmt: str) -> None:
    """What HEAD (default: the work tree) changes on the leaderboards since it left BASE.

    Compares the merge base of BASE and HEAD with HEAD, like a pull request: results added and
    removed, existing values changed, new states of the art, values far above the best."""
    import json

    from . import changes
    from .gitrefs import GitError

    try:
        comparison = changes.compare(_registry(registry), base, head)
    except GitError as exc:
        raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(changes.as_json(comparison), indent=2, ensure_ascii=False))
    else:
        click.echo(changes.markdown(comparison), nl=False)


@main.group()
def docs() -> None:
    """Generated documentation."""


@docs.command("diagnostics")
@click.option("--check", is_flag=True, help="Exit 1 if the file is not current.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/diagnostics.md"), show_default=True)
def docs_diagnostics(check: bool, output: Path) -> None:
    """Write the catalogue of diagnostics as Markdown."""
    from .docs import render_diagnostics

    text = render_diagnostics()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            click.echo(f"{output} is out of date: run `pwc docs diagnostics`", err=True)
            sys.exit(EXIT_PROBLEMS)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}")


def run() -> None:
    """Entry point that keeps internal errors at exit code 2 (click uses 1 for aborts)."""
    try:
        main.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_USAGE)
    except SystemExit:
        raise
    except BaseException as exc:  # an internal error is a bug: say so, exit 2
        click.echo(f"pwc: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
