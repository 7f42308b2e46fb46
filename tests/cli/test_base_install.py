"""Every command on the README's first install, ``pip install -e .`` and nothing else (issue 22, §2).

A real virtualenv with the base dependencies only (no extra, no test tools): each command either works (exit 0, or
1 for documents with problems) or stops with the one line naming the extra it needs (exit 2) — never a traceback.
The meta-path trick of ``tests/unit/test_packaging.py`` hides modules; this catches what it cannot (a library the
base install lacks that no extra lists, an import that happens before the extra check).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync.extras import EXTRA_OF

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "postmortems"
NOTHING = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection is refused at once


@dataclass(frozen=True)
class Base:
    """The base virtualenv and a demo project made with it."""

    bin: Path
    work: Path
    demo: subprocess.CompletedProcess[str]  # the README's first command, run once

    @property
    def config(self) -> str:
        return str(self.work / "demo" / "pmsync.toml")

    def run(
        self, *args: str, config: Path | str | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PMSYNC_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(GH_TOKEN="not-a-token", JIRA_TOKEN="not-a-token", NO_COLOR="1")
        command = [str(self.bin / "pmsync"), *(["--config", str(config)] if config else []), *args]
        return subprocess.run(
            command, cwd=self.work, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    home = tmp_path_factory.mktemp("base-install")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-e", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    work = home / "work"
    work.mkdir()
    made = Base(bin=venv / "bin", work=work, demo=subprocess.CompletedProcess([], 0))
    return Base(bin=made.bin, work=work, demo=made.run("demo", str(work / "demo")))


def _config(base: Base, name: str, text: str) -> Path:
    path = base.work / name
    path.write_text(text, encoding="utf-8")
    return path


def _clean(done: subprocess.CompletedProcess[str], allowed: Sequence[int] = (0, 1, 2)) -> None:
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    assert done.returncode in allowed, (done.returncode, output[-3000:])


def _needs(done: subprocess.CompletedProcess[str], extra: str) -> None:
    _clean(done, allowed=(2,))
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, done.stderr
    assert f"needs pmsync[{extra}]" in errors[0], done.stderr
    assert f"hint: pip install 'pmsync[{extra}]'" in done.stderr


def test_the_base_install_has_no_extra(base: Base) -> None:
    probe = "import importlib.util, sys; print(sorted(m for m in sys.argv[1:] if importlib.util.find_spec(m)))"
    done = subprocess.run(
        [str(base.bin / "python"), "-c", probe, *EXTRA_OF], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_the_readme_first_command_and_the_local_loop(base: Base) -> None:
    _clean(base.demo, allowed=(0,))
    assert "completion rate" in base.demo.stdout
    for args in (
        ("parse", str(EXAMPLES)),
        ("parse", "--format", "json", str(EXAMPLES)),
        ("lint", str(EXAMPLES)),
        ("schema",),
        ("schema", "report"),
        ("plan",),
        ("plan", "--format", "json"),
        ("sync", "--dry-run"),
        ("sync",),
        ("backfill", "--since", "2020-01-01", "--dry-run"),
        ("pull",),
        ("status",),
        ("status", "--format", "json"),
        ("tickets", "list"),
        ("doctor",),
        ("report", "quarterly"),
        ("report", "overdue", "--format", "md"),
        ("report", "repeats", "--format", "json"),
        ("new", "Checkout returned 502s", "--dir", str(base.work / "new")),
    ):
        _clean(base.run(*args, config=base.config))


@pytest.mark.parametrize("fmt", ["table", "md", "json", "csv"])
def test_the_weekly_report_in_every_text_format(base: Base, fmt: str) -> None:
    done = base.run("report", "weekly", "--format", fmt, config=base.config)
    _clean(done, allowed=(0,))
    assert done.stdout.strip()


def test_the_html_report_never_shows_a_traceback(base: Base) -> None:
    # Issue 22 §2: the charts are inline SVG, so the base install writes the whole page.
    out = base.work / "x.html"
    _clean(base.run("report", "weekly", "--format", "html", "--out", str(out), config=base.config), allowed=(0,))
    assert "<svg" in out.read_text(encoding="utf-8")


def test_github_needs_no_extra_and_fails_cleanly_when_unreachable(base: Base) -> None:
    # The GitHub adapter speaks REST over httpx (a base dependency): no extra, no traceback.
    config = _config(
        base,
        "github.toml",
        f'[tracker]\nkind = "github"\nrepo = "acme/ops"\ntoken_env = "GH_TOKEN"\napi_url = "{NOTHING}"\n'
        f'[state]\nurl = "sqlite:///github.db"\n',
    )
    for args in (("doctor",), ("plan", str(EXAMPLES)), ("sync", "--dry-run", str(EXAMPLES)), ("status",)):
        done = base.run(*args, config=config, timeout=600)
        _clean(done)
        assert "needs pmsync[" not in done.stdout + done.stderr


def test_a_write_back_pull_request_needs_no_extra(base: Base) -> None:
    config = _config(
        base,
        "pr.toml",
        '[state]\nurl = "sqlite:///pr.db"\n[writeback]\nrepo = "acme/docs"\ntoken_env = "GH_TOKEN"\n',
    )
    docs = base.work / "pr-docs"
    docs.mkdir(exist_ok=True)
    (docs / "one.md").write_bytes((EXAMPLES / sorted(p.name for p in EXAMPLES.glob("*.md"))[0]).read_bytes())
    done = base.run("sync", "--write-back-pr", str(docs), config=config, timeout=600)
    _clean(done)
    assert "needs pmsync[" not in done.stdout + done.stderr


def test_jira_needs_no_extra_and_fails_cleanly_when_unreachable(base: Base) -> None:
    config = _config(
        base,
        "jira.toml",
        f'[tracker]\nkind = "jira"\nurl = "{NOTHING}"\nproject = "OPS"\nemail = "bot@example.com"\n'
        f'token_env = "JIRA_TOKEN"\n[state]\nurl = "sqlite:///jira.db"\n',
    )
    doctor = base.run("doctor", config=config)
    _clean(doctor, allowed=(1,))
    assert "problem" in doctor.stdout
    _clean(base.run("plan", str(EXAMPLES), config=config, timeout=600))


def test_postgres_and_the_service_name_their_extras(base: Base) -> None:
    postgres = _config(base, "pg.toml", '[state]\nurl = "postgresql+psycopg://u@127.0.0.1:1/x"\n')
    _needs(base.run("status", config=postgres), "postgres")
    help_text = base.run("serve", "--help")
    _clean(help_text, allowed=(0,))
    assert "Usage: pmsync serve" in help_text.stdout
    _needs(base.run("serve", "--once", config=base.config), "service")
