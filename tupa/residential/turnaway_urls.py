"""URLs of turn-aways and the shift log; included in the "residential" namespace (/asuminen/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import shift_views, turnaway_views

turnaway_urlpatterns: list[URLPattern] = [
    path(
        "tyomuoto/<slug:slug>/kaannytetyt/",
        turnaway_views.turnaway_list,
        name="turnaway_list",
    ),
    path(
        "tyomuoto/<slug:slug>/kaannytetyt/uusi/",
        turnaway_views.turnaway_entry,
        name="turnaway_entry",
    ),
    path(
        "tyomuoto/<slug:slug>/kaannytetyt/tilastot/",
        turnaway_views.turnaway_stats,
        name="turnaway_stats",
    ),
    path("kaannytetty/<int:pk>/korjaa/", turnaway_views.turnaway_edit, name="turnaway_edit"),
    path("kaannytetty/<int:pk>/poista/", turnaway_views.turnaway_delete, name="turnaway_delete"),
    path("tyomuoto/<slug:slug>/vuororaportti/", shift_views.shift_log, name="shift_log"),
    path(
        "tyomuoto/<slug:slug>/vuororaportti/uusi/",
        shift_views.shift_note_write,
        name="shift_note_write",
    ),
    path(
        "vuororaportti/<int:pk>/korjaa/",
        shift_views.shift_note_correct,
        name="shift_note_correct",
    ),
]
