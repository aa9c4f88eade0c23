"""Where uploaded files are downloaded from (never /media/): see config/files.py."""

from django.urls import path

from reporting.downloads import report_download
from tasks_registry.downloads import evidence_download, tasklist_upload_download

app_name = "files"

urlpatterns = [
    path("evidence/<int:pk>/", evidence_download, name="evidence"),
    path("tasklists/<int:pk>/", tasklist_upload_download, name="tasklist-upload"),
    path("reports/<int:pk>/", report_download, name="report"),
]
