"""The ``pwc`` command. Each command maps its flags to options and calls one library function;
this module is the one place that turns outcomes into exit codes (0 clean, 1 problems found,
2 usage or internal error)."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import layout
from .markdown import printable

if TYPE_CHECKING:
    from .imports.report import ImportReport
    from .registry import Paper, Registry
    from .validate import Report

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class Refused(click.ClickException):
    """An output the command will not write (see :mod:`.outputs`): refused before anything is
    touched, or, for a folder inside that holds another command's output, when the build comes
    to write there (it stops; with no manifest written, the next build replaces the folder)."""

    exit_code = EXIT_USAGE


@contextlib.contextmanager
def _refusals() -> Iterator[None]:
    from .outputs import OutputError
    from .site.search import SearchIndexError

    try:
        yield
    except OutputError as exc:
        raise Refused(str(exc)) from exc
    except SearchIndexError as exc:  # Pagefind's binary failed: what it said, no traceback
        raise Refused(f"the search index could not be made: {exc}") from exc


@contextlib.contextmanager
def _data_errors(command: str) -> Iterator[None]:
    """A request the registry's data refuses (an unknown name, a value that is not one, an id
    taken) is not a usage error: every problem on its own line, no usage banner, exit 1."""
    from .scaffold import ScaffoldError

    try:
        yield
    except ScaffoldError as exc:
        for problem in str(exc).splitlines():
            click.echo(printable(f"pwc {command}: {problem}"), err=True)
        sys.exit(EXIT_PROBLEMS)


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


def report_options(*, fmt_help: str, strict_help: str
                   ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The options of a command that reports a validation (`pwc validate`, `pwc build`)."""
    def apply(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed([
            click.option("--format", "fmt",
                         type=click.Choice(["text", "json", "github", "markdown"]),
                         default="text", show_default=True, help=fmt_help),
            click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                         help="Worker processes (default: one per core)."),
            click.option("--strict", is_flag=True, help=strict_help),
            click.option("--quiet", "-q", is_flag=True,
                         help="Text: print the errors and the summary line only (warnings "
                              "are counted)."),
        ]):
            command = option(command)
        return command
    return apply


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@registry_option
@click.option("--changed-since", metavar="REF",
              help="Check only files changed since this git ref (against the whole registry).")
@report_options(fmt_help="Output format.", strict_help="Exit 1 on warnings too.")
def validate(paths: tuple[Path, ...], registry: Path | None, changed_since: str | None,
             fmt: str, jobs: int | None, strict: bool, quiet: bool) -> None:
    """Check registry files: YAML, schemas, references, values, and across files.

    With PATHS, check those files or folders only; everything else is still read so that
    references are checked against the whole registry."""
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
    _print_report(result, fmt, quiet)
    failed = result.errors or (strict and result.warnings)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_CLEAN)


def _print_report(result: Report, fmt: str, quiet: bool) -> None:
    """A validation's report as ``pwc validate --format`` prints it (and, for ``github``, the
    job summary)."""
    from . import report as reporters

    formatter: dict[str, Callable[[Report], str]] = {
        "text": functools.partial(reporters.text, quiet=quiet), "json": reporters.as_json,
        "github": reporters.github, "markdown": reporters.markdown}
    click.echo(formatter[fmt](result), nl=False)
    if fmt == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(reporters.markdown(result))


def _web_address(_: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An http(s) address with a host, without its trailing slash."""
    if value is None:
        return None
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query \
            or parts.fragment or any(c.isspace() for c in value):
        raise click.BadParameter(f"{value!r} is not a web address (https://host/path)",
                                 param=param)
    return value.rstrip("/")


def site_link_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options saying where the registry and the site live, for the site's links."""
    for option in reversed([
        click.option("--repository-url", callback=_web_address, default=None,
                     help="The registry's repository (https://github.com/OWNER/REPO): paper "
                          "and source pages link to their YAML file and to editing it. "
                          "Without it, no such links."),
        click.option("--repository-branch", default=None,
                     help="The branch those links name (default: the branch checked out)."),
        click.option("--site-url", callback=_web_address, default=None,
                     help="Where the site is published (https://OWNER.github.io/REPO/): the "
                          "Atom feeds' links are absolute. Without it, they are relative to "
                          "the feed."),
    ]):
        command = option(command)
    return command


@main.command("build")
@registry_option
@click.option("--site", "site_out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("site"), show_default=True,
              help="The site folder (as `pwc site build --out` writes it).")
@click.option("--leaderboards", "boards_out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build/leaderboards"), show_default=True,
              help="The leaderboard snapshot folder (as `pwc leaderboards build --out` "
                   "writes it).")
@click.option("--no-site", is_flag=True, help="Do not write the site.")
@click.option("--no-leaderboards", is_flag=True, help="Do not write the snapshot.")
@click.option("--api/--no-api", "with_api", default=True, show_default=True,
              help="Write the Papers with Code API's files under the site's api/v1/.")
@report_options(fmt_help="The validation report's format.",
                strict_help="Warnings stop the build too (exit 1).")
@site_link_options
def build(registry: Path | None, site_out: Path, boards_out: Path, no_site: bool,
          no_leaderboards: bool, with_api: bool, fmt: str, jobs: int | None, strict: bool,
          quiet: bool, repository_url: str | None, repository_branch: str | None,
          site_url: str | None) -> None:
    """Validate the registry, then write the site and the leaderboard snapshot from one
    compilation: what `pwc validate`, `pwc leaderboards build` and `pwc site build` do, reading
    the registry once. Nothing is written if validation finds errors (exit 1). A rebuild writes
    only the files whose bytes change."""
    from .publish import build as run
    from .validate import UsageError

    with _refusals():
        try:
            outcome = run(_registry(registry), site=None if no_site else site_out,
                          leaderboards=None if no_leaderboards else boards_out, jobs=jobs,
                          with_api=with_api, strict=strict,
                          repository_url=repository_url, repository_branch=repository_branch,
                          site_url=site_url)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from exc
    _print_report(outcome.report, fmt, quiet)
    if outcome.site is None and outcome.leaderboards is None:
        if outcome.report.errors or (strict and outcome.report.warnings):
            click.echo("nothing written: the registry does not validate", err=True)
            sys.exit(EXIT_PROBLEMS)
        sys.exit(EXIT_CLEAN)
    # The report went to stdout (its format may be JSON): what was written goes to stderr.
    if outcome.site is not None:
        counts = outcome.site
        click.echo(_site_summary(counts, site_out), err=True)
    if outcome.leaderboards is not None:
        summary = outcome.leaderboards
        click.echo(_boards_summary(summary, boards_out), err=True)
    sys.exit(EXIT_CLEAN)


