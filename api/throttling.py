import logging

from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class TokenRateThrottle(SimpleRateThrottle):
    """A request budget per token (API_THROTTLE_RATE), so one runaway sync job cannot starve the
    others even when two tokens belong to the same user; per user for browser sessions, per
    address for anonymous calls. Over budget: 429 with Retry-After."""

    scope = "token"

    def get_rate(self):
        # Read at each request, not frozen at import as DRF's default is, so that a changed
        # setting (and a test's override) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        # The counts live in the shared cache (Redis in production). When it is unreachable the
        # request is let through with a log line: reads must keep working while Redis is down,
        # and an unthrottled minute costs less than every API call answering 500.
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as exc:
            logger.warning("API throttle not applied, its cache is unreachable: %s", exc)
            return True

    def get_cache_key(self, request, view):
        if request.auth is not None and hasattr(request.auth, "token_key"):
            ident = f"token:{request.auth.pk[:32]}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
