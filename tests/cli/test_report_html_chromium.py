"""The HTML reports of the demo data in headless Chromium: no network request, charts rendered
(hand-written SVG: nothing beyond the base install).

Skipped when Chromium is not installed (CI installs it from the Debian packages, see .ci/run).
A probe copy of the page (the report plus one inline script, and without the Content-Security-
Policy that would block that script) asks the browser itself: the Resource Timing API lists
every subresource the page fetched, and each chart's drawn size is measured. A screenshot of the
unmodified report must show the charts' colours.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from tests.cli.png import saturated_pixels

CHROMIUM = os.environ.get("PMSYNC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROBE = """<script>
window.addEventListener('load', () => {
  const out = document.createElement('pre');
  out.id = 'probe';
  const urls = performance.getEntriesByType('resource').map(e => e.name);
  const sizes = [...document.querySelectorAll('figure.chart svg')].map(s => {
    const r = s.getBoundingClientRect(); return Math.round(r.width) + 'x' + Math.round(r.height);
  });
  out.textContent = 'resources=' + JSON.stringify(urls) + ' charts=' + sizes.join(',');
  document.body.appendChild(out);
});
</script>"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed"),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("chromium-demo")
    assert CliRunner().invoke(cli, ["demo", str(target)], catch_exceptions=False).exit_code == 0
    return target / "pmsync.toml"


def html_report(config: Path, *args: str) -> Path:
    out = config.parent / f"{args[0]}.html"
    result = CliRunner().invoke(
        cli, ["--config", str(config), "report", *args, "--format", "html", "--out", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(("args", "charts"), [(("quarterly", "--quarter", "2026Q1"), 4), (("weekly",), 5)])
def test_page_makes_no_request_and_draws_its_charts(
    demo_config: Path, tmp_path: Path, args: tuple[str, ...], charts: int
) -> None:
    html = html_report(demo_config, *args).read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    without_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probe.write_text(without_csp.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    result = chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", probe.as_uri())
    found = re.search(r"resources=(\[.*?\]) charts=([\dx,]*)", result.stdout)
    assert found, result.stderr[-2000:]
    assert found.group(1) == "[]"  # not one subresource: no font, no script, no CDN
    sizes = [tuple(map(int, size.split("x"))) for size in found.group(2).split(",") if size]
    assert len(sizes) == charts
    assert all(width > 200 and height > 40 for width, height in sizes)


def test_screenshot_shows_the_weekly_charts(demo_config: Path, tmp_path: Path) -> None:
    page = html_report(demo_config, "weekly")
    shot = tmp_path / "report.png"
    chromium(tmp_path, "--window-size=1200,2600", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000
    # Text and tables are grey or black; only the charts' bars, lines and links are coloured.
    assert saturated_pixels(shot) > 5_000


def test_pmsync_serve_shows_the_published_reports_at_reports(tmp_path: Path) -> None:
    """Issue 28 §5: the service serves the reports its schedule publishes; a browser opens the
    index, follows it to the weekly report, and the report draws its charts."""
    from tests.cli.test_cli_serve import Server, write_config
    from tests.integration.service_harness import wait_for

    out = tmp_path / "published"
    config = write_config(tmp_path, f"sqlite:///{tmp_path / 'state.db'}", overdue_nudges="false")
    config.write_text(
        config.read_text(encoding="utf-8") + f'\n[reports]\noutput_dir = "{out}"\nformats = ["html", "markdown"]\n',
        encoding="utf-8",
    )
    server = Server(config)
    try:
        base = server.base
        assert wait_for(lambda: any(out.glob("weekly-*.html")), timeout=120), server.lines[-20:]
        index = chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", base + "/reports/").stdout
        (name,) = re.findall(r'href="(weekly-[0-9-]+\.html)"', index[: index.index("All reports")])
        page = chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", f"{base}/reports/{name}").stdout
        assert "Weekly action-item report" in page
        assert page.count("<svg") == 5
        shot = tmp_path / "served.png"
        chromium(tmp_path, "--window-size=1200,1600", f"--screenshot={shot}", f"{base}/reports/{name}")
        assert saturated_pixels(shot) > 5_000
    finally:
        server.close()
