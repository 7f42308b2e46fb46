"""The per-package coverage gate that .ci/run applies after the test run."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _gate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_gate", ROOT / ".ci" / "coverage_gate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _file(lines: int, covered: int, branches: int = 0, covered_branches: int = 0) -> dict[str, Any]:
    return {
        "summary": {
            "num_statements": lines,
            "covered_lines": covered,
            "num_branches": branches,
            "covered_branches": covered_branches,
        }
    }


REPORT = {
    "files": {
        "sync/core/plan.py": _file(90, 90, 10, 8),  # 98 / 100
        "sync/core/model.py": _file(100, 100),
        "mappings/calendar.py": _file(50, 50, 10, 10),
        "sync/cli/main.py": _file(100, 60),
    }
}


def test_packages_are_measured_with_branches() -> None:
    gate = _gate()
    assert gate.percent(REPORT["files"], "sync/core/") == 99.0
    assert gate.percent(REPORT["files"], "") == 100.0 * (90 + 8 + 100 + 60 + 60) / (100 + 100 + 60 + 100)
    assert gate.percent(REPORT["files"], "reports/") is None
    assert gate.percent({"x/empty.py": _file(0, 0)}, "x/") == 100.0


def test_a_package_below_its_floor_is_a_shortfall_and_a_missing_one_is_not() -> None:
    lines, shortfalls = _gate().check(REPORT, {"sync/core/": 99.5, "mappings/": 100.0, "reports/": 100.0})
    assert shortfalls == ["sync/core/: 99.00 % < 99.5 %"]
    assert any(line.startswith("reports/") and "no files yet" in line for line in lines)
    assert _gate().check(REPORT, {"sync/core/": 99.0})[1] == []


def test_the_script_exits_1_below_a_floor(tmp_path: Path) -> None:
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps(REPORT), encoding="utf-8")
    script = ROOT / ".ci" / "coverage_gate.py"
    done = subprocess.run([sys.executable, str(script), str(report)], capture_output=True, text=True, check=False)
    assert done.returncode == 1  # overall is below 90 %
    assert "coverage below its floor: overall:" in done.stderr
    assert "sync/core/" in done.stdout
    usage = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert usage.returncode == 2


def test_the_floors_hold_the_design_aims() -> None:
    floors = _gate().FLOORS
    assert floors[""] == 90.0 and floors["mappings/"] == 100.0 and floors["sync/core/"] >= 96.0
    assert floors["reports/"] == 100.0  # docs/architecture.md, "Quality gates": 100 % on the reports' metrics
