"""The anomaly findings of the access log, under ``/lokit/`` in the ``audit`` namespace.

No ``app_name``: joined to :mod:`tupa.audit.urls` in ``config/urls.py`` (``audit:anomalies``,
``audit:anomaly_review``), so the audit app below need not import this one.
"""

from django.urls import path

from .anomalies import views

urlpatterns = [
    path("poikkeamat/", views.anomaly_list, name="anomalies"),
    path("poikkeamat/kasittely/", views.anomaly_review, name="anomaly_review"),
]
