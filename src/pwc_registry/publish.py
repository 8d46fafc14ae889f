"""``pwc build``: validate the registry and write every output from one compilation.

Publishing used to run three commands (``pwc validate``, ``pwc leaderboards build``, ``pwc site
build``), each reading the registry and compiling its leaderboards. Here the registry is
validated (the same checks and report as ``pwc validate``; nothing is written when it has
errors), read once (the records the validation read become the registry's objects), its
leaderboards compiled once, and the leaderboard snapshot and the site
are both written from those boards. Each output folder is the one its own command writes (the
same marker, the same files), so either command can update it afterwards.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from . import snapshot
from .outputs import OutputError, check_folder
from .registry import load_registry, registry_from_records
from .site import build as site_build
from .validate import Options, Report, validate


@dataclasses.dataclass
class Outcome:
    """The validation report; with no errors, what was written."""

    report: Report
    site: dict[str, int] | None = None
    leaderboards: dict[str, Any] | None = None


def build(registry_path: Path, *, site: Path | None, leaderboards: Path | None,
          jobs: int | None = None, with_api: bool = True, strict: bool = False,
          repository_url: str | None = None, repository_branch: str | None = None,
          site_url: str | None = None) -> Outcome:
    """Validate the registry; unless it has errors (or, with ``strict``, warnings), write the
    site into ``site`` and the leaderboard snapshot into ``leaderboards`` (either may be None:
    not written); the addresses are :func:`.site.build.write_site`'s. Both folders are checked
    before anything is read (:mod:`.outputs`)."""
    if site is not None and leaderboards is not None:
        if site.resolve() == leaderboards.resolve():
            raise OutputError(f"{site}: given as both the site's folder and the leaderboards'; "
                              "give each its own (the snapshot may go inside the site: "
                              "site/leaderboards)")
        if site.resolve().is_relative_to(leaderboards.resolve()):
            # Written first, the site would make the snapshot's folder one pwc did not make,
            # refused then and on every later run.
            raise OutputError(f"{site}: the site's folder is inside the leaderboards' "
                              f"({leaderboards}); give each its own (the snapshot may go "
                              "inside the site: site/leaderboards)")
    if site is not None:
        check_folder(site, site_build.COMMAND)
    if leaderboards is not None:
        check_folder(leaderboards, snapshot.COMMAND)
    wanted = site is not None or leaderboards is not None
    report = validate(Options(registry=registry_path, jobs=jobs, records=wanted))
    records, report.records = report.records, None
    outcome = Outcome(report)
    if report.errors or (strict and report.warnings) or not wanted:
        return outcome
    # What the validation read, not the files read again (a symbolic-link registry, refused by
    # validation with an error, never gets here).
    registry = registry_from_records(*records) if records is not None \
        else load_registry(registry_path, jobs=jobs)
    # The files' data as read is not needed past this point, and at the archive's scale it is
    # hundreds of megabytes (its papers' abstracts) held through every output otherwise.
    del records
    pages = site_build.prepare(registry, registry_path)
    # The site first: on its first build it replaces its folder's content, which may hold the
    # snapshot's folder (publish.yml writes it into the site, at public/leaderboards).
    if site is not None:
        outcome.site = site_build.write_site(pages, registry_path, site, jobs=jobs,
                                             with_api=with_api, repository_url=repository_url,
                                             repository_branch=repository_branch,
                                             site_url=site_url)
    if leaderboards is not None:
        outcome.leaderboards = snapshot.build(registry, leaderboards, jobs=jobs,
                                              boards=pages.boards)
    return outcome
