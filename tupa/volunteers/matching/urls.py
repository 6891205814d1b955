"""URLs of Mieskaveri matching and the family links; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.matching import views

urlpatterns: list[URLPattern] = [
    path("kaveritoiminta/", views.cases, name="cases"),
    path("kaveritoiminta/uusi/<int:episode_pk>/", views.case_create, name="case_create"),
    path("kaveritoiminta/<int:pk>/", views.case_detail, name="case_detail"),
    path("kaveritoiminta/<int:pk>/alkutapaaminen/", views.case_intake, name="case_intake"),
    path("kaveritoiminta/<int:pk>/tila/", views.case_status, name="case_status"),
    path("kaveritoiminta/<int:pk>/yhdista/", views.case_match, name="case_match"),
    path("kaveritoiminta/<int:pk>/viesti/", views.match_note, name="match_note"),
    path("kaveritoiminta/<int:pk>/tekeminen/", views.activity_add, name="activity_add"),
    path("kaveritoiminta/<int:pk>/seuranta/", views.follow_up_add, name="follow_up_add"),
    path("kaveritoiminta/<int:pk>/paata/", views.case_end, name="case_end"),
    path("perhelinkki/uusi/<int:episode_pk>/", views.family_link_add, name="family_link_add"),
    path("perhelinkki/<int:pk>/", views.family_link_edit, name="family_link_edit"),
]
