"""URLs of turn-aways; in the "residential" namespace under /asuminen/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.turnaways import views

urlpatterns: list[URLPattern] = [
    path("tyomuoto/<slug:slug>/kaannytetyt/", views.turnaway_list, name="turnaway_list"),
    path("tyomuoto/<slug:slug>/kaannytetyt/uusi/", views.turnaway_entry, name="turnaway_entry"),
    path("tyomuoto/<slug:slug>/kaannytetyt/tilastot/", views.turnaway_stats, name="turnaway_stats"),
    path("kaannytetty/<int:pk>/korjaa/", views.turnaway_edit, name="turnaway_edit"),
    path("kaannytetty/<int:pk>/poista/", views.turnaway_delete, name="turnaway_delete"),
]
