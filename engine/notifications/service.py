"""Notifications for a user: those of their groups, within their unit, and those addressed to them."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.auth.service import Principal
from engine.notifications.models import Notification


def for_user(*, session: Session, user: Principal, limit: int = 50) -> list[Notification]:
    query = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if not user.is_admin:
        query = query.where(
            or_(
                and_(
                    Notification.recipient_group.in_(sorted(user.roles)),
                    or_(Notification.recipient_unit.is_(None), Notification.recipient_unit == user.unit_code),
                ),
                Notification.recipient_user == user.username,
            )
        )
    return list(session.scalars(query))
