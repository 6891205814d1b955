"""URLs of tupa.finance.invoicing, in the "finance" namespace under /talous/laskutus/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.invoicing import views

urlpatterns: list[URLPattern] = [
    path("", views.runs, name="invoicing"),
    path("ajot/uusi/", views.run_create, name="invoice_run_create"),
    path("ajot/<int:pk>/", views.run_detail, name="invoice_run"),
    path("ajot/<int:pk>/laheta/", views.run_send, name="invoice_run_send"),
    path("ajot/<int:pk>/peru/", views.run_cancel, name="invoice_run_cancel"),
    path("laskut/", views.invoices, name="invoices"),
    path("laskut/uusi/", views.invoice_create, name="invoice_create"),
    path("laskut/<int:pk>/", views.invoice_detail, name="invoice"),
    path("laskut/<int:pk>/laheta/", views.invoice_send, name="invoice_send"),
    path("laskut/<int:pk>/hylkaa/", views.invoice_discard, name="invoice_discard"),
    path("laskut/<int:pk>/rivi/", views.invoice_line_add, name="invoice_line_add"),
    path(
        "laskut/<int:pk>/rivit/<int:line_pk>/poista/",
        views.invoice_line_remove,
        name="invoice_line_remove",
    ),
    path("laskut/<int:pk>/hyvita/", views.invoice_credit, name="invoice_credit"),
    path("peruste/", views.basis_list, name="basis"),
    path("peruste/<slug:slug>/", views.basis_detail, name="basis_form"),
    path("peruste/<slug:slug>/peru/", views.basis_withdraw, name="basis_withdraw"),
]
