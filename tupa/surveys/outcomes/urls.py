"""The episode panel's actions, in the "surveys" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.outcomes import views

urlpatterns: list[URLPattern] = [
    path("asiakkuus/<int:episode_pk>/mittauslinkki/", views.send_link, name="outcome_send"),
]
