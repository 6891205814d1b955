"""URLs of courses, sessions, participants, attendance and completion; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.training import views

urlpatterns: list[URLPattern] = [
    path("koulutukset/", views.course_list, name="course_list"),
    path("koulutukset/uusi/", views.course_create, name="course_create"),
    path("koulutus/<int:pk>/", views.course_detail, name="course_detail"),
    path("koulutus/<int:pk>/kerta/", views.session_add, name="session_add"),
    path("koulutus/<int:pk>/osallistuja/", views.participant_add, name="participant_add"),
    path("koulutuskerta/<int:pk>/lasnaolo/", views.attendance, name="attendance"),
    path("osallistuja/<int:pk>/suoritus/", views.completion, name="completion"),
]
