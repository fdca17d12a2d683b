"""System checks for o2o's own settings: a deployment with a value that cannot work stops
at start (`manage.py check`, migrate, runserver, the worker) with what to change."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

# Durations and counts that only make sense above zero.
POSITIVE = (
    "O2O_DEFAULT_HOLD_MINUTES",
    "O2O_LOCATOR_RESULTS",
    "O2O_CATALOGUE_PAGE_SIZE",
    "O2O_MAX_UNITS_PER_RESERVATION",
    "O2O_RESERVATION_THROTTLE_SECONDS",
    "O2O_RESERVATIONS_PER_IP",
    "O2O_RESERVATIONS_PER_EMAIL",
    "O2O_INVITATION_DAYS",
    "O2O_PERSONAL_DATA_DAYS",
    "O2O_SYNC_CHUNK_ROWS",
    "O2O_SYNC_RUN_TIMEOUT_SECONDS",
    "O2O_WORKER_HEARTBEAT_SECONDS",
    "O2O_LOGIN_MAX_FAILURES",
    "O2O_LOGIN_LOCKOUT_SECONDS",
    "O2O_REPLICA_FLOOR_SECONDS",
    "O2O_IDEMPOTENCY_DAYS",
    "O2O_STOCK_EVENT_DAYS",
    "O2O_SYNC_FILE_DAYS",
    "O2O_DEMAND_SIGNAL_DAYS",
    "O2O_RETENTION_BATCH",
)


@register(Tags.compatibility)
def check_locator_radii(app_configs, **kwargs):
    start, most = settings.O2O_LOCATOR_START_RADIUS_KM, settings.O2O_LOCATOR_MAX_RADIUS_KM
    if not 0 < start <= most:
        return [
            Error(
                f"The locator's radii are out of order: start {start} km, maximum {most} km.",
                hint="Set 0 < O2O_LOCATOR_START_RADIUS_KM <= O2O_LOCATOR_MAX_RADIUS_KM.",
                id="o2o.E001",
            )
        ]
    return []


@register(Tags.compatibility)
def check_rates(app_configs, **kwargs):
    from rest_framework.throttling import SimpleRateThrottle

    errors = []
    for scope, rate in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).items():
        try:
            SimpleRateThrottle.parse_rate(None, rate)
            number, _period = rate.split("/")
            valid = int(number) > 0
        except (AttributeError, KeyError, ValueError, TypeError, IndexError):
            valid = False
        if not valid:
            errors.append(
                Error(
                    f"The {scope!r} throttle rate {rate!r} cannot be read.",
                    hint='Write it as requests per period, e.g. O2O_SHOPPER_RATE="120/min" '
                    "(s, min, hour or day).",
                    id="o2o.E002",
                )
            )
    return errors


@register(Tags.compatibility)
def check_positive(app_configs, **kwargs):
    return [
        Error(
            f"{name} is {getattr(settings, name)!r}; it must be a number above zero.",
            hint=f"Set {name} in the environment to a positive number.",
            id="o2o.E003",
        )
        for name in POSITIVE
        if not isinstance(getattr(settings, name), int | float) or getattr(settings, name) <= 0
    ]


@register(Tags.compatibility)
def check_public_url(app_configs, **kwargs):
    url = settings.O2O_PUBLIC_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return [
            Error(
                f"O2O_PUBLIC_URL {url!r} is not an absolute http(s) address; links in "
                "e-mails and QR codes are built on it.",
                hint="Set O2O_PUBLIC_URL=https://shop.example.com",
                id="o2o.E004",
            )
        ]
    return []


@register(Tags.database)
def check_replicas(app_configs, **kwargs):
    errors = []
    primary = settings.DATABASES["default"]
    for alias in settings.O2O_READ_REPLICAS:
        replica = settings.DATABASES.get(alias, {})
        engine = replica.get("ENGINE", "")
        if "postgresql" not in engine or "postgresql" not in primary["ENGINE"]:
            errors.append(
                Error(
                    f"Read replica {alias} ({engine or 'no engine'}) needs PostgreSQL "
                    f"replicas of a PostgreSQL primary (the primary is {primary['ENGINE']}).",
                    hint="DATABASE_REPLICA_URLS lists postgres:// URLs of streaming replicas "
                    "of DATABASE_URL, or is left unset.",
                    id="o2o.E005",
                )
            )
        elif not replica.get("NAME") or not replica.get("HOST"):
            errors.append(
                Error(
                    f"Read replica {alias} names no host or database.",
                    hint="Write it as postgres://user@host:port/database.",
                    id="o2o.E005",
                )
            )
    return errors


@register(Tags.compatibility)
def check_mail_provider(app_configs, **kwargs):
    provider = getattr(settings, "O2O_MAIL_PROVIDER", "")
    if not provider:
        return []
    known = settings.MAIL_PROVIDER_KEYS
    if provider not in known:
        return [
            Error(
                f"O2O_MAIL_PROVIDER {provider!r} is not a provider o2o sends through.",
                hint=f"Use one of {', '.join(sorted(known))}, or unset it for the console.",
                id="o2o.E006",
            )
        ]
    if not settings.ANYMAIL.get(f"{provider.upper()}_{known[provider]}", "").strip():
        return [
            Error(
                f"O2O_MAIL_PROVIDER is {provider} but O2O_MAIL_API_KEY is empty.",
                hint="Set O2O_MAIL_API_KEY to the provider's API key.",
                id="o2o.E006",
            )
        ]
    return []
