"""The Flask application factory: a thin layer over the services."""

from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text

from engine.assignments.views import bp as assignments_bp
from engine.auth.user_views import bp as users_bp
from engine.auth.views import bp as auth_bp
from engine.config import Settings, load_settings
from engine.definitions.views import bp as definitions_bp
from engine.directory.leader_views import bp as leaders_bp
from engine.directory.views import bp as directory_bp
from engine.documents.views import bp as documents_bp
from engine.files.views import bp as files_bp
from engine.imports.views import bp as imports_bp
from engine.inspections.views import bp as inspections_bp
from engine.instances.views import bp as instances_bp
from engine.notifications.views import bp as notifications_bp
from engine.reports.ad_hoc_views import bp as ad_hoc_reports_bp
from engine.reports.publication_views import bp as publications_bp
from engine.reports.regulation_views import bp as regulation_reports_bp
from engine.reports.round_views import bp as report_rounds_bp
from engine.reports.views import bp as reports_bp
from engine.system import System, build
from engine.usertasks.views import bp as usertasks_bp
from engine.web import errors, incident_notices, security
from engine.web.api import API_PREFIX, guard_requests, openapi_document
from engine.web.camunda_rest import bp as camunda_rest_bp
from engine.web.pages import bp as pages_bp
from engine.web.session import CookieSessions
from engine.workdays.views import bp as workdays_bp


def create_app(settings: Settings | None = None, *, system: System | None = None) -> Flask:
    """Build the app for `settings` (default: from the environment), or around an existing `system`."""
    system = system or build(settings or load_settings())
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=system.settings.resolved_secret_key(),
        MAX_CONTENT_LENGTH=system.settings.max_diagram_bytes + 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.extensions["theodoi"] = system
    errors.init_app(app)
    incident_notices.init_app(app)
    security.init_app(app)
    app.session_interface = CookieSessions(system.settings.session_cookie_secure)
    guard_requests(app)  # before the blueprints: their <int:...> rules take its bounded converter

    for blueprint in (
        ad_hoc_reports_bp,
        assignments_bp,
        auth_bp,
        camunda_rest_bp,
        definitions_bp,
        directory_bp,
        documents_bp,
        files_bp,
        imports_bp,
        inspections_bp,
        instances_bp,
        leaders_bp,
        notifications_bp,
        publications_bp,
        regulation_reports_bp,
        report_rounds_bp,
        reports_bp,
        usertasks_bp,
        users_bp,
        workdays_bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(pages_bp)

    @app.get("/healthz")
    def healthz():
        with system.db.reading() as session:
            session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    @app.get(API_PREFIX + "/openapi.json")
    def openapi():
        return jsonify(openapi_document(app))

    return app
