from celery import shared_task

from .health import record_worker_heartbeat


@shared_task(acks_late=True, ignore_result=True)
def worker_heartbeat_task():
    record_worker_heartbeat()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def drain_outbox_task():
    from .outbox import drain

    return drain()
