from celery import shared_task

from o2o.brands.models import Brand

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def generate_local_feeds_task():
    """Beat: every active brand's feeds, one task each (a big brand never delays the rest)."""
    for brand_id in Brand.objects.filter(is_active=True).values_list("pk", flat=True):
        generate_brand_feeds_task.delay(brand_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def generate_brand_feeds_task(brand_id):
    brand = Brand.objects.filter(pk=brand_id, is_active=True).first()
    if brand is not None:
        services.generate_feeds(brand=brand)
