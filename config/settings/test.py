"""Test settings: fast hashing, locmem e-mail, in-process Celery unless a test starts a worker."""

from pathlib import Path

from config.env import env_str

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "test-media")))  # noqa: F405
# Ordinary tests run jobs in-process; the integration tests switch this off and start a worker.
CELERY_TASK_ALWAYS_EAGER = True
# Two-step verification is required of no role here, so force_login and the admin sign-in in the
# rest of the suite work as before; tests/security/test_second_factor.py switches it on.
OTP_REQUIRED_ROLES = []
