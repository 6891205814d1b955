"""Indicators of group programmes: sessions held, attendances, participants, anonymous visits.

The counting rules are those of the group statistics page (:func:`tupa.programmes.selectors.
statistics`, called by :func:`tupa.programmes.views.figures.form_statistics`): the same
programmes (of the service form, started by the period's end, not ended before its start unless
their aftercare runs into it), the same sessions (not cancelled, started on a Helsinki-local date
of the period and by now), the same marks. The page gives totals per service form; these give
units with dimensions, and the tests check that the totals are the page's.

A person who attended programmes of two service forms counts once in each form (a form's
figure is the page's total of that form).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.wallclock import HELSINKI
from tupa.organisations.models import ServiceForm
from tupa.programmes.models import Attendance, GroupProgramme, Session
from tupa.programmes.registrations import KINDS
from tupa.programmes.selectors import local_midnight

from .base import Dimension, Indicator, IndicatorRegistry, Params, Unit
from .dimensions import (
    ADULT,
    ADULT_CHILD,
    CHILD,
    GENDER,
    MONTH,
    MUNICIPALITY,
    SERVICE_FORM,
    adult_child_value,
    gender_value,
    month_value,
    municipality_value,
)

PROGRAMME_TYPE = Dimension("programme_type", _("ryhmän laji"), tuple(GroupProgramme.Type.choices))


def programmes_of_period(params: Params) -> QuerySet[GroupProgramme]:
    """The programmes the statistics page lists for the period (see ``form_statistics``)."""
    return GroupProgramme.objects.filter(
        Q(ends_on__isnull=True)
        | Q(ends_on__gte=params.start)
        | Q(aftercare_until__gte=params.start),
        organisation_id=params.organisation_id,
        service_form_id__in=params.service_form_ids,
        starts_on__lte=params.end,
    )


def _held(params: Params, prefix: str = "") -> Q:
    """Sessions held in the period: not cancelled, started on a local date of it and by now."""
    return Q(
        **{
            f"{prefix}starts_at__gte": local_midnight(params.start),
            f"{prefix}starts_at__lt": local_midnight(params.end + dt.timedelta(days=1)),
            f"{prefix}starts_at__lte": timezone.now(),
            f"{prefix}cancelled": False,
            f"{prefix}programme__in": programmes_of_period(params),
        }
    )


def _month(moment: dt.datetime) -> str:
    return month_value(timezone.localtime(moment, HELSINKI).date())


def session_units(params: Params) -> Iterator[Unit]:
    with scopes_disabled():
        rows = list(
            Session.objects.filter(_held(params))
            .order_by("starts_at", "pk")
            .values_list("programme__service_form_id", "programme__type", "starts_at")
        )
    for form_id, kind, starts_at in rows:
        yield Unit(values=(str(form_id), kind, _month(starts_at)))


def attendance_units(params: Params) -> Iterator[Unit]:
    """One unit per "present" mark (a baby–parent pair's mark is one), of the parent's record."""
    with scopes_disabled():
        rows = list(
            Attendance.objects.filter(_held(params, "session__"), status=Attendance.Status.PRESENT)
            .order_by("session__starts_at", "pk")
            .values_list(
                "session__programme__service_form_id",
                "session__programme__type",
                "session__starts_at",
                "member__participant__episode_id",
                "member__participant__person_id",
                "member__participant__person__municipality_id",
            )
        )
    for form_id, kind, starts_at, episode_id, person_id, municipality_id in rows:
        yield Unit(
            values=(str(form_id), kind, _month(starts_at)),
            episode_id=episode_id,
            person_id=person_id,
            municipality_id=municipality_id,
        )


def participant_units(params: Params) -> Iterator[Unit]:
    """One unit per person present at least once (a pair's parent and child are two persons)."""
    with scopes_disabled():
        rows = list(
            Attendance.objects.filter(_held(params, "session__"), status=Attendance.Status.PRESENT)
            .order_by("session__starts_at", "session_id", "pk")
            .values_list(
                "session__programme__service_form_id",
                "session__programme__type",
                "session__starts_at",
                "member__participant__episode_id",
                "member__participant__person_id",
                "member__participant__person__birth_date",
                "member__participant__person__gender",
                "member__participant__person__municipality_id",
                "member__child__episode_id",
                "member__child__person_id",
                "member__child__person__birth_date",
                "member__child__person__gender",
                "member__child__person__municipality_id",
            )
        )
    seen: set[tuple[int, int]] = set()
    for (
        form_id,
        kind,
        starts_at,
        parent_episode_id,
        parent_id,
        parent_born,
        parent_gender,
        parent_home,
        child_episode_id,
        child_id,
        child_born,
        child_gender,
        child_home,
    ) in rows:
        day = timezone.localtime(starts_at, HELSINKI).date()
        pair = (
            (parent_episode_id, parent_id, parent_born, parent_gender, parent_home),
            (child_episode_id, child_id, child_born, child_gender, child_home),
        )
        for episode_id, person_id, birth_date, gender, municipality_id in pair:
            # An anonymous (alias) participant has no person: the page does not count them.
            if person_id is None or (form_id, person_id) in seen:
                continue
            seen.add((form_id, person_id))
            yield Unit(
                values=(
                    str(form_id),
                    kind,
                    adult_child_value(birth_date, None, day),
                    gender_value(gender),
                    municipality_value(municipality_id),
                ),
                episode_id=episode_id,
                person_id=person_id,
                municipality_id=municipality_id,
            )


def anonymous_units(params: Params) -> Iterator[Unit]:
    """The head counts of anonymous adults and children of the sessions held (no records)."""
    with scopes_disabled():
        rows = list(
            Session.objects.filter(_held(params))
            .filter(Q(anonymous_adults__gt=0) | Q(anonymous_children__gt=0))
            .order_by("starts_at", "pk")
            .values_list(
                "programme__service_form_id",
                "programme__type",
                "starts_at",
                "anonymous_adults",
                "anonymous_children",
            )
        )
    for form_id, kind, starts_at, adults, children in rows:
        month = _month(starts_at)
        if adults:
            yield Unit(values=(str(form_id), kind, ADULT, month), weight=adults)
        if children:
            yield Unit(values=(str(form_id), kind, CHILD, month), weight=children)


def has_programmes(form: ServiceForm) -> bool:
    """The kinds of service form that can run group programmes."""
    return form.kind in KINDS


PARTICIPANTS = Indicator(
    id="programmes.participants",
    version=1,
    title=_("Ryhmiin osallistuneet henkilöt"),
    rule=_(
        "Eri henkilöt, jotka on merkitty paikalla olleiksi vähintään kerran kaudella "
        "pidetyssä ryhmän kokoontumisessa; vauva–vanhempi-parista lasketaan sekä vanhempi että "
        "lapsi, nimettömiä ei lasketa. Henkilö lasketaan kerran työmuotoa kohden, ja ryhmän laji "
        "ja ikä (aikuinen tai lapsi) tulevat hänen kauden ensimmäisestä kokoontumisestaan."
    ),
    unit_label=_("henkilöä"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, ADULT_CHILD, GENDER, MUNICIPALITY),
    units=participant_units,
    applies=has_programmes,
)

SESSIONS = Indicator(
    id="programmes.sessions",
    version=1,
    title=_("Ryhmien pidetyt kokoontumiset"),
    rule=_(
        "Ryhmien kokoontumiset, joita ei ole peruttu ja jotka alkoivat kaudella (Suomen aikaa) "
        "viimeistään laskentahetkellä; tulevia kokoontumisia ei lasketa."
    ),
    unit_label=_("kokoontumista"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, MONTH),
    units=session_units,
    applies=has_programmes,
    records=False,
)

ATTENDANCES = Indicator(
    id="programmes.attendances",
    version=1,
    title=_("Ryhmäkäynnit"),
    rule=_(
        "Paikalla-merkinnät kaudella pidetyissä ryhmän kokoontumisissa; vauva–vanhempi-parin "
        "merkintä on yksi käynti. Nimettömät osallistujat lasketaan erikseen."
    ),
    unit_label=_("käyntiä"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, MONTH),
    units=attendance_units,
    applies=has_programmes,
)

ANONYMOUS = Indicator(
    id="programmes.anonymous",
    version=1,
    title=_("Ryhmien nimettömät osallistujat"),
    rule=_(
        "Kaudella pidettyihin ryhmän kokoontumisiin kirjattujen nimettömien aikuisten ja lasten "
        "määrien summa (sama henkilö voi olla mukana monta kertaa)."
    ),
    unit_label=_("käyntiä"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, ADULT_CHILD, MONTH),
    units=anonymous_units,
    applies=has_programmes,
    records=False,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(PARTICIPANTS, SESSIONS, ATTENDANCES, ANONYMOUS)
