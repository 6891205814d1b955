"""URLs of the place calendar and the occupancy chart; in the "residential" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.calendar import views

urlpatterns: list[URLPattern] = [
    path("tyomuoto/<slug:slug>/kalenteri/", views.place_calendar, name="calendar"),
    path("tyomuoto/<slug:slug>/kayttoaste/", views.occupancy_chart, name="occupancy_chart"),
]
