"""URLs of the budget against actuals, in the "finance" namespace under /talous/toteuma/."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.finance.actuals import views

urlpatterns: list[URLPattern] = [
    path("", views.index, name="actuals_index"),
    path("<int:year>/", views.board, name="actuals_board"),
    path("<int:year>/vienti.csv", views.board_csv, name="actuals_board_csv"),
    path("<int:year>/vienti.xlsx", views.board_xlsx, name="actuals_board_xlsx"),
    path("<int:year>/talousarvio/", views.budget_items, name="budget_items"),
    path("<int:year>/talousarvio/uusi/", views.budget_item_create, name="budget_item_create"),
    path("<int:year>/talousarvio/<int:pk>/", views.budget_item_edit, name="budget_item_edit"),
    path(
        "<int:year>/talousarvio/<int:pk>/poista/",
        views.budget_item_delete,
        name="budget_item_delete",
    ),
    path("tuonti/", views.actuals_import, name="actuals_import"),
    path("tuonti/vahvista/", views.actuals_import_confirm, name="actuals_import_confirm"),
    path("tilit/", views.account_ranges, name="account_ranges"),
    path("tilit/<int:pk>/poista/", views.account_range_delete, name="account_range_delete"),
]
