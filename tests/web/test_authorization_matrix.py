"""Authorization as a test: every route of Flask's URL map (pages and API) must be declared with who may use
it, and each declaration is exercised as a visitor and as one user of each role (403 or the login page for
the others). API rules are the `operation` decorator's own (the code and this test read the same roles);
page rules are the table below, built from the role sets the page modules use. A new route without a rule
fails here. Record-level rules (a unit's own assignments, a user task's group) are tested next to them."""

from __future__ import annotations

import pytest

from engine.assignments import scope
from engine.assignments.urgings import RECORDERS as URGING_RECORDERS
from engine.imports.views import IMPORTERS
from engine.inspections.service import PLAN_WRITERS
from engine.reports.ad_hoc_records import REQUESTING_ROLES as AD_HOC_REQUESTERS
from engine.reports.publication_corrections import CORRECTORS as PUBLICATION_CORRECTORS
from engine.reports.regulation_views import READERS as REGULATION_REPORT_READERS
from engine.web.camunda_rest import ANALYSTS as CAMUNDA_REST
from engine.web.pages.audit import AUDITORS
from engine.web.pages.calendar import ADMINS as CALENDAR_EDITORS
from engine.web.pages.common import DOCUMENT_READERS, DOCUMENT_WRITERS, INSTANCE_OPERATORS, INSTANCE_WATCHERS
from engine.web.pages.dashboard import DASHBOARD_VIEWERS
from engine.web.pages.definitions import DEFINITION_EDITORS, DEFINITION_READERS
from engine.web.pages.units import ADMINS as DIRECTORY_EDITORS
from engine.web.pages.users import ADMINS
from tests.conftest import PASSWORD, USERS
from tests.web.test_pages import csrf

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed in"  # any signed-in user; what each may see inside is a record-level rule

