"""Every page and list API of the app over 100,000 assignments (tests/bench/scale.py: documents,
assignments, their process instances, open user tasks, events, history and notifications), on SQLite: each
GET route of Flask's URL map, requested as a user who would open it (best of 3), on the fresh database
(SQLite's default plans) and again after ANALYZE.

Aim: every page and list API under 200 ms, with and without ANALYZE statistics."""

from __future__ import annotations

import time

from sqlalchemy import select, text

from engine import clock as clock_module
from engine.assignments.models import Assignment
from engine.auth import service as auth
from engine.definitions.models import ProcessDefinition
from engine.directory.models import Leader
from engine.documents import service as document_service
from engine.usertasks.models import READY, UserTaskRow
from tests.bench.conftest import report
from tests.bench.scale import load, load_activity
from tests.conftest import PASSWORD, classification, complete_task, two_task_document
from tests.web.test_pages import login

AIM_MS = 200
# Not timed: files served as they are, and exports whose cost is the rendering of a file format or of a
# whole signed report (their queries are the ones of the page they export, timed here): the downloads,
# and the printable reports (the PDF's HTML: every unit's appendix in one document).
DOWNLOADS = (".docx", ".pdf", ".xlsx", ".csv", "/xml", "/content", "/static/", "/print")
# Who opens each route; the others are opened by the first of FALLBACK who may.
OPENED_BY = {
    "/users": "admin",
    "/units": "admin",
    "/calendar": "admin",
    "/quy-trinh-nghiep-vu": "analyst",
    "/instances": "monitor",
    "/api/v1/process-instances": "monitor",
    "/dieu-hanh": "ct",
    "/engine-rest": "analyst",
}
FALLBACK = ("cv", "ldvp", "ct", "admin", "analyst", "monitor", "staff.u00", "leader.u00", None)
# Routes whose <code> is a unit's, not a leader's.
UNIT_CODE_RULES = {"/api/v1/units/<code>", "/units/<code>"}
# What a route needs in its query string (a picker's purpose, a calendar's date...).
QUERIES = {
    "/api/v1/assignment-choices": "?purpose=data_correction",
    "/assignment-choices": "?purpose=data_correction",
    "/api/v1/calendar/add": "?date=2025-01-24&n=5",
    "/api/v1/calendar/due": "?date=2025-02-01",
    "/bao-cao/dot-xuat/yeu-cau": "?assignment_id={assignment_id}",
    "/instances/migrate": "?instance_id={instance_id}&target_id={definition_id}",
}


def _real_records(system, directory) -> None:
    """A registered and classified document: real instances, user tasks and history the detail pages open."""
    with system.db.transaction() as session:
        session.add(
            Leader(code="CT", kind="chairman", title="Chủ tịch UBND tỉnh", person_name="Đinh Chủ Tịch")
        )
        document = document_service.register_document(
            session=session, engine=system.engine, payload=two_task_document(leader_code="CT"), actor="cv"
        )
        classify = session.scalar(
            select(UserTaskRow.id).where(UserTaskRow.instance_id == document.intake_instance_id)
        )
    complete_task(system, classify, directory["cv"], classification())


def _scale_users(system, unit_code: str) -> None:
    with system.db.transaction() as session:
        for username, role in (("staff.u00", "unit_staff"), ("leader.u00", "unit_leader")):
            auth.create_user(
                session=session,
                username=username,
                password=PASSWORD,
                full_name=username,
                roles=[role],
                unit_code=unit_code,
                now=clock_module.now(),
            )


def _parameters(system, codes: list[str]) -> dict[str, str]:
    """A value for each path parameter, from the data set: the real records where a page opens them."""
    with system.db.reading() as session:
        first = lambda query: session.execute(text(query)).scalar()  # noqa: E731
        real = session.scalar(
            select(Assignment).where(Assignment.created_by.is_not(None)).order_by(Assignment.id)
        )
        values = {
            "assignment_id": real.id if real else first("SELECT max(id) FROM assignments"),
            "document_id": first("SELECT max(id) FROM documents"),
            "instance_id": first("SELECT min(id) FROM process_instances WHERE state != '{}'"),
            "task_id": first(
                "SELECT t.id FROM user_tasks t JOIN process_instances i ON i.id = t.instance_id"
                f" WHERE t.state = '{READY}' AND i.state != '{{}}'"
            ),
            "unit_code": codes[0],
            "code": "CT",  # a leader's; a unit's code is the unit_code's (UNIT_CODE_RULES)
            "username": "cv",
            "definition_id": session.scalar(
                select(ProcessDefinition.id).where(ProcessDefinition.process_id == "assignment")
            ),
            "process_id": "ad_hoc_report",  # one a user starts
            "notification_id": first(
                f"SELECT max(id) FROM notifications WHERE recipient_unit = '{codes[0]}'"
                " AND recipient_group = 'unit_staff'"
            ),
            "year": first("SELECT max(year) FROM regulation_reports"),
            "report_id": first("SELECT max(id) FROM ad_hoc_reports"),
            "round_id": first("SELECT max(id) FROM report_rounds"),
            "publication_id": first("SELECT max(id) FROM publications"),
            "inspection_id": first("SELECT max(id) FROM inspections"),
            "item_id": first("SELECT max(id) FROM inspection_plan_items"),
            "file_id": first("SELECT max(id) FROM files"),
        }
    return {k: str(v) for k, v in values.items() if v is not None}


