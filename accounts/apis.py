"""API authentication: admin-issued tokens (django-rest-knox digests) with Chinese refusals."""

from __future__ import annotations

import binascii
import datetime
import logging
from hmac import compare_digest

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from audit.services import request_address

from .models import ApiToken

logger = logging.getLogger(__name__)

# Writing last_used_at on every request would turn each read into a write; once a minute is
# enough to tell an administrator whether a token is still in use.
_LAST_USED_EVERY = datetime.timedelta(minutes=1)


class TokenGuessesThrottled(exceptions.APIException):
    """429 with Retry-After (DRF adds it for any exception with ``wait``), saying why."""

    status_code = 429
    default_code = "throttled"

    def __init__(self, *, wait: int) -> None:
        self.wait = wait
        super().__init__(
            f"来自本地址的无效令牌过多，令牌认证已暂停，请在 {wait // 60} 分钟后重试"
            "（请检查是否完整复制了管理员签发的令牌）"
        )


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Token <令牌>``, checked against knox digests. Unlike knox's own class, an
    expired or revoked token is refused with a reason and kept on record rather than deleted."""

    keyword = b"token"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword:
            return None  # no token: session authentication may still apply
        # Guessing tokens is as throttled as guessing passwords: after API_TOKEN_FAILURE_LIMIT
        # refused tokens from one address in API_TOKEN_FAILURE_WINDOW_MINUTES, that address is
        # answered 429 without its token being looked at, until the window has passed.
        key = f"auth:failed-token:{request_address(request._request) or '-'}"
        window = settings.API_TOKEN_FAILURE_WINDOW_MINUTES * 60
        if _failures(key) >= settings.API_TOKEN_FAILURE_LIMIT:
            raise TokenGuessesThrottled(wait=window)
        try:
            if len(auth) != 2:
                raise exceptions.AuthenticationFailed("请求头格式应为：Authorization: Token <令牌>")
            return self.authenticate_credentials(auth[1])
        except exceptions.AuthenticationFailed:
            _failure_add(key, window)
            raise

    def authenticate_header(self, request) -> str:
        return "Token"

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("ascii")
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, ValueError, binascii.Error):
            raise exceptions.AuthenticationFailed(
                "令牌无效：请检查是否完整复制了管理员签发的令牌"
            ) from None
        for row in ApiToken.objects.filter(
            token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH]
        ).select_related("user", "user__department"):
            if not compare_digest(digest, row.digest):
                continue
            now = timezone.now()
            if row.revoked_at is not None:
                raise exceptions.AuthenticationFailed(
                    f"令牌已于 {timezone.localtime(row.revoked_at):%Y-%m-%d %H:%M} 吊销，"
                    "请联系管理员重新签发"
                )
            if row.expiry is not None and row.expiry <= now:
                raise exceptions.AuthenticationFailed(
                    f"令牌已于 {timezone.localtime(row.expiry):%Y-%m-%d %H:%M} 过期，"
                    "请联系管理员重新签发"
                )
            if not row.user.is_active:
                raise exceptions.AuthenticationFailed("令牌所属用户已停用")
            if row.last_used_at is None or now - row.last_used_at > _LAST_USED_EVERY:
                ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            return row.user, row
        raise exceptions.AuthenticationFailed("令牌无效：请检查是否完整复制了管理员签发的令牌")


def _failures(key: str) -> int:
    try:
        return int(cache.get(key, 0))
    except (RedisError, OSError):
        # The cache (Redis) unreachable: the token is still checked, only not counted.
        logger.warning("缓存不可用，暂不统计无效令牌次数（%s）", key)
        return 0


def _failure_add(key: str, window: int) -> None:
    try:
        cache.add(key, 0, timeout=window)  # the window starts at the first refusal
        cache.incr(key)
    except (RedisError, OSError, ValueError):  # ValueError: the key expired in between
        logger.warning("缓存不可用，暂不统计无效令牌次数（%s）", key)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the schema describes token authentication to client generators and the docs page."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "管理员在后台“API 令牌”中签发的令牌，格式：Token <令牌>",
        }
