"""Configuration: discovery, validation errors with key paths, env overrides, secrets, helpers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from mappings.calendar import BusinessCalendar
from sync.config.loading import load_settings
from sync.config.models import (
    DEFAULT_STATE_URL,
    GitHubTrackerSettings,
    JiraTrackerSettings,
    LocalTrackerSettings,
    Settings,
)
from sync.core.model import Priority, Severity, Status
from sync.errors import ConfigError
from sync.logs import redact
from sync.runtime import http_timeout

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"

JIRA = """
[tracker]
kind = "jira"
url = "https://example.atlassian.net/"
project = "OPS"
email = "bot@example.com"
"""
GITHUB = """
[tracker]
kind = "github"
repo = "example-org/incidents"
"""
TOKEN = "tok-3f9a1c77e2b84d05"


def write(tmp_path: Path, text: str, name: str = "pmsync.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Settings:
    return load_settings(write(tmp_path, text), env or {}, cwd=tmp_path)


def problems(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text, env)
    assert caught.value.exit_code == 2
    return caught.value.message.splitlines()


# --- discovery ---------------------------------------------------------------------------------


def test_no_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(None, {}, cwd=tmp_path)
    assert isinstance(settings.tracker, LocalTrackerSettings)
    assert settings.tracker.project_prefix == "LOC"
    # The default file, in the working directory when there is no configuration file to be relative to.
    assert settings.state.url == DEFAULT_STATE_URL.replace("///", f"///{tmp_path}/")
    assert settings.sources.paths == (str(tmp_path / "postmortems/**/*.md"),)
    assert settings.safety.max_creates == 50
    assert settings.default_priority is Priority.P2


def test_pmsync_toml_in_the_working_directory_is_found(tmp_path: Path) -> None:
    write(tmp_path, "[safety]\nmax_creates = 7\n")
    assert load_settings(None, {}, cwd=tmp_path).safety.max_creates == 7


def test_env_config_path_beats_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path, "[safety]\nmax_creates = 7\n")
    other = write(tmp_path, "[safety]\nmax_creates = 9\n", "other.toml")
    assert load_settings(None, {"PMSYNC_CONFIG": str(other)}, cwd=tmp_path).safety.max_creates == 9
    # …and the explicit argument beats both.
    explicit = write(tmp_path, "[safety]\nmax_creates = 11\n", "explicit.toml")
    assert load_settings(explicit, {"PMSYNC_CONFIG": str(other)}, cwd=tmp_path).safety.max_creates == 11


@pytest.mark.parametrize(
    ("path", "env", "origin"),
    [(Path("missing.toml"), {}, "--config"), (None, {"PMSYNC_CONFIG": "nope.toml"}, "PMSYNC_CONFIG")],
)
def test_missing_config_file(tmp_path: Path, path: Path | None, env: dict[str, str], origin: str) -> None:
    with pytest.raises(ConfigError, match=f"config file not found: .*\\(from .*{origin}"):
        load_settings(path, env, cwd=tmp_path)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[state]\nurl = \n", 2),
        ("[safety]\nmax_creates = 5\n[tracker\n", 3),
        ('[state]\nurl = "sqlite:///a.db"\nurl = "sqlite:///b.db"\n', 3),
        # Issue 18.7: tomllib notices these lines later (or at the end); the broken statement starts here.
        ("[calendar]\nextra_holidays = [2026-12-24,\n  2026-12-31\n\n[safety]\nmax_creates = 5\n", 2),
        ('[state]\nurl = """sqlite:///a.db\n\n# a comment\n', 2),
        ('# header\n\n[owners]\nentries = [\n  { name = "Dana" },\n  { name = "Alice"\n]\n', 4),
        ('[owners]\nentries = [\n  { name = "Dana" },\n\n[safety]\nmax_creates = 5\n', 2),
    ],
)
def test_toml_syntax_error_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {}, cwd=tmp_path)
    assert caught.value.message.startswith(f"{path}:{line}: invalid TOML: ")
    assert f"line {line}" in caught.value.message
    assert "(at " not in caught.value.message  # tomllib's own location is restated, not repeated


def test_unreadable_config_file(tmp_path: Path) -> None:
    path = tmp_path / "pmsync.toml"
    path.write_bytes(b"\xff\xfe[state]")
    with pytest.raises(ConfigError, match="cannot read config file .*not UTF-8"):
        load_settings(path, {}, cwd=tmp_path)


# --- a full configuration ------------------------------------------------------------------------


