"""The open family house (anonymous counts, childcare, rentals), mounted at /perhetalo/ (namespace "dropin"). No personal data in paths."""

from django.urls import URLPattern, URLResolver

app_name = "dropin"
urlpatterns: list[URLPattern | URLResolver] = []
