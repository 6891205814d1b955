"""URLs of the interview, the record checks and the re-checks due; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.screening import views

urlpatterns: list[URLPattern] = [
    path("tarkistukset/", views.rechecks, name="rechecks"),
    path("<int:pk>/seulonta/", views.screening_edit, name="screening"),
    path("<int:pk>/rikostausta/", views.record_check_add, name="record_check"),
]
