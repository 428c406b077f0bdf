"""Celery application. Without CELERY_BROKER_URL, tasks run eagerly (see settings)."""

import os

from celery import Celery
from celery.signals import task_prerun

from core.replicas import pin_to_primary

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("buurtkaart")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(weak=False)
def _read_the_primary(**kwargs):
    """A task reads what the request that queued it wrote: the primary, never a replica that
    may lag (also when it runs eagerly inside a GET request). core/replicas.py."""
    pin_to_primary()
