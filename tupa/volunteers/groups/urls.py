"""URLs of volunteer groups, members, meetings and attendance; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.groups import views

urlpatterns: list[URLPattern] = [
    path("ryhmat/", views.group_list, name="group_list"),
    path("ryhmat/uusi/", views.group_create, name="group_create"),
    path("ryhma/<int:pk>/", views.group_detail, name="group_detail"),
    path("ryhma/<int:pk>/muokkaa/", views.group_edit, name="group_edit"),
    path("ryhma/<int:pk>/jasen/", views.member_add, name="group_member_add"),
    path("ryhma/<int:pk>/tapaaminen/", views.meeting_add, name="group_meeting_add"),
    path("jasenyys/<int:pk>/paata/", views.member_end, name="group_member_end"),
    path("tapaaminen/<int:pk>/lasnaolo/", views.attendance, name="group_attendance"),
]
