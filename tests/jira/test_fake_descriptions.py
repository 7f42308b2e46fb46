"""Both Jira fakes are held to a description (issue 25: the Data Center flavour was checked only by a
few hand-written rules): a request outside Data Center's REST v2 is a violation, one inside is not."""

from __future__ import annotations

import json

import pytest

from tests.fakes.jira_server import FakeJira

BEARER = {"Authorization": "Bearer secret-token", "Content-Type": "application/json"}


def post(fake: FakeJira, path: str, body: object) -> int:
    return fake.handle("POST", path, BEARER, json.dumps(body).encode()).status


def test_a_data_center_search_in_its_own_shape_passes() -> None:
    fake = FakeJira("datacenter")
    assert post(fake, "/rest/api/2/search", {"jql": "project = OPS", "startAt": 0, "maxResults": 10}) == 200
    assert fake.violations == []


@pytest.mark.parametrize(
    ("path", "body", "finding"),
    [
        ("/rest/api/2/search", {"jql": "project = OPS", "nextPageToken": "x"}, "nextPageToken"),  # Cloud's paging
        (
            "/rest/api/2/issue",
            {
                "fields": {
                    "project": {"key": "OPS"},
                    "issuetype": {"name": "Task"},
                    "summary": "s",
                    "description": {"type": "doc", "version": 1, "content": []},  # ADF is Cloud's
                }
            },
            "description",
        ),
        (
            "/rest/api/2/issue",
            {
                "fields": {
                    "project": {"key": "OPS"},
                    "issuetype": {"name": "Task"},
                    "summary": "s",
                    "assignee": {"accountId": "5b10ac8d82e05b22cc7d4ef5"},  # Data Center names users
                }
            },
            "assignee",
        ),
    ],
)
def test_cloud_shapes_sent_to_data_center_are_violations(path: str, body: object, finding: str) -> None:
    fake = FakeJira("datacenter")
    post(fake, path, body)
    assert any(": request " in v and finding in v for v in fake.violations), fake.violations


def test_error_answers_the_description_lists_pass() -> None:
    fake = FakeJira("datacenter")
    fake.handle("GET", "/rest/api/2/issue/OPS-404", BEARER, None)  # 404 is listed: fine
    assert fake.violations == []
    fake.handle("GET", "/rest/api/2/issueLinkType", {"Authorization": "Bearer wrong"}, None)  # 401 is listed
    assert fake.violations == []
