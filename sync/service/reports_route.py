"""``GET /reports/``: the service serves the reports its schedule publishes (``[reports]
output_dir``): an index with the latest report of each kind first, then every HTML report, newest
first, and each HTML file as written — self-contained, so a browser fetches nothing else.

Only ``<name>.html`` files directly in the folder are served (no sub-folders, no other files, no
``..``); anything else is a 404. The index is built per request: a report published a second ago
is listed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sync.service.http import Response

PREFIX = "/reports"
_NAME = re.compile(r"^(weekly|quarterly|overdue|repeats)-([0-9A-Za-z-]+)\.html$")
_TITLES = {"weekly": "Weekly", "quarterly": "Quarterly review", "overdue": "Overdue", "repeats": "Repeat incidents"}
_HTML = "text/html; charset=utf-8"
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1f2328}"
    "a{color:#0969da}li{margin:.3rem 0}.when{color:#59636e}"
)


@dataclass(frozen=True)
class ReportsRoute:
    folder: Path

    def __call__(self, method: str, route: str) -> Response | None:
        """The answer for ``/reports…``; ``None`` for any other path."""
        if route != PREFIX and not route.startswith(PREFIX + "/"):
            return None
        if method != "GET":
            return Response.json(405, error="GET only")
        name = unquote(route[len(PREFIX) :].lstrip("/"))
        if not name:
            return Response(200, self.index().encode(), _HTML)
        if "/" in name or "\\" in name or not _NAME.match(name):
            return Response.json(404, error="not found")
        try:
            return Response(200, (self.folder / name).read_bytes(), _HTML)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return Response.json(404, error="not found")

    def reports(self) -> list[tuple[str, str, str]]:
        """(kind, period, file name) of every HTML report, newest period first."""
        try:
            names = [p.name for p in self.folder.iterdir() if p.is_file()]
        except OSError:
            return []
        found = [(m.group(1), m.group(2), name) for name in names if (m := _NAME.match(name))]
        return sorted(found, key=lambda r: (r[1], r[0]), reverse=True)

    def index(self) -> str:
        reports = self.reports()
        latest: dict[str, tuple[str, str, str]] = {}
        for report in reports:
            latest.setdefault(report[0], report)

        def link(report: tuple[str, str, str]) -> str:
            kind, period, name = report
            return (
                f'<li><a href="{html.escape(name, quote=True)}">{_TITLES[kind]}</a> '
                f'<span class="when">{html.escape(period)}</span></li>'
            )

        if reports:
            body = (
                "<h2>Latest</h2><ul>"
                + "".join(link(latest[kind]) for kind in _TITLES if kind in latest)
                + "</ul><h2>All reports</h2><ul>"
                + "".join(link(report) for report in reports)
                + "</ul>"
            )
        else:
            body = "<p>No report has been published yet (<code>pmsync report … --publish</code>).</p>"
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>pmsync reports</title><style>{_STYLE}</style></head>\n"
            f"<body><h1>pmsync reports</h1>{body}</body></html>\n"
        )
