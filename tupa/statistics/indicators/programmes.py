"""Indicators of group programmes: sessions held and cancelled, attendances and absences,
members and persons present (in total and per programme), anonymous visits.

These are the one definition of the group statistics: a service form's group statistics are the
internal report ``internal.programmes`` (:mod:`tupa.statistics.returns.internal.programmes`)
built from them. A programme counts for a period when it belongs to the service form, started by
the period's end and did not end before its start unless its aftercare runs into it; a session
is held when it is not cancelled and started on a Helsinki-local date of the period by now; the
marks are those of the sessions held. Every figure can be broken down by programme, except
the distinct persons of a service form (``programmes.participants``: a person in two
programmes is one); the persons of each programme are ``programmes.persons``, whose sum over
programmes is therefore no distinct count.

A person who attended programmes of two service forms counts once in each form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Final, NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.core.shapes import Shape, Slots
from tupa.core.wallclock import HELSINKI
from tupa.programmes.models import Attendance, GroupProgramme, Session
from tupa.programmes.registrations import can_run_programmes

from .base import Choices, Dimension, Indicator, IndicatorRegistry, Params, Unit
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
from .reads import in_period, period_rows, shared_read

PROGRAMME_TYPE = Dimension("programme_type", _("ryhmän laji"), tuple(GroupProgramme.Type.choices))
ABSENCE = Dimension(
    "absence",
    _("poissaolo"),
    (
        (Attendance.Status.ABSENT, Attendance.Status.ABSENT.label),
        (Attendance.Status.EXCUSED, Attendance.Status.EXCUSED.label),
    ),
)


def programmes_of_period(params: Params) -> QuerySet[GroupProgramme]:
    """The programmes the statistics page lists for the period (see ``form_statistics``)."""
    return _programmes_between(
        params.organisation_id, params.service_form_ids, params.start, params.end
    )


def _programmes_between(
    organisation: Any, forms: Any, start: Any, end: Any
) -> QuerySet[GroupProgramme]:
    """:func:`programmes_of_period` for values or a shape's slots."""
    return GroupProgramme.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start) | Q(aftercare_until__gte=start),
        organisation_id=organisation,
        service_form_id__in=forms,
        starts_on__lte=end,
    )


def _programmes(params: Params) -> Choices:
    """The programmes of the period, newest first (as the group statistics always listed them)."""
    with scopes_disabled():
        rows = programmes_of_period(params).order_by("-starts_on", "name", "pk")
        return tuple((str(p.pk), p.name) for p in rows)


PROGRAMME = Dimension("programme", _("ryhmä"), _programmes)


def _window(s: Slots, prefix: str = "") -> Q:
    """Sessions of the period's programmes that started on a local date of the period (a
    shape's slots, :func:`~.reads.period_rows`)."""
    programmes = _programmes_between(s.organisation, s.forms, s.start, s.end)
    return in_period(s, f"{prefix}starts_at") & Q(**{f"{prefix}programme__in": programmes})


def _held(s: Slots, prefix: str = "") -> Q:
    """Sessions held in the period: not cancelled, started on a local date of it and by now
    (``s.now``)."""
    return _window(s, prefix) & Q(**{f"{prefix}starts_at__lte": s.now, f"{prefix}cancelled": False})


def _rows(shape: Shape, params: Params) -> list[tuple[Any, ...]]:
    """The rows of one of the programmes' shapes for ``params``, with the moment of now."""
    return period_rows(shape, params, now=timezone.now())


def _month(moment: dt.datetime) -> str:
    return month_value(timezone.localtime(moment, HELSINKI).date())


_SESSION_ROWS: Final = Shape(
    lambda s: (
        Session.objects.filter(_held(s))
        .order_by("starts_at", "pk")
        .values_list("programme__service_form_id", "programme__type", "starts_at", "programme_id")
    )
)


