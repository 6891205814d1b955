from django.urls import include, path

from . import views

app_name = "finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("laskutustiedot/", views.invoicing_profile, name="invoicing_profile"),
    path("talousarvio/", views.budget, name="budget"),
    path("avustukset/", include("tupa.finance.grants.urls")),
    path("sopimukset/", include("tupa.finance.agreements.urls")),
    path("laskutus/", include("tupa.finance.invoicing.urls")),
    path("laskutus/", include("tupa.finance.documents.urls")),
    path("suoritukset/", include("tupa.finance.payments.urls")),
    path("kirjanpito/", include("tupa.finance.journal.urls")),
    path("toteuma/", include("tupa.finance.actuals.urls")),
    path("tuotot/", include("tupa.finance.income.urls")),
]
