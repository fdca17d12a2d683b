from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class User(AbstractUser):
    """The project's user: shoppers with accounts, retailer staff and brand staff."""

    phone = PhoneNumberField(_("phone"), blank=True)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class OutboxMessage(models.Model):
    """A Celery task that could not be sent (the broker was away): the beat sends it again.

    Work committed in the database is never lost because the broker was down."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