def session_units(params: Params) -> Iterator[Unit]:
    rows = _rows(_SESSION_ROWS, params)
    for form_id, kind, starts_at, programme_id in rows:
        yield Unit(values=(str(form_id), kind, _month(starts_at), str(programme_id)))


_CANCELLED_SESSION_ROWS: Final = Shape(
    lambda s: (
        Session.objects.filter(_window(s), cancelled=True)
        .order_by("starts_at", "pk")
        .values_list("programme__service_form_id", "programme__type", "starts_at", "programme_id")
    )
)


def cancelled_session_units(params: Params) -> Iterator[Unit]:
    """Cancelled sessions that were to start on a local date of the period (also future ones)."""
    rows = _rows(_CANCELLED_SESSION_ROWS, params)
    for form_id, kind, starts_at, programme_id in rows:
        yield Unit(values=(str(form_id), kind, _month(starts_at), str(programme_id)))


_ATTENDANCE_ROWS: Final = Shape(
    lambda s: (
        Attendance.objects.filter(_held(s, "session__"), status=Attendance.Status.PRESENT)
        .order_by("session__starts_at", "pk")
        .values_list(
            "session__programme__service_form_id",
            "session__programme__type",
            "session__starts_at",
            "member__participant__episode_id",
            "member__participant__person_id",
            "member__participant__person__municipality_id",
            "session__programme_id",
        )
    )
)


def attendance_units(params: Params) -> Iterator[Unit]:
    """One unit per "present" mark (a baby–parent pair's mark is one), of the parent's record."""
    rows = _rows(_ATTENDANCE_ROWS, params)
    for form_id, kind, starts_at, episode_id, person_id, municipality_id, programme_id in rows:
        yield Unit(
            values=(str(form_id), kind, _month(starts_at), str(programme_id)),
            episode_id=episode_id,
            person_id=person_id,
            municipality_id=municipality_id,
        )


_ABSENCE_ROWS: Final = Shape(
    lambda s: (
        Attendance.objects.filter(
            _held(s, "session__"),
            status__in=(Attendance.Status.ABSENT, Attendance.Status.EXCUSED),
        )
        .order_by("session__starts_at", "pk")
        .values_list(
            "session__programme__service_form_id",
            "session__programme__type",
            "session__starts_at",
            "status",
            "member__participant__episode_id",
            "member__participant__person_id",
            "member__participant__person__municipality_id",
            "session__programme_id",
        )
    )
)


def absence_units(params: Params) -> Iterator[Unit]:
    """One unit per "absent" or "excused" mark of a session held, of the parent's record."""
    rows = _rows(_ABSENCE_ROWS, params)
    for row in rows:
        form_id, kind, starts_at, status, episode_id, person_id, municipality_id, programme = row
        yield Unit(
            values=(str(form_id), kind, status, _month(starts_at), str(programme)),
            episode_id=episode_id,
            person_id=person_id,
            municipality_id=municipality_id,
        )


_MEMBER_ROWS: Final = Shape(
    lambda s: (
        Attendance.objects.filter(_held(s, "session__"), status=Attendance.Status.PRESENT)
        .order_by("member_id")
        .values_list(
            "session__programme__service_form_id",
            "session__programme__type",
            "session__programme_id",
            "member_id",
            "member__participant__episode_id",
            "member__participant__person_id",
            "member__participant__person__municipality_id",
        )
        .distinct()
    )
)


def member_units(params: Params) -> Iterator[Unit]:
    """One unit per programme member (a pair is one) present at least once in the period.

    A member belongs to one programme, so the programme breakdown adds up to the total.
    """
    rows = _rows(_MEMBER_ROWS, params)
    seen: set[int] = set()
    for form_id, kind, programme_id, member_id, episode_id, person_id, municipality_id in rows:
        if member_id in seen:
            continue
        seen.add(member_id)
        yield Unit(
            values=(str(form_id), kind, str(programme_id)),
            episode_id=episode_id,
            person_id=person_id,
            municipality_id=municipality_id,
        )


