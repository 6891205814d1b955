"""Group programmes, sessions and attendance, mounted at /ryhmat/ (namespace "programmes"). No personal data in paths."""

from django.urls import URLPattern, URLResolver

app_name = "programmes"
urlpatterns: list[URLPattern | URLResolver] = []
