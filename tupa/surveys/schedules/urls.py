"""URLs of schedules, due lists and invitations; in the "surveys" namespace (/palaute/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.schedules import views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/aikataulut/", views.schedule_list, name="schedules"),
    path("<slug:slug>/aikataulut/uusi/", views.schedule_create, name="schedule_create"),
    path("aikataulut/<int:pk>/muokkaa/", views.schedule_edit, name="schedule_edit"),
    path("aikataulut/<int:pk>/kaytto/", views.schedule_active, name="schedule_active"),
    path("<slug:slug>/eraantyneet/", views.due, name="due"),
    path("<slug:slug>/kutsut/", views.invitation_list, name="invitations"),
    path("<slug:slug>/kutsut/uusi/", views.invitation_create, name="invitation_create"),
    path("kutsut/<int:pk>/peru/", views.invitation_cancel, name="invitation_cancel"),
    path("kutsut/<int:pk>/muistutettu/", views.invitation_remind, name="invitation_remind"),
]