PAGES: dict[str, object] = {
    "pages.login": PUBLIC,
    "pages.public_results": PUBLIC,
    "pages.public_results_csv": PUBLIC,
    "pages.public_results_json": PUBLIC,
    "pages.public_results_embed": PUBLIC,
    "pages.correction_form": set(PUBLICATION_CORRECTORS),
    "pages.correct_publication": set(PUBLICATION_CORRECTORS),
    "pages.logout": SIGNED_IN,
    "pages.home": SIGNED_IN,
    "pages.tasks": SIGNED_IN,
    "pages.task": SIGNED_IN,
    "pages.complete_task": SIGNED_IN,
    "pages.claim_task": SIGNED_IN,
    "pages.unclaim_task": SIGNED_IN,
    "pages.assign_task": SIGNED_IN,  # who may reassign which user task: tests/web/test_reassign.py
    "pages.bulk_tasks": SIGNED_IN,
    "pages.bulk_complete": SIGNED_IN,
    "pages.bulk_result": SIGNED_IN,
    "pages.notification_list": SIGNED_IN,
    "pages.open_notification": SIGNED_IN,
    "pages.read_notification": SIGNED_IN,
    "pages.read_all_notifications": SIGNED_IN,
    "pages.assignment_list": SIGNED_IN,
    "pages.assignment": SIGNED_IN,
    "pages.correct_assignment": DOCUMENT_WRITERS,
    "pages.post_correction": DOCUMENT_WRITERS,
    # What each may pick: tests/web/test_corrections_pages.py (a commune picks a sở's open task).
    "pages.assignment_choices": SIGNED_IN,
    # Who may upload for what and read which file: tests/engine/files/test_scope.py, test_service.py.
    "pages.upload_file": SIGNED_IN,
    "pages.file_content": SIGNED_IN,
    "pages.work_calendar": SIGNED_IN,
    "pages.preview_override": CALENDAR_EDITORS,
    "pages.confirm_override": CALENDAR_EDITORS,
    "pages.set_calendar_year": CALENDAR_EDITORS,
    "pages.reports": SIGNED_IN,
    "pages.dashboard": DASHBOARD_VIEWERS,
    "pages.dashboard_units": DASHBOARD_VIEWERS,
    "pages.report_workbook": SIGNED_IN,
    "pages.report_word": SIGNED_IN,
    "pages.report_pdf": SIGNED_IN,
    "pages.report_print": SIGNED_IN,
    "pages.report_unit": SIGNED_IN,
    "pages.start_list": SIGNED_IN,
    "pages.start_form": SIGNED_IN,
    "pages.start_process": SIGNED_IN,
    "pages.account": SIGNED_IN,
    "pages.change_password": SIGNED_IN,
    "pages.revoke_token": SIGNED_IN,
    "pages.documents": DOCUMENT_READERS,
    "pages.document": DOCUMENT_READERS,
    "pages.new_document": DOCUMENT_WRITERS,
    "pages.instance_list": INSTANCE_WATCHERS,
    "pages.instance": INSTANCE_WATCHERS,
    "pages.instance_diagram": INSTANCE_WATCHERS,
    "pages.retry_instance": INSTANCE_OPERATORS,
    "pages.cancel_instance": INSTANCE_OPERATORS,
    "pages.migrate_preview": INSTANCE_OPERATORS,
    "pages.migrate_instances": INSTANCE_OPERATORS,
    "pages.user_list": ADMINS,
    "pages.new_user": ADMINS,
    "pages.user_detail": ADMINS,
    "pages.update_user": ADMINS,
    "pages.set_user_active": ADMINS,
    "pages.reset_user_password": ADMINS,
    "pages.revoke_user_tokens": ADMINS,
    "pages.user_audit": AUDITORS,
    "pages.unit_list": DIRECTORY_EDITORS,
    "pages.create_unit": DIRECTORY_EDITORS,
    "pages.unit_detail": DIRECTORY_EDITORS,
    "pages.update_unit": DIRECTORY_EDITORS,
    "pages.end_unit": DIRECTORY_EDITORS,
    "pages.set_unit_type": DIRECTORY_EDITORS,
    "pages.set_local_government_type": DIRECTORY_EDITORS,
    "pages.add_room": DIRECTORY_EDITORS,
    "pages.set_room_active": DIRECTORY_EDITORS,
    "pages.leader_list": DIRECTORY_EDITORS,
    "pages.create_leader": DIRECTORY_EDITORS,
    "pages.leader_detail": DIRECTORY_EDITORS,
    "pages.update_leader": DIRECTORY_EDITORS,
    "pages.create_sector": DIRECTORY_EDITORS,
    "pages.update_sector": DIRECTORY_EDITORS,
    "pages.definition_list": DEFINITION_READERS,
    "pages.definition_process": DEFINITION_READERS,
    "pages.definition_version": DEFINITION_READERS,
    "pages.definition_xml": DEFINITION_READERS,
    "pages.definition_form": DEFINITION_READERS,
    "pages.definition_make_newest": DEFINITION_EDITORS,
    "pages.definition_upload": DEFINITION_EDITORS,
    "pages.definition_deploy": DEFINITION_EDITORS,
    "pages.definition_edit": DEFINITION_EDITORS,
    "pages.set_approving_type": DIRECTORY_EDITORS,
    "pages.guide": SIGNED_IN,
    # A unit leader gives a task to an official of the unit: tests/processes/test_internal_task.py.
    "pages.record_urging": set(URGING_RECORDERS),
    "pages.give_internal_task": SIGNED_IN,
    # Who sees which inspection and plan (the units concerned, invited members): engine/inspections/scope.py,
    # tests/engine/inspections/test_pages.py.
    "pages.inspection_list": SIGNED_IN,
    "pages.inspection": SIGNED_IN,
    "pages.inspection_plans": SIGNED_IN,
    "pages.inspection_plan_create": PLAN_WRITERS,
    "pages.inspection_plan_approve": SIGNED_IN,
    "pages.inspection_item_start_form": SIGNED_IN,
    "pages.inspection_item_start": SIGNED_IN,
    "pages.regulation_reports": REGULATION_REPORT_READERS,
    "pages.regulation_report": REGULATION_REPORT_READERS,
    "pages.regulation_report_workbook": REGULATION_REPORT_READERS,
    # Which units' reports each sees (all, or the own unit's): tests/web/test_report_rounds.py.
    "pages.report_rounds": SIGNED_IN,
    "pages.report_round": SIGNED_IN,
    # Which ad-hoc requests and answers each sees (all, or its unit's): tests/web/test_ad_hoc_reports.py.
    "pages.reports_ad_hoc": SIGNED_IN,
    "pages.report_ad_hoc": SIGNED_IN,
    "pages.report_ad_hoc_template": SIGNED_IN,
    "pages.request_report_ad_hoc": set(AD_HOC_REQUESTERS),
    # Whose uploaded sheet each step may read (the uploader's own): tests/web/test_imports.py.
    "pages.import_start": IMPORTERS,
    "pages.import_upload": IMPORTERS,
    "pages.import_mapping": IMPORTERS,
    "pages.import_check": IMPORTERS,
    "pages.import_commit": IMPORTERS,
    "camunda_rest.version": CAMUNDA_REST,
    "camunda_rest.list_deployments": CAMUNDA_REST,
    "camunda_rest.create_deployment": CAMUNDA_REST,
}
# Own unit: a unit's figures are for that unit and those who see all (engine/assignments/scope.py); the sample
# argument is another unit's, so only the all-seeing roles pass.
OWN_UNIT = {
    "reports.unit_detail",
    "reports.unit_detail_workbook",
    "reports.unit_detail_docx",
    "reports.unit_detail_pdf",
    "pages.report_unit",
    "pages.report_unit_workbook",
    "pages.report_unit_word",
    "pages.report_unit_pdf",
    "pages.report_unit_print",
}
OUTSIDE = {"static", "healthz", "openapi"}  # the app's own: files, health, the API description (public)
ROLE_USERS = {roles[0]: username for username, _, roles, _ in USERS}  # one user per role
ROLES_OF = {username: set(roles) for username, _, roles, _ in USERS}  # with the roles each also holds
# Written by a unit's own staff for that unit (Đ12.1.a): an administrator, who belongs to no unit, may not.
UNIT_STAFF_ONLY = {"pages.inspection_plan_create"}


