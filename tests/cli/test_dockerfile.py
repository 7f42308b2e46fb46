"""The Dockerfile, without a Docker engine: its instructions say what the issue asks (non-root,
tzdata, runtime dependencies only, healthcheck, ``pmsync`` entrypoint), and its build and start
steps work when replayed in a fresh virtualenv — the wheel is built from exactly what the build
stage copies, installed without the source tree, and ``pmsync serve`` answers ``/healthz``."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

import pytest

from tests.integration.service_harness import request, wait_for

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), " ".join(rest.split())))
    return result


def stages() -> list[list[tuple[str, str]]]:
    """The build stages; the global ``ARG``s before the first ``FROM`` are not part of any."""
    found: list[list[tuple[str, str]]] = []
    for instruction in instructions():
        if instruction[0] == "FROM":
            found.append([])
        if found:
            found[-1].append(instruction)
        else:
            assert instruction[0] == "ARG", instruction
    return found


def test_the_image_runs_pmsync_as_a_non_root_user_with_tzdata_and_a_healthcheck() -> None:
    build, final = stages()
    final_dict = dict(final)
    assert final_dict["USER"] not in ("root", "0")
    assert "tzdata" in " ".join(args for word, args in final if word == "RUN")
    assert json.loads(final_dict["ENTRYPOINT"]) == ["pmsync"]
    assert "/healthz" in final_dict["HEALTHCHECK"]
    assert "9464" in final_dict["EXPOSE"]
    assert re.search(r"ARG PMSYNC_UID", "\n".join(f"{w} {a}" for w, a in final))
    # Only runtime dependencies: no test or dev extras anywhere.
    for _word, args in build + final:
        assert "[test]" not in args and "[dev]" not in args


def _copied_sources(build: list[tuple[str, str]]) -> list[str]:
    sources: list[str] = []
    for word, args in build:
        if word == "COPY" and "--from" not in args:
            *parts, _destination = shlex.split(args)
            sources.extend(parts)
    return sources


@pytest.mark.slow
def test_replaying_the_build_and_start_steps_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    build, final = stages()
    # 1. The build stage's context: exactly what it copies.
    context = tmp_path / "src"
    context.mkdir()
    for source in _copied_sources(build):
        origin = ROOT / source
        if origin.is_dir():
            shutil.copytree(origin, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, context / source)
    wheel_steps = [args for word, args in build if word == "RUN" and "pip wheel" in args]
    assert wheel_steps, "the build stage builds wheels"
    wheels = tmp_path / "wheels"
    # The dependencies' wheels would come from PyPI; here only pmsync's own is built (--no-deps).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(wheels),
            ".",
        ],
        cwd=context,
        check=True,
        timeout=120,
    )
    (wheel,) = wheels.glob("pmsync-*.whl")

    # 2. The final stage's install, into a fresh virtualenv; dependencies are borrowed read-only
    # from this test environment instead of downloaded.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install_steps = [args for word, args in final if word == "RUN" and "pip install" in args]
    assert install_steps and "pmsync" in install_steps[0]
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=120,
    )

    # 3. The entrypoint, from a working directory outside the source tree, as the image runs it.
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "examples" / "postmortems", work / "postmortems")
    (work / "pmsync.toml").write_text(
        '[schedule]\nsync_every = "1h"\npull_every = "1h"\njitter = "0s"\n[due_dates]\ntimezone = "Europe/Berlin"\n'
        # The stop waits for a job in flight; on a loaded CI machine under coverage that took longer than
        # the default 30 s watchdog. This test is about the image's steps, not the stop's speed.
        "[service]\nstop_timeout_seconds = 120\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PMSYNC_", "PYTHON"))}
    env["PMSYNC_SERVICE__LISTEN"] = "127.0.0.1:0"  # the image sets 0.0.0.0:9464 the same way
    located = subprocess.run(
        [str(python), "-c", "import sync, mappings, reports; print(sync.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert located.stdout.startswith(str(venv)), located.stdout  # the installed wheel, not the source tree
    entrypoint = venv / "bin" / "pmsync"
    server = subprocess.Popen(
        [str(entrypoint), "serve"], cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    # A thread drains stderr for the whole run: the service logs JSON lines while it syncs, and a pipe
    # nobody reads would block it (a stop that never comes, under load).
    lines: list[str] = []
    listening = threading.Event()

    def drain() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            lines.append(line)
            if re.search(r"listening on http://", line):
                listening.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert listening.wait(60), "".join(lines)
        match = re.search(r"listening on (http://[0-9.]+:\d+)", "".join(lines))
        assert match, "".join(lines)
        base = match.group(1)
        assert request(base + "/healthz")[0] == 200
        assert wait_for(lambda: request(base + "/readyz")[0] == 200)
        server.send_signal(signal.SIGTERM)
        try:
            code = server.wait(timeout=150)
        except subprocess.TimeoutExpired:  # pragma: no cover - diagnostic only
            pytest.fail("no stop within 150 s after SIGTERM:\n" + "".join(lines[-30:]))
        assert code == 0, "".join(lines[-30:])
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
        reader.join(10)
        if server.stderr is not None:
            server.stderr.close()
    assert (work / "pmsync.db").exists()  # state next to the config, in the mounted directory
