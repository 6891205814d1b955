"""Demo data of the grants register (FIN-06): the grants of the 2018 plan.

The STEA general and targeted operating grants of the forms the plan says STEA funds, the
Lapsityö project's yearly grant and the state's shelter funding, all granted for 2018 so that
the STEA and THL sums equal the 2018 budget's lines (799 300 € and 655 000 €, see
``data/organisation.json`` "budget"); Mieskaveri partly granted. The plan's pending applications
(seed-spec FIN-06, §7.2.7–7.2.8): STEA for stepfamily work and a stepfamily worker, THL for an
extra shelter worker, STEA and the City of Lahti for Perhetupa, the Federation's Vaikuttavuus
esiin project — and, so that the register shows one, the Federation's other project rejected
(invented). The STEA reporting deadlines of 2019 are marked done; one use-of-funds report is
overdue and one reply is due soon, relative to ``timezone.localdate()``.

Built through :mod:`tupa.finance.grants.services` as the demo finance manager ``talous``, with the
demo's existing funders. Idempotent: nothing is added if the organisation has grants already.
Amounts, decision numbers and dates are invented.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.finance.grants import services
from tupa.finance.models import Grant, GrantDeadline
from tupa.organisations.models import Funder, Organisation, ServiceForm

ACTOR = "talous"
YEAR = 2018
STEA_APPLIED = dt.date(2017, 5, 31)
STEA_DECIDED = dt.date(2018, 2, 15)
K = Grant.Kind
S = Grant.Status


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
        conditions="Avustus on myönnetty haettua pienempänä; toimintaa supistetaan "
        "vapaaehtoisten koulutusten osalta.",
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


def build(*, organisation: Organisation) -> str | None:
    """Add the grants once; None if they exist or the finance manager or funders are missing."""
    with scope(organisation=organisation.pk):
        if Grant.objects.filter(organisation=organisation).exists():
            return None
        actor = User.objects.filter(username=ACTOR, organisation=organisation).first()
        funders = {f.name: f for f in Funder.objects.filter(organisation=organisation)}
        if actor is None or any(g.funder not in funders for g in GRANTS):
            return None
        forms = {f.slug: f for f in ServiceForm.objects.filter(organisation=organisation)}
        with transaction.atomic():
            grants = [_grant(actor, g, funders[g.funder], forms) for g in GRANTS]
            deadlines = _relative_deadlines(actor, grants)
        return f"Avustukset: {len(grants)} hakemusta, {deadlines} raportointimääräaikaa."


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


def _relative_deadlines(actor: User, grants: list[Grant]) -> int:
    today = timezone.localdate()
    by_target = {(g.funder.name, g.target_name): g for g in grants}
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
    return int(GrantDeadline.objects.filter(grant__in=grants).count())
