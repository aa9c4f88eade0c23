from typing import Any

from django.conf import settings
from django.core.checks import Error


def otp_required_roles_check(**kwargs: Any) -> list[Error]:
    """A misspelt role in OTP_REQUIRED_ROLES would silently leave that role without a second
    factor: fail `manage.py check` (and migrate, runserver) instead."""
    from .selectors import ROLE_NAMES

    unknown = sorted(set(settings.OTP_REQUIRED_ROLES) - ROLE_NAMES)
    if not unknown:
        return []
    return [
        Error(
            f"OTP_REQUIRED_ROLES 中有未知的角色：{', '.join(unknown)}",
            hint=f"可用的值：{', '.join(sorted(ROLE_NAMES))}（以逗号分隔）",
            id="accounts.E001",
        )
    ]
