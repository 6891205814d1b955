"""URLs of the mailing list and the consent to be contacted; in the "volunteers" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.volunteers.mailing import views

urlpatterns: list[URLPattern] = [
    path("postituslista/", views.mailing_list, name="mailing_list"),
    path("postituslista/csv/", views.mailing_export, name="mailing_export"),
    path("<int:pk>/yhteydenottolupa/", views.consent_give, name="contact_consent_give"),
    path(
        "yhteydenottolupa/<int:pk>/peru/", views.consent_withdraw, name="contact_consent_withdraw"
    ),
]
