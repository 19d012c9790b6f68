"""Security headers on every response (pages, API, static files, errors): one after_request hook.

The pages load scripts and style sheets only from this server and no template holds inline script or
event-handler attributes, so scripts need nothing but 'self' (the vendored bpmn-js bundle uses neither eval
nor new Function). Style attributes are allowed (style-src-attr), not <style> elements (but bpmn-js's own, by
hash): the diagrams are SVG whose shapes carry their colours in style attributes, which cannot run code."""

from __future__ import annotations

from flask import Flask, Response

NO_FRAMING = "frame-ancestors 'none'"
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
        NO_FRAMING,
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
        policy = response.headers.get("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        for name, value in HEADERS.items():
            if name == "X-Frame-Options" and NO_FRAMING not in policy:
                continue  # the policy's frame-ancestors (allow_framing) says who may frame it: not DENY
            response.headers.setdefault(name, value)
        return response


def allow_framing(response: Response, sources: str) -> Response:
    """The same policy, but pages of `sources` (CSP frame-ancestors sources, e.g. "*") may show this
    response in a frame: for the one view meant to be embedded in other sites (Công khai kết quả)."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        NO_FRAMING, f"frame-ancestors {sources}"
    )
    return response
