from celery import shared_task

from .health import record_worker_heartbeat


@shared_task(acks_late=True, ignore_result=True)
def worker_heartbeat_task():
    record_worker_heartbeat()
