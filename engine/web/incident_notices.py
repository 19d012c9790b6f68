"""Telling a user that their action ran into a fault of the diagram: it succeeded (their input was kept)
and the instance was parked as an incident (engine/instances/incidents.py). Every request watches for
incidents parked while it is served; the API answers as usual plus an `incidents` list, a page flashes
the message."""

from __future__ import annotations

from flask import Flask, Response, current_app, flash, g, request

from engine.instances import incidents


def init_app(app: Flask) -> None:
    """Watch every request for the incidents its work parks, and tell its user of them."""

    @app.before_request
    def watch_incidents() -> None:
        g.incident_watch = incidents.start_watching()

    @app.after_request
    def tell_incidents(response: Response) -> Response:
        return tell_of_incidents(response, incidents.watched())

    @app.teardown_request
    def stop_watching_incidents(_exc) -> None:
        token = g.pop("incident_watch", None)
        if token is not None:
            incidents.stop_watching(token)


def tell_of_incidents(response: Response, found: list[incidents.Incident]) -> Response:
    """The incidents `found`, added to a successful API answer, or flashed on a page."""
    if not found or response.status_code >= 400:
        return response
    if request.path.startswith("/api/"):
        body = response.get_json(silent=True)
        if isinstance(body, dict):
            body["incidents"] = [incident.as_dict() for incident in found]
            response.set_data(current_app.json.dumps(body))
    else:
        for incident in found:
            flash(incident.user_message(), "error")
    return response