@main.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@registry_option
@click.option("--check", is_flag=True,
              help="Change nothing; exit 1 if a file is not in the canonical layout.")
@click.option("--diff/--no-diff", "show_diff", default=True, show_default=True,
              help="With --check: print what would change, as a unified diff.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def fmt(paths: tuple[Path, ...], registry: Path | None, check: bool, show_diff: bool,
        jobs: int | None) -> None:
    """Write registry files in the one canonical layout (key order, quoting, line width),
    keeping comments and how numbers are written, and fix plain values of the wrong type where
    that is mechanical (quote `arxiv: 2405.01234`, `no` → false on a boolean). A file with
    other errors is named, not rewritten (exit 1). With PATHS, only those files or folders."""
    from .formatting import format_registry

    outcome = format_registry(_registry(registry, paths[0] if paths else None),
                              paths or None, check=check, jobs=jobs)
    for d in outcome.not_formatted:
        click.echo(printable(f"{d.file}:{d.line}:{d.column}: {d.code} {d.message} "
                             "(not formatted)"), err=True)
        if d.hint:
            click.echo(printable(f"    hint: {d.hint}"), err=True)
    verb = "would reformat" if check else "reformatted"
    for name in outcome.changed:
        if show_diff and name in outcome.diffs:
            for line in outcome.diffs[name].splitlines():  # each line shown as printable
                click.echo(printable(line))
        click.echo(f"{verb} {name}")
    left = len({d.file for d in outcome.not_formatted})
    click.echo(f"{len(outcome.changed)} of {outcome.checked} files {verb}"
               + (f", {left} with errors not formatted (pwc validate explains)" if left else ""))
    failed = outcome.not_formatted or (check and outcome.changed)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_CLEAN)


@main.group()
def new() -> None:
    """Scaffold registry files: a paper, a result, a task, dataset, metric or benchmark."""


@new.command("paper")
@click.argument("arxiv_id", required=False)
@click.option("--title", help="The title (when not from arXiv).")
@click.option("--author", "authors", multiple=True, help="An author, in order (repeatable).")
@click.option("--date", help="Publication date, YYYY-MM-DD.")
@click.option("--arxiv", "arxiv_offline", metavar="ARXIV_ID",
              help="Offline, with --title: the arXiv id to record, without fetching it (pwc "
              "papers fill fetches what is missing later).")
@click.option("--url", help="The paper's abstract page, when not on arXiv.")
@click.option("--abstract", help="The abstract.")
@click.option("--code", "code", multiple=True, metavar="URL",
              help="A code repository (repeatable).")
@click.option("--venue", help='Where it was published ("ACL 2024").')
@click.option("--id", "paper_id", help="The paper's id (default: from the title).")
@registry_option
def new_paper(arxiv_id: str | None, title: str | None, authors: tuple[str, ...],
              date: str | None, arxiv_offline: str | None, url: str | None,
              abstract: str | None, code: tuple[str, ...], venue: str | None,
              paper_id: str | None, registry: Path | None) -> None:
    """Write a new paper file, from its ARXIV_ID (fetched from the arXiv API) or from flags.

    Offline: --title with --author, --date, --arxiv, --url, --abstract, --code and --venue as
    known; `pwc papers fill` fetches from arXiv what a paper with an arXiv id lacks, later."""
    from .arxiv import ArxivError, fetch, normalise_id
    from .scaffold import NewPaper, refuse_arxiv_in_registry
    from .scaffold import new_paper as scaffold

    if arxiv_id is None and not title:
        raise click.UsageError("give an arXiv id, or --title (with --author and --date)")
    if arxiv_id is not None and arxiv_offline is not None:
        raise click.UsageError("give the arXiv id once: as ARXIV_ID to fetch it, or as --arxiv "
                               "with --title to write it without fetching")
    extra = {k: v for k, v in (("abstract", abstract), ("venue", venue)) if v}
    try:
        if arxiv_id is not None:
            with _data_errors("new paper"):
                refuse_arxiv_in_registry(normalise_id(arxiv_id), _registry(registry))
            paper = NewPaper.from_arxiv(fetch(arxiv_id))
            paper = dataclasses.replace(paper, paper_id=paper_id, code=code,
                                        **({"title": title} if title else {}), **extra)
        else:
            paper = NewPaper(title or "", authors, date, paper_id=paper_id, code=code,
                             arxiv_id=normalise_id(arxiv_offline) if arxiv_offline else None,
                             abstract_url=url, **extra)
    except ArxivError as exc:  # arXiv's answer, not the command, is at fault: no usage banner
        click.echo(printable(f"pwc new paper: {exc}"), err=True)
        sys.exit(EXIT_USAGE)
    with _data_errors("new paper"):
        path = scaffold(_registry(registry), paper)
    click.echo(f"wrote {path}\nnext: pwc new result {path.stem} --task ... --dataset ... "
               "--model ... --metric NAME=VALUE"
               + (f"\nlater, online: pwc papers fill {path.stem} (authors, date, abstract "
                  "from arXiv)" if arxiv_offline and not (authors and date and abstract)
                  else ""))


@new.command("result")
@click.argument("paper")
@click.option("--task", required=True, help="Task id, name or alias.")
@click.option("--dataset", required=True, help="Dataset id, name or alias.")
@click.option("--model", required=True, help="The model's name as the paper gives it.")
@click.option("--metric", "metrics", multiple=True, required=True, metavar="NAME=VALUE",
              help="A metric and its value, e.g. accuracy=66.36 (repeatable).")
@click.option("--split", help="The split or protocol, where it matters.")
@click.option("--extra-data/--no-extra-data", default=None,
              help="Whether the model used extra training data.")
@click.option("--location", help='Where in the paper the numbers are ("Table 3").')
@click.option("--kind", type=click.Choice(["own", "baseline", "reproduction", "reference"]),
              help="The paper's own result, a baseline it quotes, its reproduction, or a point "
              "of reference (human performance, an oracle: listed, never ranked).")
