"""The public accessibility statement (``/saavutettavuus/``), linked from every page's footer."""

from django.urls import path

from . import accessibility

app_name = "accessibility"
urlpatterns = [
    path("", accessibility.statement, name="statement"),
    path("<slug:organisation>/", accessibility.statement, name="statement_for"),
]
