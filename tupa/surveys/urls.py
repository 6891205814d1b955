"""Feedback and outcomes, mounted at /palaute/ (namespace "surveys"); the public answering pages
at /vastaa/ (namespace "answer"). No personal data in paths.

Each sub-domain's package lists its own patterns; this module puts them in one namespace. A new
sub-package adds its ``urls`` here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "surveys"
urlpatterns: list[URLPattern | URLResolver] = []
