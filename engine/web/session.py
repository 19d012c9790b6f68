"""Login sessions and CSRF for the server-rendered pages: /login, /logout, and the guard of every page.

Flask's signed cookie holds only the username and a per-session CSRF token; the Principal is loaded
from the database on every request, so a deactivated user or a changed role takes effect at once."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from engine.auth import service as auth
from engine.auth.models import User
from engine.errors import AuthenticationError, NotFoundError
from engine.web.api import reading

USERNAME_KEY = "username"
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
CSRF_MESSAGE = "Phiên làm việc không hợp lệ hoặc đã hết hạn; vui lòng tải lại trang và thử lại."


def install(bp: Blueprint) -> None:
    """Add /login, /logout and the login-and-CSRF guard to the pages blueprint."""
    bp.before_request(require_login)
    bp.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    bp.add_url_rule("/logout", "logout", logout, methods=["POST"])


# Pages anyone may read, signed in or not: Đ19.2 publishes the results to the public.
PUBLIC_ENDPOINTS = {"pages.public_results"}


def require_login():
    """Every page but /login and the public ones needs a session; every POST needs the CSRF token."""
    if request.endpoint == "pages.login":
        if request.method == "POST":
            check_csrf()
        return None
    if load_principal() is None:
        if request.endpoint in PUBLIC_ENDPOINTS and request.method == "GET":
            return None
        if request.is_json:
            raise AuthenticationError("Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.")
        return redirect(url_for("pages.login", next=request.full_path.rstrip("?")))
    if request.method == "POST":
        check_csrf()
    return None


def login():
    """The login form; wrong credentials get the service's message and a 401."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if load_principal() is not None:
            return redirect(next_url)
        return render_template("login.html", next=next_url, username="")
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        with reading() as db_session:
            user = auth.authenticate(session=db_session, username=username, password=password)
    except AuthenticationError as exc:
        return render_template("login.html", next=next_url, username=username, error=exc.message), 401
    log_in(user)
    return redirect(next_url)


def logout():
    """End the session; only by POST with the CSRF token."""
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
        abort(400, description=CSRF_MESSAGE)


def log_in(user: User) -> None:
    """Start a fresh session for `user`: new cookie content and a new CSRF token (no session fixation)."""
    session.clear()
    session[USERNAME_KEY] = user.username
    session[CSRF_KEY] = secrets.token_urlsafe(32)


def load_principal() -> auth.Principal | None:
    """The logged-in, still active user as g.principal, or None (and the username dropped)."""
    username = session.get(USERNAME_KEY)
    if not username:
        return None
    with reading() as db_session:
        try:
            user = auth.get_user_or_raise(session=db_session, username=username)
        except NotFoundError:
            user = None
        if user is None or not user.active:
            session.pop(USERNAME_KEY, None)
            return None
        g.principal = auth.principal(user)
    return g.principal


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a local path may be a redirect target (no open redirect through ?next=)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target
