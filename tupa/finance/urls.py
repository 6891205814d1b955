from django.urls import include, path

from . import views

app_name = "finance"
urlpatterns = [
    path("talousarvio/", views.budget, name="budget"),
    path("avustukset/", include("tupa.finance.grants.urls")),
    path("sopimukset/", include("tupa.finance.agreements.urls")),
]