def test_full_jira_configuration(tmp_path: Path) -> None:
    text = (
        JIRA
        + """
deployment = "cloud"
issue_type = "Bug"
priorities = { p0 = "Blocker" }
statuses = { "Ready for Release" = "Done" }
wont_do_resolutions = ["Abandoned"]

[due_dates]
p2_mode = "sprint"
sprint_anchor = 2026-01-05
timezone = "Europe/Berlin"
default_priority = "p1"

[calendar]
country = "DE"
subdivision = "BY"
extra_holidays = [2026-12-24]
weekend = ["Fri", "sat"]

[routing]
labels = ["pm"]
[[routing.rules]]
match = { team = "payments", severity = ["sev1", "SEV-2"] }
project = "PAY"
labels = ["payments"]

[parse]
priority = { "Sev Critical" = "P0" }
status = { parked = "Won't do", doing = "In Progress" }
severity = { sev0 = "sev1" }

[reports]
formats = ["json", "csv"]
"""
    )
    settings = load_text(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN})
    tracker = settings.tracker
    assert isinstance(tracker, JiraTrackerSettings)
    assert tracker.url == "https://example.atlassian.net"
    assert tracker.token is not None and tracker.token.get_secret_value() == TOKEN
    assert settings.priority_map().to_tracker(Priority.P0) == "Blocker"
    assert settings.priority_map().to_tracker(Priority.P1) == "High"
    jira_status = settings.jira_status_map()
    assert jira_status.to_canonical("indeterminate", "Ready for release").status is Status.DONE
    assert jira_status.to_canonical("done", "Closed", "Abandoned").status is Status.WONT_DO
    policy = settings.due_date_policy()
    assert (policy.p2_mode, policy.sprint_anchor, policy.timezone) == ("sprint", dt.date(2026, 1, 5), "Europe/Berlin")
    assert settings.default_priority is Priority.P1
    calendar = settings.calendar()
    assert (calendar.country, calendar.subdivision, calendar.weekend) == ("DE", "BY", frozenset({4, 5}))
    assert not calendar.is_business_day(dt.date(2026, 1, 6))  # Epiphany in Bavaria
    assert not calendar.is_business_day(dt.date(2026, 12, 24))
    assert settings.calendar() is calendar  # the holiday cache is shared
    assert settings.parse.priority == {"sev critical": Priority.P0}
    assert settings.parse.status == {"parked": Status.WONT_DO, "doing": Status.IN_PROGRESS}
    assert settings.parse.severity == {"sev0": Severity.SEV1}
    assert settings.reports.formats == ("json", "csv")
    assert settings.reports.output_dir == tmp_path / "reports"


def test_router_uses_rules_then_the_tracker_project(tmp_path: Path) -> None:
    from sync.core.model import PostMortem

    text = JIRA + '\n[[routing.rules]]\nmatch = { team = "payments" }\nproject = "PAY"\nlabels = ["payments"]\n'
    router = load_text(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN}).router()
    pm = PostMortem(path="a.md", content_sha256="0" * 64, team="Payments")
    assert (router.route(pm).project, router.route(pm).labels) == ("PAY", ("payments",))
    assert router.route(pm.model_copy(update={"team": "web"})).project == "OPS"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "LOC"),
        ('[tracker]\nkind = "local"\nproject_prefix = "INC"\n', "INC"),
        (GITHUB, "example-org/incidents"),
        ('[routing]\ndefault_project = "OTHER"\n', "OTHER"),
    ],
)
def test_default_project(tmp_path: Path, text: str, expected: str) -> None:
    assert load_text(tmp_path, text, {"PMSYNC_GITHUB_TOKEN": TOKEN}).default_project() == expected


def test_github_helpers(tmp_path: Path) -> None:
    text = GITHUB + 'in_progress_labels = "doing, wip"\npriorities = { P2 = "prio:low" }\n'
    settings = load_text(tmp_path, text, {"PMSYNC_GITHUB_TOKEN": TOKEN})
    assert isinstance(settings.tracker, GitHubTrackerSettings)
    assert settings.github_status_map().to_canonical("open", None, ["WIP"]).status is Status.IN_PROGRESS
    assert settings.priority_map().to_tracker(Priority.P2) == "prio:low"
    assert settings.tracker.labels == ("postmortem",)
    # The other tracker's maps are the defaults.
    assert settings.jira_status_map().to_canonical("done", "Done", "Duplicate").status is Status.WONT_DO


