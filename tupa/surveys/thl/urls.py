"""THL URLs, in the "surveys" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.thl import views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/thl/", views.summaries, name="thl_summaries"),
    path("<slug:slug>/thl/<int:pk>/", views.summary_download, name="thl_summary_download"),
    path("asiakkuus/<int:episode_pk>/thl-linkki/", views.form_given, name="thl_form_given"),
]
