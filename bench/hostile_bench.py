"""Hostile documents as whole ``pmsync`` processes: wall time and peak memory of ``parse`` and ``lint`` (issue 24).

Run: ``python bench/hostile_bench.py [--before REV] [--limit SECONDS]``. Each document is written to a
temporary folder and each command runs as its own process (``python -m sync …``), so the figures include
start-up, which the first row (``pmsync --version``) shows alone. ``--before REV`` runs the same commands
with the code of an earlier git revision beside the current one (killed after ``--limit`` seconds, 600 MB
of address space over the 2 GB cap noted as "killed").

Targets: lint of the 10,000-row table costs at most 3× its parse; the alias bomb is refused in under 5 s
and 500 MB; no document takes more than its per-document budget.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY_CAP = 2 * 1024 * 1024 * 1024


def documents() -> dict[str, str]:
    # Every row has findings (no owner, unmapped priority, unreadable deadline, unmapped status, blame).
    row = "| Fix the queue consumer number {n}. Dana forgot the retry. | | P7 | someday | Blocked |"
    rows = "\n".join(row.format(n=n) for n in range(10_000))
    table = (
        "# Queue outage\n\nincident_id: INC-10000\nSeverity: SEV-2\n\n## Action Items\n\n"
        "| Action | Owner | Priority | Due | Status |\n|---|---|---|---|---|\n" + rows + "\n"
    )
    nested = "# Deep list\n\nincident_id: INC-5000\n\n## Action Items\n\n" + "\n".join(
        "  " * n + f"- item {n}" for n in range(5000)
    )
    bomb = (
        "---\ntitle: Bomb\nincident_id: INC-1\n"
        + "\n".join(
            ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
            + [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
        )
        + "\n---\n# Bomb\n\n## Action Items\n\n- [ ] Fix it (@kim, P1)\n"
    )
    paragraph = (
        "# Long summary\n\nincident_id: INC-7\n\n## Summary\n\n"
        + " ".join(f"Step {n} was done. Then" for n in range(40_000))
        + " @dana forgot it.\n\n## Action Items\n\n- [ ] Add an alert (@kim, P1)\n"
    )
    return {
        "table-10000-rows.md": table,
        "list-5000-deep.md": nested,
        "alias-bomb.md": bomb,
        "paragraph-40000-sentences.md": paragraph,
    }


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run(code: Path, args: list[str], cwd: Path, limit: float) -> tuple[str, str, str]:
    """(seconds, peak MB, exit) of ``python -m sync ARGS`` with the package found in ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "sync", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_limit,  # noqa: PLW1509 - only setrlimit, before exec
    )
    deadline = started + limit
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            _, status, usage = os.wait4(process.pid, 0)
            return f"> {limit:.0f}", f"{usage.ru_maxrss / 1024:.0f}", "killed (time)"
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    code_text = str(os.waitstatus_to_exitcode(status))
    if os.WIFSIGNALED(status) or code_text.startswith("-"):
        code_text = "killed (memory)" if os.WIFSIGNALED(status) else code_text
    return f"{seconds:.2f}", f"{usage.ru_maxrss / 1024:.0f}", code_text


def checkout(revision: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", revision, "sync", "mappings", "reports"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="also run the code of this git revision")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds before a command is killed")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, text in documents().items():
            (work / name).write_text(text, encoding="utf-8")
        versions = [("current", ROOT)]
        if options.before:
            versions.append((options.before[:10], checkout(options.before, work / "before")))
        print("| code | command | document | bytes | seconds | peak MB | exit |")
        print("|---|---|---|---:|---:|---:|---|")
        for label, code in versions:
            seconds, peak, exit_code = run(code, ["--version"], work, options.limit)
            print(f"| {label} | --version | (start-up only) | | {seconds} | {peak} | {exit_code} |")
            for name in documents():
                size = (work / name).stat().st_size
                for command in ("parse", "lint"):
                    seconds, peak, exit_code = run(code, [command, name], work, options.limit)
                    print(f"| {label} | {command} | {name} | {size:,} | {seconds} | {peak} | {exit_code} |", flush=True)


if __name__ == "__main__":
    main()
