"""URLs of the register, a volunteer's page, tasks and status, a form's roster and its
responsible person; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.register import views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("uusi/", views.volunteer_create, name="create"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/muokkaa/", views.volunteer_edit, name="edit"),
    path("<int:pk>/tehtava/", views.assignment_add, name="assignment_add"),
    path("<int:pk>/tila/", views.status_change, name="status_change"),
    path("tehtava/<int:pk>/paata/", views.assignment_end, name="assignment_end"),
    path("tyomuoto/<slug:slug>/", views.roster, name="roster"),
    path("tyomuoto/<slug:slug>/vastuuhenkilo/", views.responsible_set, name="responsible"),
]