@registry_option
def new_result(paper: str, task: str, dataset: str, model: str, metrics: tuple[str, ...],
               split: str | None, extra_data: bool | None, location: str | None,
               kind: str | None, registry: Path | None) -> None:
    """Append a result to PAPER (its id), checking every name against the registry."""
    from .scaffold import new_result as scaffold

    values: dict[str, str] = {}
    for item in metrics:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.UsageError(f"--metric {item!r}: write NAME=VALUE")
        if name.strip() in values:
            raise click.UsageError(f"--metric {name.strip()} is given twice")
        values[name.strip()] = value.strip()
    with _data_errors("new result"):
        path, done = scaffold(_registry(registry), paper, task=task, dataset=dataset,
                              model=model, metrics=values, split=split,
                              extra_training_data=extra_data, location=location, kind=kind)
    # The file alone passes a changed published value: the change against the branch the
    # pull request targets is what CI checks (helper-74).
    if extra_data is None and kind != "reference":
        # Unsaid is read as none: a model trained on more would rank as the best without extra
        # data (helper-92).
        click.echo("extra training data: not given, so read as none; if the model was trained "
                   "on data beyond the benchmark's training set, add --extra-data")
    click.echo(f"{done} {path}\nnext: pwc validate --changed-since upstream/main (the branch "
               "your pull request targets: origin/main in a clone of the registry itself)")


_entity_options = [
    click.option("--id", "entity_id", help="The id (default: from the name)."),
    click.option("--alias", "aliases", multiple=True,
                 help="Another spelling of this one (repeatable); never another's name."),
    click.option("--description", help="One or two sentences."),
    registry_option,
]


def _with_entity_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_entity_options):
        command = option(command)
    return command


def _write_entity(kind: str, name: str, entity_id: str | None, aliases: tuple[str, ...],
                  description: str | None, registry: Path | None, **fields: Any) -> None:
    from .scaffold import NewEntity, new_entity

    with _data_errors(f"new {kind}"):
        path = new_entity(_registry(registry), NewEntity(kind, name, entity_id, aliases,
                                                         description, fields))
    click.echo(f"wrote {path}\nnext: pwc validate {path}")


@new.command("task")
@click.argument("name")
@click.option("--parent", help="The task it is a kind of (id, name or alias).")
@click.option("--area", help="Its area (id, name or alias).")
@_with_entity_options
def new_task(name: str, parent: str | None, area: str | None, entity_id: str | None,
             aliases: tuple[str, ...], description: str | None, registry: Path | None) -> None:
    """Write a new task file named NAME. Search first: `pwc leaderboards list WORD`, or grep
    registry/tasks; a spelling of an existing task belongs in its aliases."""
    _write_entity("task", name, entity_id, aliases, description, registry, parent=parent,
                  area=area)


@new.command("dataset")
@click.argument("name")
@click.option("--parent", help="The dataset it is part of (id, name or alias).")
@click.option("--homepage", help="The dataset's page.")
@_with_entity_options
def new_dataset(name: str, parent: str | None, homepage: str | None, entity_id: str | None,
                aliases: tuple[str, ...], description: str | None,
                registry: Path | None) -> None:
    """Write a new dataset file named NAME (its aliases: other spellings of it only)."""
    _write_entity("dataset", name, entity_id, aliases, description, registry, parent=parent,
                  homepage=homepage)


@new.command("metric")
@click.argument("name")
@click.option("--direction", type=click.Choice(["higher", "lower"]), required=True,
              help="Which values are better: how every leaderboard of it is ranked.")
@click.option("--unit", help='Its unit, e.g. "percent" (values 76.5 for 76.5%).')
@click.option("--min", "low", help="The least possible value.")
@click.option("--max", "high", help="The greatest possible value.")
@_with_entity_options
def new_metric(name: str, direction: str, unit: str | None, low: str | None,
               high: str | None, entity_id: str | None, aliases: tuple[str, ...],
               description: str | None, registry: Path | None) -> None:
    """Write a new metric file named NAME, with its direction (and unit and range where it
    has them: that is how values are ranked and checked)."""
    from .check import range_problem
    from .values import exact_number

    # Read as a value is (helper-90: 1e-400 was written 0, 0.1234567890123456789 rounded,
    # inf a traceback): the digits given, or why not.
    bounds: dict[str, int | float] = {}
    for key, text in (("min", low), ("max", high)):
        if text is None:
            continue
        try:
            bounds[key] = exact_number(text)
        except ValueError as exc:
            raise click.BadParameter(f"{text!r} {exc}", param_hint=f"--{key}") from None
    if why := range_problem(bounds.get("min"), bounds.get("max")):
        raise click.BadParameter(why, param_hint="--min")
    _write_entity("metric", name, entity_id, aliases, description, registry,
                  direction=direction, unit=unit, range=bounds or None)


@new.command("benchmark")
@click.argument("task")
@click.argument("dataset")
@click.option("--split", help="The split or protocol, where it matters.")
@click.option("--primary-metric", help="The metric that ranks the leaderboard.")
@click.option("--metric", "metrics", multiple=True,
              help="A metric to show, in order (repeatable).")
@click.option("--notes", help="What a reader of the leaderboard should know.")
@registry_option
def new_benchmark(task: str, dataset: str, split: str | None, primary_metric: str | None,
                  metrics: tuple[str, ...], notes: str | None, registry: Path | None) -> None:
    """Write the settings of the leaderboard of TASK on DATASET: its primary metric and the
    order of its metrics (optional: a leaderboard exists as soon as a result is filed)."""
    from .scaffold import new_benchmark as scaffold

    with _data_errors("new benchmark"):
        path = scaffold(_registry(registry), task, dataset, split=split,
                        primary_metric=primary_metric, metrics=metrics, notes=notes)
    click.echo(f"wrote {path}\nnext: pwc validate {path}")


@main.group()
def papers() -> None:
    """Curate paper records."""


