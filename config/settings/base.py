"""Settings shared by every environment. Differences come only from environment variables."""

from pathlib import Path

import dj_database_url

from config.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-only-key")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # the docs page's scripts served from here, not a CDN (intranets)
    "django_filters",
    "simple_history",
    "django_celery_beat",
    # Two-step verification (两步验证): TOTP authenticators, backup codes (accounts.second_factor)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "tasks_registry",
    "reporting",
    "attainment",
    "workbench",  # 工作台: each role's landing page (workbench/)
    "api.apps.ApiConfig",
    "audit",
    "ops",  # manage.py backup / restore
    "outbox",
    "axes",  # sign-in lockout (accounts.lockout)
    "csp",  # Content-Security-Policy header (CONTENT_SECURITY_POLICY below)
]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (the admin's CSS, the API docs' scripts) served by the app itself, compressed
    # and with far-future caching under production's manifest storage; no proxy recipe needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Oversize bodies and NUL bytes refused before anything reads them (config/middleware.py).
    "config.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session verified once its code is in; until then only the code or enrolment page.
    "django_otp.middleware.OTPMiddleware",
    "accounts.second_factor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware, so that the sign-out can say why (SESSION_IDLE_MINUTES).
    "accounts.middleware.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.ApiTokenFailureAuditMiddleware",
    # After MessageMiddleware: adds "后台处理将在服务恢复后自动进行" when Redis was down.
    "outbox.middleware.DeferredJobNoticeMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded default is a SQLite file; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        # A connection kept open (CONN_MAX_AGE) is checked before each request reuses it, so
        # that after PostgreSQL restarts requests recover without restarting gunicorn.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords (等保三级 口令复杂度): at least 10 characters of three kinds, not like the user's name,
# not a common password, not all digits. Checked wherever a password is set in the admin.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# Sign-in lockout (登录失败处理, accounts.lockout on django-axes): an account is locked after
# LOGIN_FAILURE_LIMIT failures, an address after LOGIN_ADDRESS_FAILURE_LIMIT, within
# LOGIN_LOCKOUT_MINUTES; the lock ends that long after the last failure or when an administrator
# lifts it. axes checks first, then Django's own backend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = LOGIN_LOCKOUT_MINUTES / 60  # hours, as axes reads a float
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "audit.services.request_address"  # TRUSTED_PROXY_COUNT applies
AXES_RESET_ON_SUCCESS = True  # consecutive failures count, as 等保 reads them
# Failures while locked are refused without being counted, so the end time shown holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ADMIN = False  # accounts.admin shows the failures in Chinese (登录失败记录)
AXES_VERBOSE = False
# API tokens cannot be guessed faster: LIMIT refused tokens from one address in WINDOW minutes
# and token authentication from there pauses for the window (accounts.apis).
API_TOKEN_FAILURE_LIMIT = env_int("API_TOKEN_FAILURE_LIMIT", 20)
API_TOKEN_FAILURE_WINDOW_MINUTES = env_int("API_TOKEN_FAILURE_WINDOW_MINUTES", 10)

# Sessions: signed out after SESSION_IDLE_MINUTES without a request (accounts.middleware) and at
# the latest SESSION_MAX_HOURS after signing in, or when the browser closes.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"  # a Chinese page (JSON under /api/)
CSRF_COOKIE_HTTPONLY = True  # no script here reads it: forms and the API docs embed the token
CSRF_COOKIE_SAMESITE = "Lax"
# `demo_accounts` creates accounts with a published password; production sets this False.
DEMO_ACCOUNTS_ALLOWED = True

# Content-Security-Policy (django-csp), the same in every settings so that the browser tests see
# what production sends. No inline script anywhere (the API docs use the split Swagger view, the
# supervisors' view a script file); inline *styles* stay allowed, because the supervisors' view
# draws progress bars with style="width:…%" and styles cannot run code. Swagger UI shows its icons
# as data: images. tests/security/test_csp_in_browser.py opens each kind of page in Chromium.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # Redoc (/api/redoc/) searches in a blob: worker
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Two-step verification (两步验证, accounts.second_factor). Who may use nothing until a TOTP
# authenticator is bound: role values (staff, supervisor, office) and "superuser" for system
# administrators. Anyone else may still enable it. Empty only in the test settings.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "supervisor,superuser")
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "职业教育政策任务跟踪")
# The admin shows no device keys (an administrator resets a device, never reads its secret).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Uploaded files are never served at MEDIA_URL, in any settings: only through the download views,
# which check who may see the record first (config/files.py). FILE_SERVE says who sends the bytes:
# django (the default), x-accel (nginx, from an `internal` location at X_ACCEL_PREFIX aliased to
# MEDIA_ROOT) or x-sendfile (Apache mod_xsendfile).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
FILE_SERVE = env_choice("DJANGO_FILE_SERVE", "django", ("django", "x-accel", "x-sendfile"))
X_ACCEL_PREFIX = env_str("DJANGO_X_ACCEL_PREFIX", "/protected-media/")

# Evidence files (佐证材料): what staff may upload, and how large.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
REPORT_MAX_BYTES = env_int("REPORT_MAX_BYTES", 20 * 1024 * 1024)
EVIDENCE_EXTENSIONS = env_list("EVIDENCE_EXTENSIONS", "pdf,doc,docx,xls,xlsx,jpg,jpeg,png,txt,zip")
TASKLIST_MAX_BYTES = env_int("TASKLIST_MAX_BYTES", 5 * 1024 * 1024)
LEDGER_MAX_BYTES = env_int("LEDGER_MAX_BYTES", 10 * 1024 * 1024)  # a department's progress ledger
# A request body larger than its page accepts is refused on its Content-Length before it is read:
# the limits above plus 1 MB of form for the upload pages (config.middleware.UPLOAD_LIMITS), this
# for every other request. Uploaded files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_BYTES", 2 * 1024 * 1024)

