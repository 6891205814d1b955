"""The access log, the change history and the security events, under ``/lokit/`` (``audit``).

The DPO's anomaly pages join the namespace from :mod:`tupa.dataprotection.audit_urls`
(composed in ``config/urls.py``).
"""

from django.urls import path

from . import security_views, views

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
]
