"""The public answering pages, mounted at /vastaa/ (namespace "answer"). No login: the token is the
whole authority, and the pages reveal nothing of the service or the person."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tupa.surveys.answering import views

app_name = "answer"
urlpatterns: list[URLPattern | URLResolver] = [
    path("kioski/<str:token>/", views.kiosk, name="kiosk"),
    path("<str:token>/", views.invitation, name="invitation"),
]
