"""URLs of the 24 h line; included in the "residential" namespace under /asuminen/."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import line_views

line_urlpatterns: list[URLPattern] = [
    path("tyomuoto/<slug:slug>/linja/uusi/", line_views.line_entry, name="line_entry"),
    path("tyomuoto/<slug:slug>/linja/", line_views.line_stats, name="line_stats"),
]
