from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_sync_run_task(sync_run_id):
    return services.apply_snapshot(sync_run_id=sync_run_id).status
