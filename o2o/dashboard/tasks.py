from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def roll_up_daily_figures_task():
    services.roll_up_recent()