@papers.command("fill")
@click.argument("targets", nargs=-1)
@registry_option
@click.option("--dry-run", is_flag=True, help="Write nothing; say what would be filled.")
def papers_fill(targets: tuple[str, ...], registry: Path | None, dry_run: bool) -> None:
    """Fetch from arXiv the title, authors, date and abstract that papers lack.

    TARGETS: paper files or folders, paper ids or arXiv ids (default: every paper). Only what
    is missing is written, never over what a person wrote; a date given to the month becomes
    arXiv's day when that day is in the month. Papers without an arXiv id are reported."""
    from .fill import FillError, fill_papers

    hint = next((Path(t) for t in targets if Path(t).exists()), None)
    try:
        outcome = fill_papers(_registry(registry, hint), targets, dry_run=dry_run)
    except FillError as exc:
        raise click.UsageError(str(exc)) from exc
    verb = "would fill" if dry_run else "filled"
    for done in outcome.filled:
        click.echo(printable(f"{verb} {done.file}: {', '.join(done.fields)}"))
        for note in done.notes:
            click.echo(printable(f"    note: {note}"))
    for left in outcome.not_filled:
        click.echo(printable(f"not filled {left.file}: {left.reason}"))
    n, m = len(outcome.filled), len(outcome.not_filled)
    click.echo(f"{n} paper{'' if n == 1 else 's'} {'to fill' if dry_run else 'filled'}, "
               f"{m} not filled"
               # Stopped by the error (arXiv out of reach): the count is of what was checked.
               + ("; the others were not asked for: arXiv did not answer (below)" if outcome.error
                  else "")
               + (f"; {outcome.without_arxiv} more lack authors, a date or an abstract and have "
                  "no arXiv id to fill them from" if outcome.without_arxiv else ""))
    if outcome.error:
        click.echo(printable(f"pwc: {outcome.error}"), err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_PROBLEMS if outcome.not_filled else EXIT_CLEAN)


@main.group()
def leaderboards() -> None:
    """Compile, show and snapshot leaderboards."""


@leaderboards.command("build")
@registry_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build/leaderboards"), show_default=True,
              help="The snapshot folder: new, empty, or made by this command.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def leaderboards_build(registry: Path | None, out: Path, jobs: int | None) -> None:
    """Write every leaderboard as JSON, CSV and Markdown, with an index and a summary."""
    from . import snapshot
    from .outputs import check_folder
    from .registry import load_registry

    with _refusals():
        check_folder(out, snapshot.COMMAND)  # before reading the registry
        loaded = load_registry(_registry(registry), jobs=jobs, abstracts=False)
        summary = snapshot.build(loaded, out, jobs=jobs)
    click.echo(f"{_boards_summary(summary, out)} — start at {out / 'index.md'}")
    _say_left_out(len(loaded.skipped))


def _say_left_out(skipped: int) -> None:
    """What a command writing outputs without validating says of the files it could not use
    (they hold results that are then missing from every page and table)."""
    if skipped:
        does = "file that does" if skipped == 1 else "files that do"
        click.echo(f"left out {skipped} {does} not pass validation (run pwc validate)", err=True)


def _not_found(command: str, problem: str, hint: str | None) -> None:
    """A name the registry does not have, in a command's arguments: said with suggestions and
    exit 2 as a usage error, without click's usage banner (the command was right, the name
    not)."""
    click.echo(printable(f"pwc {command}: {problem}"), err=True)
    if hint:
        click.echo(printable(f"    hint: {hint}"), err=True)
    sys.exit(EXIT_USAGE)


_output_format = click.option("--format", "fmt", type=click.Choice(["text", "json"]),
                              default="text", show_default=True, help="Output format.")


@leaderboards.command("compare")
@click.argument("old", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.argument("new", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--limit", type=click.IntRange(min=0), default=200, show_default=True,
              help="At most this many differences listed (0: all); all are counted.")
def leaderboards_compare(old: Path, new: Path, limit: int) -> None:
    """Compare two leaderboard snapshots of one registry (`pwc leaderboards build` by two
    versions of pwc): what a change of the tool does to the published leaderboards. Exit 1 if
    they differ."""
    from .compare.snapshots import compare_snapshots

    found = compare_snapshots(old, new)
    for d in found[:limit or None]:
        click.echo(printable(f"{d.board}: {d.what}" if d.board else d.what))
    if limit and len(found) > limit:
        click.echo(f"... and {len(found) - limit} more")
    boards = len({d.board for d in found if d.board})
    click.echo(f"{len(found)} differences on {boards} leaderboards" if found
               else "the leaderboards are the same")
    sys.exit(EXIT_PROBLEMS if found else EXIT_CLEAN)


@leaderboards.command("show")
@click.argument("task")
@click.argument("dataset", required=False)
@click.option("--split", default=None, help="The split, if the results name one.")
@click.option("--no-extra-data", is_flag=True,
              help="Leave out results that used extra training data (and rank without them).")
@_output_format
@registry_option
def leaderboards_show(task: str, dataset: str | None, split: str | None, no_extra_data: bool,
                      fmt: str, registry: Path | None) -> None:
    """Print the ranked leaderboard of TASK on DATASET (ids, names or aliases), or of the
    leaderboard id given alone (task--dataset[--split], as list, diff and the exports name it).

    --format json gives the leaderboard as its snapshot file does (pwc leaderboards build)."""
    from . import terminal
    from .leaderboard import Leaderboard, compile_leaderboards, find_leaderboard
    from .registry import load_registry
    from .snapshot import leaderboard_data
    from .suggest import phrase

    loaded = load_registry(_registry(registry), abstracts=False)
    board: Leaderboard | None
    if dataset is None and split is not None:
        raise click.UsageError("--split goes with TASK DATASET; a leaderboard's id holds its "
                               "split already (task--dataset--split)")
    if dataset is None:
        by_id = compile_leaderboards(loaded, only={task})
        if not by_id:
            _not_found("leaderboards show", f"no leaderboard {task!r}",
                       "give a leaderboard's id (task--dataset[--split]) or its TASK and "
                       "DATASET; pwc leaderboards list QUERY searches")
            return
        board = by_id[0]
    else:
        board = find_leaderboard(loaded, task, dataset, split)
    if board is None:
        assert dataset is not None
        task_id, dataset_id = loaded.find("task", task), loaded.find("dataset", dataset)
        hints = [f"no such {kind}" + (f"; {guess}" if guess else "")
                 for kind, found, guess in (
                     ("task", task_id, phrase(loaded.suggest("task", task))),
                     ("dataset", dataset_id, phrase(loaded.suggest("dataset", dataset))))
                 if found is None]
        if task_id and dataset_id:
            boards = [b.benchmark for b in compile_leaderboards(loaded)
                      if b.benchmark.task == task_id]
            on = [b.dataset + (f" --split {b.split!r}" if b.split else "") for b in boards
                  if b.dataset == dataset_id] or sorted({b.dataset for b in boards})[:MOST_SHOWN]
            hints.append(f"{task_id} has results on: {', '.join(on)}" if on else
                         f"no leaderboard of {task_id} yet")
        _not_found("leaderboards show", f"no results for {task!r} on {dataset!r}"
                   + (f" ({split})" if split else ""),
                   "; ".join([*hints, "pwc leaderboards list QUERY searches"]))
        return
    if fmt == "json":
        import json

        data = leaderboard_data(board, loaded)
        if no_extra_data:
            data["rows"] = [r for r in data["rows"] if not r["extra_training_data"]]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(terminal.leaderboard(board, loaded, extra_data=not no_extra_data), nl=False)


#: How many leaderboards a hint names.
MOST_SHOWN = 3


@leaderboards.command("list")
@click.argument("query", required=False)
@_output_format
@registry_option
def leaderboards_list(query: str | None, fmt: str, registry: Path | None) -> None:
    """List the leaderboards, or those whose task or dataset matches QUERY (a part of an id,
    a name or an alias, case-insensitive): name, results, best value and model."""
    from . import terminal
    from .leaderboard import compile_leaderboards
    from .registry import load_registry
    from .snapshot import index_entry
    from .suggest import phrase

    loaded = load_registry(_registry(registry), abstracts=False)
    boards = [b for b in compile_leaderboards(loaded)
              if query is None or terminal.matches(loaded, b, query)]
    if fmt == "json":
        import json

        click.echo(json.dumps([index_entry(b, loaded) for b in boards], indent=2,
                              ensure_ascii=False))
        return
    if not boards:
        guesses = [*loaded.suggest("task", query or ""), *loaded.suggest("dataset", query or "")]
        _not_found("leaderboards list", f"no leaderboard matches {query!r}", phrase(guesses))
    click.echo(terminal.leaderboard_list(boards, loaded), nl=False)


@main.group()
def show() -> None:
    """Show records of the registry."""


@show.command("paper")
@click.argument("paper")
@_output_format
@registry_option
def show_paper(paper: str, fmt: str, registry: Path | None) -> None:
    """Print a paper and its results (PAPER: id, arXiv id or title)."""
    from . import terminal
    from .leaderboard import leaderboards_of_paper
    from .registry import load_registry, related_papers
    from .suggest import phrase

    loaded = load_registry(_registry(registry))
    matches = loaded.find_papers(paper)
    if len(matches) > 1:
        raise click.UsageError(_ambiguous(paper, matches))
    if not matches:
        _not_found("show paper", _no_paper(loaded, paper), phrase(loaded.suggest_paper(paper)))
        return
    found = matches[0]
    boards = leaderboards_of_paper(loaded, found.id)
    related = related_papers(loaded, found)
    if fmt == "json":
        import json

        click.echo(json.dumps(terminal.paper_data(found, loaded, boards, related), indent=2,
                              ensure_ascii=False))
        return
    click.echo(terminal.paper(found, loaded, boards, related), nl=False)


@show.command("source")
@click.argument("source")
@_output_format
@registry_option
def show_source(source: str, fmt: str, registry: Path | None) -> None:
    """Print a source (a leaderboard submission, a library's table, a model card, a report)
    and its results (SOURCE: its id)."""
    from . import terminal
    from .leaderboard import leaderboards_of_paper
    from .registry import load_registry
    from .suggest import did_you_mean

    loaded = load_registry(_registry(registry))
    found = loaded.sources.get(source)
    if found is None:
        why = (f"{source!r} is a paper, not a source: pwc show paper {source}"
               if source in loaded.papers else f"no source {source!r} (give its id)")
        _not_found("show source", why, did_you_mean(source, loaded.sources))
        return
    boards = leaderboards_of_paper(loaded, found.id)
    if fmt == "json":
        import json

        click.echo(json.dumps(terminal.paper_data(found, loaded, boards), indent=2,
                              ensure_ascii=False))
        return
    click.echo(terminal.paper(found, loaded, boards), nl=False)


@main.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@registry_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True)
@click.option("--validation/--no-validation", default=True, show_default=True,
              help="Also run `pwc validate --changed-since BASE` and give its verdict in the "
              "summary (when HEAD is the work tree or HEAD).")
