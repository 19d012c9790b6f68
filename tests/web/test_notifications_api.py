"""The notifications API tells each reader what they have not read and lets a client mark one notice (with
its earlier repeats) or everything up to a notice read, as the Thông báo page does; the answers follow the
OpenAPI document."""

from __future__ import annotations

import pytest

from tests.engine.notifications.helpers import overdue_documents
from tests.web.test_api import api  # noqa: F401  (the fixture)

LIST = "/api/v1/notifications"
ONE = "/api/v1/notifications/{notification_id}/read"
ALL = "/api/v1/notifications/read"


@pytest.mark.postgres
def test_a_reader_marks_notices_read_and_another_reader_keeps_them(api, system, clock, directory, backend):  # noqa: F811
    overdue_documents(system, clock, 3)  # three "chưa được phân loại" notices to VP's leadership
    leader, other = api("ldvp"), api("admin")
    listed = leader.call("GET", LIST, LIST).get_json()
    escalations = [n for n in listed["items"] if n["kind"] == "intake_overdue"]
    assert len(escalations) == 3 and all(n["unread"] for n in escalations)
    assert listed["unread_entries"] >= 3

    first = escalations[-1]["id"]
    marked = leader.call("POST", f"/api/v1/notifications/{first}/read", ONE)
    assert marked.status_code == 200 and marked.get_json() == {"marked": 1}
    after = {n["id"]: n["unread"] for n in leader.call("GET", LIST, LIST).get_json()["items"]}
    assert after[first] is False and [after[n["id"]] for n in escalations[:2]] == [True, True]
    assert {n["id"]: n["unread"] for n in other.call("GET", LIST, LIST).get_json()["items"]}[first] is True

    newest = escalations[0]["id"]
    assert leader.call("POST", ALL, ALL, json={"through": newest}).get_json() == {"read_through": newest}
    answer = leader.call("GET", LIST, LIST).get_json()
    assert not any(n["unread"] for n in answer["items"] if n["id"] <= newest)


def test_a_notice_of_someone_else_is_unknown_and_a_bad_body_is_refused(api, system, clock, directory):  # noqa: F811
    overdue_documents(system, clock, 1)
    [notice] = [
        n for n in api("ldvp").call("GET", LIST, LIST).get_json()["items"] if n["kind"] == "intake_overdue"
    ]
    unit = api("sotc")
    assert unit.call("POST", f"/api/v1/notifications/{notice['id']}/read", ONE).status_code == 404
    assert unit.call("POST", ALL, ALL, json={"through": -1}).status_code == 422
    assert unit.call("POST", ALL, ALL, json={"everything": True}).status_code == 422
    assert api("ldvp").call("GET", LIST, LIST).get_json()["items"][0]["unread"] is True
