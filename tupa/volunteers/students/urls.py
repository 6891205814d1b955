"""URLs of students' placements; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.students import views

urlpatterns: list[URLPattern] = [
    path("opiskelijat/", views.student_list, name="student_list"),
    path("opiskelijat/uusi/", views.placement_create, name="placement_create"),
    path("opiskelijajakso/<int:pk>/muokkaa/", views.placement_edit, name="placement_edit"),
]
