from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from .services import audit_retention_days


@register()
def audit_retention_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A retention below the level's minimum stops runserver, migrate and check --deploy."""
    try:
        audit_retention_days()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="audit.E001")]
    return []
