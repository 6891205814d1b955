from django.urls import path

from . import anomaly_views, security_views, views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="access_log"),
    path("vienti/", views.access_log_export, name="access_log_export"),
    path("muutokset/", views.changes, name="changes"),
    path("turvallisuus/", security_views.security_events, name="security_events"),
    path(
        "turvallisuus/vienti/",
        security_views.security_events_export,
        name="security_events_export",
    ),
    path("poikkeamat/", anomaly_views.anomaly_list, name="anomalies"),
    path("poikkeamat/kasittely/", anomaly_views.anomaly_review, name="anomaly_review"),
]
