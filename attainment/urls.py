from django.urls import path

from . import views

app_name = "attainment"

urlpatterns = [
    path("", views.attainment_list, name="list"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("departments/", views.department_summary, name="departments"),
]
