from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def notify_back_in_stock_task():
    return services.notify_back_in_stock()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def prune_demand_signals_task():
    return services.prune_demand_signals()
