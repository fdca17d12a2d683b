from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_reservation_status_task(reservation_id):
    return services.send_reservation_status(reservation_id=reservation_id)