def test_local_helpers_use_defaults(tmp_path: Path) -> None:
    settings = load_settings(None, {}, cwd=tmp_path)
    assert settings.priority_map().to_tracker(Priority.P0) == "P0"
    assert settings.github_status_map().in_progress_label == "in progress"
    assert isinstance(settings.calendar(), BusinessCalendar)
    # The documented default (issue 18.1): US public holidays, so P0 items skip Thanksgiving.
    assert settings.calendar().country == "US"
    assert not settings.calendar().is_business_day(dt.date(2026, 11, 26))
    assert settings.owner_directory().resolve("@dana").user is None


# --- validation errors: one line per problem, with the key path ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[tracker]\nkind = "jira"\nurl = "https://x.atlassian.net"\nemail = "a@b.c"\n',
            "[tracker] project: field required",
        ),
        (JIRA + 'projct = "X"\n', "[tracker] projct: extra inputs are not permitted"),
        ("[due_dates]\np1_days = 0\n", "[due_dates] p1_days: input should be greater than 0"),
        (
            "[due_dates]\np2_min_business_days = -1\n",
            "[due_dates] p2_min_business_days: input should be greater than or equal to 0",
        ),
        ('[due_dates]\np2_mode = "quarter"\n', "[due_dates] p2_mode: input should be 'sprint' or 'month'"),
        ('[due_dates]\ntimezone = "Mars/Base"\n', "[due_dates] timezone: unknown time zone 'Mars/Base'"),
        ('[due_dates]\ndefault_priority = "P7"\n', "[due_dates] default_priority: input should be 'P0', 'P1' or 'P2'"),
        ('[state]\nurl = "mysql://db/pmsync"\n', "[state] url: must be a sqlite:/// or postgresql+psycopg:// URL"),
        ('[tracker]\nproject_prefix = "X"\n', "[tracker] kind: field required ('local', 'jira' or 'github')"),
        ('[tracker]\nkind = "trello"\n', "[tracker] kind: must be one of 'local', 'jira', 'github'"),
        (
            '[tracker]\nkind = "local"\nproject_prefix = "loc"\n',
            "[tracker] project_prefix: string should match pattern",
        ),
        (JIRA.replace('email = "bot@example.com"\n', ""), "[tracker] email: field required for deployment = 'cloud'"),
        (JIRA + 'deployment = "server"\n', "[tracker] deployment: input should be 'cloud' or 'datacenter'"),
        (
            JIRA.replace("https://example.atlassian.net/", "example.atlassian.net"),
            "[tracker] url: must be an http(s):// URL",
        ),
        (
            JIRA + 'priorities = { P0 = "High" }\n',
            "[tracker] priorities: jira priorities: P0 and P1 both map to 'High'",
        ),
        (JIRA + 'priorities = { P5 = "Low" }\n', "[tracker] priorities.P5 (key): input should be 'P0', 'P1' or 'P2'"),
        (
            JIRA + 'statuses = { Blocked = "stuck" }\n',
            "[tracker] statuses.Blocked: input should be 'open', 'in_progress', 'done' or 'wont_do'",
        ),
        (GITHUB.replace("example-org/incidents", "incidents"), "[tracker] repo: string should match pattern"),
        (
            GITHUB + "in_progress_labels = []\n",
            "[tracker] in_progress_labels: in_progress_labels needs at least one label",
        ),
        ('[calendar]\ncountry = "XX"\n', "[calendar] country: country XX not available"),
        (
            '[calendar]\ncountry = "US"\nsubdivision = "ZZ"\n',
            "[calendar] subdivision: entity `US` does not have subdivision ZZ",
        ),
        ('[calendar]\ncountry = ""\nsubdivision = "BY"\n', "[calendar] subdivision: needs country to be set"),
        ('[calendar]\nsubdivision = "BY"\n', "[calendar] subdivision: entity `US` does not have subdivision BY"),
        ("[calendar]\nweekend = [0, 1, 2, 3, 4, 5, 6]\n", "[calendar] weekend: cannot cover all seven days"),
        (
            '[calendar]\nweekend = ["funday"]\n',
            "[calendar] weekend[0]: weekend days are mon…sun or 0 (Monday) … 6 (Sunday)",
        ),
        ("[calendar]\nweekend = [9]\n", "[calendar] weekend[0]: input should be less than or equal to 6"),
        (
            '[routing]\nrules = [{ match = { tem = "a" } }]\n',
            "[routing] rules[0].match.tem: extra inputs are not permitted",
        ),
        (
            "[routing]\nrules = [{ match = { team = 5 } }]\n",
            "[routing] rules[0].match.team: input should be a valid tuple",
        ),
        ('[owners]\nentries = [{ handles = ["x"] }]\n', "[owners] entries[0].name: field required"),
        ("[schedule]\npull_every_minutes = 0\n", "[schedule] pull_every_minutes: input should be greater than 0"),
        ('[reports]\nformats = ["pdf"]\n', "[reports] formats[0]: input should be 'markdown', 'html', 'json' or 'csv'"),
        (
            '[parse]\nstatus = { parked = "someday" }\n',
            "[parse] status.parked: input should be 'open', 'in_progress', 'done' or 'wont_do'",
        ),
        ('[safety]\nmax_creates = "many"\n', "[safety] max_creates: input should be a valid integer"),
        ('[compliance]\nenabled = "perhaps"\n', "[compliance] enabled: input should be a valid boolean"),
        ("[parse]\nstatus = { parked = 5 }\n", "[parse] status.parked: input should be 'open'"),
        (GITHUB + 'api_url = "api.github.com"\n', "[tracker] api_url: must be an http(s):// URL"),
        ("[foo]\nx = 1\n", "[foo]: unknown section (known: authoring, calendar, compliance"),
        ('state = "sqlite:///x.db"\n', "[state]: input should be a valid dictionary"),
    ],
)
def test_error_lines(tmp_path: Path, text: str, expected: str) -> None:
    lines = problems(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN, "PMSYNC_GITHUB_TOKEN": TOKEN})
    assert any(line.startswith(expected) for line in lines), lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (JIRA + "concurrency = 0\n", "[tracker] concurrency: input should be greater than or equal to 1"),
        (JIRA + "concurrency = 9\n", "[tracker] concurrency: input should be less than or equal to 8"),
        (
            GITHUB + "concurrency = 2\n",
            "[tracker] concurrency: must be 1 for GitHub: its secondary-limit guidance asks for serial writes",
        ),
        ('[tracker]\nkind = "local"\nconcurrency = 2\n', "[tracker] concurrency: extra inputs are not permitted"),
    ],
)
def test_concurrency_outside_what_the_tracker_allows_is_located(tmp_path: Path, text: str, expected: str) -> None:
    lines = problems(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN, "PMSYNC_GITHUB_TOKEN": TOKEN})
    assert any(line.startswith(expected) for line in lines), lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (JIRA + "request_timeout_seconds = 0\n", "[tracker] request_timeout_seconds: input should be greater than 0"),
        (
            GITHUB + 'request_timeout_seconds = "soon"\n',
            "[tracker] request_timeout_seconds: input should be a valid number",
        ),
    ],
)
def test_a_request_time_out_that_is_no_duration_is_located(tmp_path: Path, text: str, expected: str) -> None:
    lines = problems(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN, "PMSYNC_GITHUB_TOKEN": TOKEN})
    assert any(line.startswith(expected) for line in lines), lines


