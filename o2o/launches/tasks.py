from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def open_due_launches_task():
    return services.open_due_launches()
