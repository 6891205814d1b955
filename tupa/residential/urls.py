"""Residential URLs, mounted at /asuminen/ (namespace "residential"). No personal data in paths.

Each feature sub-package lists its own patterns; this module puts them in one namespace.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from tupa.residential.calendar import urls as calendar
from tupa.residential.commitments import urls as commitments
from tupa.residential.line import urls as line
from tupa.residential.members import urls as members
from tupa.residential.shiftlog import urls as shiftlog
from tupa.residential.stays import urls as stays
from tupa.residential.thl import urls as thl
from tupa.residential.turnaways import urls as turnaways

app_name = "residential"
urlpatterns: list[URLPattern | URLResolver] = [
    *stays.urlpatterns,  # occupancy, admission, move, discharge
    *line.urlpatterns,  # the 24 h phone and chat line
    *calendar.urlpatterns,  # the place calendar and chart
    *turnaways.urlpatterns,  # turn-aways
    *shiftlog.urlpatterns,  # the shift log
    *thl.urlpatterns,  # THL's shelter data and year summary
    *commitments.urlpatterns,  # payment commitments and billing
    *members.urlpatterns,  # stay members (mother-and-baby homes)
]
