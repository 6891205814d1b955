"""URLs of tupa.finance.journal, in the "finance" namespace under /talous/kirjanpito/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.journal import views

urlpatterns: list[URLPattern] = [
    path("", views.journal_export, name="journal"),
]
