from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "职业教育政策任务跟踪"
admin.site.site_title = "政策任务跟踪"
admin.site.index_title = "任务、目标与进展"
admin.site.site_url = "/supervision/"  # the admin's “查看站点” opens the supervisors' view

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("supervision/", include("attainment.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
