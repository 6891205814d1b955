"""URLs of experience experts and their consents; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.experts import views

urlpatterns: list[URLPattern] = [
    path("kokemusasiantuntijat/", views.expert_list, name="expert_list"),
    path("<int:pk>/kokemusasiantuntija/", views.consent_add, name="expert_consent_add"),
    path(
        "kokemusasiantuntija/<int:pk>/peru/", views.consent_withdraw, name="expert_consent_withdraw"
    ),
]
