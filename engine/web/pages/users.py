"""Người dùng (for the administrator): list, add, change roles or unit, lock or unlock, reset a password,
revoke tokens, with each account's history; and Tài khoản của tôi (for everyone): change one's password and
see or revoke one's own API tokens. A new or reset password is rendered once, never put in a cookie."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from engine import clock
from engine.auth import events, passwords
from engine.auth import service as auth
from engine.auth.models import ROLES
from engine.errors import ValidationError
from engine.web.api import reading, transaction
from engine.web.pages.common import bp, full_names, me, require, unit_directory, unit_names
from engine.web.session import current_session_id, safe_next

ADMINS = {"admin"}


@bp.get("/users")
def user_list():
    """Người dùng: everyone, with unit, roles, state and last sign-in."""
    require(ADMINS)
    with reading() as session:
        return render_template(
            "users.html", users=auth.list_users(session=session), units=unit_names(session), roles=ROLES
        )


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    """Thêm người dùng; the initial password (typed, or generated) is shown once on the next page."""
    require(ADMINS)
    form = request.form
    errors: dict[str, str] = {}
    if request.method == "POST":
        password = form.get("password") or passwords.generate()
        try:
            with transaction() as session:
                auth.create_user(
                    session=session,
                    username=form.get("username", "").strip(),
                    full_name=form.get("full_name", ""),
                    roles=form.getlist("roles"),
                    unit_code=form.get("unit_code") or None,
                    email=form.get("email") or None,
                    password=password,
                    now=clock.now(),
                    actor=me().username,
                    must_change_password=True,
                )
        except ValidationError as exc:
            errors = exc.fields
        else:
            return _show_password(form["username"].strip(), password, created=True)
    with reading() as session:
        units = unit_directory(session)
    status = 422 if errors else 200
    return render_template("user_new.html", form=form, errors=errors, units=units, roles=ROLES), status


@bp.get("/users/<username>")
def user_detail(username: str):
    """One account: the edit form, lock, password reset, its tokens and its history."""
    require(ADMINS)
    return _detail(username)


@bp.post("/users/<username>")
def update_user(username: str):
    """Save the full name, roles and unit."""
    require(ADMINS)
    try:
        with transaction() as session:
            auth.update_user(
                session=session,
                username=username,
                now=clock.now(),
                actor=me().username,
                full_name=request.form.get("full_name", ""),
                roles=request.form.getlist("roles"),
                unit_code=request.form.get("unit_code") or None,
                set_unit=True,
            )
    except ValidationError as exc:
        return _detail(username, errors=exc.fields, status=422)
    flash("Đã lưu thông tin tài khoản.", "success")
    return redirect(url_for("pages.user_detail", username=username))


@bp.post("/users/<username>/active")
def set_user_active(username: str):
    """Lock (sessions and tokens end at once) or unlock the account."""
    require(ADMINS)
    active = request.form.get("active") == "1"
    with transaction() as session:
        auth.set_active(
            session=session, username=username, active=active, now=clock.now(), actor=me().username
        )
    flash(
        "Đã mở lại tài khoản." if active else "Đã khóa tài khoản; mọi phiên và API token đã kết thúc.",
        "success",
    )
    return redirect(url_for("pages.user_detail", username=username))


@bp.post("/users/<username>/password")
def reset_user_password(username: str):
    """Đặt lại mật khẩu: the one typed, or a generated one; the user must change it at the next sign-in."""
    require(ADMINS)
    try:
        with transaction() as session:
            password = auth.reset_password(
                session=session,
                username=username,
                now=clock.now(),
                actor=me().username,
                password=request.form.get("password") or None,
            )
    except ValidationError as exc:
        return _detail(username, errors={"reset_password": " ".join(exc.fields.values())}, status=422)
    return _show_password(username, password, created=False)


@bp.post("/users/<username>/tokens/revoke")
def revoke_user_tokens(username: str):
    """Thu hồi mọi API token còn hiệu lực của người dùng."""
    require(ADMINS)
    with transaction() as session:
        count = auth.revoke_all_tokens(session=session, username=username, now=clock.now(), by=me())
    flash(f"Đã thu hồi {count} API token.", "success")
    return redirect(url_for("pages.user_detail", username=username))


@bp.post("/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    """Thu hồi one API token: its owner, or an administrator; back to the page it was revoked from."""
    with transaction() as session:
        auth.revoke_token(session=session, token_id=token_id, by=me(), now=clock.now())
    flash("Đã thu hồi API token.", "success")
    return redirect(safe_next(request.form.get("next"), url_for("pages.account")))


@bp.get("/account")
def account():
    """Tài khoản của tôi: the password change form and one's API tokens."""
    return _account()


@bp.post("/account/password")
def change_password():
    """Đổi mật khẩu: the current one, then the new one twice; this session stays, the others end."""
    form = request.form
    if form.get("new_password", "") != form.get("confirm_password", ""):
        return _account(errors={"confirm_password": "Hai lần nhập mật khẩu mới không khớp nhau."}, status=422)
    try:
        with transaction() as session:
            auth.change_password(
                session=session,
                username=me().username,
                current=form.get("current_password", ""),
                new=form.get("new_password", ""),
                now=clock.now(),
                keep_session=current_session_id(),
            )
    except ValidationError as exc:
        fields = {("new_password" if k == "password" else k): v for k, v in exc.fields.items()}
        return _account(errors=fields, status=422)
    flash("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.", "success")
    return redirect(url_for("pages.account"))


def _account(errors: dict[str, str] | None = None, status: int = 200):
    with reading() as session:
        account = auth.get_user_or_raise(session=session, username=me().username)
        tokens = auth.list_tokens(session=session, username=account.username)
        return render_template(
            "account.html",
            account=account,
            tokens=tokens,
            errors=errors or {},
            min_length=passwords.MIN_LENGTH,
            now=clock.now(),
        ), status


def _detail(username: str, errors: dict[str, str] | None = None, status: int = 200):
    with reading() as session:
        account = auth.get_user_or_raise(session=session, username=username)
        history = events.list_(session=session, username=username)
        return render_template(
            "user.html",
            account=account,
            tokens=auth.list_tokens(session=session, username=username),
            history=history,
            kinds=events.KINDS,
            people=full_names(session, {e.actor for e in history if e.actor}),
            units=unit_directory(session),
            unit_names=unit_names(session),
            roles=ROLES,
            errors=errors or {},
            form=request.form if errors else None,
            now=clock.now(),
        ), status


def _show_password(username: str, password: str, *, created: bool):
    with reading() as session:
        account = auth.get_user_or_raise(session=session, username=username)
    return render_template("user_password.html", account=account, password=password, created=created)
