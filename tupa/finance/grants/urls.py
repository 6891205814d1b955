"""Grants register URLs, in the "finance" namespace under /talous/avustukset/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.grants import views

urlpatterns: list[URLPattern] = [
    path("", views.register, name="grants"),
    path("maaraajat/", views.deadlines, name="grant_deadlines"),
    path("uusi/", views.grant_create, name="grant_create"),
    path("<int:pk>/", views.grant_detail, name="grant"),
    path("<int:pk>/muokkaa/", views.grant_edit, name="grant_edit"),
    path("<int:pk>/paatos/", views.grant_decide, name="grant_decide"),
    path("<int:pk>/maaraajat/uusi/", views.deadline_add, name="grant_deadline_add"),
    path("maaraajat/<int:pk>/tehty/", views.deadline_done, name="grant_deadline_done"),
]
