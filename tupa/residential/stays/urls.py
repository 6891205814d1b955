"""URLs of admission, moves, discharge and the occupancy page; in the "residential" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.stays import views

urlpatterns: list[URLPattern] = [
    path("tyomuoto/<slug:slug>/", views.occupancy, name="occupancy"),
    path("asiakkuus/<int:episode_pk>/tulo/", views.admit, name="admit"),
    path("jakso/<int:pk>/lahto/", views.discharge, name="discharge"),
    path("jakso/<int:pk>/siirto/", views.move, name="move"),
]
