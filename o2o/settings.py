"""o2o settings: one module, configured by the environment (django-environ)."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("O2O_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Prometheus figures of every process (web workers, Celery workers and beat) in one folder,
# read together by /metrics (prometheus_client's multiprocess mode): set here, before
# prometheus_client is first imported. Emptied when the processes start (make demo/serve).
PROMETHEUS_MULTIPROC_DIR = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "prometheus")
)
Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz",
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "o2o.workspace.admin_apps.O2OAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "django_filters",
    "django_celery_beat",
    "import_export",
    "csp",
    "django_prometheus",
    "axes",
    "phonenumber_field",
    "django_countries",
    "o2o.core",
    "o2o.brands",
    "o2o.catalogue",
    "o2o.outlets",
    "o2o.inventory",
    "o2o.reservations",
    "o2o.launches",
    "o2o.locator",
    "o2o.localfeeds",
    "o2o.storefront",
    "o2o.notifications",
    "o2o.dashboard",
    "o2o.workspace",
]

MIDDLEWARE = [
    "o2o.core.logs.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "o2o.core.csp.CSPMiddleware",  # django-csp's, the header built once
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "o2o.urls"

# A launch queue's own pool of web workers (Procfile.prod's `queue`, O2O_POOL=queue): the
# load balancer sends it the queue's join and poll (/api/v1/launches/<brand>/<product>/queue/),
# so a launch's arrivals never wait behind the shop's pages in one socket queue, nor the
# pages behind them (a bulkhead, as waiting rooms are). It serves those paths alone, with
# only the middleware they use: they read no cookie, no session and no user.
O2O_POOL = env.str("O2O_POOL", default="site")
QUEUE_POOL_MIDDLEWARE = [
    "o2o.core.logs.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the language of the shopper's mails
    "django.middleware.common.CommonMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
if O2O_POOL == "queue":
    MIDDLEWARE = QUEUE_POOL_MIDDLEWARE
    ROOT_URLCONF = "o2o.queue_urls"
elif O2O_POOL != "site":
    raise ImproperlyConfigured(f"O2O_POOL must be 'site' or 'queue', not {O2O_POOL!r}")
WSGI_APPLICATION = "o2o.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

# Read replicas (PostgreSQL streaming replicas of DATABASE_URL): shoppers' catalogue,
# product and availability reads go to one that has replayed the writes they must show
# (o2o/core/replicas.py); everything else stays on the primary.
O2O_READ_REPLICAS = []
for _number, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _alias = f"replica_{_number}"
    DATABASES[_alias] = env.db_url_config(_url)
    DATABASES[_alias]["CONN_MAX_AGE"] = DATABASES["default"].get("CONN_MAX_AGE", 0)
    DATABASES[_alias].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)
    )
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}  # the test database, as replicated
    O2O_READ_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["o2o.core.replicas.ReplicaRouter"] if O2O_READ_REPLICAS else []
O2O_REPLICA_APPS = env.list(
    "O2O_REPLICA_APPS", default=["brands", "catalogue", "outlets", "inventory", "locator"]
)
# A replica that failed is left alone this long (the primary reads meanwhile).
O2O_REPLICA_RETRY_SECONDS = env.float("O2O_REPLICA_RETRY_SECONDS", default=10)
# How long the primary's WAL position after a write is remembered with its generation.
O2O_REPLICA_FLOOR_SECONDS = env.int("O2O_REPLICA_FLOOR_SECONDS", default=3600)

# A transaction that hits a deadlock or a serialization failure is run again this often.
O2O_DB_CONFLICT_RETRIES = env.int("O2O_DB_CONFLICT_RETRIES", default=3)
# the hot paths' statements (a reservation's, a launch queue's) are planned once per
# connection (PREPARE) instead of on every call; off behind a pooler that hands one session's
# statements to several server connections (PgBouncer's transaction mode before 1.21)
O2O_DB_PREPARE_HOT_STATEMENTS = env.bool("O2O_DB_PREPARE_HOT_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "admin:login"  # staff; shoppers sign in at storefront:login

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("hi", "हिन्दी"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
# Phone numbers are stored in E.164 and read in the country of the shop they belong to; a
# number with no country to go by (a user's own) is read in this one.
PHONENUMBER_DEFAULT_REGION = env.str("O2O_DEFAULT_COUNTRY", default="IN")
PHONENUMBER_DB_FORMAT = "E164"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"

# Mail: the console in the demo; in production a provider through django-anymail, chosen by
# O2O_MAIL_PROVIDER (mailgun, sendgrid, postmark, brevo, resend, sparkpost, mandrill,
# mailersend) with its key in O2O_MAIL_API_KEY (checked at start: o2o.E006); or any Django
# backend by DJANGO_EMAIL_BACKEND (SMTP: EMAIL_HOST...).
O2O_MAIL_PROVIDER = env.str("O2O_MAIL_PROVIDER", default="").strip().lower()
MAIL_PROVIDER_KEYS = {
    "mailgun": "API_KEY",
    "sendgrid": "API_KEY",
    "postmark": "SERVER_TOKEN",
    "brevo": "API_KEY",
    "resend": "API_KEY",
    "sparkpost": "API_KEY",
    "mandrill": "API_KEY",
    "mailersend": "API_TOKEN",
}
ANYMAIL = {}
if O2O_MAIL_PROVIDER:
    EMAIL_BACKEND = f"anymail.backends.{O2O_MAIL_PROVIDER}.EmailBackend"
    _esp = O2O_MAIL_PROVIDER.upper()
    ANYMAIL[f"{_esp}_{MAIL_PROVIDER_KEYS.get(O2O_MAIL_PROVIDER, 'API_KEY')}"] = env.str(
        "O2O_MAIL_API_KEY", default=""
    )
    if env.str("O2O_MAIL_API_URL", default=""):  # a region's endpoint (Mailgun EU...)
        ANYMAIL[f"{_esp}_API_URL"] = env.str("O2O_MAIL_API_URL")
    if env.str("O2O_MAIL_SENDER_DOMAIN", default=""):
        ANYMAIL[f"{_esp}_SENDER_DOMAIN"] = env.str("O2O_MAIL_SENDER_DOMAIN")
else:
    EMAIL_BACKEND = env(
        "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="o2o <no-reply@o2o.example>")

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server).
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _queue = VAR_DIR / "celery" / "queue"
    _processed = VAR_DIR / "celery" / "processed"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(_processed),
        "control_folder": str(VAR_DIR / "celery" / "control"),  # exchange bindings
        "store_processed": False,
    }
# One queue per workload, so each can get its own workers (docs/deploy.md): a worker
# started without -Q consumes them all, as `make demo` and `make serve` do.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name) for name in ("celery", "sync", "notifications", "rollups")
]
CELERY_TASK_ROUTES = {
    "o2o.inventory.tasks.*": {"queue": "sync"},
    "o2o.outlets.tasks.*": {"queue": "sync"},
    "o2o.catalogue.tasks.import_catalogue_task": {"queue": "sync"},
    "o2o.notifications.tasks.*": {"queue": "notifications"},
    "o2o.locator.tasks.*": {"queue": "notifications"},
    "o2o.dashboard.tasks.*": {"queue": "rollups"},
    "o2o.localfeeds.tasks.*": {"queue": "rollups"},
}
# A publish gives up fast when the broker is away; the task then waits in the outbox
# (o2o/core/outbox.py), which the beat drains every minute.
O2O_PUBLISH_RETRY_POLICY = {
    "max_retries": env.int("O2O_PUBLISH_RETRIES", default=1),
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
O2O_OUTBOX_BATCH = env.int("O2O_OUTBOX_BATCH", default=500)
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "o2o.inventory.authentication.IntegrationTokenAuthentication",  # a POS token
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "o2o.core.api.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "o2o.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"shopper": env("O2O_SHOPPER_RATE", default="120/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "o2o API",
    "DESCRIPTION": "Stock sync for partner outlets' point-of-sale systems.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "o2o.core.schema.add_error_responses",
    ],
}

# Business knobs (no magic numbers in code paths).
O2O_DEFAULT_HOLD_MINUTES = env.int("O2O_DEFAULT_HOLD_MINUTES", default=120)
O2O_LOCATOR_START_RADIUS_KM = env.float("O2O_LOCATOR_START_RADIUS_KM", default=5.0)
O2O_LOCATOR_MAX_RADIUS_KM = env.float("O2O_LOCATOR_MAX_RADIUS_KM", default=50.0)
O2O_LOCATOR_RESULTS = env.int("O2O_LOCATOR_RESULTS", default=10)
# PostgreSQL: nearest-with-stock by one KNN walk of a GiST index (inventory migration 0007);
# off, the portable bounding-box path (the one SQLite uses) runs there too.
O2O_LOCATOR_KNN = env.bool("O2O_LOCATOR_KNN", default=True)
# Shoppers' availability answers are cached until the stock they show changes (generations,
# see core/generations.py), and at most this long. Off without Redis: the worker's and the
# web server's local-memory caches are not shared, so the worker's bumps would not be seen.
O2O_SHOPPER_CACHE_SECONDS = env.int("O2O_SHOPPER_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# which variant a search names: kept until the catalogue changes (the generation says when)
O2O_SHOPPER_FACT_SECONDS = env.int("O2O_SHOPPER_FACT_SECONDS", default=3600)
O2O_CATALOGUE_PAGE_SIZE = env.int("O2O_CATALOGUE_PAGE_SIZE", default=24)
O2O_MAX_UNITS_PER_RESERVATION = env.int("O2O_MAX_UNITS_PER_RESERVATION", default=5)
O2O_SNAPSHOT_MAX_ITEMS = env.int("O2O_SNAPSHOT_MAX_ITEMS", default=200_000)
O2O_SNAPSHOT_MAX_ON_HAND = env.int("O2O_SNAPSHOT_MAX_ON_HAND", default=1_000_000)
O2O_SYNC_CHUNK_ROWS = env.int("O2O_SYNC_CHUNK_ROWS", default=2000)
O2O_SYNC_MAX_ROW_ERRORS = env.int("O2O_SYNC_MAX_ROW_ERRORS", default=10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=20 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "o2o.core.logs.JsonFormatter"}},
    "filters": {"context": {"()": "o2o.core.logs.ContextFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            **({"formatter": "json"} if env("DJANGO_LOG_FORMAT", default="text") == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SAMESITE = "Lax"
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
O2O_PUBLIC_URL = env("O2O_PUBLIC_URL", default="http://127.0.0.1:8000")
O2O_SYNC_REPORT_ERRORS = env.int("O2O_SYNC_REPORT_ERRORS", default=500)
O2O_SYNC_MAX_ROWS = env.int("O2O_SYNC_MAX_ROWS", default=5_000_000)
O2O_SYNC_MAX_FILE_BYTES = env.int("O2O_SYNC_MAX_FILE_BYTES", default=200 * 1024 * 1024)
# Sync runs whose worker died (inventory/recovery.py, beat every minute): queued again after
# this many seconds without a live worker, failed (and the owners told) after
# O2O_SYNC_MAX_ATTEMPTS restarts; without row locks (SQLite) a run is dead after the timeout.
O2O_SYNC_RECOVER_AFTER_SECONDS = env.int("O2O_SYNC_RECOVER_AFTER_SECONDS", default=60)
O2O_SYNC_MAX_ATTEMPTS = env.int("O2O_SYNC_MAX_ATTEMPTS", default=3)
O2O_SYNC_RUN_TIMEOUT_SECONDS = env.int("O2O_SYNC_RUN_TIMEOUT_SECONDS", default=3600)
O2O_SYNC_REQUEUE_SECONDS = env.int("O2O_SYNC_REQUEUE_SECONDS", default=900)
O2O_CLOCK_SKEW_SECONDS = env.int("O2O_CLOCK_SKEW_SECONDS", default=300)
# Timestamps clients send (counts, events, filters) are refused before this instant.
O2O_OLDEST_TIMESTAMP = env("O2O_OLDEST_TIMESTAMP", default="2000-01-01T00:00:00+00:00")
O2O_BACK_IN_STOCK_BATCH = env.int("O2O_BACK_IN_STOCK_BATCH", default=200)
O2O_FEED_CONNECT_TIMEOUT = env.float("O2O_FEED_CONNECT_TIMEOUT", default=5.0)
O2O_FEED_READ_TIMEOUT = env.float("O2O_FEED_READ_TIMEOUT", default=30.0)
O2O_FEED_MAX_BYTES = env.int("O2O_FEED_MAX_BYTES", default=50 * 1024 * 1024)
# Feeds are fetched only from public addresses; these networks are allowed all the same
# (a retailer's on-premise POS server, e.g. "192.168.10.0/24"). Each redirect is checked.
O2O_FEED_ALLOWED_NETWORKS = env.list("O2O_FEED_ALLOWED_NETWORKS", default=[])
O2O_FEED_MAX_REDIRECTS = env.int("O2O_FEED_MAX_REDIRECTS", default=3)
O2O_FEED_MAX_FAILURES = env.int("O2O_FEED_MAX_FAILURES", default=5)
O2O_FEED_RETRIES = env.int("O2O_FEED_RETRIES", default=3)
O2O_FEED_RETRY_BASE_SECONDS = env.int("O2O_FEED_RETRY_BASE_SECONDS", default=30)
O2O_FEED_BATCH = env.int("O2O_FEED_BATCH", default=100)
O2O_SYNC_WORK_MEM_MB = env.int("O2O_SYNC_WORK_MEM_MB", default=256)
O2O_STALE_STOCK_HOURS = env.int("O2O_STALE_STOCK_HOURS", default=24)
from o2o.core.exports import SafeCSV, SafeXLSX  # noqa: E402

IMPORT_EXPORT_FORMATS = [SafeCSV, SafeXLSX]  # exports never carry live formulas
O2O_SMS_BACKEND = env("O2O_SMS_BACKEND", default="o2o.notifications.sms.LogBackend")
FORMAT_MODULE_PATH = ["o2o.formats"]
O2O_APPLICATION_MAX_DOCUMENT_BYTES = env.int(
    "O2O_APPLICATION_MAX_DOCUMENT_BYTES", default=5 * 2**20
)
O2O_OUTLET_IMPORT_CHUNK = env.int("O2O_OUTLET_IMPORT_CHUNK", default=1000)

# Content Security Policy: scripts only from our own static files (no inline scripts);
# styles allow inline attributes (the admin and Leaflet set them), images allow data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# The client's address: proxies in front of gunicorn that append to X-Forwarded-For (0: none,
# the header is ignored). Every throttle, limit and lockout keys on o2o.core.clientip.
O2O_TRUSTED_PROXY_COUNT = env.int("O2O_TRUSTED_PROXY_COUNT", default=0)
# Sign-in protection (django-axes, in the database: works without Redis): a username is
# locked from one address after O2O_LOGIN_MAX_FAILURES failures, so nobody can lock a shop
# owner out from elsewhere; one address failing for many usernames (password spraying) is
# slowed after O2O_LOGIN_MAX_FAILURES_PER_IP failures. Superusers unlock in the admin
# (Access attempts) or with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "o2o.core.auth.ThrottledModelBackend",
]
O2O_LOGIN_MAX_FAILURES = env.int("O2O_LOGIN_MAX_FAILURES", default=5)
O2O_LOGIN_LOCKOUT_SECONDS = env.int("O2O_LOGIN_LOCKOUT_SECONDS", default=900)
O2O_LOGIN_MAX_FAILURES_PER_IP = env.int("O2O_LOGIN_MAX_FAILURES_PER_IP", default=50)
AXES_FAILURE_LIMIT = O2O_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = O2O_LOGIN_LOCKOUT_SECONDS / 3600  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "o2o.core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not logged; failures are
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "o2o.core.auth.locked_out"
# Shopper throttles: reservations per IP and per e-mail in a window.
O2O_RESERVATIONS_PER_IP = env.int("O2O_RESERVATIONS_PER_IP", default=20)
O2O_RESERVATIONS_PER_EMAIL = env.int("O2O_RESERVATIONS_PER_EMAIL", default=5)
O2O_RESERVATION_THROTTLE_SECONDS = env.int("O2O_RESERVATION_THROTTLE_SECONDS", default=3600)
# Joins of a launch's queue per IP in 10 minutes (high: mobile carriers put many shoppers
# behind one address; each e-mail holds one place whatever the IP).
O2O_LAUNCH_JOINS_PER_IP = env.int("O2O_LAUNCH_JOINS_PER_IP", default=300)
# Retention, pruned by beat in batches of O2O_RETENTION_BATCH rows: an Idempotency-Key is
# answered from its first response for O2O_IDEMPOTENCY_DAYS (after, the request is new);
# POS delta event ids are remembered O2O_STOCK_EVENT_DAYS; uploaded stock files of
# finished runs are kept O2O_SYNC_FILE_DAYS (the run and its report stay); shoppers'
# searches (demand signals) O2O_DEMAND_SIGNAL_DAYS.
O2O_IDEMPOTENCY_DAYS = env.int("O2O_IDEMPOTENCY_DAYS", default=7)
O2O_STOCK_EVENT_DAYS = env.int("O2O_STOCK_EVENT_DAYS", default=30)
O2O_SYNC_FILE_DAYS = env.int("O2O_SYNC_FILE_DAYS", default=30)
O2O_DEMAND_SIGNAL_DAYS = env.int("O2O_DEMAND_SIGNAL_DAYS", default=365)
O2O_RETENTION_BATCH = env.int("O2O_RETENTION_BATCH", default=5000)
# A retailer's invitation link works once, for this many days.
O2O_INVITATION_DAYS = env.int("O2O_INVITATION_DAYS", default=7)
# Shoppers' personal data is anonymised this many days after a reservation ends.
O2O_PERSONAL_DATA_DAYS = env.int("O2O_PERSONAL_DATA_DAYS", default=90)
# Without Redis the cache is skipped, not an error (o2o/core/cache.py): calls wait at most
# this long, then Redis is left alone for O2O_CACHE_RETRY_SECONDS.
O2O_CACHE_SOCKET_TIMEOUT = env.float("O2O_CACHE_SOCKET_TIMEOUT", default=0.5)
O2O_CACHE_RETRY_SECONDS = env.float("O2O_CACHE_RETRY_SECONDS", default=5)
CACHES = {
    "default": {"BACKEND": "o2o.core.cache.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Sessions: read from Redis and written through to the database (any web node serves any
# shopper, and a sign-in survives Redis going away); the database alone without Redis.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
# /metrics answers only these client networks (after O2O_TRUSTED_PROXY_COUNT), or a bearer
# token; the default is this machine alone.
O2O_METRICS_ALLOWED_NETWORKS = env.list(
    "O2O_METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"]
)
O2O_METRICS_TOKEN = env("O2O_METRICS_TOKEN", default="")
O2O_WORKER_HEARTBEAT_SECONDS = env.int("O2O_WORKER_HEARTBEAT_SECONDS", default=180)

# Maps: with no tile server the maps draw vendored country and state outlines (Natural
# Earth) and city labels (GeoNames), offline. In production set a tile server you may use
# (for example your own, or a provider's with a key), with the attribution it requires;
# its origin is added to the CSP's img-src.
O2O_MAP_TILE_URL = env("O2O_MAP_TILE_URL", default="")
O2O_MAP_ATTRIBUTION = env("O2O_MAP_ATTRIBUTION", default="")
if O2O_MAP_TILE_URL:
    from urllib.parse import urlsplit as _urlsplit

    _tiles = _urlsplit(O2O_MAP_TILE_URL.replace("{s}", "*"))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
