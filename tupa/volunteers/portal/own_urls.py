"""The volunteer portal, mounted at /vapaaehtoinen/ (namespace ``volunteer_portal``).

Only volunteer logins reach these URLs, and volunteer logins reach nothing else
(:mod:`tupa.access.volunteer_portal`). No personal data in paths.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.portal import views

app_name = "volunteer_portal"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("yhteystiedot/", views.contact_edit, name="contact"),
    path("toiminta/", views.hours, name="hours"),
    path("toiminta/uusi/", views.hours_add, name="hours_add"),
    path("toiminta/<int:pk>/korjaa/", views.hours_edit, name="hours_edit"),
    path("tili/", views.account, name="account"),
    path("aktivointi/<str:uidb64>/<str:token>/", views.activate, name="activate"),
]
