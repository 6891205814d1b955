"""Indicators of volunteer work (seed-spec VOL-10, REP-05, REP-06): the volunteers of a service
form by status, gender and role, the new and the ended, the realised activity (occasions and
hours), the courses held and completed, and Mieskaveri matching — processes, their ends and
success, the male friends and the referred families.

These are the one definition of the volunteer statistics: the internal report
``internal.volunteers`` (:mod:`tupa.statistics.returns.internal.volunteers`), STEA's report of a
volunteer form and the matching page's REP-05 figures are built from them.

A volunteer belongs to a service form through their tasks (``Assignment``): a volunteer with
tasks in two forms counts once in each. The drill-down behind a figure lists **volunteers**
(``Unit.record_id``, ``record_kind`` volunteer), only to a viewer who may read those
volunteers in the register (:func:`tupa.access.statistics.drill_volunteer_bases`); the client
families of the matching cases are never listed here (``referred_families`` has no records).
Every date is a calendar date (the volunteer models hold dates), the period's ends included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.volunteers.models import (
    ActivityKind,
    Assignment,
    CourseKind,
    CourseParticipant,
    Gender,
    HoursEntry,
    Match,
    MatchingCase,
    RoleKind,
    Status,
    StatusChange,
    TrainingCourse,
)

from .base import (
    FAMILY_RECORDS,
    UNKNOWN,
    VOLUNTEER_RECORDS,
    Dimension,
    Indicator,
    IndicatorRegistry,
    Params,
    Unit,
)
from .dimensions import MONTH, SERVICE_FORM, YEAR, year_month_values

_UNKNOWN_LABEL = _("ei tiedossa")

ROLE = Dimension("role", _("tehtävä"), tuple(RoleKind.choices))
STATUS = Dimension("status", _("tila kauden lopussa"), (*Status.choices, (UNKNOWN, _UNKNOWN_LABEL)))
VOLUNTEER_GENDER = Dimension(
    "volunteer_gender",
    _("sukupuoli"),
    (
        (Gender.WOMAN, Gender.WOMAN.label),
        (Gender.MAN, Gender.MAN.label),
        (Gender.OTHER, Gender.OTHER.label),
        (UNKNOWN, _UNKNOWN_LABEL),
    ),
)
ACTIVITY_KIND = Dimension("activity_kind", _("toiminnan laji"), tuple(ActivityKind.choices))
COURSE_KIND = Dimension("course_kind", _("koulutuksen laji"), tuple(CourseKind.choices))
SUCCESS_YES, SUCCESS_NO = "yes", "no"
SUCCESS = Dimension(
    "success",
    _("onnistuminen"),
    ((SUCCESS_YES, _("onnistunut")), (SUCCESS_NO, _("ei onnistunut")), (UNKNOWN, _UNKNOWN_LABEL)),
)

#: Minutes in an hour, and the hundredths a weight of hours is counted in (``decimals=2``).
_MINUTES, _HUNDREDTHS = 60, 100


def _gender_value(gender: str) -> str:
    return gender if gender in (Gender.WOMAN, Gender.MAN, Gender.OTHER) else UNKNOWN


def hundredths_of_an_hour(minutes: int) -> int:
    """Minutes as hundredths of an hour, rounded half up (90 min → 150, 10 min → 17)."""
    return (minutes * _HUNDREDTHS + _MINUTES // 2) // _MINUTES


def _tasks(params: Params) -> QuerySet[Assignment]:
    """The tasks of the period's forms that were going on some day of the period."""
    return Assignment.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=params.start),
        organisation_id=params.organisation_id,
        service_form_id__in=params.service_form_ids,
        started_on__lte=params.end,
    )


def _status_at(params: Params, tasks: QuerySet[Assignment]) -> dict[int, str]:
    """Each volunteer's status on the period's last day: the latest step dated by then."""
    rows = (
        StatusChange.objects.filter(
            volunteer_id__in=tasks.values("volunteer_id"), changed_on__lte=params.end
        )
        .order_by("volunteer_id", "changed_on", "pk")
        .values_list("volunteer_id", "status")
    )
    return dict(rows)  # the latest row of each volunteer wins


def volunteer_units(params: Params) -> Iterator[Unit]:
    """One unit per (form, volunteer) with a task in the form some day of the period."""
    with scopes_disabled():
        tasks = _tasks(params)
        rows = list(
            tasks.order_by("service_form_id", "volunteer_id")
            .values_list("service_form_id", "volunteer_id", "volunteer__gender")
            .distinct()
        )
        status = _status_at(params, tasks)
    for form_id, volunteer_id, gender in rows:
        yield Unit(
            values=(str(form_id), status.get(volunteer_id, UNKNOWN), _gender_value(gender)),
            record_id=volunteer_id,
        )


