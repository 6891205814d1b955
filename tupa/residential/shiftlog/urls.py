"""URLs of the shift log; in the "residential" namespace under /asuminen/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.shiftlog import views

urlpatterns: list[URLPattern] = [
    path("tyomuoto/<slug:slug>/vuororaportti/", views.shift_log, name="shift_log"),
    path(
        "tyomuoto/<slug:slug>/vuororaportti/uusi/", views.shift_note_write, name="shift_note_write"
    ),
    path("vuororaportti/<int:pk>/korjaa/", views.shift_note_correct, name="shift_note_correct"),
]
