"""Indicators of the supervised meetings (Tapaamispaikka, ``ServiceForm.Kind.VISITATION``).

These are the one definition of the meeting statistics (MEE-07): a visitation form's statistics
are the internal report ``internal.visitation`` (:mod:`tupa.statistics.returns.internal.
visitation`) built from them. A meeting belongs to the period and the month of its Helsinki
start; its outcome group (:func:`outcome_group`) is planned (no outcome yet), took place,
cancelled (by anyone), no-show or interrupted; billability is decided by
:func:`tupa.visitation.rules.billing_rule` only — the function the billing list
(:func:`tupa.visitation.selectors.billing`, the invoicing basis) uses. The indicators read the
meeting rows of every form in one flat query and keep the ids (the order's episode for the
drill-down, the payer municipality for a municipality's report).

A meeting is the family's, not one person's: its unit carries the order's episode and, as its
municipality, the order's **payer municipality** (the child's home municipality that pays), so
that a municipality's report gets exactly the meetings it is billed for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import Municipality, Partner, ServiceForm
from tupa.visitation import rules
from tupa.visitation.models import (
    InterruptionReason,
    Meeting,
    MeetingOrder,
    MeetingType,
    OrderBasis,
    OrderParty,
    Outcome,
    PartyRole,
)

from .base import UNKNOWN, Choices, Dimension, Indicator, IndicatorRegistry, Params, Unit
from .dimensions import GENDER, MONTH, SERVICE_FORM, gender_value, month_value
from .protection import protected

# --------------------------------------------------------------------------- dimensions


def _payer_municipalities(params: Params) -> Choices:
    """The payer municipalities of the organisation's orders (only one in its own report), and
    "ei tiedossa" for a withheld one.

    Not the payers of a protected family's orders: the payer is the child's home municipality,
    and a row "Kanariakunta", even empty, would tell where the family lives; their meetings
    count as "ei tiedossa" (:func:`.protection.withhold_homes`)."""
    hidden = protected(params.organisation_id).episode_ids
    with scopes_disabled():
        orders = MeetingOrder.objects.filter(organisation_id=params.organisation_id)
        if hidden:
            orders = orders.exclude(episode_id__in=hidden)
        qs = Municipality.objects.filter(pk__in=orders.values("payer_municipality_id"))
        if params.municipality_id is not None:
            qs = qs.filter(pk=params.municipality_id)
        rows = tuple((str(m.pk), m.name) for m in qs.order_by(Municipality.display_ordering()))
    return (*rows, (UNKNOWN, _("ei tiedossa")))


PAYER = Dimension("payer_municipality", _("maksava kunta"), _payer_municipalities)

#: An authority typed as text (not one of the organisation's partners) is its own value.
TYPED_AUTHORITY = "text:"


def authority_value(partner_id: int | None, typed: str | None) -> str:
    """The ordering authority: a partner's id, ``text:<name>`` as typed, or unknown."""
    if partner_id is not None:
        return str(partner_id)
    if typed:
        return f"{TYPED_AUTHORITY}{typed}"
    return UNKNOWN


def _authorities(params: Params) -> Choices:
    """The ordering authorities of the organisation's orders, by name."""
    with scopes_disabled():
        orders = MeetingOrder.objects.filter(organisation_id=params.organisation_id)
        partners = {
            str(p.pk): p.name for p in Partner.objects.filter(pk__in=orders.values("authority_id"))
        }
        typed = {
            f"{TYPED_AUTHORITY}{name}": name
            for name in orders.filter(authority__isnull=True)
            .exclude(authority_name="")
            .values_list("authority_name", flat=True)
            .distinct()
        }
    rows = sorted({**partners, **typed}.items(), key=lambda item: (item[1].casefold(), item[0]))
    return (*rows, (UNKNOWN, _("ei tiedossa")))


AUTHORITY = Dimension("authority", _("määrääjä"), _authorities)