@click.option("--max-length", type=click.IntRange(min=0), default=None,
              help="Cut the Markdown to this many characters, folding and leaving out parts "
              "with a note (default: what a GitHub comment holds; 0: no limit).")
def diff(base: str, head: str | None, registry: Path | None, fmt: str, validation: bool,
         max_length: int | None) -> None:
    """What HEAD (default: the work tree) changes on the leaderboards since it left BASE.

    Compares the merge base of BASE and HEAD with HEAD, like a pull request: results added and
    removed, existing values changed, new states of the art, values far above the best."""
    import json

    from .compare import compare, render
    from .gitrefs import GitError, uncommitted
    from .report import partition
    from .validate import Options, validate

    try:
        found = render.report(compare(_registry(registry), base, head))
    except GitError as exc:
        raise click.UsageError(str(exc)) from exc
    verdict = None
    # The verdict is `validate --changed-since` on the work tree: it is HEAD's only when the
    # work tree's registry is HEAD's (helper-92: an untracked dataset file made a commit that
    # fails CI "valid").
    unsaved = uncommitted(_registry(registry)) if validation and head == "HEAD" else []
    if unsaved:
        click.echo(f"pwc diff: no verdict: {len(unsaved)} file(s) under the registry differ "
                   f"from HEAD ({unsaved[0]}{', ...' if len(unsaved) > 1 else ''}); commit them, "
                   f"or compare the work tree (pwc diff {base})", err=True)
    if validation and (head is None or (head == "HEAD" and not unsaved)):
        # The work tree is what is compared: the verdict of `validate --changed-since` on it.
        checked = validate(Options(registry=_registry(registry), changed_since=base))
        shown, old = partition(checked)  # warnings on files the change does not touch: apart
        verdict = render.Validation(
            checked.errors, sum(1 for d in shown if d.severity == "warning"), len(old),
            tuple(d for d in shown if d.severity == "warning"))
    if fmt == "json":
        click.echo(json.dumps(render.as_json(found, verdict), indent=2, ensure_ascii=False))
    else:
        limit = render.COMMENT_LIMIT if max_length is None else max_length or 2**62
        click.echo(render.markdown(found, verdict, limit), nl=False)


@main.group()
def site() -> None:
    """Build and preview the static website."""


@site.command("build")
@registry_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("site"),
              show_default=True,
              help="The site folder (replaced): new, empty, or made by this command.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
@click.option("--api/--no-api", "with_api", default=True, show_default=True,
              help="Also write the Papers with Code API's files under api/v1/ (docs/api.md).")
