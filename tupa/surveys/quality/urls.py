"""Quality self-evaluation URLs, in the "surveys" namespace."""

from __future__ import annotations

from django.urls import URLPattern, path

from tupa.surveys.quality import views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/laatu/", views.index, name="quality_index"),
    path("<slug:slug>/laatu/kriteeristot/", views.criteria_sets, name="quality_sets"),
    path("<slug:slug>/laatu/kriteeristot/<int:pk>/", views.criteria_set, name="quality_set"),
    path("<slug:slug>/laatu/kriteerit/<int:pk>/", views.criterion_edit, name="quality_criterion"),
    path("<slug:slug>/laatu/<int:pk>/", views.evaluation, name="quality_evaluation"),
    path(
        "<slug:slug>/laatu/<int:pk>/valmis/",
        views.evaluation_complete,
        name="quality_complete",
    ),
    path("<slug:slug>/laatu/<int:pk>/tuloste/", views.evaluation_print, name="quality_print"),
]