def test_the_run_s_requests_time_out_after_the_tracker_s_request_time_out(tmp_path: Path) -> None:
    env = {"PMSYNC_JIRA_TOKEN": TOKEN}
    assert http_timeout(load_text(tmp_path, JIRA, env)).read == 30
    tuned = http_timeout(load_text(tmp_path, JIRA + "request_timeout_seconds = 5\n", env))
    assert (tuned.read, tuned.write, tuned.connect) == (5, 5, 5)
    assert http_timeout(load_text(tmp_path, '[tracker]\nkind = "local"\n', env)).read == 30


def test_concurrency_defaults_to_a_few_writes_on_jira_and_one_on_github(tmp_path: Path) -> None:
    env = {"PMSYNC_JIRA_TOKEN": TOKEN, "PMSYNC_GITHUB_TOKEN": TOKEN}
    jira = load_text(tmp_path, JIRA, env).tracker
    github = load_text(tmp_path, GITHUB, env).tracker
    assert isinstance(jira, JiraTrackerSettings) and jira.concurrency == 4
    assert isinstance(github, GitHubTrackerSettings) and github.concurrency == 1
    tuned = load_text(tmp_path, JIRA + "concurrency = 8\n", env).tracker
    assert isinstance(tuned, JiraTrackerSettings) and tuned.concurrency == 8


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = JIRA + 'projct = "X"\n[due_dates]\np1_days = 0\n[state]\nurl = "ftp://x"\n'
    lines = problems(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN})
    assert [line.split(":")[0] for line in lines] == ["[state] url", "[tracker] projct", "[due_dates] p1_days"]


