from celery import shared_task

from . import queue, services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def open_due_launches_task():
    return services.open_due_launches()


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def tend_queues_task():
    """Every minute: expired turns pass to the next numbers, and each open queue's length
    is sampled for the dashboard."""
    expired = queue.expire_admissions()
    queue.sample_queues()
    return expired
