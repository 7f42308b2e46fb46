"""`GET /reports/` in the service: the index and the HTML reports, nothing else."""

from __future__ import annotations

from pathlib import Path

from sync.service.http import Response, Routes
from sync.service.reports_route import ReportsRoute


def folder(tmp_path: Path) -> Path:
    for name in ("weekly-2026-11-30.html", "weekly-2026-12-07.html", "quarterly-2026Q3.html", "weekly-2026-12-07.md"):
        (tmp_path / name).write_text(f"<html>{name}</html>", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "secret.html").write_text("x", encoding="utf-8")
    return tmp_path


def test_index_lists_the_latest_of_each_kind_then_all(tmp_path: Path) -> None:
    route = ReportsRoute(folder(tmp_path))
    answer = route("GET", "/reports/")
    assert answer is not None and answer.status == 200 and answer.content_type.startswith("text/html")
    page = answer.body.decode()
    latest = page[page.index("Latest") : page.index("All reports")]
    assert 'href="weekly-2026-12-07.html"' in latest and "2026-11-30" not in latest
    assert 'href="quarterly-2026Q3.html"' in latest
    assert page.count("<li>") == 5  # 2 latest + 3 reports; the .md and other files are not listed
    assert "secret" not in page
    assert route("GET", "/reports") is not None


def test_reports_are_served_and_nothing_else(tmp_path: Path) -> None:
    route = ReportsRoute(folder(tmp_path))
    served = route("GET", "/reports/weekly-2026-12-07.html")
    assert served == Response(200, b"<html>weekly-2026-12-07.html</html>", "text/html; charset=utf-8")
    for path in (
        "/reports/secret.html",
        "/reports/weekly-2026-12-07.md",
        "/reports/../pmsync.toml",
        "/reports/%2e%2e%2fweekly-2026-12-07.html",
        "/reports/sub/weekly-2026-12-07.html",
        "/reports/weekly-2026-01-01.html",
    ):
        answer = route("GET", path)
        assert answer is not None and answer.status == 404, path
    post = route("POST", "/reports/")
    assert post is not None and post.status == 405
    assert route("GET", "/healthz") is None  # not its route


def test_an_empty_or_missing_folder_says_so(tmp_path: Path) -> None:
    page = ReportsRoute(tmp_path / "missing")("GET", "/reports/")
    assert page is not None and "No report has been published yet" in page.body.decode()


def test_the_service_routes_reach_it(tmp_path: Path) -> None:
    routes = Routes(
        ready=lambda: (True, "ok"),
        metrics=lambda: (b"", "text/plain"),
        sink=None,  # type: ignore[arg-type]
        counter=None,  # type: ignore[arg-type]
        pages=ReportsRoute(folder(tmp_path)),
    )
    assert routes.handle("GET", "/reports/?x=1", {}, b"").status == 200
    assert routes.handle("GET", "/nothing", {}, b"").status == 404
