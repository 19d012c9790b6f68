"""Celery entry point: `celery -A engine.worker worker` and `celery -A engine.worker beat`."""

from engine.queue import celery_init_app
from engine.web.app import create_app

celery_app = celery_init_app(create_app())
