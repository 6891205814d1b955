"""The dashboard and the health check.

The namespace stays ``core`` (``core:dashboard``, ``core:health``): URL names are a contract of
every template and redirect, and predate the home app. The health view itself is core's.
"""

from django.urls import path

from tupa.core import views as core_views

from . import views

app_name = "core"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("terveys/", core_views.health, name="health"),
]
