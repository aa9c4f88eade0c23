from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

admin.site.site_header = "职业教育政策任务跟踪"
admin.site.site_title = "政策任务跟踪"
admin.site.index_title = "任务、目标与进展"
admin.site.site_url = "/supervision/"  # the admin's “查看站点” opens the supervisors' view

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("supervision/", include("attainment.urls")),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The docs pages are for people in a browser: signed out, they go to the sign-in page first.
    path(
        "api/docs/",
        login_required(
            SpectacularSwaggerView.as_view(url_name="api-schema"), login_url="admin:login"
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
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Under /api/ an unknown address or an unforeseen failure answers in the API's JSON error shape.
handler404 = "api.errors.api_not_found"
handler500 = "api.errors.api_server_error"
