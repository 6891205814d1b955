"""URLs of payment commitments and billing; in the "residential" namespace under /asuminen/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.residential.commitments import views

urlpatterns: list[URLPattern] = [
    path("asiakkuus/<int:episode_pk>/maksusitoumukset/", views.commitment_list, name="commitments"),
    path(
        "asiakkuus/<int:episode_pk>/maksusitoumukset/uusi/",
        views.commitment_add,
        name="commitment_add",
    ),
    path("maksusitoumus/<int:pk>/korjaa/", views.commitment_correct, name="commitment_correct"),
    path("maksusitoumus/<int:pk>/peru/", views.commitment_cancel, name="commitment_cancel"),
    path("tyomuoto/<slug:slug>/laskutus/", views.billing, name="billing"),
    path("tyomuoto/<slug:slug>/laskutus/csv/", views.billing_csv, name="billing_csv"),
]
