"""Celery for the distributed mode: Redis carries messages, PostgreSQL stays the source of truth.

Jobs take ids, never ORM objects, and Celery speaks JSON only."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Bind a Celery app to the Flask app: every job runs inside the app context (and its System)."""
    settings = app.extensions["theodoi"].settings

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.conf.update(
        broker_url=settings.broker_url or "redis://127.0.0.1:6379/0",
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,
        task_acks_late=True,  # a job whose worker dies is delivered again; the sweep is idempotent
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "fire-due-timers": {
                "task": "theodoi.fire_due_timers",
                "schedule": settings.timer_interval,
                # A sweep not started by the next beat is superseded by it: no backlog of sweeps.
                "options": {"expires": settings.timer_interval},
            },
        },
        imports=["engine.instances.jobs"],
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
