"""Demo statistics: a federation with its analyst, and last year's federation return sent.

The Federation (*Ensi- ja turvakotien liitto*, a public organisation) gets a fictional office
organisation in the demo with one fictional analyst, ``liitto``. The demo association is its
member and has sent last year's member statistics through the ordinary service (engine, freeze,
suppression), so the federation's side-by-side view has something to show. The STEA and THL
returns are left unsent for the demo's users to try.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role, User
from tupa.organisations.models import Organisation
from tupa.statistics import engine, services
from tupa.statistics.indicators.base import Params
from tupa.statistics.models import Federation, FederationMembership, Submission
from tupa.statistics.returns import registry as returns

FEDERATION = "Ensi- ja turvakotien liitto"
OFFICE = "Ensi- ja turvakotien liitto ry (demo)"
OFFICE_SLUG = "liitto-demo"
ANALYST = "liitto"
DIRECTOR = "johtaja"


def build(*, organisation: Organisation) -> str | None:
    with scopes_disabled():
        director = User.objects.filter(organisation=organisation, username=DIRECTOR).first()
        if director is None or Federation.objects.filter(name=FEDERATION).exists():
            return None
        with transaction.atomic():
            return _build(organisation=organisation, director=director)


def _build(*, organisation: Organisation, director: User) -> str:
    office, _created = Organisation.objects.get_or_create(
        slug=OFFICE_SLUG, defaults={"name": OFFICE}
    )
    federation = Federation.objects.create(name=FEDERATION, office=office)
    FederationMembership.objects.create(
        federation=federation, organisation=organisation, joined_on=dt.date(2010, 1, 1)
    )
    analyst = User.objects.filter(username=ANALYST).first()
    if analyst is None:
        analyst = User(
            username=ANALYST, organisation=office, first_name="Liisa", last_name="Liittola"
        )
        analyst.password = director.password  # the demo's one password, already hashed
        analyst.save()
        Membership.objects.create(
            user=analyst,
            organisation=office,
            service_form=None,
            role=Role.FEDERATION_ANALYST,
            valid_from=dt.date(2020, 1, 1),
        )
    year = timezone.localdate().year - 1
    template = returns.get("federation.members")
    params = Params(organisation.pk, dt.date(year, 1, 1), dt.date(year, 12, 31))
    services.submit(
        user=director,
        computed=engine.run(template, params),
        service_form=None,
        municipality=None,
        title=f"{template.title} – {organisation.name} {year}",
        note="Lähetetty liitolle Tupan kautta (demo)",
    )
    sent = Submission.objects.filter(organisation=organisation).count()
    return f"statistics: federation {FEDERATION!r} with analyst {ANALYST!r}; {sent} return sent"