def test_error_hint_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[safety]\nmax_creates = 0\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {}, cwd=tmp_path)
    assert caught.value.hint is not None and str(path) in caught.value.hint


def test_datacenter_needs_no_email(tmp_path: Path) -> None:
    text = JIRA.replace('email = "bot@example.com"\n', 'deployment = "datacenter"\n')
    tracker = load_text(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN}).tracker
    assert isinstance(tracker, JiraTrackerSettings) and tracker.email is None


# --- environment overrides ----------------------------------------------------------------------


def test_env_overrides_file_values(tmp_path: Path) -> None:
    env = {
        "PMSYNC_JIRA_TOKEN": TOKEN,
        "PMSYNC_STATE__URL": "postgresql+psycopg://pmsync@127.0.0.1:5432/pmsync",
        "PMSYNC_TRACKER__PROJECT": "SRE",
        "PMSYNC_SAFETY__MAX_CREATES": "10",
        "PMSYNC_REPORTS__FORMATS": "json, csv",
        "PMSYNC_SOURCES__PATHS": '["docs/*.md", "/abs/pm/*.md"]',
        "PMSYNC_TRACKER__PRIORITIES__P0": "Blocker",
        "PMSYNC_CALENDAR__COUNTRY": "GB",
        "PMSYNC_CALENDAR__WEEKEND": "5,6",
        "PMSYNC_DUE_DATES__SPRINT_ANCHOR": "2026-01-05",
        "PMSYNC_COMPLIANCE__ENABLED": "false",
        "PMSYNC_TEST_PG_URL": "ignored: no double underscore",
    }
    settings = load_text(tmp_path, JIRA + '[state]\nurl = "sqlite:///file.db"\n', env)
    assert settings.state.url == "postgresql+psycopg://pmsync@127.0.0.1:5432/pmsync"
    assert isinstance(settings.tracker, JiraTrackerSettings) and settings.tracker.project == "SRE"
    assert settings.safety.max_creates == 10
    assert settings.reports.formats == ("json", "csv")
    assert settings.sources.paths == (str(tmp_path / "docs/*.md"), "/abs/pm/*.md")
    assert settings.priority_map().to_tracker(Priority.P0) == "Blocker"
    assert settings.calendar().country == "GB"
    assert settings.calendar().weekend == frozenset({5, 6})
    assert settings.due_dates.sprint_anchor == dt.date(2026, 1, 5)
    assert settings.compliance_rules() == ()


def test_env_override_can_switch_the_tracker(tmp_path: Path) -> None:
    env = {
        "PMSYNC_TRACKER__KIND": "github",
        "PMSYNC_TRACKER__REPO": "org/repo",
        "PMSYNC_GITHUB_TOKEN": TOKEN,
    }
    settings = load_settings(None, env, cwd=tmp_path)
    assert isinstance(settings.tracker, GitHubTrackerSettings) and settings.tracker.repo == "org/repo"


