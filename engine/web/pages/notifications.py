"""Thông báo: the user's notifications, newest first, repeats folded and frequent kinds grouped; opening
one marks it read and leads where the reader acts or reads (engine/notifications/targets.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from engine import clock
from engine.notifications import grouping, reads, targets
from engine.notifications import service as notifications
from engine.web.api import reading, transaction
from engine.web.pages.common import (
    DOCUMENT_READERS,
    INSTANCE_WATCHERS,
    PAGE_SIZE,
    bp,
    me,
    page_offset,
)

HOME_ENTRIES = 20  # the newest unread entries Tổng quan shows
TARGET_ENDPOINTS = {
    targets.TASK: ("pages.task", "task_id"),
    targets.ASSIGNMENT: ("pages.assignment", "assignment_id"),
    targets.AD_HOC_REPORT: ("pages.report_ad_hoc", "report_id"),
    targets.DOCUMENT: ("pages.document", "document_id"),
    targets.INSTANCE: ("pages.instance", "instance_id"),
}


@bp.get("/thong-bao")
def notification_list():
    """Thông báo: every entry or the unread ones, a page at a time."""
    unread_only = request.args.get("unread") == "1"
    offset = page_offset()
    with reading() as session:
        found = notifications.entries(
            session=session, user=me(), unread_only=unread_only, limit=PAGE_SIZE, offset=offset
        )
        return render_template(
            "notifications.html",
            blocks=grouping.blocks(found),
            links=links(session, found),
            shown=len(found),
            offset=offset,
            unread_only=unread_only,
            newest=notifications.newest_id(session=session, user=me()),
        )


@bp.get("/thong-bao/<int:notification_id>")
def open_notification(notification_id: int):
    """Mark the notification (and its earlier repeats) read, then go where it leads; one that leads
    nowhere the reader can open comes back to the list."""
    with transaction() as session:
        notice = notifications.get_or_raise(session=session, user=me(), notification_id=notification_id)
        reads.mark_read(session=session, user=me(), notification=notice, now=clock.now())
        target = links(session, [notice]).get(notice.id)
    if target is None:
        flash("Đã đánh dấu là đã đọc. Thông báo này không gắn với trang nào bạn có thể mở.", "info")
        return redirect(url_for("pages.notification_list"))
    return redirect(target)


@bp.post("/thong-bao/<int:notification_id>/da-doc")
def read_notification(notification_id: int):
    """Đánh dấu đã đọc, without opening it (one that leads nowhere)."""
    with transaction() as session:
        notice = notifications.get_or_raise(session=session, user=me(), notification_id=notification_id)
        reads.mark_read(session=session, user=me(), notification=notice, now=clock.now())
    return redirect(url_for("pages.notification_list", **_list_args()))


@bp.post("/thong-bao/da-doc-tat-ca")
def read_all_notifications():
    """Đánh dấu tất cả là đã đọc: up to the newest the page showed, so that one arriving meanwhile stays
    unread."""
    through = request.form.get("through", type=int)
    with transaction() as session:
        reads.mark_all_read(session=session, user=me(), now=clock.now(), through=through)
    flash("Đã đánh dấu tất cả thông báo là đã đọc.", "success")
    return redirect(url_for("pages.notification_list", **_list_args()))


def links(session: Session, notices) -> dict[int, str | None]:
    """notice id -> the address it leads the current user to, or None."""
    user = me()
    found = targets.resolve(
        session=session,
        user=user,
        notices=notices,
        can_read_documents=user.in_any(tuple(DOCUMENT_READERS)),
        can_watch_instances=user.in_any(tuple(INSTANCE_WATCHERS)),
    )
    return {notice_id: _url(target) for notice_id, target in found.items()}


def _url(target: targets.Target | None) -> str | None:
    if target is None:
        return None
    endpoint, argument = TARGET_ENDPOINTS[target.kind]
    return url_for(endpoint, **{argument: target.id})


def latest_unread(session: Session) -> dict:
    """What Tổng quan shows of the notifications: the newest unread entries, grouped, and their links."""
    found = notifications.entries(
        session=session,
        user=me(),
        unread_only=True,
        newest_unread=notifications.UNREAD_SCAN,
        limit=HOME_ENTRIES,
    )
    return {"blocks": grouping.blocks(found), "links": links(session, found)}


def _list_args() -> dict:
    """The list's filter, kept across a post (from the form's hidden field)."""
    return {"unread": "1"} if request.form.get("unread") == "1" else {}