_PRESENT_ROWS: Final = Shape(
    lambda s: (
        Attendance.objects.filter(_held(s, "session__"), status=Attendance.Status.PRESENT)
        .order_by("session__starts_at", "session_id", "pk")
        .values_list(
            "session__programme__service_form_id",
            "session__programme__type",
            "session__programme_id",
            "session__starts_at",
            *(
                f"member__{who}__{field}"
                for who in ("participant", "child")
                for field in (
                    "episode_id",
                    "person_id",
                    "person__birth_date",
                    "person__gender",
                    "person__municipality_id",
                )
            ),
        )
    )
)


class _Present(NamedTuple):
    """A person present at a session held: a pair's parent and child are two."""

    form_id: int
    kind: str
    programme_id: int
    day: dt.date  # the session's local date
    episode_id: int | None
    person_id: int
    birth_date: dt.date | None
    gender: str
    municipality_id: int | None


@shared_read  # the persons of each form and of each programme count the same marks
def _present(params: Params) -> list[_Present]:
    """The persons present at the period's sessions held, in the order of the sessions; an
    anonymous (alias) participant has no person and is not counted."""
    found = []
    for form_id, kind, programme_id, starts_at, *pair in _rows(_PRESENT_ROWS, params):
        day = timezone.localtime(starts_at, HELSINKI).date()
        for episode_id, person_id, birth_date, gender, municipality_id in (pair[:5], pair[5:]):
            if person_id is not None:
                found.append(
                    _Present(
                        form_id,
                        kind,
                        programme_id,
                        day,
                        episode_id,
                        person_id,
                        birth_date,
                        gender,
                        municipality_id,
                    )
                )
    return found


def _first_present(
    params: Params, key: Callable[[_Present], tuple[int, int]]
) -> Iterator[_Present]:
    """Each person's first presence of the period per ``key`` (their form, or programme)."""
    seen: set[tuple[int, int]] = set()
    for p in _present(params):
        if (k := key(p)) not in seen:
            seen.add(k)
            yield p


def participant_units(params: Params) -> Iterator[Unit]:
    """One unit per person present at least once (a pair's parent and child are two persons)."""
    for p in _first_present(params, lambda p: (p.form_id, p.person_id)):
        yield Unit(
            values=(
                str(p.form_id),
                p.kind,
                adult_child_value(p.birth_date, None, p.day),
                gender_value(p.gender),
                municipality_value(p.municipality_id),
            ),
            episode_id=p.episode_id,
            person_id=p.person_id,
            municipality_id=p.municipality_id,
        )


def person_units(params: Params) -> Iterator[Unit]:
    """One unit per (programme, person) present at least once in the period.

    A pair's parent and child are two persons; a person present in two programmes is a unit of
    each, so the sum over programmes is not a count of distinct persons (that is
    :data:`PARTICIPANTS`, counted once per service form). Age is at the person's first session
    of the programme in the period.
    """
    for p in _first_present(params, lambda p: (p.programme_id, p.person_id)):
        yield Unit(
            values=(
                str(p.form_id),
                p.kind,
                adult_child_value(p.birth_date, None, p.day),
                str(p.programme_id),
            ),
            episode_id=p.episode_id,
            person_id=p.person_id,
            municipality_id=p.municipality_id,
        )


_ANONYMOUS_ROWS: Final = Shape(
    lambda s: (
        Session.objects.filter(_held(s))
        .filter(Q(anonymous_adults__gt=0) | Q(anonymous_children__gt=0))
        .order_by("starts_at", "pk")
        .values_list(
            "programme__service_form_id",
            "programme__type",
            "starts_at",
            "anonymous_adults",
            "anonymous_children",
            "programme_id",
        )
    )
)


