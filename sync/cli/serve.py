"""``pmsync serve``: run unattended (schedule, webhooks, health and metrics)."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path

import click

from sync.cli.syncing import config_path, runtime
from sync.errors import ConfigError
from sync.logs import configure_logging

log = logging.getLogger(__name__)

SERVICE_MODULES = ("schedule", "prometheus_client")


def require_service_modules(find: Callable[[str], object | None] = importlib.util.find_spec) -> None:
    """Fail with one line naming the ``service`` extra when its libraries are not installed."""
    missing = [name for name in SERVICE_MODULES if find(name) is None]
    if missing:
        raise ConfigError(
            f"pmsync serve needs pmsync[service]: not installed: {', '.join(missing)}",
            hint="pip install 'pmsync[service]' (or 'pmsync[all]')",
        )


@click.command("serve")
@click.option("--once", is_flag=True, help="Run every due job once and exit (cron, Kubernetes CronJob).")
@click.option("--listen", metavar="HOST:PORT", help="Override [service] listen (health, metrics, webhooks).")
@click.option("--write-back", is_flag=True, help="Scheduled syncs fill the Ticket and Status cells of each document.")
@click.option(
    "--spool-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Override [service] spool_dir: this replica's folder for webhook deliveries not applied yet.",
)
@click.pass_context
def serve_cmd(ctx: click.Context, once: bool, listen: str | None, write_back: bool, spool_dir: Path | None) -> None:
    """Run the schedule of [schedule], serve /healthz, /readyz, /metrics and the webhooks.

    Replicas on one PostgreSQL elect one scheduler; every replica answers health checks and
    webhooks, which it spools on local disk until applied (also while the database is down).
    SIGTERM or SIGINT stops after the tracker call in flight (exit 0)."""
    require_service_modules()
    from sync.service.app import Service  # the service's dependencies load only for this command

    root = ctx.find_root().params
    # Service mode logs JSON lines at INFO unless asked otherwise.
    configure_logging(verbose=max(1, int(root.get("verbose") or 0)), json_lines=True)
    path = config_path(ctx)
    base_dir = path.resolve().parent if path else None
    with runtime(ctx) as rt:
        service = Service(
            rt,
            base_dir=base_dir or Path.cwd(),
            config=path,
            listen=listen,
            write_back=write_back,
            spool_dir=spool_dir.resolve() if spool_dir else None,  # relative to where the command runs
        )
        if once:
            outcomes = service.run_once()
            for outcome in outcomes:
                click.echo(f"{outcome.job} {outcome.slot}: {outcome.outcome}")
            if not outcomes:
                click.echo("nothing due")
            ctx.exit(1 if any(o.outcome == "failed" for o in outcomes) else 0)
        service.install_signal_handlers()
        service.start_watchdog()
        host, port = service.start_listener()
        click.echo(f"pmsync serve: listening on http://{host}:{port} (healthz, readyz, metrics, hooks)", err=True)
        service.serve()


commands = [serve_cmd]