#: The outcome groups of a meeting (:func:`outcome_group`); billability cuts across them.
OUTCOME_GROUP = Dimension(
    "outcome_group",
    _("toteutuminen"),
    (
        ("planned", _("sovittu, ei vielä kirjattu")),
        ("took_place", _("toteutui")),
        ("cancelled", _("peruttu")),
        ("no_show", _("osapuoli ei saapunut")),
        ("interrupted", _("keskeytettiin")),
    ),
)
OUTCOME = Dimension("outcome", _("toteutuminen"), tuple(Outcome.choices))
BILLABLE = Dimension(
    "billable",
    _("laskutettava"),
    (("billable", _("laskutettava")), ("not_billable", _("ei laskutettava"))),
)
MEETING_TYPE = Dimension("meeting_type", _("tapaamisen laji"), tuple(MeetingType.choices))
BASIS = Dimension("basis", _("peruste"), tuple(OrderBasis.choices))
INTERRUPTION_REASON = Dimension(
    "interruption_reason", _("keskeyttämisen syy"), tuple(InterruptionReason.choices)
)


def outcome_group(row: dict[str, Any]) -> str:
    """A meeting's :data:`OUTCOME_GROUP` from its recorded ``outcome`` (empty: planned)."""
    outcome = row["outcome"]
    if not outcome:
        return "planned"
    if outcome in (Outcome.TOOK_PLACE, Outcome.NO_SHOW, Outcome.INTERRUPTED):
        return str(outcome)
    return "cancelled"


def _is_visitation(form: Any) -> bool:
    return bool(form.kind == ServiceForm.Kind.VISITATION)


# --------------------------------------------------------------------------- reads


def _bounds(params: Params) -> tuple[dt.datetime, dt.datetime]:
    """``[start 00:00, end + 1 day 00:00)`` in Helsinki, as the billing list."""
    return (
        rules.local_moment(params.start, dt.time(0, 0)),
        rules.local_moment(params.end + dt.timedelta(days=1), dt.time(0, 0)),
    )


def _meeting_rows(params: Params) -> list[dict[str, Any]]:
    lower, upper = _bounds(params)
    with scopes_disabled():
        rows = Meeting.objects.filter(
            organisation_id=params.organisation_id,
            order__episode__service_form_id__in=params.service_form_ids,
            starts_at__gte=lower,
            starts_at__lt=upper,
        ).values(
            "starts_at",
            "outcome",
            "late_cancellation",
            "interruption_reason",
            "order__meeting_type",
            "order__basis",
            "order__payer_municipality_id",
            "order__authority_id",
            "order__authority_name",
            "order__episode_id",
            "order__episode__service_form_id",
        )
        return [dict(row) for row in rows]


def _local_month(moment: dt.datetime) -> str:
    return month_value(timezone.localtime(moment, HELSINKI).date())


def _is_billable(rule: rules.BillingRule, row: dict[str, Any]) -> bool:
    """As billing and the statistics page: a meeting without an outcome is not billed yet."""
    return bool(row["outcome"]) and rule.is_billable(
        row["outcome"], late_cancellation=row["late_cancellation"]
    )


def _meeting_unit(row: dict[str, Any], values: tuple[str, ...]) -> Unit:
    return Unit(
        values=values,
        episode_id=row["order__episode_id"],
        municipality_id=row["order__payer_municipality_id"],
    )


# --------------------------------------------------------------------------- units


def meeting_units(params: Params) -> Iterator[Unit]:
    rule = rules.billing_rule()
    for row in _meeting_rows(params):
        yield _meeting_unit(
            row,
            (
                outcome_group(row),
                "billable" if _is_billable(rule, row) else "not_billable",
                row["order__meeting_type"],
                row["order__basis"],
                _local_month(row["starts_at"]),
                str(row["order__payer_municipality_id"]),
                str(row["order__episode__service_form_id"]),
                authority_value(row["order__authority_id"], row["order__authority_name"]),
            ),
        )