@site_link_options
def site_build(registry: Path | None, out: Path, jobs: int | None, with_api: bool,
               repository_url: str | None, repository_branch: str | None,
               site_url: str | None) -> None:
    """Render every page of the site from the registry."""
    from .site.build import build_site

    with _refusals():
        counts = build_site(_registry(registry), out, jobs=jobs, with_api=with_api,
                            repository_url=repository_url, repository_branch=repository_branch,
                            site_url=site_url)
    click.echo(f"{_site_summary(counts, out)} — preview it with: pwc site serve --dir {out}  "
               f"(or open {out / 'index.html'})")
    _say_left_out(counts["left out"])


def _boards_summary(summary: dict[str, Any], out: Path) -> str:
    """What a snapshot build did: every leaderboard is ranked again, only what changed is
    written."""
    built = f"{summary['benchmarks']} leaderboards ({summary['rows']} rows)"
    if not summary.get("rebuilt"):
        return f"wrote {built} to {out}/"
    return (f"built {built} in {out}/: {summary['changed']} of {summary['files']} files new or "
            f"changed since the last build, {summary['removed']} removed")


def _site_summary(counts: dict[str, int], out: Path) -> str:
    """What a site build did: a rebuild renders every page, but writes only what changed."""
    built = (f"{counts['pages']} pages ({counts['benchmarks']} leaderboards, "
             f"{counts['papers']} papers) in {out}/")
    if not counts.get("rebuilt"):
        return f"wrote {built}"
    return (f"built {built}: {counts['changed']} of {counts['files']} files new or changed "
            f"since the last build, {counts['removed']} removed")


@site.command("serve")
@click.option("--dir", "folder", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=Path("site"), show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--bind", default="127.0.0.1", show_default=True)
def site_serve(folder: Path, port: int, bind: str) -> None:
    """Serve a built site locally (Ctrl-C to stop), answering the API's queries too."""
    from .site.serve import serve

    def ready(chosen: int) -> None:
        click.echo(f"serving {folder}/ at http://{bind}:{chosen}/ (API: /api/v1/)")

    try:
        with contextlib.suppress(KeyboardInterrupt):
            serve(folder, bind, port, ready)
    except OSError as exc:  # the port is taken, the address is not this machine's
        raise click.ClickException(f"cannot serve on {bind}:{port}: {exc.strerror or exc}"
                                   ) from exc


@main.group("import")
def import_() -> None:
    """Import results from other sources into the registry."""


_dump = click.Path(exists=True, path_type=Path)
_report_option = click.option(
    "--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/import-report.md"), show_default=True,
    help="Where to write the report (Markdown; a .json beside it), replacing only an earlier "
    "report.")


@import_.command("pwc-archive")
@click.argument("dumps", nargs=-1, type=_dump)
@click.option("--evaluation-tables", "tables", multiple=True, type=_dump,
              help="evaluation-tables under any name: a file, or a dataset's folder of "
              "Parquet shards (repeatable, as are the four below).")
@click.option("--papers", multiple=True, type=_dump, help="papers-with-abstracts")
@click.option("--links", multiple=True, type=_dump,
              help="links-between-papers-and-code (Hugging Face: links-between-paper-and-code)")
@click.option("--methods", multiple=True, type=_dump, help="methods")
@click.option("--datasets", multiple=True, type=_dump, help="datasets")
@click.option("--synonyms", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A CSV of task synonyms (task,synonym).")
@_report_option
@registry_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def import_pwc_archive(dumps: tuple[Path, ...], tables: tuple[Path, ...],
                       papers: tuple[Path, ...], links: tuple[Path, ...],
                       methods: tuple[Path, ...], datasets: tuple[Path, ...],
                       synonyms: Path | None, report_path: Path, registry: Path | None,
                       jobs: int | None) -> None:
    """Import the Papers with Code archive's dumps into the registry.

    DUMPS are files named as the archive names them (evaluation-tables.json,
    papers-with-abstracts.json, links-between-papers-and-code.json, methods.json,
    datasets.json; maybe with a date before, as jul-28-evaluation-tables.json), Hugging Face's
    pwc-archive datasets (a dataset's folder, the folder holding them, or their data/*.parquet
    shards), or a folder holding named dumps. JSON, JSON Lines and Parquet are read, each plain
    or gzipped (Parquet plain). Other names go with their option. Existing files are merged
    into, never overwritten; importing again changes nothing."""
    from .archive import discover as found_dumps
    from .archive.importer import Options, import_archive

    given = {found_dumps.TABLES: tables, found_dumps.PAPERS: papers, found_dumps.LINKS: links,
             found_dumps.METHODS: methods, found_dumps.DATASETS: datasets}
    try:
        named = found_dumps.discover(dumps)
        files = {dump: found_dumps.expand(dump, given[dump]) for dump in found_dumps.DUMPS}
    except found_dumps.NotADump as exc:
        raise click.UsageError(str(exc)) from None
    for dump, paths in named.items():
        if files[dump] and dump != found_dumps.TABLES:
            raise click.UsageError(f"{paths[0]}: a second {dump} dump (the other given with "
                                   f"{found_dumps.OPTION[dump]})")
        files[dump] += paths
    if not any(files.values()):
        raise click.UsageError("no dump given")

    def progress(stage: str) -> Callable[[int, int], None] | None:
        """A progress bar for one dump on a terminal: told bytes read of the file's size."""
        if not sys.stderr.isatty():
            return None
        bar = click.progressbar(length=1, label=f"reading {stage}", file=sys.stderr)
        shown = [0]

        def tell(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - shown[0])
            shown[0] = done
            if done >= total:
                bar.render_finish()
        return tell

    options = Options(
        registry=_registry(registry), evaluation_tables=files[found_dumps.TABLES],
        papers=files[found_dumps.PAPERS], links=files[found_dumps.LINKS],
        methods=files[found_dumps.METHODS], datasets=files[found_dumps.DATASETS],
        synonyms=synonyms, jobs=jobs, progress=progress)
    _run_import(options.registry, report_path, lambda: import_archive(options))


def _run_import(registry: Path, report_path: Path, run: Callable[[], ImportReport]) -> None:
    """Every importer's ending: the report written (replacing only an earlier report, which is
    checked before importing), errors shown, the summary, exit 1 on errors."""
    from .imports import report as reporters
    from .outputs import check_file, exclusive
    from .writing import replace

    if not registry.is_dir():
        raise click.UsageError(f"no registry folder at {registry}: make it, or pass --registry")
    with _refusals():
        check_file(report_path, reporters.is_markdown_report)
        check_file(report_path.with_suffix(".json"), reporters.is_json_report)
        # One import at a time into a registry: two merging into one file each read it before
        # the other wrote, and one's results were lost without a word.
        with exclusive(registry, "importing into"):
            result = run()
        report_path.parent.mkdir(parents=True, exist_ok=True)
        replace(report_path, reporters.markdown(result).encode("utf-8"))
        replace(report_path.with_suffix(".json"), reporters.as_json(result).encode("utf-8"))
    for d in result.diagnostics:
        if d.severity == "error":
            click.echo(printable(f"{d.file}:{d.line}:{d.column}: {d.code} {d.message}"), err=True)
    click.echo(f"{reporters.summary(result)}\nreport: {report_path} (and .json)")
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_CLEAN)


