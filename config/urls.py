from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from workbench.home import sign_in

admin.site.site_header = "职业教育政策任务跟踪"
admin.site.site_title = "政策任务跟踪"
admin.site.index_title = "任务、目标与进展"
admin.site.site_url = "/supervision/"  # the admin's “查看站点” opens the supervisors' view

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="workbench:home", permanent=False)),
    path("workbench/", include("workbench.urls")),
    # Signing in lands on the workbench (工作台) unless a page asked for another (?next=).
    path("admin/login/", sign_in, name="sign-in"),
    path("admin/", admin.site.urls),
    path("supervision/", include("attainment.urls")),
    # Two-step verification (两步验证): the code after the password, binding an authenticator.
    path("two-factor/", include("accounts.second_factor.urls")),
    # Uploaded files, only to those who may see their record; never a public /media/, in any
    # settings (config/files.py).
    path("files/", include("config.file_urls")),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs pages are for people in a browser: signed out, they go to the sign-in page first.
    # The split view serves its start-up script as a file (?script), so no inline script is
    # needed and the page works under the Content-Security-Policy.
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema"), login_url="admin:login"
        ),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        login_required(
            SpectacularRedocView.as_view(url_name="api-schema"), login_url="admin:login"
        ),
        name="api-redoc",
    ),
]

# Error pages in Chinese that link back to the workbench; under /api/ the API's JSON error shape
# (config/errors.py).
handler403 = "config.errors.forbidden"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
