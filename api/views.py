"""The one base every list endpoint uses: read access for all roles, exports of the whole
filtered list, and a file name for downloads."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from django.utils import timezone
from rest_framework import viewsets

from .access import READERS
from .exports import EXPORT_FORMATS


class ApiViewSet(viewsets.GenericViewSet):
    """``access`` says which roles may call each action (api.access.RoleAccess); anything not
    listed is refused. ``export_name`` names the CSV/XLSX download."""

    access: ClassVar[dict[str, frozenset[str]]] = {"list": READERS, "retrieve": READERS}
    lookup_value_regex = (
        "[0-9]+"  # ids only: /tasks/abc/ is an unknown address (404), not a server error
    )
    export_name = "数据"

    def paginate_queryset(self, queryset):
        # An export is the whole filtered list, not one page of it.
        if (
            getattr(self.request, "accepted_renderer", None) is not None
            and self.request.accepted_renderer.format in EXPORT_FORMATS
        ):
            return None
        return super().paginate_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(request, "accepted_renderer", None)
        if (
            renderer is not None
            and renderer.format in EXPORT_FORMATS
            and response.status_code < 400
        ):
            name = f"{self.export_name}-{timezone.localdate():%Y%m%d}.{renderer.format}"
            response["Content-Disposition"] = (
                f"attachment; filename=\"export.{renderer.format}\"; filename*=UTF-8''{quote(name)}"
            )
        return response
