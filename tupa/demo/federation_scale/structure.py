"""Step 1: the organisation, its areas and teams, partners, service forms and their funders,
staff with their memberships, rooms and family places (through the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tupa.demo.clients.names import MEN, SURNAMES, WOMEN
from tupa.demo.federation_scale.member import Member
from tupa.demo.federation_scale.specs import (
    AREAS,
    DROP_IN,
    ENSIKOTI,
    FUNDING,
    NAME,
    OUTPATIENT,
    SHELTER,
    STAFF,
    VISITATION,
    slug_for,
    username_for,
)
from tupa.finance.models import Grant
from tupa.organisations import services as org_services
from tupa.organisations import staff as org_staff
from tupa.organisations.models import Area, Funder, Partner, ServiceForm, ServiceFormFunding
from tupa.residential.models import Place
from tupa.scheduling.models import Room


def build_structure(m: Member) -> None:
    """Create the organisation and everything around its work; sets ``m.org``, ``m.forms``,
    ``m.outpatient``, ``m.staff``, ``m.rooms`` and ``m.places``."""
    n = m.index
    m.org = org_services.organisation_create(
        actor=None,
        name=NAME.format(n=n),
        slug=slug_for(n),
        short_name=f"KETK {n} ry",
        founded_year=1945 + m.rng.randint(0, 60),
        federation_member=True,
    )
    areas: dict[str, Area] = {}
    teams = {}
    for order, (area_name, team_name) in enumerate(AREAS, start=1):
        areas[area_name] = org_services.area_create(
            actor=None, organisation=m.org, name=area_name, order=order
        )
        teams[area_name] = org_services.team_create(
            actor=None, area=areas[area_name], name=team_name, order=order
        )
    home = m.municipalities[0] if m.municipalities else None
    for key, name, kind in (
        ("county", "Kuvitteellinen hyvinvointialue", Partner.Kind.WELLBEING_SERVICES),
        ("clinic", "Kuvitteellinen lastenneuvola", Partner.Kind.HEALTH),
    ):
        m.partners[key] = org_services.partner_create(
            actor=None, organisation=m.org, name=name, kind=kind, municipality=home
        )
    violence, babies, family = (a for a, _t in AREAS)
    shelter_places = m.rng.randint(5, 8)
    specs: list[dict[str, Any]] = [
        {
            "slug": SHELTER,
            "name": "Turvakoti",
            "area": violence,
            "kind": ServiceForm.Kind.RESIDENTIAL,
            "violence_work": "victim",
            "adult_service_task": "working_age",
            "child_service_task": "child_family",
            "anonymous_allowed": True,
            "open_24h": True,
            "capacity": shelter_places,
            "capacity_unit": "perhepaikkaa",
        },
        {
            "slug": ENSIKOTI,
            "name": "Ensikoti",
            "area": babies,
            "kind": ServiceForm.Kind.RESIDENTIAL,
            "adult_service_task": "child_family",
            "child_service_task": "child_family",
            "open_24h": True,
            "pregnancy_stays": True,
        },
    ]
    with_lapsityo = m.rng.random() < 0.5
    m.outpatient = [o for o in OUTPATIENT if o.slug != "lapsityo" or with_lapsityo]
    for outpatient in m.outpatient:
        specs.append(
            {
                "slug": outpatient.slug,
                "name": outpatient.name,
                "area": outpatient.area,
                "kind": ServiceForm.Kind.OUTPATIENT,
                "violence_work": outpatient.violence_work,
                "adult_service_task": outpatient.adult_task,
                "child_service_task": outpatient.child_task,
            }
        )
    specs += [
        {
            "slug": VISITATION,
            "name": "Tapaamispaikka",
            "area": family,
            "kind": ServiceForm.Kind.VISITATION,
            "adult_service_task": "family_law",
            "child_service_task": "family_law",
        },
        {
            "slug": DROP_IN,
            "name": "Perhetupa",
            "area": babies,
            "kind": ServiceForm.Kind.DROP_IN,
            "register": ServiceForm.Register.OWN_ACTIVITY,
            "anonymous_allowed": True,
        },
    ]
    for order, spec in enumerate(specs, start=1):
        area = areas[spec.pop("area")]
        spec.setdefault("register", ServiceForm.Register.SOCIAL_WELFARE)
        form = org_services.service_form_create(
            actor=None, area=area, team=teams[area.name], order=order, **spec
        )
        m.forms[form.slug] = form
    funders = {
        key: org_services.funder_create(
            actor=None,
            organisation=m.org,
            name=name,
            category=category,
            partner=m.partners.get(key),
        )
        for key, name, category in (
            ("stea", "STEA", Funder.Category.STEA),
            ("state", "Valtio (THL)", Funder.Category.STATE),
            ("county", "Kuvitteellinen hyvinvointialue", Funder.Category.MUNICIPALITIES),
        )
    }
    for slug, (funder, funding_type) in FUNDING.items():
        if slug in m.forms:
            org_services.service_form_add_funding(
                actor=None,
                service_form=m.forms[slug],
                funder=funders[funder],
                type=funding_type,
            )
            if funder == "stea":
                _stea_grant(m, m.forms[slug], funders[funder], funding_type)
    since = m.window_start.date()
    for suffix, title, grants in STAFF:
        female = m.rng.random() < 0.75
        user = org_staff.staff_user_create(
            actor=None,
            organisation=m.org,
            username=username_for(n, suffix),
            first_name=m.rng.choice(WOMEN if female else MEN),
            last_name=m.rng.choice(SURNAMES),
            title=title,
            password=None,
            password_hash=m.password_hash,
        )
        for role, where in grants:
            if where is not None and where not in m.forms:
                continue
            org_staff.membership_grant(
                actor=None,
                user=user,
                role=role,
                service_form=m.forms[where] if where else None,
                valid_from=since,
                title=title,
            )
        m.staff[suffix] = user
    m.rooms = Room.objects.bulk_create(
        [
            Room(organisation=m.org, name="Neuvotteluhuone", capacity=8),
            Room(organisation=m.org, name="Ryhmähuone", capacity=12),
        ]
    )
    places = []
    for slug, count in ((SHELTER, shelter_places), (ENSIKOTI, m.rng.randint(5, 7))):
        for i in range(1, count + 1):
            places.append(
                Place(
                    organisation=m.org,
                    service_form=m.forms[slug],
                    name=f"Perhepaikka {i}",
                    code=f"p{i}",
                    order=i,
                )
            )
    created = Place.objects.bulk_create(places)
    m.places = {
        slug: [p for p in created if p.service_form_id == m.forms[slug].pk]
        for slug in (SHELTER, ENSIKOTI)
    }


def _stea_grant(m: Member, form: ServiceForm, stea: Funder, funding_type: str) -> None:
    """STEA's grant of the form for every year of the window, as one decision (the STEA
    results report of a year exists for the forms a grant funds that year)."""
    project = funding_type == ServiceFormFunding.Type.PROJECT_GRANT
    amount = Decimal("100000.00")  # not drawn: the member's random stream stays as it was
    grant = Grant.objects.create(
        organisation=m.org,
        funder=stea,
        kind=Grant.Kind.STEA_PROJECT if project else Grant.Kind.STEA_TARGETED,
        target_name=form.name,
        target_code=f"{'C' if project else 'Ak'} {form.pk}",
        year_from=m.first_year,
        year_to=m.today.year,
        amount_applied=amount,
        amount_granted=amount,
        status=Grant.Status.GRANTED,
        decided_on=dt.date(m.first_year, 2, 15),
        decision_number=f"{m.first_year}-{form.pk:05d}",
    )
    grant.service_forms.add(form)
