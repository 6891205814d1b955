"""The annual plan's pages, mounted at /suunnitelma/ (namespace "planning", ADR 0030). No
personal data in paths: the year and goal ids only."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "planning"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year_plan, name="year"),
    path("<int:year>/uusi/", views.add, name="add"),
    path("<int:year>/kopioi/", views.carry_over, name="carry_over"),
    path("tavoite/<int:pk>/muokkaa/", views.edit, name="edit"),
    path("tavoite/<int:pk>/arvio/", views.assess, name="assess"),
    path("tavoite/<int:pk>/poista/", views.remove, name="remove"),
]
