"""URLs of the answer import; in the "surveys" namespace (mounted at /palaute/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.imports import views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/tuonti/", views.import_new, name="import_new"),
    path("<slug:slug>/tuonti/sarakkeet/", views.import_mapping, name="import_mapping"),
]