def billable_meeting_units(params: Params) -> Iterator[Unit]:
    rule = rules.billing_rule()
    for row in _meeting_rows(params):
        if _is_billable(rule, row):
            yield _meeting_unit(
                row,
                (
                    str(row["order__payer_municipality_id"]),
                    row["order__meeting_type"],
                    _local_month(row["starts_at"]),
                    row["outcome"],
                    str(row["order__episode__service_form_id"]),
                ),
            )


def interruption_units(params: Params) -> Iterator[Unit]:
    for row in _meeting_rows(params):
        if row["outcome"] == Outcome.INTERRUPTED:
            yield _meeting_unit(
                row,
                (
                    row["interruption_reason"],
                    row["order__meeting_type"],
                    _local_month(row["starts_at"]),
                    str(row["order__payer_municipality_id"]),
                    str(row["order__episode__service_form_id"]),
                ),
            )


def order_units(params: Params) -> Iterator[Unit]:
    """Orders valid on some day of the period, as the statistics page's ``orders``."""
    with scopes_disabled():
        rows = list(
            MeetingOrder.objects.filter(
                organisation_id=params.organisation_id,
                episode__service_form_id__in=params.service_form_ids,
                valid_from__lte=params.end,
            )
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=params.start))
            .values(
                "meeting_type",
                "basis",
                "payer_municipality_id",
                "episode_id",
                "episode__service_form_id",
            )
        )
    for row in rows:
        yield Unit(
            values=(
                row["meeting_type"],
                row["basis"],
                str(row["payer_municipality_id"]),
                str(row["episode__service_form_id"]),
            ),
            episode_id=row["episode_id"],
            municipality_id=row["payer_municipality_id"],
        )


def child_units(params: Params) -> Iterator[Unit]:
    """One unit per child who is a party of an order with a meeting in the period.

    A child is a person (a merged person counts as the one it was merged into; an alias linked
    to a person as that person) or else an unlinked alias. When the child's orders have several
    payers, the order of the child's last meeting in the period decides (one unit per child, so
    that the payer breakdown adds up to the total).
    """
    lower, upper = _bounds(params)
    with scopes_disabled():
        rows = (
            OrderParty.objects.filter(
                role=PartyRole.CHILD,
                order__organisation_id=params.organisation_id,
                order__episode__service_form_id__in=params.service_form_ids,
                order__meetings__starts_at__gte=lower,
                order__meetings__starts_at__lt=upper,
            )
            .values(
                "participant__person_id",
                "participant__person__merged_into_id",
                "participant__person__gender",
                "participant__alias_id",
                "participant__alias__person_id",
                "participant__alias__person__gender",
                "participant__alias__gender",
                "order__payer_municipality_id",
                "order__episode_id",
                "order__episode__service_form_id",
            )
            .annotate(last=Max("order__meetings__starts_at"))
        )
        chosen: dict[tuple[str, int], dict[str, Any]] = {}
        for row in rows:
            person_id = (
                row["participant__person__merged_into_id"]
                or row["participant__person_id"]
                or row["participant__alias__person_id"]
            )
            key = ("person", person_id) if person_id else ("alias", row["participant__alias_id"])
            row["person_id"] = person_id
            current = chosen.get(key)
            if current is None or (row["last"], row["order__episode_id"]) > (
                current["last"],
                current["order__episode_id"],
            ):
                chosen[key] = row
    for row in chosen.values():
        if row["participant__person_id"]:
            gender = row["participant__person__gender"]
        else:
            gender = row["participant__alias__person__gender"] or row["participant__alias__gender"]
        yield Unit(
            values=(
                str(row["order__payer_municipality_id"]),
                gender_value(gender),
                str(row["order__episode__service_form_id"]),
            ),
            episode_id=row["order__episode_id"],
            person_id=row["person_id"],
            municipality_id=row["order__payer_municipality_id"],
        )


