"""URLs of payment commitments, billing and stay members; in the "residential" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import commitment_views, member_views

ensikoti_urlpatterns: list[URLPattern] = [
    path(
        "asiakkuus/<int:episode_pk>/maksusitoumukset/",
        commitment_views.commitment_list,
        name="commitments",
    ),
    path(
        "asiakkuus/<int:episode_pk>/maksusitoumukset/uusi/",
        commitment_views.commitment_add,
        name="commitment_add",
    ),
    path(
        "maksusitoumus/<int:pk>/korjaa/",
        commitment_views.commitment_correct,
        name="commitment_correct",
    ),
    path(
        "maksusitoumus/<int:pk>/peru/", commitment_views.commitment_cancel, name="commitment_cancel"
    ),
    path("tyomuoto/<slug:slug>/laskutus/", commitment_views.billing, name="billing"),
    path("tyomuoto/<slug:slug>/laskutus/csv/", commitment_views.billing_csv, name="billing_csv"),
    path("jakso/<int:pk>/henkilot/", member_views.stay_members, name="stay_members"),
    path("jakso/<int:pk>/henkilot/lisaa/", member_views.member_add, name="member_add"),
    path(
        "jakso/<int:pk>/henkilot/<int:member_pk>/lahto/",
        member_views.member_depart,
        name="member_depart",
    ),
    path("jakso/<int:pk>/vauva/", member_views.baby_born, name="baby_born"),
]
