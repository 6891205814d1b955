"""Supervised meetings (Tapaamispaikka), mounted at /tapaamiset/ (namespace "visitation"). No personal data in paths."""

from django.urls import URLPattern, URLResolver

app_name = "visitation"
urlpatterns: list[URLPattern | URLResolver] = []