# Celery. Without CELERY_BROKER_URL tasks run in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A job whose worker process dies (the OOM killer, a deploy) goes back to the queue instead of
# being lost. Time limits, in seconds: the soft limit lets a job record why it stopped (失败,
# 处理超时) before the hard one kills it. Parsing a report or task list; a recompute or the scan.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
JOB_PARSE_TIME_LIMIT = env_int("JOB_PARSE_TIME_LIMIT", 300)
# Reading one uploaded file may grow a worker by at most this much (MB; 0: no cap): past it the
# upload ends 失败 saying the file is too big to read (config/memory.py).
JOB_PARSE_MEMORY_MB = env_int("JOB_PARSE_MEMORY_MB", 1536)
JOB_RECOMPUTE_TIME_LIMIT = env_int("JOB_RECOMPUTE_TIME_LIMIT", 900)
CELERY_TASK_TIME_LIMIT = max(JOB_PARSE_TIME_LIMIT, JOB_RECOMPUTE_TIME_LIMIT)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# Redis hands an unacknowledged job (its whole worker was killed) to another worker after the
# visibility timeout: long enough for the longest job, short enough that it is redone in minutes.
# max_retries 0: handing a job to Redis tries once, so a write with Redis down answers at once
# (the outbox keeps the job for the sweep) instead of after 6 s of reconnecting; a worker's own
# reconnecting is governed by broker_connection_max_retries, not this.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * CELERY_TASK_TIME_LIMIT),
    "max_retries": 0,
}
# A worker child that grew past this (KiB; 0: no cap) is replaced after its job.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = (
    env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1024 * 1024) or None
)
# The outbox (outbox.services): a job handed to the broker that has not finished after this is
# handed over again, at most JOBS_MAX_ATTEMPTS times; a report or task-list upload whose jobs
# all ended that way is marked 失败 with the reason. Finished jobs are kept OUTBOX_KEEP_DAYS.
OUTBOX_RESEND_AFTER_SECONDS = env_int(
    "OUTBOX_RESEND_AFTER_SECONDS", CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 60
)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 30)
# The sweeps, every minute (also `manage.py relay_outbox` from cron where beat does not run).
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "outbox.tasks.outbox_relay_task", "schedule": 60.0},
    "reports-stuck-sweep": {"task": "reporting.tasks.reports_stuck_sweep_task", "schedule": 60.0},
    "tasklist-uploads-stuck-sweep": {
        "task": "tasks_registry.tasks.tasklist_uploads_stuck_sweep_task",
        "schedule": 60.0,
    },
}
# The nightly scan's schedule lives in the database, editable in the admin (定时任务).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Reminders (交办 -> 催办 -> 督办): how early a due-soon notice goes out, and how long after the
# overdue notice a still-overdue target is escalated to supervisors. Links in emails use SITE_URL.
REMINDER_DUE_SOON_DAYS = env_int("REMINDER_DUE_SOON_DAYS", 30)
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", 14)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")

# Shared cache: throttling counts must be shared by every web worker, so production points
# CACHE_URL at Redis; the embedded default keeps them in process memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("CACHE_URL"),
    }
    if env_str("CACHE_URL", "")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# REST API (/api/v1/). Tokens are issued by administrators in the admin (API 令牌), stored only
# as a SHA-512 digest (django-rest-knox), and expire after API_TOKEN_TTL_DAYS unless set otherwise.
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would create its (swapped-out, unused) token table anyway; without them
# no such table exists.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "AUTH_HEADER_PREFIX": "Token",
}
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 365)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.apis.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every API view declares who may do what (api.access.RoleAccess).
    "DEFAULT_PERMISSION_CLASSES": ["api.access.RoleAccess"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.StableOrdering",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    # The browsable API names its pages in Chinese (任务列表, 进展填报详情, 接口目录).
    "VIEW_NAME_FUNCTION": "api.schema.view_name",
    "PAGE_SIZE": 50,
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.exports.FormatNegotiation",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "api.exports.CSVRenderer",
        "api.exports.XLSXRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",  # DRF's, with nesting too deep for Python answered 400
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_THROTTLE_RATE", "1200/hour")},
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "ORDERING_PARAM": "ordering",
    "COERCE_DECIMAL_TO_STRING": False,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "职业教育政策任务跟踪 API",
    "DESCRIPTION": (
        "供督查室与各部门业务系统使用的接口（v1）。认证：请求头 `Authorization: Token <令牌>`，"
        "令牌由管理员在后台“API 令牌”中签发；浏览器中也可用登录会话。"
        "列表支持分页（page、page_size）、"
        "排序（ordering）、增量同步（updated_since）以及导出（format=csv 或 format=xlsx）。"
        '错误统一返回 {"error": {"status", "code", "message", "fields"}}。'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_generated_parameters",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # In-process jobs (the embedded default) would otherwise print a line per job into the
    # main job's summary; a worker logs its own progress.
    "loggers": {
        "celery.app.trace": {"level": env_str("CELERY_TRACE_LOG_LEVEL", "WARNING")},
        "kombu.connection": {"level": "ERROR"},
    },
}

# Audit trail (审计日志). Who signed in, changed, exported or downloaded what, from where.
# Kept AUDIT_RETENTION_DAYS (等保三级: at least 180; less stops `prune_audit`), pruned nightly.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
# How many reverse proxies of ours stand in front of gunicorn (README: nginx = 1). Only then is
# X-Forwarded-For believed, and only the entry our outermost proxy appended; 0 uses REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
