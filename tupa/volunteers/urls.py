"""Volunteers, mounted at /vapaaehtoiset/ (namespace "volunteers"). No personal data in paths.

Each sub-domain's package lists its own patterns; this module puts them in one namespace. A new
sub-package adds its ``urls`` here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from tupa.volunteers.experts import urls as experts
from tupa.volunteers.groups import urls as groups
from tupa.volunteers.hours import urls as hours
from tupa.volunteers.mailing import urls as mailing
from tupa.volunteers.matching import urls as matching
from tupa.volunteers.portal import urls as portal
from tupa.volunteers.register import urls as register
from tupa.volunteers.screening import urls as screening
from tupa.volunteers.students import urls as students
from tupa.volunteers.training import urls as training

app_name = "volunteers"
urlpatterns: list[URLPattern | URLResolver] = [
    *register.urlpatterns,  # the register, a volunteer's page, tasks, status, roster
    *screening.urlpatterns,  # interview, record checks, re-checks due
    *hours.urlpatterns,  # the activity log
    *matching.urlpatterns,  # Mieskaveri matching and family links
    *training.urlpatterns,  # courses
    *groups.urlpatterns,  # groups, meetings and attendance; the experts' networks
    *experts.urlpatterns,  # experience experts' consents
    *students.urlpatterns,  # students' placements
    *mailing.urlpatterns,  # the mailing list and the consent to be contacted
    *portal.urlpatterns,  # a volunteer's own portal login (the portal: portal/own_urls.py)
]
