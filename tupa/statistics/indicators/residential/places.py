"""Family places in use and care days by payer, for every residential unit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Final

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.shapes import Shape
from tupa.episodes.models import Participant
from tupa.organisations.models import Partner
from tupa.residential.commitments import selectors as billing_selectors
from tupa.residential.models import (
    PaymentCommitment,
    Place,
    place_in_use_on,
)

from ..base import Choices, Dimension, Indicator, Params, Unit
from ..dimensions import (
    MONTH,
    SERVICE_FORM,
    month_value,
)
from ..reads import period_rows
from .common import (
    NO_COMMITMENT,
    STATE,
    forms_of,
    is_residential,
)


def _payers(params: Params) -> Choices:
    """State, every partner that pays by a commitment in the forms, and "no commitment"."""
    with scopes_disabled():
        partners = Partner.objects.filter(
            organisation_id=params.organisation_id,
            pk__in=PaymentCommitment.objects.filter(
                organisation_id=params.organisation_id,
                episode__service_form_id__in=params.service_form_ids,
            ).values("payer_id"),
        ).order_by("name")
        rows = tuple((str(p.pk), p.name) for p in partners)
    return (
        (STATE, _("valtio (turvakotien valtionkorvaus)")),
        *rows,
        (NO_COMMITMENT, _("ei maksusitoumusta")),
    )


PAYER = Dimension("payer", _("maksaja"), _payers)


# --------------------------------------------------------------------------- residential units


_FAMILY_PLACES: Final = Shape(
    lambda s: Place.objects.filter(
        organisation_id=s.organisation,
        service_form_id__in=s.forms,
        kind=Place.Kind.FAMILY_PLACE,
    ).values_list("service_form_id", "active", "active_from", "active_until")
)


def family_place_units(params: Params) -> Iterator[Unit]:
    rows = period_rows(_FAMILY_PLACES, params)
    for service_form_id, active, active_from, active_until in rows:
        if place_in_use_on(
            params.end, active=active, active_from=active_from, active_until=active_until
        ):
            yield Unit(values=(str(service_form_id),))


#: One billing line of a form: the form's id, the payer's value of :data:`PAYER`, the line.
_CareDayLine = tuple[int, str, billing_selectors.BillingLine]


def _care_day_lines(params: Params) -> list[_CareDayLine]:
    """Every line of the billing list (:func:`billable_days`) of each form of ``params``, with
    its payer: the commitment's payer, or the group ("state", "missing")."""
    lines: list[_CareDayLine] = []
    with scopes_disabled():
        for form in forms_of(params):
            billing = billing_selectors.billable_days(
                service_form=form, period_start=params.start, period_end=params.end
            )
            for group in billing.groups:
                for line in group.lines:
                    if group.kind == billing_selectors.COMMITMENT:
                        assert line.commitment is not None
                        payer = str(line.commitment.payer_id)
                    else:
                        payer = group.kind
                    lines.append((form.pk, payer, line))
    return lines


def _participants(lines: list[_CareDayLine]) -> dict[int, tuple[int | None, int | None]]:
    """The person and the person's home municipality of every participant on ``lines``."""
    participant_ids = {pid for _f, _p, line in lines for pid in line.person_days}
    if not participant_ids:
        return {}
    with scopes_disabled():
        return {
            pk: (person_id, municipality_id)
            for pk, person_id, municipality_id in Participant.objects.filter(
                pk__in=participant_ids
            ).values_list("pk", "person_id", "person__municipality_id")
        }


def _care_day_units(
    params: Params, place: Callable[[billing_selectors.BillingLine, int | None], int | None]
) -> Iterator[Unit]:
    """The billing list's care days (:func:`billable_days` of each form) as units: one per
    participant, episode, month and payer, weighted by the days; ``place`` gives the unit's
    municipality from the billing line and the person's home."""
    lines = _care_day_lines(params)
    people = _participants(lines)
    for form_id, payer, line in lines:
        year, month = line.month
        for participant_id, days in line.person_days.items():
            person_id, home = people.get(participant_id, (None, None))
            yield Unit(
                values=(str(form_id), month_value(dt.date(year, month, 1)), payer),
                weight=days,
                episode_id=line.episode_id,
                person_id=person_id,
                municipality_id=place(line, home),
            )


