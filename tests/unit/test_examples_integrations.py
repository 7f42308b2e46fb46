"""The integration files in ``examples/`` parse (YAML, systemd INI) and call pmsync the way the
CLI accepts: the GitHub Actions workflow, the Kubernetes Deployment and CronJob, the systemd
units and timer."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from sync.cli.main import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_yaml(relative: str) -> list[dict[str, Any]]:
    documents = [doc for doc in yaml.safe_load_all((EXAMPLES / relative).read_text(encoding="utf-8")) if doc]
    assert documents and all(isinstance(doc, dict) for doc in documents)
    return documents


def assert_pmsync_accepts(args: list[str]) -> None:
    """``args`` (after ``pmsync``) name a real command with options it knows."""
    rest = list(args)
    while rest and rest[0].startswith("-"):  # the group's own options
        option = rest.pop(0)
        if option == "--config":
            rest.pop(0)
    name, *options = rest
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command), f"unknown command in {args}"
    command.make_context(name, options)  # raises on an unknown option or a missing argument


def test_github_actions_lints_pull_requests_and_syncs_on_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a checkout of the docs repository
    (tmp_path / "postmortems").mkdir()
    (workflow,) = load_yaml("github-actions/pmsync.yml")
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert triggers["pull_request"]["paths"] == ["postmortems/**/*.md"]
    assert triggers["push"]["branches"] == ["main"]
    jobs = workflow["jobs"]
    assert jobs["lint"]["if"] == "github.event_name == 'pull_request'"
    assert "pull_request" not in jobs["sync"]["if"].replace("!= 'pull_request'", "")
    commands = [
        step["run"] for job in jobs.values() for step in job["steps"] if step.get("run", "").startswith("pmsync ")
    ]
    assert len(commands) == 2
    for command in commands:
        assert_pmsync_accepts(shlex.split(command)[1:])
    assert "${{ secrets." in jobs["sync"]["env"]["PMSYNC_STATE__URL"]  # never a literal credential


def _container(spec: dict[str, Any]) -> dict[str, Any]:
    (container,) = spec["containers"]
    assert isinstance(container, dict)
    return container


def test_kubernetes_deployment_probes_health_and_readiness() -> None:
    deployment, service = load_yaml("kubernetes/deployment.yaml")
    assert (deployment["kind"], service["kind"]) == ("Deployment", "Service")
    pod = deployment["spec"]["template"]["spec"]
    container = _container(pod)
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert_pmsync_accepts(container["args"])
    assert container["args"][-1] == "serve"
    names = {env["name"] for env in container["env"]}
    assert {"PMSYNC_STATE__URL", "PMSYNC_GITHUB_WEBHOOK_SECRET", "PMSYNC_JIRA_WEBHOOK_SECRET"} <= names
    assert all("value" not in env for env in container["env"] if "SECRET" in env["name"] or "TOKEN" in env["name"])


def test_kubernetes_cronjob_runs_due_jobs_once_without_overlap() -> None:
    (cronjob,) = load_yaml("kubernetes/cronjob.yaml")
    assert cronjob["kind"] == "CronJob"
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    container = _container(cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    assert container["args"][-2:] == ["serve", "--once"]
    assert_pmsync_accepts(container["args"])


def load_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((EXAMPLES / "systemd" / name).read_text(encoding="utf-8"), source=name)
    return parser


@pytest.mark.parametrize(("name", "once"), [("pmsync.service", False), ("pmsync-once.service", True)])
def test_systemd_units_start_pmsync(name: str, once: bool) -> None:
    unit = load_unit(name)
    assert unit["Unit"]["Description"]
    exec_start = shlex.split(unit["Service"]["ExecStart"])
    assert exec_start[0].endswith("/pmsync")
    assert_pmsync_accepts(exec_start[1:])
    assert ("--once" in exec_start) is once
    assert unit["Service"]["Type"] == ("oneshot" if once else "simple")
    assert unit["Service"]["User"] != "root"


def test_systemd_timer_starts_the_once_unit() -> None:
    timer = load_unit("pmsync-once.timer")
    assert timer["Timer"]["Unit"] == "pmsync-once.service"
    assert timer["Timer"]["OnCalendar"]
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_each_service_replica_spools_deliveries_on_a_writable_folder_of_its_own() -> None:
    # The config folder is read-only in both examples: the spool must be pointed elsewhere.
    deployment, _service = load_yaml("kubernetes/deployment.yaml")
    pod = deployment["spec"]["template"]["spec"]
    container = _container(pod)
    spool = next(env["value"] for env in container["env"] if env["name"] == "PMSYNC_SERVICE__SPOOL_DIR")
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == spool]
    assert not mount.get("readOnly")
    (volume,) = [v for v in pod["volumes"] if v["name"] == mount["name"]]
    assert "emptyDir" in volume  # per pod, never shared between replicas
    unit = load_unit("pmsync.service")
    assert unit["Service"]["Environment"].startswith("PMSYNC_SERVICE__SPOOL_DIR=/var/lib/pmsync/")
    assert "/var/lib/pmsync" in unit["Service"]["ReadWritePaths"]
