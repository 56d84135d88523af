"""Settings shared by every environment. Environment-specific files import * from here."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab

from .env import celery_broker_url, env_bool, env_int, env_redis, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SERVICE_NAME = "FFP Case"
# One deployment serves one council. The demo council's LA code is not a real one (real codes run 201-938).
COUNCIL_NAME = env_str("COUNCIL_NAME", "Demo Borough")
COUNCIL_LA_CODE = env_str("COUNCIL_LA_CODE", "999")
TESTING = False

INSTALLED_APPS = [
    "ffp.admin_site.FfpAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "govuk_frontend_django",
    "cases",
    "front_door",
    "family_help",
    "macpt",
    "fgdm",
    "reporting",
    "axes",  # sign-in lockout (issue 12 item 7): see the "Sign-in lockout" block below
    # --- mfa: two-factor sign-in (issue 17 item 1): see the "Two-factor sign-in" block below ---
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # --- end mfa ---
]

MIDDLEWARE = [
    # --- csp (issue 12 item 9): the response headers wrap every other middleware, so that every answer has them,
    # the HTTPS redirect and the API's JSON errors (ffp.api_errors replaces an HTML error) included ---
    "ffp.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP below
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cases.middleware.NoStoreForAuthenticatedMiddleware",  # reads request.user, set further in, on the way out
    # --- end csp ---
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cases.middleware.RequestContextMiddleware",
    # --- apierrors (issue 12 item 4): JSON errors under /api/, before CommonMiddleware's APPEND_SLASH ---
    "ffp.api_errors.ApiErrorMiddleware",
    # --- end apierrors ---
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cases.middleware.SessionLifetimeMiddleware",  # 15 minutes idle, 12 hours in all (issue 12 item 8)
    "cases.mfa.SecondFactorMiddleware",  # mfa: no page but sign-in's own without the second factor (issue 17)
    # Last, so it sees the sign-in view's answer and replaces it with the lockout page (issue 12 item 7).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ffp.urls"
WSGI_APPLICATION = "ffp.wsgi.application"

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
                "cases.context_processors.service",
            ],
        },
    },
]

# Django's widget templates, with the single-element widgets written directly to the same bytes (cases.web.forms).
FORM_RENDERER = "cases.web.forms.FormRenderer"

AUTH_USER_MODEL = "cases.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account before any password is checked, for every caller of authenticate().
    "axes.backends.AxesStandaloneBackend",
    "cases.auth.UserBackend",  # ModelBackend, loading the request's user with their roles in one query
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sign-in lockout (issue 12 item 7, battery B12; strand signin) -----------------------------------
# django-axes: after 10 failed sign-ins an account is refused for 15 minutes, whatever the password, on the case
# system's sign-in page and the admin's (both go through authenticate(), whose first backend is axes'). The API
# takes no password (session made on the sign-in page, or a token issued in the admin).
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
# The account, not the address: staff sign in from shared council, NHS, police and school networks behind one
# address, where locking the address would lock a whole office after ten typos between them. An unknown email is
# counted and locked exactly as a known one, so the lock says nothing about which emails exist.
AXES_LOCKOUT_PARAMETERS = ["username"]
# The sign-in forms' field (the email) and the key of the credentials axes builds for authenticate() callers.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cases.auth.sign_in_username"  # trimmed and lower-cased, as the sign-in form does
# Attempts during the lock are not counted: the lock ends 15 minutes after the tenth failure, so a guesser gets
# at most 10 tries per 15 minutes (<= 40 an hour) and cannot keep the owner out for ever by hammering.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # a signed-in owner starts again from 0
# Rows in the database (AccessAttempt), not the cache: one truth for every web process, and each test's database
# starts empty, so tests never lock each other out (the locmem cache of the tests would be shared).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "cases.views.home.sign_in_locked"  # a GOV.UK page (429), audited once per lock
AXES_DISABLE_ACCESS_LOG = True  # sign-ins and sign-outs are in the audit trail already
AXES_ENABLE_ADMIN = False  # unlock early with `manage.py axes_reset_username <email>` (README)
AXES_VERBOSE = False
# axes.W006 asks for the address among the lockout parameters: see AXES_LOCKOUT_PARAMETERS for why not.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Two-factor sign-in (issue 17 item 1, battery B13; strand mfa) ------------------------------------------------
# After the password, a TOTP code from the user's authenticator app (django-otp), or one of ten single-use recovery
# codes; cases.mfa.SecondFactorMiddleware refuses every other page to a session without it. A code is accepted once
# (django-otp keeps the last accepted time step). Wrong codes are throttled per device by django-otp (2^(n-1)
# seconds after n wrong codes in a row), not counted by axes: see cases.services.mfa.
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The accepted window stays [now - 30 s, now + 30 s] (tolerance 1 step): a code one step early does not move it
# (django-otp's drift sync would), so a stolen code cannot widen it either.
OTP_TOTP_SYNC = False
# Development only (ffp/settings/dev.py): the base32 secret seed_demo gives every demo user's authenticator;
# seed_demo refuses it outside development. Empty: demo users set up their own app at their first sign-in.
DEMO_TOTP_SECRET = ""
# Step-up (battery B6, B18; cases.mfa.require_recent_second_factor): break-glass asks for a code each time, and a user
# whose exports in the last hour (ExportRecord rows, the one asked for included) would pass EXPORT_ROWS_PER_HOUR rows
# proves the second factor again (within the last 5 minutes) and the privacy officer is alerted once an hour.
EXPORT_ROWS_PER_HOUR = env_int("EXPORT_ROWS_PER_HOUR", 5000)

# Services own their transactions (CONVENTIONS section 7): DATABASES[...]['ATOMIC_REQUESTS'] stays off.
# The application database role, which migrate grants what it needs (cases.database_roles); each environment's
# settings set it from DATABASE_URL's user (ffp.settings.env.env_database_roles).
DATABASE_APP_ROLE = ""

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/build is written by the Sass build of GOV.UK Frontend (npm run build), never committed.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions are read from the cache (Redis) and written through to the database: no query per request,
# and still server-side, so signing out or expiry ends a session for good.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute maximum of a working day
# --- Session lifetime (issue 12 item 8, battery B14; strand signin) -----------------------------------
# cases.middleware.SessionLifetimeMiddleware ends a session 15 minutes after its last request or 12 hours after
# its sign-in, whichever comes first; pages warn 2 minutes before (templates/includes/timeout_dialog.html,
# assets/js/session.mjs) and keep what was typed in the browser until the user is signed in again.
SESSION_IDLE_TIMEOUT = 15 * 60
SESSION_ABSOLUTE_TIMEOUT = SESSION_COOKIE_AGE
SESSION_TIMEOUT_WARNING = 2 * 60
# The time of the last request is written to the session at most once a minute, so a normal request writes
# nothing (the idle time is counted from that write: at most a minute early, never late).
SESSION_ACTIVITY_RESOLUTION = 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (issue 12 item 9: ffp/csp.py) ----------------------------------------------
# Scripts, styles, fonts and images only from this site and never inline: no 'unsafe-inline', no nonce. Every
# script and style is a static file (static/build/app.mjs starts GOV.UK Frontend). The API docs add data:
# images for Swagger UI's icons (ffp/api_docs.py). The shape is Django 6.0's SECURE_CSP.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# --- end Content-Security-Policy -------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Service accounts' tokens first (issue 17): their scheme is the WWW-Authenticate of a 401 (DRF answers 403
        # when the first has none). People use the API through their signed-in, two-factor session.
        "cases.api.tokens.ApiTokenAuthentication",
        # mfa: a session that has passed its second factor only (issue 17 item 1)
        "cases.mfa.VerifiedSessionAuthentication",
    ],
    # Bounded in size and depth: a body nested 1,000 deep is a 400, not a RecursionError (ffp.api_errors).
    "DEFAULT_PARSER_CLASSES": [
        "ffp.api_errors.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Deny by default: an endpoint that forgets its permissions is closed, not open.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: DRF's browsable API pages carry inline styles the Content-Security-Policy refuses (and offer
    # forms on every endpoint); people read the API in Swagger UI at /api/docs/ (ffp/api_docs.py).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "ffp.exceptions.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FFP Case API",
    "DESCRIPTION": "Multi-agency case management for the Families First Partnership reforms.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are for signed-in users and partner systems, not the open internet.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI served from the app (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The answers every operation can give (413, 414, 415, 400, 401, 404) and the error body (ffp.api_docs).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "ffp.api_docs.document_errors"],
    # Choice sets that share a field name ("status", "outcome") across apps get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "ContactDecisionOutcomeEnum": "front_door.models.Outcome",
        "PlanActionStatusEnum": "cases.models.ActionStatus",
        # The census ReferralSource code list: a contact's source_code and a step-up's referral_source.
        "ReferralSourceEnum": "cases.codes.referral_source_choices",
        # Child protection (issue 14): the s47 enquiry's outcome, beside the front door's and pre-proceedings'.
        "S47OutcomeEnum": "macpt.models.S47Outcome",
        "EmergencyOutcomeEnum": "macpt.models.EmergencyOutcome",
        "PPOutcomeEnum": "macpt.models.PPOutcome",
        "ConferenceAttendanceEnum": "macpt.models.InviteeAttendance",
        "StrategyAttendanceEnum": "macpt.models.Attendance",
        # Family group decision making (issue 15): a referral's status.
        "FgdmReferralStatusEnum": "fgdm.models.FgdmReferral.Status",
    },
}

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users never hold object permissions

# --- Redis and Celery -------------------------------------------------------------------------
REDIS_URL = env_redis("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_RESULT_BACKEND = None  # results live in database rows (ReturnRun, Notification), not in Redis
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only once it has finished, and re-queued if its worker dies mid-way:
# every task is written to be safe to run twice (services return early when already done).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# Unacknowledged messages return to the queue after this; longer than the hard time limit so a
# running task is never handed to a second worker.
# (CELERY_VISIBILITY_TIMEOUT: the crash tests of issue 17 (B21) shorten it, with the time limits, to see a message
# left by a killed worker come back within the test.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT * 2),
    # A live worker looks for such messages every 10 s (kombu's default, 10 s x a throttle of 10, is every 100 s).
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Deadlines live in database rows swept by these periodic tasks, never in delayed messages.
HEARTBEAT_INTERVAL_SECONDS = env_int("HEARTBEAT_INTERVAL_SECONDS", 30)
HEARTBEAT_STALE_SECONDS = env_int("HEARTBEAT_STALE_SECONDS", 180)
# How often beat asks for a deadline sweep (the crash tests of issue 17 run beat faster; production keeps a minute).
DEADLINE_SWEEP_SECONDS = env_int("DEADLINE_SWEEP_SECONDS", 60)
# The tests' injectable clock (ffp.clock): only ffp.settings.test turns it on; production refuses it.
TEST_CLOCK = False
# --- audit sealing (issue 12 item 2; cases.services.seals) ---
AUDIT_SEAL_INTERVAL_SECONDS = env_int("AUDIT_SEAL_INTERVAL_SECONDS", 60)
# Rows younger than this (and than the oldest transaction still writing, less this) wait for the next run: it
# covers the clocks of the application servers against the database's (see cases.services.seals).
AUDIT_SEAL_DELAY_SECONDS = env_int("AUDIT_SEAL_DELAY_SECONDS", 30)
AUDIT_SEAL_BATCH_ROWS = env_int("AUDIT_SEAL_BATCH_ROWS", 10_000)
# A run stops starting batches after this long (well inside CELERY_TASK_SOFT_TIME_LIMIT); the next run goes on.
AUDIT_SEAL_MAX_SECONDS = env_int("AUDIT_SEAL_MAX_SECONDS", 120)
# --- end audit sealing ---
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "cases.tasks.worker_heartbeat_task",
        "schedule": timedelta(seconds=HEARTBEAT_INTERVAL_SECONDS),
        "kwargs": {"source": "beat"},
        # A heartbeat older than the stale limit is worthless: drop it rather than run it late.
        "options": {"expires": HEARTBEAT_INTERVAL_SECONDS},
    },
    "deadline-sweep": {
        "task": "cases.tasks.deadline_sweep_task",
        "schedule": timedelta(seconds=DEADLINE_SWEEP_SECONDS),
        # A missed sweep needs no replay: the next one catches up on everything due by then.
        "options": {"expires": DEADLINE_SWEEP_SECONDS - 5 if DEADLINE_SWEEP_SECONDS > 10 else DEADLINE_SWEEP_SECONDS},
    },
    "notification-emails": {
        "task": "cases.tasks.notification_emails_send_task",
        "schedule": timedelta(minutes=5),
        "options": {"expires": 240},
    },
    # --- audit sealing (issue 12 item 2; cases.services.seals) ---
    "audit-seal": {
        "task": "cases.tasks.audit_seal_task",
        "schedule": timedelta(seconds=AUDIT_SEAL_INTERVAL_SECONDS),
        # A missed run needs no replay: the next one seals everything committed by then.
        "options": {"expires": AUDIT_SEAL_INTERVAL_SECONDS - 5},
    },
    # --- end audit sealing ---
    # --- retention (issue 17 item 4; cases.services.retention) ---
    "retention-disposal": {
        "task": "cases.tasks.retention_disposal_task",
        # Weekly, Sunday 03:15: a run missed waits for the next (nothing is lost by disposing a week later).
        "schedule": crontab(day_of_week="sun", hour="3", minute="15"),
        "options": {"expires": 24 * 60 * 60},
    },
    # --- the curious-colleague rule (issue 17 item 5, B28; cases.services.breakglass) ---
    "curious-colleague-sweep": {
        "task": "cases.tasks.curious_colleague_sweep_task",
        "schedule": timedelta(seconds=60),
        # A missed run needs no replay: the next one reads the same 30-minute window, a minute on.
        "options": {"expires": 55},
    },
    # --- reporting: the monthly draft census and its data-quality issues (issue 16 item 6) ---
    "monthly-draft-census": {
        "task": "reporting.tasks.monthly_draft_census_task",
        "schedule": crontab(day_of_month="1", hour="2", minute="30"),
        # Late is fine (the month's run is made once, whenever it comes); a day late, the next month's will do.
        "options": {"expires": 24 * 60 * 60},
    },
    # --- reporting: a return run whose first message was lost is sent again (reporting.tasks.queue_run) ---
    "return-runs-sweep": {
        "task": "reporting.tasks.queued_runs_sweep_task",
        "schedule": timedelta(seconds=60),
        "options": {"expires": 55},
    },
    # --- the FFP quarterly return's draft (issue 16 item 6; reporting.ffp_return.schedule) ---
    "ffp-return-quarterly-draft": {
        "task": "reporting.tasks.ffp_return_quarterly_draft_task",
        # Every morning: the task acts on the first working day after a quarter ends (or the next run after it).
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 6 * 3600},
    },
}
# The FFP quarterly return (issue 16 item 4): the grant ledger warns when a year's transformation spend passes this
# share (per cent; the council reports cite about 30%), each new grant's default; and a full-time post's hours.
FFP_TRANSFORMATION_EXPECTED_PERCENT = env_int("FFP_TRANSFORMATION_EXPECTED_PERCENT", 30)
WORKFORCE_FULL_TIME_HOURS = env_int("WORKFORCE_FULL_TIME_HOURS", 37)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ffp-case@demo.test")
# The service's address as users reach it: emails link here (they carry a reference and this link, nothing else).
SITE_URL = env_str("SITE_URL", "http://localhost:8000")

CACHES = {
    "default": {"BACKEND": "ffp.cache.RedisCache", "LOCATION": REDIS_URL},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No query strings in any request line logged (names typed into search); gunicorn: ffp.gunicorn_conf.
    "filters": {"no_query_strings": {"()": "ffp.logfilters.NoQueryStrings"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query_strings"],
        },
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # one line per failed sign-in is enough (the lock's own is a warning)
    },
}

DEMO_PASSWORD_DEFAULT = "demo-only-Passw0rd!"  # noqa: S105  (dev only: seed_demo refuses it unless DEBUG)
DEBUG = env_bool("DEBUG", False)

# --- Sign-in through the council's identity provider (issue 17; OpenID Connect, e.g. Microsoft Entra ID) ---------
# Off unless OIDC_RP_CLIENT_ID is set; then every endpoint below is required (the provider's discovery document,
# /.well-known/openid-configuration, names them). Users are matched by email to an existing active account (never
# created: see cases.oidc). Tested against a real provider process (tests/oidc_provider/).
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", f"{COUNCIL_NAME} account")  # "Sign in with <this>"
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "cases.oidc.CouncilIdentityBackend"]
OIDC_RP_SIGN_ALGO = "RS256"  # the provider's key, from its JWKS endpoint
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10  # seconds, for each call to the provider
# The two pages are cases.views.oidc's (routed from ffp/urls.py), not mozilla_django_oidc.urls.
# --- end identity provider ------------------------------------------------------------------------------------