# --------------------------------------------------------------------------- indicators

MEETINGS = Indicator(
    id="visitation.meetings",
    version=1,
    title=_("Valvotut tapaamiset ja vaihdot"),
    rule=_(
        "Tapaamiset ja vaihdot, jotka alkavat ajanjaksolla (Suomen aikaa), toteutumisen mukaan: "
        "sovittu (toteutumaa ei vielä kirjattu), toteutui, peruttu (kenen tahansa perumana), "
        "osapuoli ei saapunut ja keskeytetty. Laskutettavuuden ratkaisee tapaamispaikan "
        "laskutussääntö; kunta on määräyksen maksava kunta."
    ),
    unit_label=_("tapaamista"),
    dimensions=(
        OUTCOME_GROUP,
        BILLABLE,
        MEETING_TYPE,
        BASIS,
        MONTH,
        PAYER,
        SERVICE_FORM,
        AUTHORITY,
    ),
    units=meeting_units,
    applies=_is_visitation,
)

BILLABLE_MEETINGS = Indicator(
    id="visitation.billable_meetings",
    version=1,
    title=_("Laskutettavat tapaamiset"),
    rule=_(
        "Ajanjaksolla (Suomen aikaa) alkaneet tapaamiset, jotka laskutussäännön mukaan "
        "laskutetaan: oletuksena toteutuneet, keskeytetyt, ne, joihin osapuoli ei saapunut, ja "
        "perheen myöhäiset peruutukset. Tapaaminen, jonka toteutumaa ei ole kirjattu, ei ole "
        "vielä laskutettava. Kunta on määräyksen maksava kunta."
    ),
    unit_label=_("tapaamista"),
    dimensions=(PAYER, MEETING_TYPE, MONTH, OUTCOME, SERVICE_FORM),
    units=billable_meeting_units,
    applies=_is_visitation,
)

INTERRUPTIONS = Indicator(
    id="visitation.interruptions",
    version=1,
    title=_("Keskeytetyt tapaamiset"),
    rule=_(
        "Ajanjaksolla (Suomen aikaa) alkaneet tapaamiset, joiden toteutumaksi on kirjattu "
        "keskeytys, keskeyttämisen syyn mukaan."
    ),
    unit_label=_("tapaamista"),
    dimensions=(INTERRUPTION_REASON, MEETING_TYPE, MONTH, PAYER, SERVICE_FORM),
    units=interruption_units,
    applies=_is_visitation,
)

ORDERS = Indicator(
    id="visitation.orders",
    version=1,
    title=_("Voimassa olleet tapaamismääräykset"),
    rule=_(
        "Tapaamismääräykset, jotka ovat olleet voimassa jonakin ajanjakson päivänä (voimassa "
        "alkaen viimeistään jakson lopussa eikä päättynyt ennen jakson alkua), riippumatta "
        "siitä, onko tapaamisia ollut."
    ),
    unit_label=_("määräystä"),
    dimensions=(MEETING_TYPE, BASIS, PAYER, SERVICE_FORM),
    units=order_units,
    applies=_is_visitation,
)

CHILDREN = Indicator(
    id="visitation.children",
    version=1,
    title=_("Tapaamisten lapset"),
    rule=_(
        "Eri lapset, jotka ovat lapsen roolissa osapuolena määräyksessä, jolla on ajanjaksolla "
        "(Suomen aikaa) alkanut tapaaminen toteutumasta riippumatta. Lapsi lasketaan kerran; jos "
        "lapsen määräyksillä on eri maksavat kunnat, ratkaisee jakson viimeisen tapaamisen "
        "määräys."
    ),
    unit_label=_("lasta"),
    dimensions=(PAYER, GENDER, SERVICE_FORM),
    units=child_units,
    applies=_is_visitation,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(MEETINGS, BILLABLE_MEETINGS, INTERRUPTIONS, ORDERS, CHILDREN)
