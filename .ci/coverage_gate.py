"""Per-package branch-coverage floors (docs/architecture.md, "Quality gates": 90 % overall, 100 % aimed at on
sync/core, mappings and reports metrics).
Reads the JSON report of ``coverage json`` and fails listing every package below its floor.

Usage: ``python .ci/coverage_gate.py coverage.json``. Coverage of a package is (covered lines + covered
branches) / (lines + branches) over the files under its prefix, as ``coverage report`` computes it. A prefix
that matches no file is reported and skipped, so a package that has not landed yet does not fail the run.
The floors are what is true today; raise them as tests are added, never lower them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# prefix of the file paths → minimum percent ("" is the whole code base).
FLOORS: Mapping[str, float] = {
    "": 90.0,
    # plan.py and tickets.py (96 %) are being rewritten; every other file of sync/core has its own floor.
    "sync/core/": 99.0,
    "sync/core/authoring.py": 100.0,
    "sync/core/model.py": 100.0,
    "sync/core/state.py": 100.0,
    "sync/core/writeback.py": 100.0,
    "sync/core/lint/": 100.0,
    "sync/core/parse/__init__.py": 100.0,
    "sync/core/parse/blocks.py": 100.0,
    "sync/core/parse/codes.py": 100.0,
    "sync/core/parse/dates.py": 100.0,
    "sync/core/parse/document.py": 100.0,
    "sync/core/parse/fields.py": 100.0,
    # Short of 100 by one branch: _trailing's cap of 8 annotations peeled in one pass (a 9th stays).
    "sync/core/parse/items.py": 99.9,
    "sync/core/parse/options.py": 100.0,
    "sync/core/parse/records.py": 100.0,
    "sync/core/parse/refs.py": 100.0,
    "sync/core/parse/retrospective.py": 100.0,
    "sync/core/parse/sections.py": 100.0,
    "sync/core/parse/timeline.py": 100.0,
    "sync/core/parse/wording.py": 100.0,
    "mappings/": 100.0,
    "reports/": 100.0,  # pure metrics and renderers, all of it covered since they landed
}


def percent(files: Mapping[str, Any], prefix: str) -> float | None:
    """Branch coverage of the files under ``prefix``; None when there are none."""
    covered = total = 0
    matched = False
    for name, data in files.items():
        if not name.replace("\\", "/").startswith(prefix):
            continue
        matched = True
        summary = data["summary"]
        covered += summary["covered_lines"] + summary.get("covered_branches", 0)
        total += summary["num_statements"] + summary.get("num_branches", 0)
    if not matched:
        return None
    return 100.0 * covered / total if total else 100.0


def check(report: Mapping[str, Any], floors: Mapping[str, float] = FLOORS) -> tuple[list[str], list[str]]:
    """(lines to show, shortfalls) for ``report``, the parsed output of ``coverage json``."""
    lines: list[str] = []
    shortfalls: list[str] = []
    for prefix, floor in floors.items():
        name = prefix or "overall"
        value = percent(report["files"], prefix)
        if value is None:
            lines.append(f"{name:<26} no files yet (floor {floor:.1f} %)")
            continue
        verdict = "ok" if value + 1e-9 >= floor else "BELOW"
        lines.append(f"{name:<26} {value:6.2f} %  floor {floor:5.1f} %  {verdict}")
        if verdict == "BELOW":
            shortfalls.append(f"{name}: {value:.2f} % < {floor:.1f} %")
    return lines, shortfalls


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: coverage_gate.py COVERAGE_JSON\n")
        return 2
    report = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    lines, shortfalls = check(report)
    sys.stdout.write("branch coverage per package\n" + "\n".join(lines) + "\n")
    for shortfall in shortfalls:
        sys.stderr.write(f"coverage below its floor: {shortfall}\n")
    return 1 if shortfalls else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
