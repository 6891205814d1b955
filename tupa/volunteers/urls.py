"""Volunteers, mounted at /vapaaehtoiset/ (namespace "volunteers"). No personal data in paths.

Each sub-domain's package lists its own patterns; this module puts them in one namespace. A new
sub-package adds its ``urls`` here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from tupa.volunteers.hours import urls as hours
from tupa.volunteers.matching import urls as matching
from tupa.volunteers.register import urls as register
from tupa.volunteers.screening import urls as screening
from tupa.volunteers.training import urls as training

app_name = "volunteers"
urlpatterns: list[URLPattern | URLResolver] = [
    *register.urlpatterns,  # the register, a volunteer's page, tasks, status, roster
    *screening.urlpatterns,  # interview, record checks, re-checks due
    *hours.urlpatterns,  # the activity log
    *matching.urlpatterns,  # Mieskaveri matching and family links
    *training.urlpatterns,  # courses
]
