"""Indicators of prevention work (``ServiceForm.Kind.PREVENTION``, e.g. TPPH).

A prevention form has no clients: its register (:mod:`tupa.prevention`) holds activities —
events, trainings, meetings — with anonymous head counts of who they reached, and the batches
of material it handed out. So no unit here has an episode, a person or a municipality (a
municipality's report gets none of them); each names its activity or delivery
(``Unit.record_id``), which a drill-down lists to the form's members and links to the register.

These are the one definition of the figures of STEA's results report for a prevention grant
(``stea.prevention``):

* an **activity** counts once, in the month of its first day (``starts_on``): a fair from 30
  April to 2 May is April's, and counts in a period only when its first day is in it;
* the **people reached** are the head counts of those same activities, per audience group
  (professionals, adult citizens, children and young people), each group a unit weighing its
  count (a zero count makes no unit); nobody is identified, so a person at two events counts
  twice;
* a **material delivery** counts its quantity on its date, by material and kind of recipient.

Activities and copies of a material are not people: an outgoing return shows them whole
(``counts_people=False``); the people reached are suppressed under 5 like every count of people.

The activities are read once for both of their indicators (:func:`~.reads.shared_read`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.organisations.models import ServiceForm
from tupa.prevention.models import (
    AUDIENCE_FIELDS,
    Activity,
    ActivityKind,
    Delivery,
    Material,
    RecipientKind,
    Role,
)

from .base import (
    ACTIVITY_RECORDS,
    DELIVERY_RECORDS,
    Choices,
    Dimension,
    Indicator,
    IndicatorRegistry,
    Params,
    Unit,
)
from .dimensions import MONTH, SERVICE_FORM, YEAR, year_month_values
from .reads import shared_read

# --------------------------------------------------------------------------- dimensions

KIND = Dimension("kind", _("tilaisuuden laji"), tuple(ActivityKind.choices))
ROLE = Dimension("role", _("työmuodon osuus"), tuple(Role.choices))
#: The audience groups are the activity's head-count fields (``AUDIENCE_FIELDS``), by name.
AUDIENCE = Dimension(
    "audience",
    _("kohderyhmä"),
    (
        ("professionals", _("ammattilaiset")),
        ("citizens", _("kuntalaiset (aikuiset)")),
        ("children", _("lapset ja nuoret")),
    ),
)
RECIPIENT_KIND = Dimension("recipient_kind", _("vastaanottaja"), tuple(RecipientKind.choices))


def _materials(params: Params) -> Choices:
    return _materials_of(params.organisation_id, params.service_form_ids)


@shared_read
def _materials_of(organisation_id: int, form_ids: tuple[int, ...]) -> Choices:
    """Every material of the forms (also those no longer handed out: their earlier deliveries
    still count), by name; a name two forms share is told apart by the form's name."""
    with scopes_disabled():
        rows = list(
            Material.objects.filter(organisation_id=organisation_id, service_form_id__in=form_ids)
            .order_by("name", "service_form__name", "pk")
            .values_list("pk", "name", "service_form__name")
        )
    names = Counter(name for _pk, name, _form in rows)
    return tuple(
        (str(pk), f"{name} ({form})" if names[name] > 1 else name) for pk, name, form in rows
    )


MATERIAL = Dimension("material", _("materiaali"), _materials)


def _is_prevention(form: Any) -> bool:
    return bool(form.kind == ServiceForm.Kind.PREVENTION)


# --------------------------------------------------------------------------- reads

#: An activity row: (id, form id, kind, role, first day, *head counts in ``AUDIENCE_FIELDS``' order).
ActivityRow = tuple[Any, ...]


@shared_read
def _activity_rows(params: Params) -> tuple[ActivityRow, ...]:
    """The activities whose first day is in the period (one query for both indicators)."""
    with scopes_disabled():
        return tuple(
            Activity.objects.filter(
                params.dates("starts_on"),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            ).values_list("pk", "service_form_id", "kind", "role", "starts_on", *AUDIENCE_FIELDS)
        )


def _delivery_rows(params: Params) -> list[tuple[Any, ...]]:
    """The deliveries dated in the period: (id, form id, material id, recipient kind, date,
    quantity)."""
    with scopes_disabled():
        return list(
            Delivery.objects.filter(
                params.dates("date"),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            ).values_list(
                "pk", "service_form_id", "material_id", "recipient_kind", "date", "quantity"
            )
        )


