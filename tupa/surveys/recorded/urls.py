"""Staff-recorded feedback URLs, in the "surveys" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.recorded import views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/kirjaa/", views.record_new, name="record_new"),
    path("<slug:slug>/palautteet/", views.feedback, name="feedback"),
]
