"""URLs of the 24 h line; in the "residential" namespace under /asuminen/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.line import views

urlpatterns: list[URLPattern] = [
    path("tyomuoto/<slug:slug>/linja/uusi/", views.line_entry, name="line_entry"),
    path("tyomuoto/<slug:slug>/linja/", views.line_stats, name="line_stats"),
]
