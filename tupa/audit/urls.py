from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("vienti/", views.access_log_export, name="access_log_export"),
    path("muutokset/", views.changes, name="changes"),
]
