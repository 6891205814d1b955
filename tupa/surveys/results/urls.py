"""URLs of the results pages and exports; in the "surveys" namespace (mounted at /palaute/)."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.results import views

urlpatterns: list[URLPattern] = [
    path("tulokset/", views.index, name="results_index"),
    path("kysely/<int:pk>/tulokset/", views.results, name="results"),
    path("kysely/<int:pk>/tulokset/vastaukset.csv", views.answers_csv, name="results_answers_csv"),
    path(
        "kysely/<int:pk>/tulokset/vastaukset.xlsx",
        views.answers_xlsx,
        name="results_answers_xlsx",
    ),
    path("kysely/<int:pk>/tulokset/yhteenveto.csv", views.summary_csv, name="results_summary_csv"),
]