def routes(app) -> list[tuple[str, str, str, object]]:
    """(endpoint, method, path with sample arguments, rule) of every route; fails naming undeclared ones."""
    found, undeclared = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in OUTSIDE:
            continue
        spec = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if rule.endpoint in OWN_UNIT:
            declared = set(scope.ALL_SEEING)
        elif spec is not None:
            declared = PUBLIC if spec["public"] else set(spec["roles"]) if spec["roles"] else SIGNED_IN
        elif rule.endpoint in PAGES:
            declared = PAGES[rule.endpoint]
        else:
            undeclared.append(rule.endpoint)
            continue
        path = rule.build({name: _sample(rule._converters[name]) for name in rule.arguments})[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path, declared))
    assert not undeclared, (
        f"routes without an access rule (add them to PAGES or to their operation): {undeclared}"
    )
    return found


def _sample(converter) -> object:
    """A value no record has: a number for numeric converters (num_convert), else a word."""
    return 987654 if hasattr(converter, "num_convert") else "khong-co"


def test_every_route_is_declared(app):
    assert len(routes(app)) > 50


def test_every_rule_holds_for_a_visitor_and_for_each_role(app, directory, auth_headers):
    tokens = {role: auth_headers(username) for role, username in ROLE_USERS.items()}
    visitor = app.test_client()
    wrong = []
    for endpoint, method, path, declared in routes(app):
        api = path.startswith("/api/") or endpoint.startswith("camunda_rest.")
        if endpoint == "pages.logout":
            continue  # signing out is exercised in tests/web/test_accounts.py
        response = _call(visitor, method, path, api=api, headers={})
        status = response.status_code
        if declared == PUBLIC:
            if status == 403 or (api and status == 401) or (status == 302 and "/login" in response.location):
                wrong.append((endpoint, method, "visitor", status))
        elif status != (401 if api else 302):
            wrong.append((endpoint, method, "visitor", status))
        if endpoint == "pages.login":
            continue  # the form answers 401 to the empty credentials sent here, whoever sends them
        for role, username in ROLE_USERS.items():
            admin = role == "admin" and endpoint not in UNIT_STAFF_ONLY
            allowed = declared in (PUBLIC, SIGNED_IN) or admin or bool(ROLES_OF[username] & set(declared))
            client = _signed_in(app, username) if not api else visitor
            status = _call(client, method, path, api=api, headers=tokens[role] if api else {}).status_code
            if allowed and status in (401, 403) or not allowed and status != 403:
                wrong.append((endpoint, method, role, status))
    assert not wrong, "\n".join(f"{e} {m} as {who}: {s}" for e, m, who, s in wrong)


_clients: dict = {}


def _signed_in(app, username):
    key = (id(app), username)
    if key not in _clients:
        client = app.test_client()
        client.get("/login")
        client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf(client)})
        _clients[key] = client
    return _clients[key]


def _call(client, method: str, path: str, *, api: bool, headers: dict):
    if method == "GET":
        return client.get(path, headers=headers)
    if api:
        return client.open(path, method=method, json={}, headers=headers)
    try:
        token = csrf(client)
    except KeyError:
        token = ""
    return client.open(path, method=method, data={"csrf_token": token}, headers=headers)


@pytest.fixture(autouse=True)
def _fresh_clients():
    _clients.clear()
    yield
    _clients.clear()