# Routes that answer with a redirect when all is well: opening a notification goes to what it is about.
REDIRECTS = {"/thong-bao/<int:notification_id>": 302}


def _routes(app, values: dict[str, str]) -> tuple[list[tuple[str, int]], list[tuple[str, str]]]:
    """The URLs to time with the status each answers, and the skipped rules with why."""
    urls, skipped = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        if any(marker in rule.rule for marker in DOWNLOADS):
            skipped.append((rule.rule, "an export or a static file"))
            continue
        missing = [name for name in rule.arguments if name not in values]
        if missing:
            skipped.append((rule.rule, f"no {', '.join(missing)} in the data set"))
            continue
        arguments = {name: values[name] for name in rule.arguments}
        if rule.rule in UNIT_CODE_RULES:
            arguments["code"] = values["unit_code"]
        url = rule.build(arguments, append_unknown=False)[1]
        urls.append((url + QUERIES.get(rule.rule, "").format(**values), REDIRECTS.get(rule.rule, 200)))
    return urls, skipped


def _opener(url: str) -> tuple[str, ...]:
    preferred = [user for prefix, user in OPENED_BY.items() if url.startswith(prefix)]
    return tuple(preferred[:1]) + tuple(u for u in FALLBACK if u not in preferred[:1])


def _time_all(
    app, urls: list[tuple[str, int]], tokens: dict[str, str], browsers: dict, repeat: int
) -> tuple[dict, list[str]]:
    timings, refused = {}, []
    for url, expected in urls:
        api = url.startswith(("/api/", "/engine-rest/"))
        statuses = []
        for username in _opener(url):
            client, headers = browsers[username], {}
            if api and username:
                client, headers = app.test_client(), {"Authorization": f"Bearer {tokens[username]}"}
            response = client.get(url, headers=headers)
            statuses.append(response.status_code)
            if response.status_code == expected:
                break
        else:
            refused.append(f"{url} {statuses}")
            continue
        assert response.get_data(), url
        if response.is_json and isinstance(response.json, dict) and "items" in response.json:
            assert response.json["items"] or url not in FILLED, url
        best = None
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(url, headers=headers)
            elapsed = time.perf_counter() - began
            best = elapsed if best is None else min(best, elapsed)
        timings[url] = (best, username)
    return timings, refused


# The lists the data set fills: each must show rows (the others are timed all the same, empty or not).
FILLED = {
    "/api/v1/assignments",
    "/api/v1/documents",
    "/api/v1/process-instances",
    "/api/v1/user-tasks",
    "/api/v1/notifications",
}


# Printed whatever their rank: the lists and the detail pages the issue names (as-of classification per
# row, the history's ORed LIKE, the appendix's url_for per row).
WATCHED = (
    "/assignments",
    "/api/v1/assignments",
    "/assignments/",
    "/history",
    "/reports/units/",
    "/documents",
)


def _print_run(title: str, timings: dict) -> None:
    slow = sorted(timings.items(), key=lambda item: -item[1][0])
    over = sum(1 for _, (best, _) in slow if best * 1000 >= AIM_MS)
    watched = [(url, t) for url, t in slow[10:] if any(w in url for w in WATCHED)]
    report(
        title,
        [("routes timed", str(len(timings))), (f"over {AIM_MS} ms", str(over))]
        + [(url, f"{best * 1000:.0f} ms as {user}") for url, (best, user) in slow[:10]]
        + [(f"{url} (watched)", f"{best * 1000:.0f} ms as {user}") for url, (best, user) in watched],
    )


def test_every_page_and_list_at_scale(system, directory, app, full):
    size, unit_count = (100_000, 60) if full else (3_000, 12)
    _real_records(system, directory)
    began = time.perf_counter()
    with system.db.transaction() as session:
        codes = load(session, assignments=size, units=unit_count)
        definition_id = session.scalar(
            select(ProcessDefinition.id).where(ProcessDefinition.process_id == "assignment")
        )
        load_activity(session, definition_id=definition_id)
    loaded = time.perf_counter() - began
    _scale_users(system, codes[0])
    users = (set(FALLBACK) | set(OPENED_BY.values())) - {None}
    with system.db.transaction() as session:
        tokens = {
            u: auth.create_token(session=session, username=u, label="bench", now=clock_module.now())
            for u in users
        }
    browsers = {None: app.test_client()}  # a visitor, signed in as nobody
    for username in users:
        browsers[username] = app.test_client()
        login(browsers[username], username)
    urls, skipped = _routes(app, _parameters(system, codes))
    repeat = 3 if full else 1  # best of 3 at full size; small, the run only checks every route works
    fresh, refused = _time_all(app, urls, tokens, browsers, repeat)
    with system.db.transaction() as session:
        session.execute(text("ANALYZE"))
    system.db.dispose()  # every connection reads the new statistics
    analyzed, _ = _time_all(app, urls, tokens, browsers, repeat)
    assert not refused, "\n".join(refused)
    report(
        f"Pages and list APIs over {size:,} assignments, {unit_count} units (SQLite)",
        [("load", f"{loaded:.1f} s"), ("GET routes timed", str(len(urls)))]
        + [(rule, f"skipped: {why}") for rule, why in skipped],
    )
    _print_run(f"Default plans: the slowest ten (best of {repeat})", fresh)
    _print_run(f"After ANALYZE: the slowest ten (best of {repeat})", analyzed)
