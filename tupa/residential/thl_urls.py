"""URLs of THL's shelter return; included in the "residential" namespace under /asuminen/."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import thl_views

thl_urlpatterns: list[URLPattern] = [
    path("asiakkuus/<int:episode_pk>/thl/", thl_views.thl_episode, name="thl_episode"),
    path(
        "jakso/<int:pk>/vuodenvaihde/<int:year>/",
        thl_views.thl_confirm_year_end,
        name="thl_confirm_year_end",
    ),
    path("tyomuoto/<slug:slug>/thl/", thl_views.thl_summary_default, name="thl_summary_default"),
    path("tyomuoto/<slug:slug>/thl/<int:year>/", thl_views.thl_summary, name="thl_summary"),
    path(
        "tyomuoto/<slug:slug>/thl/<int:year>/csv/",
        thl_views.thl_summary_csv,
        name="thl_summary_csv",
    ),
]
