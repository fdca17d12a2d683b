import datetime

from celery import shared_task
from django.utils import timezone

from . import services

# Beat runs the task every minute; looking two minutes back makes a late tick harmless (a
# sale seen twice only retires cached pages twice).
SALE_WINDOW = datetime.timedelta(minutes=2)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def publish_due_task():
    """Publish the scheduled products whose time has come; retire cached prices of sales
    that started or ended."""
    now = timezone.now()
    services.sales_turning(since=now - SALE_WINDOW, now=now)
    return services.publish_due(now=now)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def import_catalogue_task(import_id):
    from . import sheets

    sheets.run(import_id)
