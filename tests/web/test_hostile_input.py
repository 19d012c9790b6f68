"""Every probe of issue 9 ("Why"): hostile input gets a 4xx with our error shape, and nothing is stored
(every table's row count is the same before and after)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

import engine.models  # noqa: F401  (every table in the metadata, for the row counts)
from engine.db import Base
from engine.documents.models import Document
from tests.conftest import two_task_document

HUGE = str(2**64)


@pytest.fixture
def cv(client, auth_headers):
    headers = auth_headers("cv")

    def call(method: str, path: str, **kwargs):
        return client.open(path, method=method, headers={**headers, **kwargs.pop("headers", {})}, **kwargs)

    return call


def row_counts(system) -> dict[str, int]:
    with system.db.reading() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def unchanged(system, directory):
    """Call at the end of a test: asserts no table gained or lost a row since the test began."""
    before = row_counts(system)
    return lambda: row_counts(system) == before


def refused(response, status: int = 422, error: str = "validation_error") -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["error"] == error and body["message"] and isinstance(body["details"], dict)
    return body


# Ids, offsets, years, counts, dates -------------------------------------------------------------------


ID_PATHS = [
    f"/api/v1/documents/{HUGE}",
    f"/api/v1/assignments/{HUGE}",
    f"/api/v1/process-instances/{HUGE}",
    f"/api/v1/process-definitions/{HUGE}",
    f"/api/v1/documents/{2**31}",
    "/api/v1/documents/" + "9" * 5000,
]


def test_an_id_beyond_any_row_is_404_never_a_500(cv, unchanged):
    for path in ID_PATHS:
        refused(cv("GET", path), 404, "not_found")
    assert unchanged()


def test_offsets_out_of_range_are_refused_and_limits_clamped(cv):
    for path in ["/api/v1/documents", "/api/v1/user-tasks", "/api/v1/calendar/changes"]:
        for query in [f"offset={HUGE}", "offset=1000001", "limit=x"]:
            refused(cv("GET", f"{path}?{query}"))
        assert cv("GET", f"{path}?limit={HUGE}&offset=-{HUGE}").status_code == 200  # clamped to 500, 0


CALENDAR_PROBES = [
    "/api/v1/calendar/days?year=0",
    f"/api/v1/calendar/days?year={HUGE}",
    "/api/v1/calendar/overrides?year=0",
    "/api/v1/calendar/overrides?year=99999",
    "/api/v1/calendar/changes?year=0",
    "/api/v1/calendar/years?from=0&to=5",
    "/api/v1/calendar/add?date=2025-01-24&n=100000",
    "/api/v1/calendar/add?date=2025-01-24&n=-1",
    "/api/v1/calendar/add?date=9999-12-30&n=5",
    "/api/v1/calendar/due?date=9999-12-31",
    "/api/v1/calendar/due?date=0001-01-01",
    "/api/v1/reports/buckets?as_of=9999-12-31",
    "/api/v1/reports/buckets?as_of=2025-01-24&from=0001-01-01",
]


def test_years_counts_and_dates_out_of_the_calendars_reach_are_refused(cv):
    for path in CALENDAR_PROBES:
        refused(cv("GET", path))


def test_overriding_a_day_near_9999_is_refused_and_stores_nothing(client, auth_headers, system):
    headers = auth_headers("admin")
    before = row_counts(system)
    response = client.put("/api/v1/calendar/overrides/9999-12-31", json={"working": False}, headers=headers)
    refused(response)
    assert row_counts(system) == before


def test_the_documents_page_clamps_a_huge_offset(client, directory):
    from tests.web.test_pages import login

    login(client, "cv")
    assert client.get(f"/documents?offset={HUGE}").status_code == 200
    assert client.get(f"/documents/{HUGE}").status_code == 404


# Documents: dates, sizes, external ids -----------------------------------------------------------------


OUT_OF_BOUNDS = [
    ({"issued_on": "9999-12-31"}, "issued_on"),
    ({"issued_on": "1989-12-31"}, "issued_on"),
    ({"issued_on": "2026-02-01"}, "issued_on"),  # the clock is at 2025-01-24: more than a year ahead
    ({"title": "x" * 5_500_000}, "title"),  # under the request limit, over maxLength
    ({"title": "x" * 2001}, "title"),
    ({"number": ""}, "number"),
    (
        {"tasks": [{"content": "Nhiệm vụ", "lead_unit": "SO_TC", "due_date": "9999-12-31"}]},
        "tasks/0/due_date",
    ),
    (
        {"tasks": [{"content": "Nhiệm vụ", "lead_unit": "SO_TC", "due_date": "2046-01-01"}]},
        "tasks/0/due_date",
    ),
    ({"tasks": [{"content": "x" * 5001, "lead_unit": "SO_TC"}]}, "tasks/0/content"),
    ({"tasks": [{"content": f"Nhiệm vụ {i}", "lead_unit": "SO_TC"} for i in range(2200)]}, "tasks"),
    ({"tasks": [{"content": f"Nhiệm vụ {i}", "lead_unit": "SO_TC"} for i in range(201)]}, "tasks"),
]


def test_a_document_out_of_bounds_is_refused_and_nothing_is_stored(cv, unchanged):
    for changes, field in OUT_OF_BOUNDS:
        body = refused(cv("POST", "/api/v1/documents", json=two_task_document(**changes)))
        assert field in body["details"]["fields"], (field, body)
    assert unchanged()


def test_a_body_above_the_request_limit_is_413_with_our_error_shape(cv, app, unchanged):
    title = "x" * app.config["MAX_CONTENT_LENGTH"]
    refused(
        cv("POST", "/api/v1/documents", json=two_task_document(title=title)), 413, "request_entity_too_large"
    )
    assert unchanged()


def test_the_limits_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/documents"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["title"]["maxLength"] == 2000
    assert body["properties"]["tasks"]["maxItems"] == 200
    assert body["properties"]["tasks"]["items"]["properties"]["content"]["maxLength"] == 5000
    assert body["properties"]["secrecy"]["enum"] == ["normal", "confidential", "secret", "top_secret", None]
    assert body["properties"]["signer"]["maxLength"] == 200
    token = spec["paths"]["/api/v1/tokens"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    strings = [p for p in token["properties"].values() if p.get("type") == "string"]
    assert strings and all("maxLength" in p for p in strings)  # a default bound where none was written
    ids = spec["paths"]["/api/v1/documents/{document_id}"]["get"]["parameters"][0]["schema"]
    assert ids == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_an_empty_external_id_is_no_id_so_two_such_documents_are_both_stored(cv, system, directory):
    for number in ("1/QĐ-UBND", "2/QĐ-UBND"):
        response = cv("POST", "/api/v1/documents", json=two_task_document(number=number, external_id=""))
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["external_id"] is None
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).where(Document.external_id.is_(None))) == 2


# At the door: JSON depth, invalid Unicode, NUL ---------------------------------------------------------


def test_json_nested_5000_levels_is_refused_at_the_door(cv, unchanged):
    raw = '{"title": ' + "[" * 5000 + "]" * 5000 + "}"
    refused(cv("POST", "/api/v1/documents", data=raw, content_type="application/json"))
    deep = '{"title": ' + "[" * 70 + "]" * 70 + "}"  # parses, but deeper than MAX_DEPTH
    body = refused(cv("POST", "/api/v1/documents", data=deep, content_type="application/json"))
    assert "64" in body["message"]
    assert unchanged()


def test_a_lone_surrogate_or_nul_in_a_json_body_is_refused(cv, unchanged):
    for text in ["\\ud800", "Văn bản \\udfff cuối", "\\u0000", "Trích\\u0000yếu"]:
        raw = json.dumps(two_task_document(), ensure_ascii=True).replace('"title": "V', f'"title": "{text}V')
        body = refused(cv("POST", "/api/v1/documents", data=raw, content_type="application/json"))
        assert body["details"]["fields"] == {"title": "contains NUL or an invalid Unicode character"}
    assert unchanged()


@pytest.mark.postgres
def test_nul_is_refused_on_every_database_in_bodies_queries_and_forms(cv, client, unchanged, backend):
    from tests.web.test_pages import csrf, login

    refused(cv("POST", "/api/v1/documents", json=two_task_document(title="Trích\x00yếu")))
    task = {"content": "Nội\x00dung", "lead_unit": "SO_TC"}
    body = refused(cv("POST", "/api/v1/documents", json=two_task_document(tasks=[task])))
    assert "tasks/0/content" in body["details"]["fields"]
    refused(cv("GET", "/api/v1/process-instances?process_id=intake%00"))
    refused(cv("GET", "/api/v1/reports/units/SO%00TC/detail"))
    login(client, "cv")
    page = client.post(
        "/documents/new", json=two_task_document(title="a\x00b"), headers={"X-CSRF-Token": csrf(client)}
    )
    refused(page)
    form = client.post("/login", data={"username": "cv\x00", "password": "x", "csrf_token": csrf(client)})
    assert form.status_code == 422
    with client.application.extensions["theodoi"].db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0


# Secrecy: an allow-list -----------------------------------------------------------------------------------

SECRET_VARIANTS = [
    "confidential",
    "secret",
    "top_secret",
    "Mật",
    "Tối mật",
    "Tuyệt mật",
    "Tối-mật",
    "Tối mật.",
    "MẬT!",
    "Độ mật: Mật",
    "Mật (A)",
    "Mật\u200b",
    "\u041cật",  # a Cyrillic М
    "Thường",  # the label is for pages: the API takes the code "normal"
    "NORMAL",
    "",
    "normal ",
]


def test_every_secrecy_but_normal_is_refused_as_secret_and_nothing_is_stored(cv, unchanged):
    for secrecy in SECRET_VARIANTS:
        as_task = two_task_document()
        as_task["tasks"][1]["secrecy"] = secrecy
        for document, field in [
            (two_task_document(secrecy=secrecy), "secrecy"),
            (as_task, "tasks/1/secrecy"),
        ]:
            body = refused(cv("POST", "/api/v1/documents", json=document), error="secret_document_refused")
            assert "Điều 5 khoản 2" in body["message"]
            assert set(body["details"]["fields"]) == {field}, secrecy
    assert unchanged()


def test_normal_or_unmarked_documents_are_registered(cv):
    for number, secrecy in [("1/QĐ-UBND", "normal"), ("2/QĐ-UBND", None)]:
        document = two_task_document(number=number, secrecy=secrecy)
        document["tasks"][0]["secrecy"] = secrecy
        assert cv("POST", "/api/v1/documents", json=document).status_code == 201


def test_the_classification_form_offers_exactly_the_levels_of_the_one_list():
    from engine.documents import secrecy
    from tests.conftest import ROOT

    form = json.loads((ROOT / "forms/intake/classify.schema.json").read_text(encoding="utf-8"))
    assert form["$defs"]["task"]["properties"]["secrecy"]["oneOf"] == secrecy.choices()


# Method not allowed, a busy database ---------------------------------------------------------------------


def test_a_405_names_the_allowed_methods(cv):
    response = cv("DELETE", "/api/v1/documents")
    refused(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_classification_out_of_bounds_is_refused_and_no_assignment_is_stored(cv, system):
    from engine.assignments.models import Assignment
    from tests.conftest import classification

    cv("POST", "/api/v1/documents", json=two_task_document())
    task_id = cv("GET", "/api/v1/user-tasks").get_json()["items"][0]["id"]
    before = row_counts(system)
    far = classification()
    far["tasks"][0]["due_date"] = "9999-12-31"
    many = classification(tasks=classification()["tasks"] * 101)  # 202 tasks: more than maxItems 200
    for data, field in [(far, "tasks/0/due_date"), (many, "tasks")]:
        body = refused(cv("POST", f"/api/v1/user-tasks/{task_id}/complete", json=data))
        assert field in body["details"]["fields"], body
    assert row_counts(system) == before
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Assignment)) == 0
    assert cv("GET", f"/api/v1/user-tasks/{task_id}").get_json()["state"] == "ready"
