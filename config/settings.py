"""Buurtkaart settings: one module, driven by environment variables (see .env.example).

The defaults give the embedded set-up a newcomer runs with no server: SpatiaLite under var/
and Celery tasks run eagerly. Production sets DATABASE_URL (PostGIS) and CELERY_BROKER_URL.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.cache import redis_cache
from core.security import tile_sources

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "core",
    "spatial",
    "accounts",
    "buurt",
    "activities",
    "maps",
    "moderation",
    "neighbourhelp",
    "referrals",
    "networkmap",
    "regie",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages, the API and feeds gzipped (static files are whitenoise's, compressed ahead, and
    # never reach this). BREACH: we rely on Django's own mitigations — CSRF tokens are masked
    # anew in every response, and GZipMiddleware pads each response by a random length
    # ("Heal the Breach") — rather than leaving pages that reflect input uncompressed.
    "django.middleware.gzip.GZipMiddleware",
    # An ETag from the content of every GET (checked before gzip weakens it), so that a
    # feed or GeoJSON reader asking again with If-None-Match gets a 304 without the body.
    "django.middleware.http.ConditionalGetMiddleware",
    # Reads from the replicas unless this browser just wrote (core/replicas.py); a no-op
    # without DATABASE_REPLICA_URLS. Outer to sessions: saving a session is a write.
    "core.replicas.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# spatialite:///abs/path or postgis://user:pass@host:port/name
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"spatialite:///{VAR_DIR / 'buurtkaart.sqlite3'}"
    ),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgis"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Web requests run short queries, for which starting parallel workers or compiling with
    # JIT costs more than it saves: PostGIS functions look expensive to the planner, so it
    # did both, and a search near an address took 25 ms instead of 10 ms, or 250 ms instead
    # of 60 ms over a wide radius (bench/search.py).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options",
        env.str("POSTGRES_OPTIONS", default="-c max_parallel_workers_per_gather=0 -c jit=off"),
    )
# Streaming replicas for reads (core/replicas.py): comma-separated URLs like DATABASE_URL, each
# a hot standby of it. They become replica_1..n; the router sends a web request's reads there
# unless the request or its browser just wrote. None by default: nothing changes.
DATABASE_REPLICAS = []
for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    replica = environ.Env.db_url_config(url)
    replica.setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **replica.get("OPTIONS", {})}
    # Tests: the replica is not created or flushed by the test runner; it reads the test
    # database of the primary as streamed to it (tests/test_replicas.py).
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
    DATABASE_REPLICAS.append(f"replica_{number}")
DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
# Seconds a browser that wrote reads the primary (longer than the replicas ever lag).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Debian 12 ships GDAL 3.6, which Django 5.2 still supports but warns about.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: run tasks in-process so the embedded set-up needs no server.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request publishes with one connection attempt (core.tasks.enqueue): a broker that is
# down costs it at most BROKER_CONNECT_TIMEOUT seconds, once per OUTAGE_BACKOFF.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("BROKER_CONNECT_TIMEOUT", default=0.5),
    "socket_timeout": 5,
}
# Seconds a process leaves the broker, the cache's Redis or the mail server alone after it
# failed to answer (core/outages.py): requests degrade at once instead of waiting again.
OUTAGE_BACKOFF = env.float("OUTAGE_BACKOFF", default=30.0)
CELERY_TIMEZONE = "Europe/Brussels"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE: dict = {
    # Buurtzorgregie: every neighbourhood's figures and reach, kept as a monthly snapshot.
    "regie-snapshot": {
        "task": "regie.tasks.snapshot_take_task",
        "schedule": crontab(day_of_month="1", hour="3", minute="30"),
    },
    "accounts-retention": {
        "task": "accounts.tasks.personal_data_retention_task",
        "schedule": 24 * 60 * 60,  # daily
    },
    # Occurrences a year ahead, and reminders the day before (each registration once).
    "activities-occurrences": {
        "task": "activities.tasks.occurrences_refresh_task",
        "schedule": 24 * 60 * 60,
    },
    "activities-reminders": {
        "task": "activities.tasks.reminders_send_task",
        "schedule": 60 * 60,
    },
    # Organisations' own calendars (iCal feeds, UiTdatabank organisers), read again hourly.
    "activities-calendar-subscriptions": {
        "task": "activities.tasks.subscriptions_sync_task",
        "schedule": 60 * 60,
    },
    # Placing on the map that was never queued (broker down) or lost with a worker.
    "buurt-geocode-pending": {
        "task": "buurt.tasks.geocode_pending_task",
        "schedule": 15 * 60,
    },
    # Referrals: follow-up questions (2, 6, 12 weeks) and e-mails the broker never got.
    "referrals-follow-ups": {
        "task": "referrals.tasks.follow_ups_ask_task",
        "schedule": 60 * 60,
    },
    "referrals-notifications": {
        "task": "referrals.tasks.notifications_requeue_task",
        "schedule": 5 * 60,
    },
    # Listings that stay true: ask admin members to confirm, send what was not sent.
    "accounts-listing-reviews": {
        "task": "accounts.tasks.listing_reviews_task",
        "schedule": 24 * 60 * 60,
    },
    "neighbourhelp-housekeeping": {
        "task": "neighbourhelp.tasks.help_housekeeping_task",
        "schedule": 6 * 60 * 60,  # reminders, expiry, closing requests, resuming paused offers
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our date formats per language, and the named ones templates use (core/formats/).
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
# Django's SMTP backend that skips a mail server for OUTAGE_BACKOFF seconds after it did not
# answer (core/mail.py).
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_CONFIG["EMAIL_BACKEND"] = "core.mail.EmailBackend"
vars().update(EMAIL_CONFIG)
# Seconds to wait for each answer of the mail server: without it, one that accepts connections
# and never answers held a request (no broker: tasks run in it) or a worker for good.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Buurtkaart <noreply@buurtkaart.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Maps -----------------------------------------------------------------------------------
# The tile server is the only third party a map page talks to; point it at your own server
# if residents' IP addresses must not reach OpenStreetMap.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
MAP_MAX_ZOOM = env.int("MAP_MAX_ZOOM", default=19)
# Where the maps open when there is nothing to fit them to (Gent, Korenmarkt).
MAP_DEFAULT_CENTER = (51.0543, 3.7196)

# --- Geocoding (buurt/geocoding) -----------------------------------------------------------
# Local first; remote services are off until named here, e.g.
# GEOCODER_CHAIN=gazetteer,postcode,basisregisters,nominatim
GEOCODER_CHAIN = env.list("GEOCODER_CHAIN", default=["gazetteer", "postcode"])
# Public services ask who is calling: name the product and a way to reach its operator.
GEOCODER_USER_AGENT = env.str(
    "GEOCODER_USER_AGENT", default=f"Buurtkaart/0.1 (+{DEFAULT_FROM_EMAIL})"
)
GEOCODER_SCHEME = env.str("GEOCODER_SCHEME", default="https")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=5.0)
GEOCODER_CACHE_DAYS = env.int("GEOCODER_CACHE_DAYS", default=90)
GEOCODER_NOMINATIM_DOMAIN = env.str(
    "GEOCODER_NOMINATIM_DOMAIN", default="nominatim.openstreetmap.org"
)
# Public Nominatim allows one request per second, from all our processes together.
GEOCODER_NOMINATIM_INTERVAL = env.float("GEOCODER_NOMINATIM_INTERVAL", default=1.0)
GEOCODER_RATE_LIMIT_TIMEOUT = env.float("GEOCODER_RATE_LIMIT_TIMEOUT", default=10.0)
GEOCODER_PHOTON_DOMAIN = env.str("GEOCODER_PHOTON_DOMAIN", default="photon.komoot.io")
GEOCODER_BASISREGISTERS_URL = env.str(
    "GEOCODER_BASISREGISTERS_URL",
    default="https://api.basisregisters.vlaanderen.be/v2/adresmatch",
)
GEOCODER_PDOK_URL = env.str(
    "GEOCODER_PDOK_URL", default="https://api.pdok.nl/bzk/locatieserver/search/v3_1/free"
)
# The Nominatim request slot and the rate limits (log-in, posting, API) live in this cache:
# production sets CACHE_URL=redis://redis:6379/1 (docker-compose.yml) so that web and worker
# processes share them; the default counts per process. A Redis cache that does not answer
# within CACHE_SOCKET_TIMEOUT seconds is left for OUTAGE_BACKOFF seconds, and the limits count
# in each process's memory meanwhile (core/cache.py): no request fails for it.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"] = redis_cache(
        CACHES["default"].pop("LOCATION"),
        socket_timeout=env.float("CACHE_SOCKET_TIMEOUT", default=0.25),
        **CACHES["default"],
    )

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # JSON nested too deeply is a 400, not a RecursionError (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Counted in the shared cache (CACHE_URL), letting requests through if it fails; a 429
    # carries Retry-After and a translated message.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    # Generous: address search asks while people type, and an office or a library puts many
    # readers behind one address.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="240/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        "tiles": env.str("API_THROTTLE_TILES", default="3000/minute"),
    },
    # The client's address for throttling: see TRUSTED_PROXY_COUNT (0 trusts no header).
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
# How long a browser or a reverse proxy keeps a map tile before asking again (its ETag
# changes with the listings: maps/tiles.py).
TILES_MAX_AGE = env.int("TILES_MAX_AGE", default=300)
SPECTACULAR_SETTINGS = {
    "TITLE": "Buurtkaart API",
    "DESCRIPTION": "Neighbourhood associations, activities and help on one map.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The default hook, then the 429 (and Retry-After) of every throttled operation.
    # GeoJSON's `type` members (maps.api.serializers.ConstantField), one enum each.
    "ENUM_NAME_OVERRIDES": {
        "GeoJSONPointType": ["Point"],
        "GeoJSONFeatureType": ["Feature"],
        "GeoJSONFeatureCollectionType": ["FeatureCollection"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_throttling",
    ],
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
# Preloading asks browsers to use HTTPS for the domain and all its subdomains for good: turn
# both off when another site on a subdomain still speaks plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# /healthz is probed over plain HTTP inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content Security Policy (django-csp): scripts only from our own static files, or inline with
# the request's nonce (the folium map script; `request.csp_nonce` in templates). Images may
# also come from the tile server. Leaflet and OpenLayers set styles through the DOM, which CSP
# allows; the one inline <style> (Swagger UI's page) carries the nonce too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:", *tile_sources(MAP_TILE_URL)],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}

# The embeddable map and agenda (/embed/...) may be framed by these origins (CSP
# frame-ancestors; "*" is any site); every other page keeps X-Frame-Options: DENY.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])

# --- Calendars imported by subscription (activities/subscriptions.py) -----------------------
# Feeds on private, loopback or link-local addresses are refused (server-side request
# forgery) unless this is on: tests and a local set-up only.
ICAL_IMPORT_ALLOW_PRIVATE_HOSTS = env.bool("ICAL_IMPORT_ALLOW_PRIVATE_HOSTS", default=False)
ICAL_IMPORT_TIMEOUT = env.float("ICAL_IMPORT_TIMEOUT", default=15.0)
ICAL_IMPORT_MAX_BYTES = env.int("ICAL_IMPORT_MAX_BYTES", default=5_000_000)
# Coming events one feed may hold: each becomes an activity with up to a year of dates.
ICAL_IMPORT_MAX_EVENTS = env.int("ICAL_IMPORT_MAX_EVENTS", default=1000)
# UiTdatabank search API v3 (an organiser's events): the key from publiq's platform.
UITDATABANK_API_KEY = env.str("UITDATABANK_API_KEY", default="")
UITDATABANK_SEARCH_URL = env.str("UITDATABANK_SEARCH_URL", default="https://search.uitdatabank.be")

# --- Accounts (django-allauth) ---------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a link preview in a mail client must not confirm
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False  # no state change through GET
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# A reset link proves the mailbox as a confirmation link does: it signs in, whatever the limit
# on failed log-ins says (see ACCOUNT_RATE_LIMITS["login_failed"]).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_SESSION_REMEMBER = None  # ask ("remember me")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Buurtkaart] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Behind N reverse proxies the client IP is the Nth address from the right in X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_COUNT = ALLAUTH_TRUSTED_PROXY_COUNT  # core.ratelimit, for posting and contacting
# Counted in the cache (CACHE_URL): share it between processes in production.
ACCOUNT_RATE_LIMITS = {
    # Failed log-ins: the limit per address does the main work. The one per e-mail address is
    # looser than one address can reach (5/m = 25 in 5 minutes), so that a single attacker
    # cannot lock the owner out; many addresses together still can, and then the owner gets in
    # through a password reset, whose link clears the count and signs in (below). The log-in
    # page says so when the limit is hit (templates/account/login.html).
    "login_failed": "5/m/ip,30/5m/key",
    "login": "30/m/ip",
    "signup": "10/m/ip",
    "reset_password": "10/m/ip,3/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# Personal data: how long things are kept (see accounts/personal_data.py, templates/accounts/
# privacy.html). A daily beat task deletes what has expired.
ACCOUNT_INACTIVE_RETENTION_DAYS = env.int("ACCOUNT_INACTIVE_RETENTION_DAYS", default=3 * 365)
ACCOUNT_UNVERIFIED_RETENTION_DAYS = env.int("ACCOUNT_UNVERIFIED_RETENTION_DAYS", default=30)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# The link e-mailed to confirm a worker's work address works this many days; then the worker
# asks for a new one on "My account" (accounts.address_links).
WORK_EMAIL_LINK_VALID_DAYS = env.int("WORK_EMAIL_LINK_VALID_DAYS", default=14)
INVITATION_RETENTION_DAYS = env.int("INVITATION_RETENTION_DAYS", default=90)
# Referrals are anonymised this long after they were sent; statistics keep only counts.
REFERRAL_RETENTION_DAYS = env.int("REFERRAL_RETENTION_DAYS", default=365)
# A saved network map not opened by its worker for this long is deleted (the daily
# accounts-retention task).
NETWORK_MAP_RETENTION_DAYS = env.int("NETWORK_MAP_RETENTION_DAYS", default=365)
# Listings that stay true (buurt/freshness.py): the association's admin members are asked to
# confirm their listing this many months after it was last confirmed; no answer in
# LISTING_REVIEW_ANSWER_DAYS puts it on the moderators' freshness queue; unconfirmed for
# LISTING_OUTDATED_MONTHS it says "possibly out of date".
LISTING_REVIEW_MONTHS = env.int("LISTING_REVIEW_MONTHS", default=6)
LISTING_REVIEW_ANSWER_DAYS = env.int("LISTING_REVIEW_ANSWER_DAYS", default=30)
LISTING_OUTDATED_MONTHS = env.int("LISTING_OUTDATED_MONTHS", default=12)
# The largest list of organisations a coordinator may upload on the moderation pages (bytes).
ORGANISATION_IMPORT_MAX_BYTES = env.int("ORGANISATION_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Help requests one account may create in 24 hours (workers ask for several clients). Each
# request reads the helpers page once more: a bound on probing for where helpers live.
HELP_REQUESTS_PER_DAY = env.int("HELP_REQUESTS_PER_DAY", default=5)
HELP_REQUESTS_PER_DAY_ON_BEHALF = env.int("HELP_REQUESTS_PER_DAY_ON_BEHALF", default=20)
# Links in e-mails sent by background tasks (no request to take the host from).
SITE_URL = env.str(
    "SITE_URL",
    default=f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
    if ALLOWED_HOSTS and not DEBUG
    else "http://127.0.0.1:8000",
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Django's own handler of the development server's request log, without query
        # strings: a search URL carries the address someone typed (config/log_filters.py).
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["without_query_strings"],
        },
    },
    "filters": {"without_query_strings": {"()": "config.log_filters.WithoutQueryStrings"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