def test_env_override_of_one_key_of_the_default_tracker(tmp_path: Path) -> None:
    # No [tracker] anywhere: the variable changes a key of the default (local) tracker instead of
    # failing with "[tracker] kind: field required".
    settings = load_settings(None, {"PMSYNC_TRACKER__PROJECT_PREFIX": "OPS"}, cwd=tmp_path)
    assert isinstance(settings.tracker, LocalTrackerSettings) and settings.tracker.project_prefix == "OPS"
    # A [tracker] table in the file still has to say which tracker it is.
    lines = problems(tmp_path, '[tracker]\nproject_prefix = "OPS"\n', {})
    assert any(line.startswith("[tracker] kind: field required") for line in lines), lines


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"PMSYNC_SAFETY__MAX_CREATES": "0"},
            "[safety] max_creates: input should be greater than 0 (from PMSYNC_SAFETY__MAX_CREATES)",
        ),
        (
            {"PMSYNC_STATE__URLL": "sqlite:///x"},
            "[state] urll: extra inputs are not permitted (from PMSYNC_STATE__URLL)",
        ),
        ({"PMSYNC_NOPE__X": "1"}, "[nope]: unknown section"),
        ({"PMSYNC_SOURCES__PATHS": "[oops"}, "[sources] paths: PMSYNC_SOURCES__PATHS is not valid JSON"),
        ({"PMSYNC_STATE__URL__X": "1"}, "[state] url: cannot override a part of it (PMSYNC_STATE__URL__X)"),
        ({"PMSYNC_STATE____URL": "1"}, "PMSYNC_STATE____URL: malformed override name"),
    ],
)
def test_env_override_errors(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    lines = problems(tmp_path, '[state]\nurl = "sqlite:///x.db"\n', env)
    assert any(line.startswith(expected) for line in lines), lines


# --- secrets ------------------------------------------------------------------------------------


def test_token_from_the_named_env_var(tmp_path: Path) -> None:
    settings = load_text(tmp_path, JIRA + 'token_env = "OPS_JIRA_PAT"\n', {"OPS_JIRA_PAT": f"  {TOKEN}\n"})
    assert isinstance(settings.tracker, JiraTrackerSettings)
    assert settings.tracker.token is not None and settings.tracker.token.get_secret_value() == TOKEN
    assert redact(f"Authorization: Bearer {TOKEN}") == "Authorization: Bearer ***"


def test_token_from_a_file_relative_to_the_config(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    file_token = "file-tok-91c0d6e5aa"
    (secrets / "gh").write_text(f"{file_token}\n", encoding="utf-8")
    settings = load_text(tmp_path, GITHUB + 'token_file = "secrets/gh"\n', {"PMSYNC_GITHUB_TOKEN": TOKEN})
    assert isinstance(settings.tracker, GitHubTrackerSettings)
    assert settings.tracker.token_file == secrets / "gh"
    # An explicit file beats the environment variable.
    assert settings.tracker.token is not None and settings.tracker.token.get_secret_value() == file_token
    assert redact(file_token) == "***"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", "[tracker] token: field required; export PMSYNC_JIRA_TOKEN=<token> or set token_file"),
        ('token_file = "missing"\n', "[tracker] token_file: cannot read"),
        ('token_file = "empty"\n', "[tracker] token_file: "),
    ],
)
def test_missing_token(tmp_path: Path, extra: str, expected: str) -> None:
    (tmp_path / "empty").write_text("  \n", encoding="utf-8")
    lines = problems(tmp_path, JIRA + extra, {"PMSYNC_JIRA_TOKEN": "   "})
    assert len(lines) == 1 and lines[0].startswith(expected), lines


def test_empty_token_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    [line] = problems(tmp_path, GITHUB + 'token_file = "empty"\n')
    assert line.endswith("is empty")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (JIRA + f'token = "{TOKEN}"\n', "[tracker] token"),
        (JIRA + f'api_token = "{TOKEN}"\n', "[tracker] api_token"),
        (f'[state]\npassword = "{TOKEN}"\n', "[state] password"),
        (f'[owners]\nentries = [{{ name = "x", secret = "{TOKEN}" }}]\n', "[owners] entries[0].secret"),
        (f'token = "{TOKEN}"\n', "[token]"),
    ],
)
def test_secrets_in_the_file_are_rejected_without_echo(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, text, {"PMSYNC_JIRA_TOKEN": "other-token-value"})
    message = caught.value.message
    assert message.splitlines()[0].startswith(f"{where}: secrets are not read from configuration")
    assert TOKEN not in message and TOKEN not in str(caught.value.hint) and TOKEN not in repr(caught.value)


def test_secret_env_override_is_rejected(tmp_path: Path) -> None:
    lines = problems(tmp_path, JIRA, {"PMSYNC_TRACKER__TOKEN": TOKEN, "PMSYNC_JIRA_TOKEN": TOKEN})
    assert lines == [
        "[tracker] token: secrets are not read from configuration; set the environment variable named by "
        "token_env (PMSYNC_JIRA_TOKEN / PMSYNC_GITHUB_TOKEN) or token_file (from PMSYNC_TRACKER__TOKEN)"
    ]


def test_token_pasted_into_token_env_is_not_echoed(tmp_path: Path) -> None:
    pasted = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
    with pytest.raises(ConfigError) as caught:
        load_text(tmp_path, GITHUB + f'token_env = "{pasted}"\n')
    assert caught.value.message.startswith("[tracker] token_env: must be the NAME of an environment variable")
    assert pasted not in caught.value.message


