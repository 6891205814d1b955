"""Demo data of the grants register (FIN-06): the grants of the 2018 plan and of the demo's years.

The STEA general and targeted operating grants of the forms the plan says STEA funds, the
Lapsityö project's yearly grant and the state's shelter funding, all granted for 2018 so that
the STEA and THL sums equal the 2018 budget's lines (799 300 € and 655 000 €, see
``data/organisation.json`` "budget"); Mieskaveri partly granted. The plan's pending applications
(seed-spec FIN-06, §7.2.7–7.2.8): STEA for stepfamily work and a stepfamily worker, THL for an
extra shelter worker, STEA and the City of Lahti for Perhetupa, the Federation's Vaikuttavuus
esiin project — and, so that the register shows one, the Federation's other project rejected
(invented). The STEA reporting deadlines of 2019 are marked done; one use-of-funds report is
overdue and one reply is due soon, relative to ``timezone.localdate()``.

The continuing STEA targeted operating grants (Ak) of the demo's own years
(:func:`tupa.demo.calendar.history_start`'s year to this year, the years the demo's clients and
statistics cover): one yearly grant per target of :data:`CONTINUING` — the 2018 targets that go
on, and Perhetupa, whose application of the plan was granted later — with the 2018 target code
and an amount :data:`YEARLY_RISE` up on 2018 per year, rounded to hundreds. Each was applied for
on 31 May of the year before and granted on 15 February of its year (15 December of the year
before while that is still ahead); Mieskaveri partly, as in 2018. The ended projects (Lapsityö
2017–2020, Vanhempi vankilan portilla) have none. Their STEA deadlines due more than
:data:`DONE_AFTER_DAYS` days ago are done, except last year's results reports
(*tuloksellisuusraportti*): those stay open, as the statistics app's STEA returns of last year are
left unsent for the demo's users to try, and sending one marks its results report done. The
results reports of the years before were sent through STEA's own service, so the statistics
catalogue shows those returns as sent elsewhere.

Built through :mod:`tupa.finance.grants.services` as the demo finance manager ``talous``, with the
demo's existing funders. Idempotent: nothing is added if the organisation has grants already.
Amounts, decision numbers and dates are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.demo.calendar import history_start
from tupa.finance.grants import services
from tupa.finance.models import Grant, GrantDeadline
from tupa.organisations.models import Funder, Organisation, ServiceForm

ACTOR = "talous"
YEAR = 2018
STEA_APPLIED = dt.date(2017, 5, 31)
STEA_DECIDED = dt.date(2018, 2, 15)
K = Grant.Kind
S = Grant.Status
#: The yearly rise of the continuing grants' amounts on their 2018 level.
YEARLY_RISE = Decimal("1.02")
#: The continuing grants' STEA deadlines due more than this many days ago are done (bar the
#: results reports).
DONE_AFTER_DAYS = 60
PARTLY_CONDITIONS = (
    "Avustus on myönnetty haettua pienempänä; toimintaa supistetaan vapaaehtoisten koulutusten "
    "osalta."
)


@dataclass(frozen=True)
class DemoGrant:
    funder: str
    kind: str
    target: str
    applied: str
    forms: tuple[str, ...] = ()
    status: str = S.APPLIED
    granted: str | None = None
    year_to: int = YEAR
    applied_on: dt.date = STEA_APPLIED
    code: str = ""
    note: str = ""
    conditions: str = ""


GRANTS: tuple[DemoGrant, ...] = (
    DemoGrant(
        "STEA",
        K.STEA_GENERAL,
        "Yhdistyksen yleisavustus",
        "60000.00",
        status=S.GRANTED,
        code="Ay 1001",
    ),
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Baby blues -toiminta",
        "110000.00",
        ("baby-blues",),
        status=S.GRANTED,
        code="Ak 1002",
    ),
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Päiväryhmä Peukaloinen",
        "95000.00",
        ("peukaloinen",),
        status=S.GRANTED,
        code="Ak 1003",
    ),
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Avokriisityö",
        "150000.00",
        ("avokriisityo",),
        status=S.GRANTED,
        code="Ak 1004",
    ),
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Jussi-työ",
        "120000.00",
        ("jussi-tyo",),
        status=S.GRANTED,
        code="Ak 1005",
    ),
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Turvallisten perheiden Päijät-Häme",
        "70000.00",
        ("tpph",),
        status=S.GRANTED,
        code="Ak 1006",
    ),
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Ero lapsiperheessä",
        "90000.00",
        ("ero-lapsiperheessa",),
        status=S.GRANTED,
        code="Ak 1007",
    ),
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Mieskaveritoiminta",
        "55000.00",
        ("mieskaveri",),
        status=S.PARTLY_GRANTED,
        granted="40000.00",
        code="Ak 1008",
        conditions=PARTLY_CONDITIONS,
    ),
    DemoGrant(
        "STEA",
        K.STEA_PROJECT,
        "Lapsityön hanke (2017–2020), vuoden 2018 avustus",
        "64300.00",
        ("lapsityo",),
        status=S.GRANTED,
        code="C 1009",
    ),
    DemoGrant(
        "Valtio (THL)",
        K.THL,
        "Turvakotitoiminnan valtion rahoitus",
        "655000.00",
        ("turvakoti",),
        status=S.GRANTED,
        applied_on=dt.date(2017, 9, 29),
        conditions="Turvakotipalvelut ovat asiakkaille maksuttomia.",
    ),
    # The plan's pending applications (FIN-06).
    DemoGrant(
        "STEA",
        K.STEA_TARGETED,
        "Uusperhetyö ja uusperhetyöntekijä",
        "48000.00",
        ("ero-lapsiperheessa",),
        note="Lisärahoitus uusperhetyöhön ja yhden uusperhetyöntekijän palkkaukseen.",
    ),
    DemoGrant(
        "Valtio (THL)",
        K.THL,
        "Turvakodin lisätyöntekijä",
        "52000.00",
        ("turvakoti",),
        applied_on=dt.date(2017, 9, 29),
    ),
    DemoGrant("STEA", K.STEA_TARGETED, "Perhetupa", "85000.00", ("perhetupa",)),
    DemoGrant(
        "Lahden kaupunki",
        K.MUNICIPALITY,
        "Perhetupa",
        "45000.00",
        ("perhetupa",),
        applied_on=dt.date(2017, 10, 31),
        note="Päätös Lahden kaupungin lautakunnassa.",
    ),
    DemoGrant(
        "STEA",
        K.STEA_PROJECT,
        "Vaikuttavuus esiin (liiton hanke)",
        "36000.00",
        year_to=2020,
        note="Hakijana Ensi- ja turvakotien liitto; yhdistys osatoteuttajana.",
    ),
    DemoGrant(
        "STEA",
        K.STEA_PROJECT,
        "Järjestölähtöinen tuki perheiden elinympäristöissä (liiton hanke)",
        "42000.00",
        ("alvari",),
        status=S.REJECTED,
        year_to=2020,
        note="Hakijana Ensi- ja turvakotien liitto; yhdistys osatoteuttajana.",
    ),
)


@dataclass(frozen=True)
class YearlyTarget:
    """A STEA targeted operating grant target that continues year after year (amounts of 2018)."""

    target: str
    code: str
    form: str
    applied: str
    #: The amount granted in 2018 when less than applied (then partly granted every year).
    granted: str | None = None


CONTINUING: tuple[YearlyTarget, ...] = (
    YearlyTarget("Baby blues -toiminta", "Ak 1002", "baby-blues", "110000.00"),
    YearlyTarget("Päiväryhmä Peukaloinen", "Ak 1003", "peukaloinen", "95000.00"),
    YearlyTarget("Avokriisityö", "Ak 1004", "avokriisityo", "150000.00"),
    YearlyTarget("Jussi-työ", "Ak 1005", "jussi-tyo", "120000.00"),
    YearlyTarget("Turvallisten perheiden Päijät-Häme", "Ak 1006", "tpph", "70000.00"),
    YearlyTarget("Ero lapsiperheessä", "Ak 1007", "ero-lapsiperheessa", "90000.00"),
    YearlyTarget("Mieskaveritoiminta", "Ak 1008", "mieskaveri", "55000.00", granted="40000.00"),
    YearlyTarget("Perhetupa", "Ak 1010", "perhetupa", "85000.00"),
)


def build(*, organisation: Organisation) -> str | None:
    """Add the grants once; None if they exist or the finance manager or funders are missing."""
    today = timezone.localdate()
    years = range(history_start(today).year, today.year + 1)
    with scope(organisation=organisation.pk):
        if Grant.objects.filter(organisation=organisation).exists():
            return None
        actor = User.objects.filter(username=ACTOR, organisation=organisation).first()
        funders = {f.name: f for f in Funder.objects.filter(organisation=organisation)}
        if actor is None or any(g.funder not in funders for g in GRANTS):
            return None
        forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        with transaction.atomic():
            plan = [_grant(actor, g, funders[g.funder], forms) for g in GRANTS]
            yearly = [
                _yearly_grant(actor, target, year, funders["STEA"], forms[target.form], today)
                for year in years
                for target in CONTINUING
                if target.form in forms
            ]
            _relative_deadlines(actor, plan, today)
            deadlines = GrantDeadline.objects.filter(grant__in=plan + yearly).count()
        return (
            f"Avustukset: {len(plan) + len(yearly)} hakemusta ({len(plan)} vuodelta {YEAR}, "
            f"{len(yearly)} vuosilta {years[0]}–{years[-1]}), {deadlines} raportointimääräaikaa."
        )


def _grant(actor: User, spec: DemoGrant, funder: Funder, forms: dict[str, ServiceForm]) -> Grant:
    grant = services.grant_create(
        actor=actor,
        funder=funder,
        kind=spec.kind,
        target_name=spec.target,
        target_code=spec.code,
        year_from=YEAR,
        year_to=spec.year_to,
        amount_applied=Decimal(spec.applied),
        status=S.APPLIED,
        applied_on=spec.applied_on,
        note=spec.note,
        service_forms=[forms[slug] for slug in spec.forms if slug in forms],
    )
    if spec.status in (S.GRANTED, S.PARTLY_GRANTED, S.REJECTED):
        number = f"{spec.applied_on.year + 1}-{grant.pk:04d}"
        grant = services.grant_decide(
            actor=actor,
            grant=grant,
            status=spec.status,
            amount_granted=Decimal(spec.granted) if spec.granted else None,
            decided_on=STEA_DECIDED
            if funder.category == Funder.Category.STEA
            else dt.date(2017, 12, 18),
            decision_number=number,
            conditions=spec.conditions,
        )
        # The reports of 2019 were sent in time.
        for deadline in GrantDeadline.objects.filter(grant=grant):
            services.deadline_done(
                actor=actor, deadline=deadline, done_on=deadline.due_on - dt.timedelta(days=6)
            )
    return grant


def yearly_amount(amount_2018: str, year: int) -> Decimal:
    """A continuing grant's amount in ``year``: the 2018 amount up :data:`YEARLY_RISE` a year,
    rounded to hundreds."""
    raised = Decimal(amount_2018) * YEARLY_RISE ** (year - YEAR)
    return (raised / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 100


def _yearly_grant(
    actor: User,
    spec: YearlyTarget,
    year: int,
    funder: Funder,
    form: ServiceForm,
    today: dt.date,
) -> Grant:
    """One year's continuing STEA targeted grant; its old deadlines done but last year's
    results report."""
    grant = services.grant_create(
        actor=actor,
        funder=funder,
        kind=K.STEA_TARGETED,
        target_name=spec.target,
        target_code=spec.code,
        year_from=year,
        year_to=year,
        amount_applied=yearly_amount(spec.applied, year),
        status=S.APPLIED,
        applied_on=dt.date(year - 1, 5, 31),
        service_forms=[form],
    )
    decided_on = dt.date(year, 2, 15)
    if decided_on > today:  # early in the year: the decision came in December
        decided_on = dt.date(year - 1, 12, 15)
    grant = services.grant_decide(
        actor=actor,
        grant=grant,
        status=S.PARTLY_GRANTED if spec.granted else S.GRANTED,
        amount_granted=yearly_amount(spec.granted, year) if spec.granted else None,
        decided_on=decided_on,
        decision_number=f"{decided_on.year}-{grant.pk:04d}",
        conditions=PARTLY_CONDITIONS if spec.granted else "",
    )
    # The reports sent in time, but not last year's results reports: the statistics app's STEA
    # returns of last year are left for the demo's users to send (which marks them done).
    done_before = today - dt.timedelta(days=DONE_AFTER_DAYS)
    deadlines = GrantDeadline.objects.filter(grant=grant, due_on__lt=done_before)
    if year == today.year - 1:
        deadlines = deadlines.exclude(kind=GrantDeadline.Kind.RESULTS_REPORT)
    for deadline in deadlines:
        services.deadline_done(
            actor=actor, deadline=deadline, done_on=deadline.due_on - dt.timedelta(days=6)
        )
    return grant


def _relative_deadlines(actor: User, plan: list[Grant], today: dt.date) -> None:
    """The overdue use-of-funds report and the reply due soon, on grants of the 2018 plan (looked
    up among those only: the continuing grants repeat the plan's target names)."""
    by_target = {(g.funder.name, g.target_name): g for g in plan}
    shelter = by_target[("Valtio (THL)", "Turvakotitoiminnan valtion rahoitus")]
    stepfamily = by_target[("STEA", "Uusperhetyö ja uusperhetyöntekijä")]
    services.deadline_add(
        actor=actor,
        grant=shelter,
        kind=GrantDeadline.Kind.USE_OF_FUNDS,
        due_on=today - dt.timedelta(days=12),
        note="Käyttöselvitys THL:lle.",
    )
    services.deadline_add(
        actor=actor,
        grant=stepfamily,
        kind=GrantDeadline.Kind.APPLICATION,
        due_on=today + dt.timedelta(days=21),
        note="Vastaus STEAn lisäselvityspyyntöön.",
    )
