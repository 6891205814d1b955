"""URLs of the feedback front page and the questionnaire builder; in the "surveys" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.instruments import views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("kyselyt/uusi/", views.questionnaire_new, name="questionnaire_new"),
    path("kysely/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("kysely/<int:pk>/nimi/", views.questionnaire_rename, name="questionnaire_rename"),
    path("kysely/<int:pk>/arkisto/", views.questionnaire_archive, name="questionnaire_archive"),
    path("kysely/<int:pk>/uusi-versio/", views.version_new, name="version_new"),
    path("versio/<int:pk>/", views.version_edit, name="version_edit"),
    path("versio/<int:pk>/esikatselu/", views.version_preview, name="version_preview"),
    path("versio/<int:pk>/tekstit/", views.version_texts, name="version_texts"),
    path("versio/<int:pk>/julkaise/", views.version_publish, name="version_publish"),
    path("versio/<int:pk>/hylkaa/", views.version_discard, name="version_discard"),
    path("versio/<int:pk>/osio/", views.section_add, name="section_add"),
    path("versio/<int:pk>/kysymys/", views.item_add, name="item_add"),
    path("osio/<int:pk>/", views.section_edit, name="section_edit"),
    path("osio/<int:pk>/poista/", views.section_delete, name="section_delete"),
    path("osio/<int:pk>/siirra/", views.section_move, name="section_move"),
    path("kysymys/<int:pk>/", views.item_edit, name="item_edit"),
    path("kysymys/<int:pk>/poista/", views.item_delete, name="item_delete"),
    path("kysymys/<int:pk>/siirra/", views.item_move, name="item_move"),
    path("kysymys/<int:pk>/vaihtoehto/", views.choice_add, name="choice_add"),
    path("vaihtoehto/<int:pk>/", views.choice_edit, name="choice_edit"),
    path("vaihtoehto/<int:pk>/poista/", views.choice_delete, name="choice_delete"),
    path("vaihtoehto/<int:pk>/siirra/", views.choice_move, name="choice_move"),
]
