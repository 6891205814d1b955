"""URLs of the activity log; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.hours import views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/toiminta/", views.hours_add, name="hours_add"),
    path("toiminta/<int:pk>/muokkaa/", views.hours_edit, name="hours_edit"),
    path("toiminta/<int:pk>/poista/", views.hours_delete, name="hours_delete"),
]