def _rows_read() -> Callable[[int], None] | None:
    """Progress on a terminal: the rows read so far."""
    if not sys.stderr.isatty():
        return None

    def tell(rows: int) -> None:
        click.echo(f"\rread {rows:,} rows", err=True, nl=False)
    return tell


@import_.command("table")
@click.argument("tables", nargs=-1, required=True, type=_dump)
@click.option("--mapping", "mapping_file", type=_dump,
              help="A YAML file of the mapping (the flags below override it).")
@click.option("--model", help="The model's column, or a template of columns: '{model} @ {img_size}'.")
@click.option("--metric", "metrics", multiple=True, metavar="COLUMN=METRIC",
              help="A column and the registry metric it holds (repeatable).")
@click.option("--task", help="The task (a registry name, id or alias).")
@click.option("--dataset", help="The dataset (a registry name, id or alias).")
@click.option("--split", help="The split, if the numbers are on one (validation, test).")
@click.option("--table", "table_number", type=click.IntRange(min=1),
              help="Which table of a Markdown file (1 for its first), if it holds several.")
@click.option("--paper", help="A column naming each row's paper (arXiv id, URL or title).")
@click.option("--unit", type=click.Choice(["percent", "fraction"]),
              help="What the table's percent metrics are written in, if it says.")
@click.option("--source-kind", type=click.Choice(["submission", "library", "model-card",
                                                  "report", "leaderboard"]))
@click.option("--source-title", help="The source's title (it is found again by it).")
@click.option("--source-url", help="Where the table is published.")
@click.option("--source-id", help="The id the source should have.")
@_report_option
@registry_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def import_table(tables: tuple[Path, ...], mapping_file: Path | None, model: str | None,
                 metrics: tuple[str, ...], task: str | None, dataset: str | None,
                 split: str | None, table_number: int | None, paper: str | None,
                 unit: str | None,
                 source_kind: str | None, source_title: str | None, source_url: str | None,
                 source_id: str | None, report_path: Path, registry: Path | None,
                 jobs: int | None) -> None:
    """Import results kept in CSV tables or Markdown pipe tables, with a mapping of their
    columns (docs/import.md).

    The results are held by one source (--source-kind, --source-title); existing files are
    merged into, never overwritten; importing again changes nothing."""
    from .imports.table import FLAGS, MappingError, check_metrics, import_tables, read_mapping

    pairs = []
    for pair in metrics:
        column, sep, metric = pair.partition("=")
        if not sep or not column.strip() or not metric.strip():
            raise click.UsageError(f"--metric {pair!r}: expected COLUMN=METRIC")
        pairs.append((column.strip(), metric.strip()))
    flags = {"model": model, "task": task, "dataset": dataset, "split": split,
             "table": table_number, "paper": paper,
             "unit": unit, "metrics": pairs, "source_kind": source_kind,
             "source_title": source_title, "source_url": source_url, "source_id": source_id}
    root = _registry(registry)
    try:
        mapping = read_mapping(mapping_file, flags)
        check_metrics(root, mapping, str(mapping_file) if mapping_file else FLAGS)
    except MappingError as exc:
        where = exc.file if exc.file == FLAGS else f"{exc.file}:{exc.line}:{exc.column}"
        click.echo(printable(f"{where}: A037 {exc.message}"), err=True)
        sys.exit(EXIT_USAGE)

    def run() -> ImportReport:
        progress = _rows_read()
        result = import_tables(root, tables, mapping, jobs=jobs, progress=progress)
        if progress is not None:
            click.echo(err=True)  # end the progress line
        return result
    _run_import(root, report_path, run)


@import_.command("model-index")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@_report_option
@registry_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def import_model_index(paths: tuple[Path, ...], report_path: Path, registry: Path | None,
                       jobs: int | None) -> None:
    """Import results from model-index metafiles: a checkout (every model-index.yml in it and
    what it imports, OpenMMLab's and timm's) or a model-index file (docs/import.md).

    A library's results are held by one source of kind library and name each method's paper;
    existing files are merged into, never overwritten; importing again changes nothing."""
    _import_format("model-index", paths, None, report_path, registry, jobs)


@import_.command("hf")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--repo-id", metavar="OWNER/NAME",
              help="The Hub repository of the card, when its file name does not say it.")
@_report_option
@registry_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def import_hf(paths: tuple[Path, ...], repo_id: str | None, report_path: Path,
              registry: Path | None, jobs: int | None) -> None:
    """Import results from Hugging Face model cards (a README.md's model-index front matter)
    and .eval_results/*.yaml files, or folders of them (docs/import.md).

    Each card's results are held by one source of kind model-card; existing files are merged
    into, never overwritten; importing again changes nothing."""
    from .imports.hf_card import hf_files, is_card

    if repo_id is not None and (repo_id.count("/") != 1 or not all(repo_id.split("/"))):
        raise click.UsageError(f"--repo-id {repo_id!r}: expected OWNER/NAME")
    if repo_id is not None:
        # A repository's README.md is its card; USE_POLICY.md and the like beside it are not.
        cards = [f for f in hf_files(paths)
                 if is_card(f) and os.path.basename(f).lower().endswith("readme.md")]
        if len(cards) > 1:  # every card's results would be held as the one repository's
            raise click.UsageError(
                printable(f"--repo-id names the repository of one card; {len(cards)} are given "
                          f"({', '.join(cards[:3])}{', ...' if len(cards) > 3 else ''}): "
                          "import them without it, each named by its file"))
    _import_format("hf", paths, repo_id, report_path, registry, jobs)


def _import_format(name: str, paths: tuple[Path, ...], options: object, report_path: Path,
                   registry: Path | None, jobs: int | None) -> None:
    """A format with a reader of batches (imports.formats), through the shared path."""
    from .imports.formats import import_format

    root = _registry(registry)

    def run() -> ImportReport:
        progress = _rows_read()
        result = import_format(name, root, paths, options, jobs=jobs, progress=progress)
        if progress is not None:
            click.echo(err=True)  # end the progress line
        return result
    _run_import(root, report_path, run)


