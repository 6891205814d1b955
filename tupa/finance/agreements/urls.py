"""Purchase-service agreement URLs, in the "finance" namespace under /talous/sopimukset/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.agreements import views

urlpatterns: list[URLPattern] = [
    path("", views.agreement_list, name="agreements"),
    path("uusi/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/", views.agreement_detail, name="agreement"),
    path("<int:pk>/muokkaa/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/hinta/", views.agreement_price, name="agreement_price"),
]
