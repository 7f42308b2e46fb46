"""JSON rendering and the published JSON Schema of every report (``pmsync schema report``).

Dates are ISO 8601; numbers are plain JSON numbers (money as decimal strings, never rounded
for display)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from reports.layout import AnyReport
from reports.results import Report

_ADAPTER: TypeAdapter[Any] = TypeAdapter(Report)


def render_json(report: AnyReport) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``pmsync report … --format json`` (one of the four report kinds)."""
    schema: dict[str, Any] = _ADAPTER.json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "pmsync report"
    return schema
