"""Staff pages of answering without an account, in the ``surveys`` namespace: an invitation's
link and letter, a service form's kiosks."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.answering import issue_views, kiosk_views

urlpatterns: list[URLPattern] = [
    path("kutsut/<int:pk>/linkki/", issue_views.invitation_link, name="invitation_link"),
    path("kutsut/<int:pk>/kirje/", issue_views.invitation_letter, name="invitation_letter"),
    path("<slug:slug>/kioskit/", kiosk_views.kiosks, name="kiosks"),
    path(
        "kioski/<int:pk>/poista-kaytosta/",
        kiosk_views.kiosk_deactivate,
        name="kiosk_deactivate",
    ),
    path("kioski/<int:pk>/uusi-linkki/", kiosk_views.kiosk_relink, name="kiosk_relink"),
]
