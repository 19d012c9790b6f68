"""Security headers on every response (pages, API, static files, errors): one after_request hook.

The pages load scripts and style sheets only from this server and no template holds inline script or
event-handler attributes, so scripts need nothing but 'self' (the vendored bpmn-js bundle uses neither eval
nor new Function). Style attributes are allowed (style-src-attr), not <style> elements (but bpmn-js's own, by
hash): the diagrams are SVG whose shapes carry their colours in style attributes, which cannot run code."""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # The one <style> element the vendored bpmn-js bundle injects (the modeler page), allowed by its hash;
        # tests/browser/test_csp.py fails if a new bundle injects another.
        "style-src 'self' 'sha256-w7MIzSs6Qqy6ODPHwAHdzjy26PgUt09gkVbbPsdfadk='",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Add the headers to every response the app sends."""

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