def anonymous_units(params: Params) -> Iterator[Unit]:
    """The head counts of anonymous adults and children of the sessions held (no records)."""
    rows = _rows(_ANONYMOUS_ROWS, params)
    for form_id, kind, starts_at, adults, children, programme_id in rows:
        month, programme = _month(starts_at), str(programme_id)
        if adults:
            yield Unit(values=(str(form_id), kind, ADULT, month, programme), weight=adults)
        if children:
            yield Unit(values=(str(form_id), kind, CHILD, month, programme), weight=children)


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
    applies=can_run_programmes,
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
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, MONTH, PROGRAMME),
    units=session_units,
    applies=can_run_programmes,
    records=False,
    counts_people=False,  # meetings held: shown whole in an outgoing return
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
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, MONTH, PROGRAMME),
    units=attendance_units,
    applies=can_run_programmes,
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
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, ADULT_CHILD, MONTH, PROGRAMME),
    units=anonymous_units,
    applies=can_run_programmes,
    records=False,
)

CANCELLED_SESSIONS = Indicator(
    id="programmes.cancelled_sessions",
    version=1,
    title=_("Ryhmien perutut kokoontumiset"),
    rule=_(
        "Ryhmien perutuiksi merkityt kokoontumiset, joiden alkamispäivä (Suomen aikaa) on "
        "kaudella, myös laskentahetken jälkeiset."
    ),
    unit_label=_("kokoontumista"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, MONTH, PROGRAMME),
    units=cancelled_session_units,
    applies=can_run_programmes,
    records=False,
    counts_people=False,  # meetings called off: shown whole in an outgoing return
)

ABSENCES = Indicator(
    id="programmes.absences",
    version=1,
    title=_("Ryhmien poissaolot"),
    rule=_(
        "Poissa- ja poissa ilmoittaen -merkinnät kaudella pidetyissä ryhmän kokoontumisissa; "
        "vauva–vanhempi-parin merkintä on yksi. Läsnäoloaste on ryhmäkäynnit jaettuna "
        "ryhmäkäyntien ja poissaolojen summalla."
    ),
    unit_label=_("merkintää"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, ABSENCE, MONTH, PROGRAMME),
    units=absence_units,
    applies=can_run_programmes,
)

MEMBERS_PRESENT = Indicator(
    id="programmes.members_present",
    version=1,
    title=_("Ryhmien eri osallistujat"),
    rule=_(
        "Ryhmän jäsenet, jotka on merkitty paikalla olleiksi vähintään kerran kaudella "
        "pidetyssä kokoontumisessa; vauva–vanhempi-pari on yksi osallistuja. Jäsen kuuluu "
        "yhteen ryhmään, joten ryhmittäiset luvut laskevat yhteen."
    ),
    unit_label=_("osallistujaa"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, PROGRAMME),
    units=member_units,
    applies=can_run_programmes,
)

PERSONS = Indicator(
    id="programmes.persons",
    version=1,
    title=_("Ryhmien eri henkilöt ryhmittäin"),
    rule=_(
        "Eri henkilöt, jotka on merkitty paikalla olleiksi vähintään kerran kaudella pidetyssä "
        "ryhmän kokoontumisessa, kunkin ryhmän osalta erikseen; vauva–vanhempi-parista "
        "lasketaan sekä vanhempi että lapsi, nimettömiä ei lasketa. Kahdessa ryhmässä käynyt "
        "henkilö lasketaan kummassakin, joten ryhmittäisten lukujen summa ei ole eri "
        "henkilöiden määrä: sen kertoo luku Ryhmiin osallistuneet henkilöt. Ikä (aikuinen tai "
        "lapsi) on henkilön kauden ensimmäisestä kokoontumisesta ryhmässä."
    ),
    unit_label=_("henkilöä"),
    dimensions=(SERVICE_FORM, PROGRAMME_TYPE, ADULT_CHILD, PROGRAMME),
    units=person_units,
    applies=can_run_programmes,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(
        PARTICIPANTS,
        SESSIONS,
        CANCELLED_SESSIONS,
        ATTENDANCES,
        ABSENCES,
        MEMBERS_PRESENT,
        PERSONS,
        ANONYMOUS,
    )
