"""Login sessions and CSRF for the server-rendered pages: /login, /logout, and the guard of every page.

Flask's signed cookie holds only the random id of a server-side session (engine/auth/sessions.py) and a
per-session CSRF token; the session row and the Principal are loaded from the database on every request, so
a logout, a deactivation, a password change or a changed role takes effect at once."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest

from engine import clock
from engine.auth import service as auth
from engine.auth import sessions
from engine.errors import AuthenticationError, TooManyAttemptsError
from engine.web.api import reading, sign_in_attempt, system, transaction

SESSION_KEY = "sid"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_MESSAGE = "Phiên làm việc không hợp lệ hoặc đã hết hạn; vui lòng tải lại trang và thử lại."


class CsrfRefused(BadRequest):
    """The 400 of a missing or stale CSRF token (signed in again in another tab, say): pages offer to load
    the page again, fetch() callers (static/session-recovery.js) sign in again or take the new token. Its
    name is the "error" code of the JSON answer: csrf_refused."""

    name = "CSRF Refused"
    description = CSRF_MESSAGE


def install(bp: Blueprint) -> None:
    """Add /login, /logout and the login-and-CSRF guard to the pages blueprint."""
    bp.before_request(require_login)
    bp.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", logout, methods=["POST"])


# Pages anyone may read, signed in or not: Đ19.2 publishes the results to the public, with their open
# data and the view other sites embed.
PUBLIC_ENDPOINTS = {
    "pages.public_results",
    "pages.public_results_csv",
    "pages.public_results_json",
    "pages.public_results_embed",
}


# What a user whose password was reset may still open before choosing a new one.
PASSWORD_CHANGE_ENDPOINTS = {"pages.account", "pages.change_password", "pages.logout"}


def require_login():
    """Every page but /login and the public ones needs a session; every POST needs the CSRF token; a user
    whose password was reset is led to the password change first."""
    if request.endpoint == "pages.login":
        if request.method == "POST":
            check_csrf()
        return None
    if load_principal() is None:
        if request.endpoint in PUBLIC_ENDPOINTS and request.method == "GET":
            return None
        if request.is_json:
            raise AuthenticationError("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.")
        if request.method != "GET":  # a button pressed after the session ended: back to its page, not here
            flash("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại rồi thực hiện lại thao tác.", "info")
        return redirect(url_for("pages.login", next=return_path()))
    if request.method == "POST":
        check_csrf()
    if g.must_change_password and request.endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        flash("Mật khẩu của bạn vừa được đặt lại; vui lòng đổi mật khẩu trước khi tiếp tục.", "info")
        return redirect(url_for("pages.account"))
    return None


def login():
    """The login form; wrong credentials get the service's message and a 401. Asked for JSON (the sign-in
    dialog of static/session-recovery.js), it answers JSON and never redirects."""
    if wants_json():
        return login_json()
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if load_principal() is not None:
            return redirect(next_url)
        return render_template("login.html", next=next_url, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        with transaction() as db_session:
            outcome = sign_in_attempt(db_session, username, password)
            user = outcome.user
            if user is not None:
                raw = sessions.start(session=db_session, user=user, now=clock.now())
        outcome.user_or_raise()
    except (AuthenticationError, TooManyAttemptsError) as exc:
        status = 429 if isinstance(exc, TooManyAttemptsError) else 401
        return render_template("login.html", next=next_url, username=username, error=exc.message), status
    log_in(raw)
    return redirect(next_url)


def login_json():
    """GET: who this browser is signed in as now, and the CSRF token to use ({signed_in, csrf_token, user,
    full_name}). POST {username, password}: sign in through the same throttle as the form; {ok,
    csrf_token, user, full_name}, or the Vietnamese 401/429 of the API's error shape."""
    if request.method == "GET":
        principal = load_principal()
        if principal is None:
            return jsonify(signed_in=False, csrf_token=csrf_token())
        return jsonify(signed_in=True, csrf_token=csrf_token(), **_identity(principal))
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    username, password = str(body.get("username") or "").strip(), str(body.get("password") or "")
    with transaction() as db_session:
        outcome = sign_in_attempt(db_session, username, password)
        if outcome.user is not None:
            raw = sessions.start(session=db_session, user=outcome.user, now=clock.now())
            principal = auth.principal(outcome.user)
    outcome.user_or_raise()  # the counts are committed first; the errors map to 401/429 (errors.py)
    log_in(raw)
    return jsonify(ok=True, csrf_token=session[CSRF_KEY], **_identity(principal))


def _identity(principal: auth.Principal) -> dict:
    """Who is signed in, for the page that asked: it resubmits only for the user it was opened by."""
    return {"user": principal.username, "full_name": principal.full_name}


def wants_json() -> bool:
    """A fetch() call: JSON posted, or JSON asked for."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def return_path() -> str:
    """Where to come back after signing in: this page, or for a POST (a button on a page) that page, when
    the browser says it was one of ours; the home page otherwise."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return "/"
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def logout():
    """End the session, in the database too (a copy of the cookie opens nothing); POST with CSRF only."""
    raw = session.get(SESSION_KEY)
    if raw:
        with transaction() as db_session:
            sessions.end(session=db_session, raw=raw, now=clock.now(), reason="logout")
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("pages.login"))


def csrf_token() -> str:
    """The session's CSRF token, created on first use (also before login, for the login form)."""
    token = session.get(CSRF_KEY)
    if not token:
        token = session[CSRF_KEY] = secrets.token_urlsafe(32)
    return token


def check_csrf() -> None:
    """Refuse (400) a state-changing request whose token (form field or header) is not the session's."""
    expected = session.get(CSRF_KEY)
    sent = request.headers.get(CSRF_HEADER) or (request.form.get(CSRF_FIELD) if not request.is_json else None)
    if not expected or not sent or not hmac.compare_digest(str(sent), str(expected)):
        raise CsrfRefused()


def log_in(raw_session_id: str) -> None:
    """Point the cookie at a new server-side session, with a new CSRF token (no session fixation)."""
    session.clear()
    session[SESSION_KEY] = raw_session_id
    session[CSRF_KEY] = secrets.token_urlsafe(32)


def current_session_id() -> str | None:
    """The raw id of the signed-in session (kept when its own user changes the password)."""
    return session.get(SESSION_KEY)


def load_principal() -> auth.Principal | None:
    """The user of the open, unexpired session as g.principal, or None (and the dead id dropped)."""
    raw = session.get(SESSION_KEY)
    if not raw:
        return None
    now = clock.now()
    with reading() as db_session:
        found = sessions.find(
            session=db_session, raw=raw, now=now, lifetimes=sessions.Lifetimes.of(system().settings)
        )
    if found is None or found.expired:
        if found is not None:
            with transaction() as db_session:
                sessions.end(session=db_session, raw=raw, now=now, reason="expired")
        session.pop(SESSION_KEY, None)
        return None
    if found.touch_due:
        with transaction() as db_session:
            sessions.touch(session=db_session, session_id=found.session_id, now=now)
    g.principal = auth.principal(found.user)
    g.must_change_password = found.user.must_change_password
    return g.principal


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie, whose Secure flag follows THEODOI_SESSION_COOKIE_SECURE: "auto" sets it
    exactly when the request came over HTTPS."""

    def __init__(self, secure: str) -> None:
        self.secure = secure

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure if self.secure == "auto" else self.secure == "true"


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a local path may be a redirect target (no open redirect through ?next=)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target