def task_units(params: Params) -> Iterator[Unit]:
    """One unit per (form, role, volunteer) of the tasks going on some day of the period."""
    with scopes_disabled():
        rows = list(
            _tasks(params)
            .order_by("service_form_id", "role", "volunteer_id")
            .values_list("service_form_id", "role", "volunteer_id")
            .distinct()
        )
    for form_id, role, volunteer_id in rows:
        yield Unit(values=(str(form_id), role), record_id=volunteer_id)


#: A task as (form id, volunteer id, role, started on, ended on).
TaskRow = tuple[int, int, str, dt.date, dt.date | None]


def _form_tasks(params: Params, volunteers: QuerySet[Assignment]) -> list[TaskRow]:
    """Every task started by the period's end in the forms, of the volunteers ``volunteers``
    selects, ordered by form, volunteer, start and id."""
    return list(
        Assignment.objects.filter(
            organisation_id=params.organisation_id,
            service_form_id__in=params.service_form_ids,
            started_on__lte=params.end,
            volunteer_id__in=volunteers.values("volunteer_id"),
        )
        .order_by("service_form_id", "volunteer_id", "started_on", "pk")
        .values_list("service_form_id", "volunteer_id", "role", "started_on", "ended_on")
    )


def new_units(params: Params) -> Iterator[Unit]:
    """One unit per (form, volunteer) whose first task in the form started in the period."""
    with scopes_disabled():
        started = Assignment.objects.filter(
            params.dates("started_on"),
            organisation_id=params.organisation_id,
            service_form_id__in=params.service_form_ids,
        )
        rows = _form_tasks(params, started)
    seen: set[tuple[int, int]] = set()
    for form_id, volunteer_id, role, started_on, _ended_on in rows:
        if (form_id, volunteer_id) in seen:
            continue
        seen.add((form_id, volunteer_id))  # the first task (the earliest start, then the id)
        if params.start <= started_on <= params.end:
            yield Unit(
                values=(str(form_id), role, *year_month_values(started_on)), record_id=volunteer_id
            )


def ended_units(params: Params) -> Iterator[Unit]:
    """One unit per (form, volunteer) whose last task in the form ended in the period and who
    had no task in the form going on at the period's end."""
    with scopes_disabled():
        ended = Assignment.objects.filter(
            params.dates("ended_on"),
            organisation_id=params.organisation_id,
            service_form_id__in=params.service_form_ids,
        )
        rows = _form_tasks(params, ended)
    last: dict[tuple[int, int], tuple[str, dt.date] | None] = {}
    for form_id, volunteer_id, role, _started_on, ended_on in rows:
        key = (form_id, volunteer_id)
        if key in last and last[key] is None:
            continue  # a task going on at the period's end: not ended
        if ended_on is None or ended_on > params.end:
            last[key] = None
            continue
        previous = last.get(key)
        if previous is None or ended_on >= previous[1]:
            last[key] = (role, ended_on)
    for (form_id, volunteer_id), ending in last.items():
        if ending is None:
            continue
        role, ended_on = ending
        if params.start <= ended_on <= params.end:
            yield Unit(
                values=(str(form_id), role, *year_month_values(ended_on)), record_id=volunteer_id
            )


def _entries(params: Params) -> list[HoursEntry]:
    return list(
        HoursEntry.objects.filter(
            params.dates("date"),
            organisation_id=params.organisation_id,
            service_form_id__in=params.service_form_ids,
        )
        .only("service_form_id", "volunteer_id", "kind", "date", "starts", "ends")
        .order_by("date", "starts", "pk")
    )


def occasion_units(params: Params) -> Iterator[Unit]:
    """One unit per activity entry dated in the period."""
    with scopes_disabled():
        entries = _entries(params)
    for e in entries:
        yield Unit(
            values=(str(e.service_form_id), e.kind, *year_month_values(e.date)),
            record_id=e.volunteer_id,
        )


def hours_units(params: Params) -> Iterator[Unit]:
    """Each entry of the period weighs its duration in hundredths of an hour (DST-correct)."""
    with scopes_disabled():
        entries = _entries(params)
    for e in entries:
        yield Unit(
            values=(str(e.service_form_id), e.kind, *year_month_values(e.date)),
            weight=hundredths_of_an_hour(e.minutes),
            record_id=e.volunteer_id,
        )