def test_secret_never_in_repr_or_dump(tmp_path: Path) -> None:
    settings = load_text(tmp_path, JIRA, {"PMSYNC_JIRA_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert TOKEN not in settings.model_dump_json()
    assert "**********" in repr(settings.tracker)


def test_state_url_error_does_not_echo_a_password(tmp_path: Path) -> None:
    lines = problems(tmp_path, '[state]\nurl = "mysql://u:pa55w0rd-xyz@db/pm"\n')
    assert not any("pa55w0rd-xyz" in line for line in lines)


def test_settings_built_in_code_need_no_token() -> None:
    tracker = JiraTrackerSettings(kind="jira", url="https://x.atlassian.net", project="OPS", email="a@b.c")
    assert tracker.token is None and tracker.token_env == "PMSYNC_JIRA_TOKEN"


# --- owners file and compliance rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("owners.yaml", "- name: Mei Chen\n  handles: [mei]\n  jira: acc-mei\n"),
        ("owners.yml", "entries:\n  - name: Mei Chen\n    handles: [mei]\n    jira: acc-mei\n"),
        ("owners.toml", '[[entries]]\nname = "Mei Chen"\nhandles = ["mei"]\njira = "acc-mei"\n'),
    ],
)
def test_owner_file_adds_entries(tmp_path: Path, name: str, content: str) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / name).write_text(content, encoding="utf-8")
    text = (
        JIRA
        + f'[owners]\nfile = "people/{name}"\nentries = [{{ name = "Dana", handles = ["dana"], jira = "acc-dana" }}]\n'
    )
    directory = load_text(tmp_path, text, {"PMSYNC_JIRA_TOKEN": TOKEN}).owner_directory()
    assert directory.resolve("@mei").user == "acc-mei"
    assert directory.resolve("Dana").user == "acc-dana"
    assert directory.tracker == "jira"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("- handles: [mei]\n", "entries[0].name: field required"),
        ("- name: Mei\n  phone: 123\n", "entries[0].phone: extra inputs are not permitted"),
        ("people:\n  - name: Mei\n", "only an 'entries' list is allowed"),
        ("- name: [unclosed\n", "invalid YAML at line 2"),
    ],
)
def test_owner_file_errors(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "owners.yaml").write_text(content, encoding="utf-8")
    [line] = problems(tmp_path, '[owners]\nfile = "owners.yaml"\n')
    assert line.startswith(f"[owners] file: {tmp_path / 'owners.yaml'}: ")
    assert expected in line


def test_owner_file_missing_or_bad_toml(tmp_path: Path) -> None:
    [line] = problems(tmp_path, '[owners]\nfile = "nobody.yaml"\n')
    assert "cannot read" in line
    (tmp_path / "o.toml").write_text("[[entries]\n", encoding="utf-8")
    [line] = problems(tmp_path, '[owners]\nfile = "o.toml"\n')
    assert "invalid TOML" in line


def test_owner_file_read_lazily_when_settings_are_built_in_code(tmp_path: Path) -> None:
    (tmp_path / "o.yaml").write_text("- name: Mei\n  github: mei-c\n", encoding="utf-8")
    settings = Settings.model_validate({"owners": {"file": str(tmp_path / "o.yaml")}})
    assert settings.owner_directory().resolve("mei").user == "Mei"
    broken = Settings.model_validate({"owners": {"file": str(tmp_path / "none.yaml")}})
    with pytest.raises(ConfigError, match="cannot read"):
        broken.owner_directory()


def test_compliance_rules_default_custom_and_broken(tmp_path: Path) -> None:
    defaults = load_settings(None, {}, cwd=tmp_path).compliance_rules()
    assert "hipaa-breach-notification" in {rule.id for rule in defaults}
    (tmp_path / "rules.toml").write_text(
        '[[rules]]\nid = "gdpr"\nindustry = "saas"\ntitle = "GDPR {incident}"\ndue_days = 3\npriority = "P0"\n',
        encoding="utf-8",
    )
    custom = load_text(tmp_path, '[compliance]\nrules_file = "rules.toml"\n').compliance_rules()
    assert [rule.id for rule in custom] == ["gdpr"]
    (tmp_path / "bad.toml").write_text('[[rules]]\nid = "x"\n', encoding="utf-8")
    [line] = problems(tmp_path, '[compliance]\nrules_file = "bad.toml"\n')
    assert line.startswith("[compliance] rules_file: ") and "missing industry" in line


# --- the shipped example ------------------------------------------------------------------------


