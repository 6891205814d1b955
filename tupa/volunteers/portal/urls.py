"""The coordinator's portal page of a volunteer; in the "volunteers" namespace. (The portal
itself is :mod:`tupa.volunteers.portal.own_urls`, at /vapaaehtoinen/.)"""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.portal import manage_views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/oma-tunnus/", manage_views.portal_manage, name="portal_manage"),
]