def participant_units(params: Params) -> Iterator[Unit]:
    """One unit per (form, volunteer) with at least one activity entry in the period."""
    with scopes_disabled():
        rows = list(
            HoursEntry.objects.filter(
                params.dates("date"),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            )
            .order_by("service_form_id", "volunteer_id")
            .values_list("service_form_id", "volunteer_id", "volunteer__gender")
            .distinct()
        )
    for form_id, volunteer_id, gender in rows:
        yield Unit(values=(str(form_id), _gender_value(gender)), record_id=volunteer_id)


def course_units(params: Params) -> Iterator[Unit]:
    """One unit per course of the forms that starts in the period (no persons)."""
    with scopes_disabled():
        rows = list(
            TrainingCourse.objects.filter(
                params.dates("starts_on"),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            )
            .order_by("starts_on", "pk")
            .values_list("service_form_id", "kind", "starts_on")
        )
    for form_id, kind, starts_on in rows:
        yield Unit(values=(str(form_id), kind, *year_month_values(starts_on)))


def completion_units(params: Params) -> Iterator[Unit]:
    """One unit per course completion dated in the period, in the course's form."""
    with scopes_disabled():
        rows = list(
            CourseParticipant.objects.filter(
                params.dates("completed_on"),
                organisation_id=params.organisation_id,
                course__service_form_id__in=params.service_form_ids,
            )
            .order_by("completed_on", "pk")
            .values_list("course__service_form_id", "course__kind", "completed_on", "volunteer_id")
        )
    for form_id, kind, completed_on, volunteer_id in rows:
        if completed_on is None:  # the query asks for a completion date
            continue
        yield Unit(
            values=(str(form_id), kind, *year_month_values(completed_on)), record_id=volunteer_id
        )


def _matches(params: Params) -> QuerySet[Match]:
    return Match.objects.filter(
        organisation_id=params.organisation_id,
        case__service_form_id__in=params.service_form_ids,
    )


def match_started_units(params: Params) -> Iterator[Unit]:
    """One unit per match (a male friend found for a case) that started in the period."""
    with scopes_disabled():
        rows = list(
            _matches(params)
            .filter(params.dates("started_on"))
            .order_by("started_on", "pk")
            .values_list("case__service_form_id", "started_on", "volunteer_id")
        )
    for form_id, started_on, volunteer_id in rows:
        yield Unit(values=(str(form_id), *year_month_values(started_on)), record_id=volunteer_id)


def _success_value(successful: bool | None) -> str:
    if successful is None:
        return UNKNOWN
    return SUCCESS_YES if successful else SUCCESS_NO


def match_ended_units(params: Params) -> Iterator[Unit]:
    """One unit per match that ended in the period, with the case's success."""
    with scopes_disabled():
        rows = list(
            _matches(params)
            .filter(params.dates("ended_on"))
            .order_by("ended_on", "pk")
            .values_list("case__service_form_id", "case__successful", "ended_on", "volunteer_id")
        )
    for form_id, successful, ended_on, volunteer_id in rows:
        if ended_on is None:  # the query asks for an end date
            continue
        yield Unit(
            values=(str(form_id), _success_value(successful), *year_month_values(ended_on)),
            record_id=volunteer_id,
        )


def male_friend_units(params: Params) -> Iterator[Unit]:
    """One unit per (form, volunteer) in a match going on some day of the period."""
    with scopes_disabled():
        rows = list(
            _matches(params)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=params.start))
            .filter(started_on__lte=params.end)
            .order_by("case__service_form_id", "volunteer_id")
            .values_list("case__service_form_id", "volunteer_id")
            .distinct()
        )
    for form_id, volunteer_id in rows:
        yield Unit(values=(str(form_id),), record_id=volunteer_id)


def family_units(params: Params) -> Iterator[Unit]:
    """One unit per (form, family episode) with an application that arrived in the period,
    dated by its first such application. No record: the families are not listed here."""
    with scopes_disabled():
        rows = list(
            MatchingCase.objects.filter(
                params.dates("applied_on"),
                organisation_id=params.organisation_id,
                service_form_id__in=params.service_form_ids,
            )
            .order_by("service_form_id", "episode_id", "applied_on", "pk")
            .values_list("service_form_id", "episode_id", "applied_on")
        )
    seen: set[tuple[int, int]] = set()
    for form_id, episode_id, applied_on in rows:
        if (form_id, episode_id) in seen:
            continue
        seen.add((form_id, episode_id))
        yield Unit(values=(str(form_id), *year_month_values(applied_on)))


