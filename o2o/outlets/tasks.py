from celery import shared_task

from . import imports


@shared_task(acks_late=True, reject_on_worker_lost=True)
def import_outlets_task(import_id):
    return imports.run(import_id).status