# --------------------------------------------------------------------------- units


def activity_units(params: Params) -> Iterator[Unit]:
    """One unit per activity, in the month of its first day."""
    for pk, form_id, kind, role, starts_on, *_counts in _activity_rows(params):
        yield Unit(values=(kind, role, *year_month_values(starts_on), str(form_id)), record_id=pk)


def reached_units(params: Params) -> Iterator[Unit]:
    """One unit per activity and audience group with people, weighing the head count."""
    for pk, form_id, kind, role, starts_on, *counts in _activity_rows(params):
        common = (kind, role, *year_month_values(starts_on), str(form_id))
        for audience, count in zip(AUDIENCE_FIELDS, counts, strict=True):
            if count:
                yield Unit(values=(audience, *common), weight=count, record_id=pk)


def material_units(params: Params) -> Iterator[Unit]:
    """One unit per delivery, weighing its quantity."""
    for pk, form_id, material_id, recipient_kind, day, quantity in _delivery_rows(params):
        yield Unit(
            values=(str(material_id), recipient_kind, *year_month_values(day), str(form_id)),
            weight=quantity,
            record_id=pk,
        )


# --------------------------------------------------------------------------- indicators

ACTIVITIES = Indicator(
    id="prevention.activities",
    version=1,
    title=_("Ehkäisevän työn tilaisuudet"),
    rule=_(
        "Ehkäisevän työn tilaisuudet (tapahtumat, koulutukset, seminaarit, työyhteisöjen ja "
        "verkostojen tilaisuudet, käynnit), joiden ensimmäinen päivä on ajanjaksolla. Jokainen "
        "tilaisuus lasketaan kerran ensimmäisen päivänsä kuukaudelle, myös usean päivän "
        "tapahtuma; ennen ajanjaksoa alkanutta ei lasketa, vaikka se jatkuisi ajanjaksolle. "
        "Työmuodon osuus kertoo, järjestikö työmuoto tilaisuuden itse, yhdessä kumppanien "
        "kanssa vai osallistuiko se toisen järjestämään."
    ),
    unit_label=_("tilaisuutta"),
    dimensions=(KIND, ROLE, YEAR, MONTH, SERVICE_FORM),
    units=activity_units,
    applies=_is_prevention,
    record_kind=ACTIVITY_RECORDS,
    counts_people=False,  # events held: shown whole in an outgoing return
)

REACHED = Indicator(
    id="prevention.reached",
    version=1,
    title=_("Ehkäisevän työn tavoittamat ihmiset"),
    rule=_(
        "Ajanjaksolla alkaneisiin ehkäisevän työn tilaisuuksiin (kuten tilaisuuksien luvussa) "
        "kirjatut osallistujamäärät yhteensä: ammattilaiset, aikuiset kuntalaiset sekä lapset "
        "ja nuoret erikseen. Usean päivän tapahtuman tavoittamat lasketaan kerran sen "
        "ensimmäisen päivän kuukaudelle. Ihmisiä ei tunnisteta, joten kahteen tilaisuuteen "
        "osallistunut lasketaan kahdesti."
    ),
    unit_label=_("henkilöä"),
    dimensions=(AUDIENCE, KIND, ROLE, YEAR, MONTH, SERVICE_FORM),
    units=reached_units,
    applies=_is_prevention,
    record_kind=ACTIVITY_RECORDS,
)

MATERIALS = Indicator(
    id="prevention.materials",
    version=1,
    title=_("Ehkäisevän työn jaetut materiaalit"),
    rule=_(
        "Niiden materiaalien jakojen kappalemäärät yhteensä, joiden päivä on ajanjaksolla, "
        "materiaalin ja vastaanottajan lajin mukaan. Myös jaosta jo poistetun materiaalin "
        "aiemmat jaot lasketaan."
    ),
    unit_label=_("kappaletta"),
    dimensions=(MATERIAL, RECIPIENT_KIND, YEAR, MONTH, SERVICE_FORM),
    units=material_units,
    applies=_is_prevention,
    record_kind=DELIVERY_RECORDS,
    counts_people=False,  # copies handed out: shown whole in an outgoing return
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(ACTIVITIES, REACHED, MATERIALS)
