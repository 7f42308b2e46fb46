"""Packaging: the top-level packages come from pmsync alone (docs/architecture.md, "Layers"), the base install depends
on exactly what the code imports, and features behind an extra fail with one line naming it (issue 18.10)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from sync.errors import ConfigError
from sync.extras import EXTRA_OF, MissingExtra, require
from sync.runtime import open_runtime

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("sync", "mappings", "reports")


def test_no_other_distribution_provides_our_top_level_packages() -> None:
    providers = packages_distributions()
    for package in PACKAGES:
        assert set(providers.get(package, [])) == {"pmsync"}, f"{package} comes from {providers.get(package)}"


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict[str, object]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert isinstance(project, dict)
    return project


def _imported_top_levels() -> set[str]:
    """Every top-level module the packages import, at any depth (lazy imports included)."""
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - set(PACKAGES)


def _distribution(module: str) -> str:
    [dist] = {d.lower().replace("_", "-") for d in packages_distributions()[module]}
    return dist


def test_base_dependencies_are_exactly_what_the_code_imports() -> None:
    project = _project()
    base = {_name(r) for r in project["dependencies"]}  # type: ignore[attr-defined]
    extras: dict[str, list[str]] = project["optional-dependencies"]  # type: ignore[assignment]
    optional = {_name(r) for name, reqs in extras.items() if name not in ("test", "dev") for r in reqs} - {"pmsync"}
    imported = {module: _distribution(module) for module in _imported_top_levels()}
    # The base has nothing unused, and nothing optional sneaks into it.
    assert base == {dist for module, dist in imported.items() if module not in EXTRA_OF}
    assert not base & optional
    # Every optional library the code imports is in an extra, and sync.extras knows which.
    for module in set(imported) & set(EXTRA_OF):
        assert imported[module] in {_name(r) for r in extras[EXTRA_OF[module]]}, module
    # Declared once, used once: alembic and pydantic-settings are gone (hand-versioned migrations,
    # hand-merged environment overrides — see sync/config.py).
    assert {"alembic", "pydantic-settings"}.isdisjoint(base | optional)


def test_the_test_extra_pulls_in_every_feature_extra() -> None:
    extras: dict[str, list[str]] = _project()["optional-dependencies"]  # type: ignore[assignment]
    assert "pmsync[all]" in extras["test"]
    assert extras["all"] == ["pmsync[" + ",".join(n for n in extras if n not in ("all", "test", "dev")) + "]"]


# A meta-path finder that makes every optional library look uninstalled, for a subprocess.
_WITHOUT_EXTRAS = """
import sys
class _NoExtras:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None
sys.meta_path.insert(0, _NoExtras())
from sync.cli.main import main
main(sys.argv[1:])
"""


def _run_without_extras(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    blocked = sorted({*EXTRA_OF, "pydantic_settings", "alembic"})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMSYNC_")}
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS.format(blocked=blocked), *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_the_readme_first_command_needs_no_extra(tmp_path: Path) -> None:
    # The README's first command: a plain install, then `pmsync demo`.
    done = _run_without_extras(tmp_path, "demo", str(tmp_path / "demo"))
    assert done.returncode == 0, done.stderr
    assert "completion rate" in done.stdout
    listed = _run_without_extras(tmp_path, "--config", str(tmp_path / "demo" / "pmsync.toml"), "status")
    assert listed.returncode == 0, listed.stderr


@pytest.mark.slow
def test_a_postgres_url_without_the_extra_names_it(tmp_path: Path) -> None:
    (tmp_path / "pmsync.toml").write_text('[state]\nurl = "postgresql+psycopg://u@127.0.0.1:1/x"\n', encoding="utf-8")
    done = _run_without_extras(tmp_path, "status")
    assert done.returncode == 2
    expected = "error: [state] url = postgresql+psycopg://… needs pmsync[postgres]: the optional dependency 'psycopg'"
    assert expected in done.stderr
    assert "hint: pip install 'pmsync[postgres]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_require_returns_the_module_when_installed() -> None:
    assert require("json", "reading JSON", extra="none").dumps([]) == "[]"


def test_require_names_the_extra_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "schedule", None)  # how Python spells "not importable"
    with pytest.raises(MissingExtra) as caught:
        require("schedule", "pmsync serve")
    assert isinstance(caught.value, ConfigError) and caught.value.exit_code == 2
    expected = "pmsync serve needs pmsync[service]: the optional dependency 'schedule' is not installed"
    assert caught.value.message == expected
    assert caught.value.hint == "pip install 'pmsync[service]' (or 'pmsync[all]')"
    assert (caught.value.module, caught.value.extra) == ("schedule", "service")


def test_require_does_not_hide_a_broken_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The library is installed but one of ITS dependencies is not: that traceback is the useful one.
    (tmp_path / "brokenlib").mkdir()
    (tmp_path / "brokenlib" / "__init__.py").write_text("import not_a_real_module_xyz\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="not_a_real_module_xyz"):
        require("brokenlib", "a feature", extra="feature")


def test_require_refuses_a_module_without_a_known_extra() -> None:
    with pytest.raises(ValueError, match="no extra is known for 'numpy'"):
        require("numpy", "arrays")


def test_open_runtime_names_the_postgres_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    config = tmp_path / "pmsync.toml"
    config.write_text('[state]\nurl = "postgresql+psycopg://u@127.0.0.1:1/x"\n', encoding="utf-8")
    with pytest.raises(MissingExtra, match="psycopg"):
        open_runtime(config, environ={})


def test_dockerfile_installs_the_service_extras() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    match = re.search(r"^ARG EXTRAS=(\S+)$", text, re.M)
    assert match, "the Dockerfile chooses its extras with ARG EXTRAS=…"
    assert set(match.group(1).split(",")) == {"postgres", "service"}
    assert '"pmsync[${EXTRAS}]"' in text
