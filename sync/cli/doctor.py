"""``pmsync doctor``: check the tracker configuration against the tracker itself, read-only.

Each tracker kind's checks live in their own module (:data:`sync.trackers.doctor.CHECK_MODULES`);
this command only loads the configuration, runs them and prints every finding, a problem with
its fix. Exit 1 when there is any problem.
"""

from __future__ import annotations

import os
from importlib import import_module

import click
import httpx

from sync.cli.syncing import config_path
from sync.config.loading import load_settings
from sync.runtime import http_timeout
from sync.trackers.doctor import CHECK_MODULES, Finding


def render(finding: Finding) -> list[str]:
    if finding.ok:
        return [f"ok       {finding.check}: {finding.message}"]
    return [f"problem  {finding.check}: {finding.message}", f"         fix: {finding.fix}"]


@click.command("doctor")
@click.pass_context
def doctor(ctx: click.Context) -> None:
    """Check the tracker: reachability, credentials, projects, issue types, fields, priorities."""
    settings = load_settings(config_path(ctx), os.environ)
    module = CHECK_MODULES.get(settings.tracker.kind)
    if module is None:
        click.echo(f"ok       tracker: {settings.tracker.kind} needs no remote checks")
        return
    with httpx.Client(timeout=http_timeout(settings)) as http:
        findings: list[Finding] = import_module(module).check(settings, http=http)
    for finding in findings:
        for line in render(finding):
            click.echo(line)
    problems = sum(1 for f in findings if not f.ok)
    click.echo(f"{problems} problem{'s' if problems != 1 else ''}" if problems else "all checks passed")
    if problems:
        ctx.exit(1)


commands = [doctor]
