"""URLs of tupa.finance.documents, in the "finance" namespace under /talous/laskutus/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.documents import views

urlpatterns: list[URLPattern] = [
    path("laskut/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("laskut/<int:pk>/finvoice/", views.invoice_finvoice, name="invoice_finvoice"),
    path("ajot/<int:pk>/finvoice/", views.run_finvoice, name="run_finvoice"),
]
