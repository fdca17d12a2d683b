from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def expire_overdue_reservations_task():
    return services.expire_overdue()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def anonymise_old_reservations_task():
    return services.anonymise_old_reservations()