_WHEN = (YEAR, MONTH)

VOLUNTEERS = Indicator(
    id="volunteers.volunteers",
    version=1,
    title=_("Vapaaehtoiset"),
    rule=_(
        "Eri vapaaehtoiset, joilla on ollut työmuodossa tehtävä jonakin kauden päivänä "
        "(tehtävä alkanut viimeistään kauden viimeisenä päivänä eikä päättynyt ennen kauden "
        "alkua). Kahden työmuodon vapaaehtoinen lasketaan kummassakin. Tila on vapaaehtoisen "
        "viimeisin kauden loppuun mennessä kirjattu tila."
    ),
    unit_label=_("vapaaehtoista"),
    dimensions=(SERVICE_FORM, STATUS, VOLUNTEER_GENDER),
    units=volunteer_units,
    record_kind=VOLUNTEER_RECORDS,
)

TASKS = Indicator(
    id="volunteers.tasks",
    version=1,
    title=_("Vapaaehtoiset tehtävittäin"),
    rule=_(
        "Vapaaehtoiset kunkin tehtävän osalta erikseen: eri vapaaehtoiset, joilla on ollut "
        "työmuodossa tämä tehtävä jonakin kauden päivänä. Kahdessa tehtävässä toiminut "
        "lasketaan kummassakin, joten tehtävittäisten lukujen summa ei ole eri vapaaehtoisten "
        "määrä: sen kertoo luku Vapaaehtoiset."
    ),
    unit_label=_("vapaaehtoista"),
    dimensions=(SERVICE_FORM, ROLE),
    units=task_units,
    record_kind=VOLUNTEER_RECORDS,
)

NEW = Indicator(
    id="volunteers.new",
    version=1,
    title=_("Uudet vapaaehtoiset"),
    rule=_(
        "Vapaaehtoiset, joiden ensimmäinen tehtävä työmuodossa alkoi kaudella; tehtävä ja "
        "kuukausi ovat tämän ensimmäisen tehtävän. Takaisin palaava vapaaehtoinen, jolla on "
        "ollut työmuodossa tehtävä aiemmin, ei ole uusi."
    ),
    unit_label=_("vapaaehtoista"),
    dimensions=(SERVICE_FORM, ROLE, *_WHEN),
    units=new_units,
    record_kind=VOLUNTEER_RECORDS,
)

ENDED = Indicator(
    id="volunteers.ended",
    version=1,
    title=_("Lopettaneet vapaaehtoiset"),
    rule=_(
        "Vapaaehtoiset, joiden viimeinen tehtävä työmuodossa päättyi kaudella ja joilla ei "
        "ollut kauden lopussa työmuodossa käynnissä olevaa tehtävää (myös ne, jotka jatkavat "
        "toisessa työmuodossa). Tehtävä ja kuukausi ovat viimeksi päättyneen tehtävän."
    ),
    unit_label=_("vapaaehtoista"),
    dimensions=(SERVICE_FORM, ROLE, *_WHEN),
    units=ended_units,
    record_kind=VOLUNTEER_RECORDS,
)

OCCASIONS = Indicator(
    id="volunteers.occasions",
    version=1,
    title=_("Vapaaehtoisten toimintakerrat"),
    rule=_(
        "Kaudelle päivätyt toteutuneen toiminnan kirjaukset (yksi kirjaus on yhden "
        "vapaaehtoisen yksi toimintakerta; leiri kirjataan päivittäin). Poistettuja "
        "kirjauksia ei lasketa."
    ),
    unit_label=_("kertaa"),
    dimensions=(SERVICE_FORM, ACTIVITY_KIND, *_WHEN),
    units=occasion_units,
    record_kind=VOLUNTEER_RECORDS,
)

HOURS = Indicator(
    id="volunteers.hours",
    version=1,
    title=_("Vapaaehtoistunnit"),
    rule=_(
        "Kaudelle päivättyjen toteutuneen toiminnan kirjausten kestojen summa tunteina. Kesto "
        "lasketaan Suomen aikaa olevista alku- ja loppuajoista kesäaikasiirtymät huomioiden, "
        "ja kunkin kirjauksen kesto pyöristetään tunnin sadasosiin (alle 0,005 tunnin eli 18 "
        "sekunnin ero kirjausta kohden)."
    ),
    unit_label=_("tuntia"),
    dimensions=(SERVICE_FORM, ACTIVITY_KIND, *_WHEN),
    units=hours_units,
    decimals=2,
    record_kind=VOLUNTEER_RECORDS,
)

