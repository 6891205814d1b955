"""URLs of tupa.finance.payments, in the "finance" namespace under /talous/suoritukset/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.payments import views

urlpatterns: list[URLPattern] = [
    path("", views.payments, name="payments"),
    path("tuonti/", views.import_upload, name="payment_import"),
    path("tuonti/tarkistus/", views.import_review, name="payment_import_review"),
    path("kohdistamattomat/", views.unmatched, name="payments_unmatched"),
    path("<int:pk>/kohdista/", views.payment_match, name="payment_match"),
    path("uusi/", views.payment_create, name="payment_create"),
]