@main.group("export")
def export() -> None:
    """Export the registry in other formats."""


@export.command("pwc-archive")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build/pwc-archive"), show_default=True,
              help="The folder of the dumps (replaced): new, empty, or made by this command.")
@registry_option
def export_pwc_archive(out: Path, registry: Path | None) -> None:
    """Write the registry as the Papers with Code archive's five JSON dumps."""
    from .archive.export import export_archive

    with _refusals():
        counts = export_archive(_registry(registry), out)
    for name, n in counts.items():
        click.echo(f"{out / name}: {n} records")


@export.command("results")
@click.option("--format", "formats", type=click.Choice(["parquet", "jsonl", "csv", "sqlite"]),
              multiple=True, help="A format to write (repeat for more; default: all four).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("build/results"), show_default=True,
              help="The export folder (replaced): new, empty, or made by this command.")
@registry_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def export_results(formats: tuple[str, ...], out: Path, registry: Path | None,
                   jobs: int | None) -> None:
    """Write every result (one row per result and metric) and a table per entity, with a
    JSON Schema, a dataset card and Datasette's metadata (open it with: datasette OUT)."""
    from .exports import results
    from .outputs import check_folder
    from .registry import load_registry

    with _refusals():
        check_folder(out, results.COMMAND)  # before reading the registry
        loaded = load_registry(_registry(registry), jobs=jobs)
        counts = results.export_results(loaded, out, formats or tuple(results.FORMATS),
                                        jobs=jobs)
    click.echo(f"wrote {counts['results']} result rows, {counts['papers']} papers and "
               f"{counts['benchmarks']} leaderboards to {out}/")
    _say_left_out(len(loaded.skipped))


@export.command("model-index")
@click.argument("paper")
@registry_option
def export_model_index(paper: str, registry: Path | None) -> None:
    """Print PAPER's results as a model card's model-index block (PAPER: id, arXiv id or title)."""
    from .exports.model_card import model_index_text

    loaded, found = _author_paper(paper, registry)
    click.echo(model_index_text(loaded, found), nl=False)
    _warn_fractions(loaded, found)


@export.command("hf")
@click.argument("paper")
@click.option("--model", help="Only this model's files (its name as the paper gives it).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Write the files into this folder (the model's repository: its "
              ".eval_results/) instead of printing them; one model's (--model), and no file "
              "already there with other content is replaced.")
@registry_option
def export_hf(paper: str, model: str | None, out: Path | None, registry: Path | None) -> None:
    """Print PAPER's results as Hugging Face .eval_results files, one per leaderboard and model."""
    from .exports.model_card import eval_results, eval_results_text, write_eval_results

    loaded, found = _author_paper(paper, registry)
    files = [f for f in eval_results(loaded, found) if model is None or f.model == model]
    if not files:
        raise click.UsageError(f"{found.id} has no results of a model {model!r}")
    if out is None:
        click.echo(eval_results_text(files), nl=False)
    else:
        with _refusals():
            written = write_eval_results(files, out)
        for path, new in written:
            click.echo(f"{'wrote' if new else 'unchanged'} {out / path}")
    for each in dict.fromkeys(f.model for f in files):  # a card each
        _warn_fractions(loaded, found, each)


def _warn_fractions(registry: Registry, paper: Paper, model: str | None = None) -> None:
    from .exports.model_card import read_otherwise

    whose = f" of model {model!r}" if model is not None else ""
    for metric, what in read_otherwise(registry, paper, model):
        click.echo(printable(
            f"warning: {paper.file}: {metric} (a percent){whose}: {what} by an importer that "
            "reads cards by the unit rule (pwc import hf, docs/import.md); check the values "
            "against the paper (V003)"), err=True)


def _ambiguous(text: str, papers: Sequence[Paper]) -> str:
    listed = "; ".join(f"{p.id} ({p.file})" for p in papers[:10])
    return printable(f"{text!r} names {len(papers)} papers: {listed}"
                     f"{' ...' if len(papers) > 10 else ''}; give the id of one")


def _no_paper(loaded: Registry, paper: str) -> str:
    """Why ``paper`` names no paper: none has that id, arXiv id or title, or the file of that
    id does not pass its schema (the registry leaves it out; it is not missing)."""
    for skipped in loaded.skipped:
        if skipped.rsplit("/", 1)[-1] == f"{paper}.yaml":
            return (f"the paper {paper!r} is in {skipped}, which does not pass its schema and "
                    "is left out (run pwc validate)")
    if paper in loaded.sources:
        return f"{paper!r} is a source, not a paper: pwc show source {paper}"
    return f"no paper {paper!r} (give its id, arXiv id or exact title)"


def _author_paper(paper: str, registry: Path | None) -> tuple[Registry, Paper]:
    from .registry import load_registry

    loaded = load_registry(_registry(registry))
    matches = loaded.find_papers(paper)
    if len(matches) > 1:
        raise click.UsageError(_ambiguous(paper, matches))
    if not matches:
        raise click.UsageError(_no_paper(loaded, paper))
    found = matches[0]
    if not found.results:
        raise click.UsageError(f"{found.id} holds no results")
    return loaded, found


@main.command("stats")
@registry_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None)
def stats(registry: Path | None, fmt: str, jobs: int | None) -> None:
    """How much of the registry is ranked, dated, linked to code and free of duplicates."""
    from .leaderboard import compile_leaderboards
    from .registry import load_registry
    from .stats import as_json, as_text, registry_stats

    loaded = load_registry(_registry(registry), jobs=jobs)
    found = registry_stats(loaded, compile_leaderboards(loaded))
    click.echo(as_json(found) if fmt == "json" else as_text(found), nl=False)


@main.group()
def docs() -> None:
    """Generated documentation."""


@docs.command("diagnostics")
@click.option("--check", is_flag=True, help="Exit 1 if the file is not current.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("docs/diagnostics.md"), show_default=True)
def docs_diagnostics(check: bool, output: Path) -> None:
    """Write the catalogue of diagnostics as Markdown."""
    from .docs import is_rendered_diagnostics, render_diagnostics
    from .outputs import check_file

    text = render_diagnostics()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            click.echo(f"{output} is out of date: run `pwc docs diagnostics`", err=True)
            sys.exit(EXIT_PROBLEMS)
        return
    with _refusals():
        check_file(output, is_rendered_diagnostics)
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