PARTICIPANTS = Indicator(
    id="volunteers.participants",
    version=1,
    title=_("Toiminnassa mukana olleet vapaaehtoiset"),
    rule=_(
        "Eri vapaaehtoiset, joilla on vähintään yksi kaudelle päivätty toteutuneen toiminnan "
        "kirjaus työmuodossa. Kahden työmuodon vapaaehtoinen lasketaan kummassakin."
    ),
    unit_label=_("vapaaehtoista"),
    dimensions=(SERVICE_FORM, VOLUNTEER_GENDER),
    units=participant_units,
    record_kind=VOLUNTEER_RECORDS,
)

COURSES = Indicator(
    id="volunteers.courses",
    version=1,
    title=_("Järjestetyt koulutukset"),
    rule=_(
        "Työmuodon vapaaehtoisten koulutukset, jotka alkoivat kaudella; monen kuukauden "
        "koulutus lasketaan kerran, alkamiskuukaudelleen."
    ),
    unit_label=_("koulutusta"),
    dimensions=(SERVICE_FORM, COURSE_KIND, *_WHEN),
    units=course_units,
    records=False,
    counts_people=False,  # courses held: shown whole in an outgoing return
)

COMPLETIONS = Indicator(
    id="volunteers.completions",
    version=1,
    title=_("Koulutuksen suorittaneet"),
    rule=_(
        "Koulutusten osallistujat, joiden suorituspäivä on kaudella, koulutuksen työmuodossa. "
        "Kaksi koulutusta suorittanut lasketaan kahdesti (suorituksia)."
    ),
    unit_label=_("suoritusta"),
    dimensions=(SERVICE_FORM, COURSE_KIND, *_WHEN),
    units=completion_units,
    record_kind=VOLUNTEER_RECORDS,
)

MATCHES_STARTED = Indicator(
    id="volunteers.matches_started",
    version=1,
    title=_("Kaveritoiminnan prosessit (alkaneet kaverisuhteet)"),
    rule=_(
        "Kaverisuhteet, jotka alkoivat kaudella: prosessit, joissa perheen lapselle löydettiin "
        "mieskaveri (REP-05 prosessien määrä)."
    ),
    unit_label=_("kaverisuhdetta"),
    dimensions=(SERVICE_FORM, *_WHEN),
    units=match_started_units,
    record_kind=VOLUNTEER_RECORDS,
)

MATCHES_ENDED = Indicator(
    id="volunteers.matches_ended",
    version=1,
    title=_("Päättyneet kaverisuhteet ja niiden onnistuminen"),
    rule=_(
        "Kaverisuhteet, jotka päättyivät kaudella, sen mukaan merkittiinkö prosessi "
        "päätettäessä onnistuneeksi (REP-05 onnistuneet prosessit)."
    ),
    unit_label=_("kaverisuhdetta"),
    dimensions=(SERVICE_FORM, SUCCESS, *_WHEN),
    units=match_ended_units,
    record_kind=VOLUNTEER_RECORDS,
)

MALE_FRIENDS = Indicator(
    id="volunteers.male_friends",
    version=1,
    title=_("Mieskaverit"),
    rule=_(
        "Eri vapaaehtoiset, jotka ovat olleet kaverisuhteessa jonakin kauden päivänä (suhde "
        "alkanut viimeistään kauden viimeisenä päivänä eikä päättynyt ennen kauden alkua)."
    ),
    unit_label=_("mieskaveria"),
    dimensions=(SERVICE_FORM,),
    units=male_friend_units,
    record_kind=VOLUNTEER_RECORDS,
)

REFERRED_FAMILIES = Indicator(
    id="volunteers.referred_families",
    version=1,
    title=_("Kaveritoimintaan ohjautuneet perheet"),
    rule=_(
        "Eri perheet (asiakkuudet), joiden hakemus kaveritoimintaan saapui kaudella; kuukausi "
        "on kauden ensimmäisen hakemuksen. Perheitä ei luetella tilastossa."
    ),
    unit_label=_("perhettä"),
    dimensions=(SERVICE_FORM, *_WHEN),
    units=family_units,
    records=False,
    record_kind=FAMILY_RECORDS,
)

ALL = (
    VOLUNTEERS,
    TASKS,
    NEW,
    ENDED,
    OCCASIONS,
    HOURS,
    PARTICIPANTS,
    COURSES,
    COMPLETIONS,
    MATCHES_STARTED,
    MATCHES_ENDED,
    MALE_FRIENDS,
    REFERRED_FAMILIES,
)


def register(registry: IndicatorRegistry) -> None:
    registry.register(*ALL)
