"""A deployment whose o2o settings cannot work stops at start with what to change."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def ids():
    return {message.id for message in run_checks() if message.id.startswith("o2o.")}


def test_the_shipped_settings_pass():
    assert ids() == set()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"O2O_LOCATOR_START_RADIUS_KM": 60, "O2O_LOCATOR_MAX_RADIUS_KM": 50}, "o2o.E001"),
        ({"O2O_LOCATOR_START_RADIUS_KM": 0}, "o2o.E001"),
        ({"O2O_DEFAULT_HOLD_MINUTES": 0}, "o2o.E003"),
        ({"O2O_RESERVATIONS_PER_IP": -1}, "o2o.E003"),
        ({"O2O_PUBLIC_URL": "shop.example.com"}, "o2o.E004"),
        ({"O2O_PUBLIC_URL": "ftp://shop.example.com"}, "o2o.E004"),
        ({"O2O_PUBLIC_URL": "https://"}, "o2o.E004"),
    ],
)
def test_a_setting_that_cannot_work_is_named(settings, changes, expected):
    for name, value in changes.items():
        setattr(settings, name, value)
    assert expected in ids()


@pytest.mark.parametrize("rate", ["120", "many/min", "120/fortnight", "0/min", "/min", ""])
def test_a_throttle_rate_that_cannot_be_read_is_named(settings, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"shopper": rate},
    }
    errors = [m for m in run_checks() if m.id == "o2o.E002"]
    assert errors
    assert "'shopper'" in errors[0].msg


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_replica_that_is_not_postgresql_is_refused(settings):
    settings.DATABASES = {
        **settings.DATABASES,
        "replica_1": {"ENGINE": "django.db.backends.sqlite3", "NAME": "x.sqlite3"},
    }
    settings.O2O_READ_REPLICAS = ["replica_1"]
    assert "o2o.E005" in ids()


def test_the_check_command_stops_with_the_reason(settings):
    settings.O2O_DEFAULT_HOLD_MINUTES = -5
    with pytest.raises(SystemCheckError, match="O2O_DEFAULT_HOLD_MINUTES is -5"):
        call_command("check")
