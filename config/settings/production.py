"""Production: no defaults for secrets. A missing value stops start-up with a clear message."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
# Django's own deploy check (security.W009) asks for 50 characters, 5 of them different.
if (
    SECRET_KEY.startswith(("insecure", "django-insecure"))
    or len(set(SECRET_KEY)) < 5
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY 太短或为默认值：生产环境需要至少 50 个字符的随机密钥"
        '（可用 python -c "import secrets; print(secrets.token_urlsafe(50))" 生成）'
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS 为空：生产环境必须列出允许的主机名")
DEBUG = False

# HTTPS. TLS ends at the reverse proxy in front (README: nginx), which must set
# X-Forwarded-Proto to the scheme the browser used, overwriting whatever the client sent: Django
# then knows a request came over HTTPS, redirects plain http to https, and sends HSTS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31_536_000)  # a year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload flag only allows a browser-vendor list to include the site; nothing is submitted.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Static files: `manage.py collectstatic` (the Dockerfile runs it) writes them with hashed names
# and compressed copies to STATIC_ROOT; WhiteNoise (MIDDLEWARE) serves them with long caching.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The demo accounts' password is published in the README, and one of them is a superuser.
DEMO_ACCOUNTS_ALLOWED = False
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
SITE_URL = env_str("SITE_URL")  # links in reminder emails must point at the real service
# 等保 level 3: supervisors and system administrators sign in with a second factor; the
# environment may add roles but not remove these two.
if not {"supervisor", "superuser"} <= set(OTP_REQUIRED_ROLES):  # noqa: F405
    raise ImproperlyConfigured(
        "OTP_REQUIRED_ROLES 必须包含 supervisor 和 superuser：生产环境中督导人员和系统管理员"
        "必须使用两步验证"
    )
