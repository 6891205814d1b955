"""URLs of other income and earmarked funds, in the "finance" namespace under /talous/tuotot/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.income import views

urlpatterns: list[URLPattern] = [
    path("", views.register, name="income_register"),
    path("vienti.csv", views.register_csv, name="income_register_csv"),
    path("uusi/", views.income_create, name="income_create"),
    path("<int:pk>/muokkaa/", views.income_edit, name="income_edit"),
    path("rahastot/uusi/", views.fund_create, name="fund_create"),
    path("rahastot/<int:pk>/", views.fund_detail, name="fund"),
    path("rahastot/<int:pk>/muokkaa/", views.fund_edit, name="fund_edit"),
    path("rahastot/<int:pk>/kaytto/", views.fund_use_create, name="fund_use_create"),
]