def _tracker_block(text: str, kind: str) -> tuple[str, str]:
    """The marked block for ``kind`` in the example: (whole block with markers, its inner lines)."""
    match = re.search(rf"^# >>> tracker: {kind}\n(.*?)^# <<< tracker: {kind}\n", text, re.S | re.M)
    assert match, f"no {kind} block in the example"
    return match.group(0), match.group(1)


def _uncomment(block: str) -> str:
    return "\n".join(re.sub(r"^# ?", "", line, count=1) for line in block.splitlines()) + "\n"


def test_example_config_validates(tmp_path: Path) -> None:
    settings = load_settings(EXAMPLE, {}, cwd=tmp_path)
    assert isinstance(settings.tracker, LocalTrackerSettings)
    assert settings.calendar().country == "US"
    assert settings.sources.paths == (str(ROOT / "postmortems/**/*.md"),)


def test_the_example_shows_the_real_defaults() -> None:
    # Issue 18.1: the file says it lists the defaults, so loading it must change nothing.
    from_example = load_settings(EXAMPLE, {}, cwd=ROOT)
    from_nothing = load_settings(None, {}, cwd=ROOT)
    assert from_example.model_dump() == from_nothing.model_dump()


def _example_blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^(# >>> example: \w+\n(.*?)^# <<< example: \w+\n)", text, re.S | re.M)


def test_example_blocks_validate_when_uncommented(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    blocks = _example_blocks(text)
    assert len(blocks) == 4
    for whole, inner in blocks:
        # The example replaces the empty defaults written right above it.
        text = re.sub(r"(?:^\w+ = (?:\[\]|\{\})\n)*" + re.escape(whole), _uncomment(inner), text, flags=re.M)
    settings = load_text(tmp_path, text)
    assert settings.owner_directory().resolve("dana@example.com").entry is not None
    assert settings.calendar().extra_holidays == {dt.date(2026, 12, 24), dt.date(2026, 12, 31)}
    assert [rule.project for rule in settings.routing.rules] == ["PAY", None]
    assert settings.parse.status == {"parked": Status.WONT_DO, "doing": Status.IN_PROGRESS}


@pytest.mark.parametrize(
    ("kind", "cls", "env_var"),
    [("jira", JiraTrackerSettings, "PMSYNC_JIRA_TOKEN"), ("github", GitHubTrackerSettings, "PMSYNC_GITHUB_TOKEN")],
)
def test_example_tracker_blocks_validate_when_uncommented(
    tmp_path: Path, kind: str, cls: type[JiraTrackerSettings | GitHubTrackerSettings], env_var: str
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    swapped = text.replace(_tracker_block(text, "local")[0], _uncomment(_tracker_block(text, kind)[1]))
    settings = load_text(tmp_path, swapped, {env_var: TOKEN})
    assert isinstance(settings.tracker, cls)
    assert settings.tracker.token is not None and settings.tracker.token.get_secret_value() == TOKEN
    with pytest.raises(ConfigError, match=f"export {env_var}"):
        load_text(tmp_path, swapped, {})


def test_example_documents_every_key() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    models: list[type[object]] = [Settings, JiraTrackerSettings, GitHubTrackerSettings, LocalTrackerSettings]
    from pydantic import BaseModel

    sections = {name: field.annotation for name, field in Settings.model_fields.items()}
    for annotation in sections.values():
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            models.append(annotation)
    missing = []
    for model in models:
        assert issubclass(model, BaseModel)
        for name, field in model.model_fields.items():
            key = field.alias or name
            if key in ("token", "rules", "entries", "match") or model is Settings:
                continue
            if not re.search(rf"^#*\s*{key} =", text, re.M):
                missing.append(f"{model.__name__}.{key}")
    assert missing == []


def test_invalid_country_is_reported_once(tmp_path: Path) -> None:
    # The subdivision cannot be checked against a country that does not exist: one line, not two.
    assert problems(tmp_path, '[calendar]\ncountry = "XX"\nsubdivision = "BY"\n') == [
        "[calendar] country: country XX not available"
    ]


def test_empty_country_means_weekends_only(tmp_path: Path) -> None:
    assert load_text(tmp_path, '[calendar]\ncountry = ""\n').calendar().country is None


@pytest.mark.parametrize("value", ["86400000000000.0", '"99999999999d"'])
def test_a_duration_past_what_a_duration_holds_is_located(tmp_path: Path, value: str) -> None:
    lines = problems(tmp_path, f"[schedule]\njitter = {value}\n", {})
    assert any(line.startswith("[schedule] jitter: is too long a duration") for line in lines), lines
