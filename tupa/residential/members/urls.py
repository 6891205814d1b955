"""URLs of a stay's members (mother-and-baby homes); in the "residential" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.members import views

urlpatterns: list[URLPattern] = [
    path("jakso/<int:pk>/henkilot/", views.stay_members, name="stay_members"),
    path("jakso/<int:pk>/henkilot/lisaa/", views.member_add, name="member_add"),
    path(
        "jakso/<int:pk>/henkilot/<int:member_pk>/lahto/", views.member_depart, name="member_depart"
    ),
    path("jakso/<int:pk>/vauva/", views.baby_born, name="baby_born"),
]
