from celery import shared_task
from django.db import OperationalError
from django.db.utils import IntegrityError

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, IntegrityError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def apply_sync_run_task(sync_run_id):
    return services.apply_sync_run(sync_run_id=sync_run_id).status
