"""URLs of THL's shelter return; in the "residential" namespace under /asuminen/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.thl import views

urlpatterns: list[URLPattern] = [
    path("asiakkuus/<int:episode_pk>/thl/", views.thl_episode, name="thl_episode"),
    path(
        "jakso/<int:pk>/vuodenvaihde/<int:year>/",
        views.thl_confirm_year_end,
        name="thl_confirm_year_end",
    ),
    path("tyomuoto/<slug:slug>/thl/", views.thl_summary_default, name="thl_summary_default"),
    path("tyomuoto/<slug:slug>/thl/<int:year>/", views.thl_summary, name="thl_summary"),
    path("tyomuoto/<slug:slug>/thl/<int:year>/csv/", views.thl_summary_csv, name="thl_summary_csv"),
    path(
        "tyomuoto/<slug:slug>/thl/<int:year>/vuodenvaihde/",
        views.thl_year_end,
        name="thl_year_end",
    ),
]
