"""URLs of the place calendar and the occupancy chart; included in the "residential" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import calendar_views

calendar_urlpatterns: list[URLPattern] = [
    path("tyomuoto/<slug:slug>/kalenteri/", calendar_views.place_calendar, name="calendar"),
    path(
        "tyomuoto/<slug:slug>/kayttoaste/", calendar_views.occupancy_chart, name="occupancy_chart"
    ),
]
