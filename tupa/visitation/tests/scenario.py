"""The hand-computed billing and statistics scenario shared by the selector and view tests.

Period 1.1.–31.3.2026 (Helsinki). Two orders of one visitation form:

Order A — Lahti (398), supervised meeting, ordered by "Testin käräjäoikeus" (court decision):

| start (local)     | outcome                         | billable |
|-------------------|---------------------------------|----------|
| 10.1. 17:00       | took place                      | Lahti 1/2026 |
| 24.1. 17:00       | cancelled by visiting parent    | no (timely) |
| 1.2. 00:30        | no-show (visiting parent)       | Lahti 2/2026 (UTC: 31.1. 22:30!) |
| 7.2. 17:00        | interrupted (threat)            | Lahti 2/2026 |
| 21.2. 17:00       | cancelled by resident, late     | Lahti 2/2026 |
| 7.3. 17:00        | cancelled by us                 | no |
| 21.3. 17:00       | (planned, no outcome)           | no |

Order B — Hollola (098), supervised exchange, ordered by the partner "Testin lastenvalvoja"
(supervisor's agreement):

| 15.1. 16:00       | took place                      | Hollola 1/2026 |
| 31.3. 23:30 EEST  | took place                      | Hollola 3/2026 |
| 1.4. 00:30 EEST   | took place                      | outside the period (UTC: 31.3. 21:30) |

Billing: Hollola 1/2026 exchange 1; Hollola 3/2026 exchange 1; Lahti 1/2026 supervised 1;
Lahti 2/2026 supervised 3 — total 6.
Statistics: 9 meetings — supervised 7 (planned 1, took place 1, cancelled 3, no-show 1,
interrupted 1, billable 4), exchange 2 (took place 2, billable 2); interrupted by threat 1;
orders valid in the period 2.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_scopes import scopes_disabled

from tupa.accounts.models import User
from tupa.organisations.models import Partner, ServiceForm
from tupa.visitation import services
from tupa.visitation.models import Meeting, MeetingOrder, OrderBasis

from .support import family, make_order, municipality

NOW_DATE = dt.date(2026, 6, 15)


def _meeting(actor: User, order: MeetingOrder, day: dt.date, time: dt.time) -> Meeting:
    return services.meetings_schedule(actor=actor, order=order, first_day=day, time=time, count=1)[
        0
    ]


def _outcome(actor: User, meeting: Meeting, outcome: str, **kwargs: Any) -> Meeting:
    return services.meeting_record_outcome(
        actor=actor, meeting=meeting, version=meeting.version, outcome=outcome, **kwargs
    )


def build(form: ServiceForm, actor: User) -> dict[str, Any]:
    """Run inside ``time_machine.travel`` at or after 15.6.2026."""
    episode_a, people_a = family(form, children=1, names=("Aino", "Arvo"))
    episode_b, people_b = family(form, children=1, names=("Bea", "Bertil"))
    lahti = municipality("398", "Lahti")
    hollola = municipality("098", "Hollola")
    with scopes_disabled():
        supervisor = Partner.objects.create(
            organisation=form.organisation, name="Testin lastenvalvoja"
        )
    a = make_order(actor, episode_a, people_a, payer_municipality=lahti)
    b = make_order(
        actor,
        episode_b,
        people_b,
        payer_municipality=hollola,
        meeting_type="exchange",
        duration_minutes=15,
        basis=OrderBasis.SUPERVISOR_AGREEMENT,
        authority=supervisor,
        authority_name="",
    )
    d, tm = dt.date, dt.time
    with scopes_disabled():
        m = _meeting(actor, a, d(2026, 1, 10), tm(17))
        _outcome(actor, m, "took_place")
        m = _meeting(actor, a, d(2026, 1, 24), tm(17))
        _outcome(actor, m, "cancelled_visiting")
        m = _meeting(actor, a, d(2026, 2, 1), tm(0, 30))
        _outcome(actor, m, "no_show", no_show_role="visiting_parent")
        m = _meeting(actor, a, d(2026, 2, 7), tm(17))
        _outcome(actor, m, "interrupted", interruption_reason="threat")
        m = _meeting(actor, a, d(2026, 2, 21), tm(17))
        _outcome(actor, m, "cancelled_resident", late_cancellation=True)
        m = _meeting(actor, a, d(2026, 3, 7), tm(17))
        _outcome(actor, m, "cancelled_us")
        _meeting(actor, a, d(2026, 3, 21), tm(17))
        m = _meeting(actor, b, d(2026, 1, 15), tm(16))
        _outcome(actor, m, "took_place")
        m = _meeting(actor, b, d(2026, 3, 31), tm(23, 30))
        _outcome(actor, m, "took_place")
        m = _meeting(actor, b, d(2026, 4, 1), tm(0, 30))
        _outcome(actor, m, "took_place")
    return {"a": a, "b": b, "people_a": people_a, "people_b": people_b}
