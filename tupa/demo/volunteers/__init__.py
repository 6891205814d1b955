"""Demo volunteers over the last year (issue 12, item 13).

About sixty fictional volunteers in the forms that have volunteers — Mieskaveritoiminta, Baby
blues (doulas, birth-support and breastfeeding-support volunteers), Ensikoti (and its father
work), Perhetupa, the childminders and peer co-leaders of Ero lapsiperheessä, Säröperheelle
tueksi and Turvakoti — in **every lifecycle state**, each reached step by step with realistic
dates: the interview and the power of attorney, the record check (the date, the extract's issue
date a few days to a few weeks earlier, who saw it and the result, nothing more) for those
working with children — two of them due or overdue for a re-check —, the courses (two
Mieskaveri basic trainings, one finished and one running, a doula course and a Perhetupa
orientation) with their sessions, attendance and completions, and the activity log with every
kind of occasion.

The Mieskaveri matching: ten mothers of the Mieskaveri form applied over the year (the families
are made here: the client demo has no Mieskaveri families); two matches ended successfully, one
did not, three are running, one family waits for a friend, one is after the intake (a boy under
four: the warning confirmed), one application has just arrived and one was withdrawn. Doulas
and a birth-support volunteer are linked to Baby blues families of the client demo.

Written through the services of :mod:`tupa.volunteers` (so every rule holds) as the coordinator
of each form: ``mieskaveri`` (Mieskaveri), ``babyblues`` (the doula work) and ``kava``
(organisation-wide, everything else). Deterministic (fixed seed, dates relative to today),
fictional (invented names, ``.invalid`` e-mail addresses, no phone numbers or street
addresses), and idempotent: nothing is done if the organisation already has Mieskaveri
volunteers. The volunteer groups, experience experts and students are
:mod:`tupa.demo.volunteer_groups`'s.
"""

from __future__ import annotations

from django.db import transaction
from django_scopes import scope

from tupa.organisations.models import Organisation
from tupa.volunteers.models import Assignment, RoleKind

from .builder import VolunteersBuilder


def build(*, organisation: Organisation) -> str | None:
    """Add the demo volunteers once; None if they exist or the organisation lacks their forms."""
    with scope(organisation=organisation.pk):
        if Assignment.objects.filter(organisation=organisation, role=RoleKind.MIESKAVERI).exists():
            return None
        builder = VolunteersBuilder(organisation)
        if not builder.ready():
            return None
        with transaction.atomic():
            return builder.build()