def care_day_units(params: Params) -> Iterator[Unit]:
    """Version 1: the municipality is the person's home (``Person.municipality``)."""
    return _care_day_units(params, lambda _line, home: home)


def care_day_units_v2(params: Params) -> Iterator[Unit]:
    """Version 2: placed in a municipality as the billing list places them: a care day under a
    payment commitment belongs to the commitment's home municipality
    (``PaymentCommitment.municipality``, the list's "Kotikunta"), the one that is invoiced; a
    day of the state's or without a commitment, for which the list names no municipality,
    belongs to none (it stays in every total). So a municipality's report has exactly the days
    of its invoices. Turvakielto is the engine's
    (:func:`~tupa.statistics.indicators.protection.withhold_homes`): a protected family's units
    lose the municipality."""
    return _care_day_units(
        params,
        lambda line, _home: line.commitment.municipality_id if line.commitment else None,
    )


FAMILY_PLACES = Indicator(
    id="residential.family_places",
    version=1,
    title=_("Perhepaikat ajanjakson lopussa"),
    rule=_(
        "Työmuodon perhepaikat, jotka ovat käytössä ajanjakson viimeisenä päivänä paikan "
        "käyttöpäivien mukaan (ei nykyisten asetusten). Huoneet ja vuodepaikat eivät ole "
        "mukana."
    ),
    unit_label=_("paikkaa"),
    dimensions=(SERVICE_FORM,),
    units=family_place_units,
    applies=is_residential,
    records=False,
    counts_people=False,  # the unit's capacity: THL and AVI get the number, not "< 5"
)

CARE_DAYS = Indicator(
    id="residential.care_days",
    version=1,
    title=_("Hoitovuorokaudet"),
    rule=_(
        "Asumisvuorokaudet henkilöittäin (yöt illan päivämäärälle, kuten asumisvuorokausissa) "
        "laskutuksen säännöllä: valtion korvaaman asumisjakson vuorokaudet maksaa valtio, "
        "muut se maksaja, jonka maksusitoumus on voimassa kyseisenä päivänä; ilman voimassa "
        "olevaa sitoumusta vuorokausi on rivillä ”ei maksusitoumusta”. Tulevia öitä ei "
        "lasketa."
    ),
    unit_label=_("vuorokautta"),
    dimensions=(SERVICE_FORM, MONTH, PAYER),
    units=care_day_units,
    applies=is_residential,
)

CARE_DAYS_V2 = Indicator(
    id="residential.care_days",
    version=2,
    title=_("Hoitovuorokaudet"),
    rule=_(
        "Asumisvuorokaudet henkilöittäin (yöt illan päivämäärälle, kuten asumisvuorokausissa) "
        "laskutuksen säännöllä: valtion korvaaman asumisjakson vuorokaudet maksaa valtio, "
        "muut se maksaja, jonka maksusitoumus on voimassa kyseisenä päivänä; ilman voimassa "
        "olevaa sitoumusta vuorokausi on rivillä ”ei maksusitoumusta”. Tulevia öitä ei "
        "lasketa. Kunnan raportissa vuorokausi on maksusitoumukseen kirjatun kotikunnan, "
        "kuten laskutuslistalla; valtion korvaamat ja ilman maksusitoumusta olevat "
        "vuorokaudet eivät ole minkään kunnan luvuissa."
    ),
    unit_label=_("vuorokautta"),
    dimensions=(SERVICE_FORM, MONTH, PAYER),
    units=care_day_units_v2,
    applies=is_residential,
)
