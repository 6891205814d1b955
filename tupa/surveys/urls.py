"""Feedback and outcomes, mounted at /palaute/ (namespace "surveys"); the public answering pages
at /vastaa/ (namespace "answer"). No personal data in paths.

Each sub-domain's package lists its own patterns; this module puts them in one namespace. A new
sub-package adds its ``urls`` here.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from tupa.surveys.answering import urls as answering
from tupa.surveys.imports import urls as imports
from tupa.surveys.instruments import urls as instruments
from tupa.surveys.outcomes import urls as outcomes
from tupa.surveys.quality import urls as quality
from tupa.surveys.recorded import urls as recorded
from tupa.surveys.results import urls as results
from tupa.surveys.schedules import urls as schedules
from tupa.surveys.thl import urls as thl
from tupa.surveys.views import form_hub

app_name = "surveys"
urlpatterns: list[URLPattern | URLResolver] = [
    *instruments.urlpatterns,  # the front page, questionnaires and their versions
    *answering.urlpatterns,  # an invitation's link and letter, kiosks
    *quality.urlpatterns,
    *schedules.urlpatterns,  # schedules, due lists, invitations and reminders
    *results.urlpatterns,
    *imports.urlpatterns,
    *thl.urlpatterns,
    *recorded.urlpatterns,
    *outcomes.urlpatterns,
    # last: a form's feedback page, /palaute/<slug>/ (the fixed paths above win)
    path("<slug:slug>/", form_hub, name="form"),
]
