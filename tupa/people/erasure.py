"""GDPR art. 17 erasure requests: services (writes) and selectors (the retention assessment).

The DPO records a request for the person found by the exact lookup (received), assesses it
against the retention rules (assessed) and decides (decided):

- **refused** when any of the person's episodes is in a *statutory social-welfare client
  register* (``ServiceForm.Register.SOCIAL_WELFARE``) whose retention period has not ended:
  Act 703/2023 and the National Archives' definition set the period by the episode's service
  task (``Episode.service_task``; GDPR art. 17(3)(b)). The decision lists, per episode, the rule
  and the date until which the record must be kept, and the right to appeal to the Data
  Protection Ombudsman;
- **granted** otherwise (only own-activity register entries or expired periods). The grant is
  recorded with the list of the data to remove; **the anonymisation itself is not implemented
  yet** — the association removes the data by hand (admin) until the retention work lands.

The legal periods below are from finnish-requirements.md §5 and are **[verify]** (the service
task of each service form is a legal decision the administrator configures:
``ServiceForm.adult_service_task`` and ``child_service_task``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tupa.core import dates

from .models import Person
from .models_erasure import ErasureRequest

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: Years after the episode ended, by service task (finnish-requirements §5) — [verify].
YEARS_AFTER_END = {"child_family": 30, "working_age": 10, "family_law": 10}
#: Family-law records concerning a child: years from the child's birth — [verify].
FAMILY_LAW_CHILD_YEARS = 120


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class RetentionRow:
    episode_id: int
    service_form: str
    register: str
    register_label: str
    service_task: str
    service_task_label: str
    start_date: str | None
    end_date: str | None
    rule: str
    keep_until: str | None  # ISO date; None = not yet known (open episode, death not known)
    must_keep: bool


def _rule(
    task: str, *, role: str, birth_date: dt.date | None, end_date: dt.date | None
) -> tuple[str, dt.date | None, bool]:
    """``(rule text, keep until, period known)`` for one statutory episode."""
    if task == "family_law" and role == "child":
        if birth_date is None:
            return _("120 vuotta lapsen syntymästä (syntymäaika puuttuu)"), None, False
        return (
            _("120 vuotta lapsen syntymästä"),
            _add_years(birth_date, FAMILY_LAW_CHILD_YEARS),
            True,
        )
    if task == "child_welfare":
        return _("2 vuotta asiakkaan kuolemasta"), None, False
    years = YEARS_AFTER_END.get(task)
    if years is None:
        return _("ei määritelty; säilytetään toistaiseksi"), None, False
    rule = _("%(years)d vuotta asiakkuuden päättymisestä") % {"years": years}
    if end_date is None:
        return rule, None, False
    return rule, _add_years(end_date, years), True


def retention_rows(*, person: Person, today: dt.date | None = None) -> list[RetentionRow]:
    """The retention rule that applies to each of the person's episodes (also via aliases)."""
    from tupa.episodes.models import Participant, ServiceTask
    from tupa.organisations.models import ServiceForm

    today = today or timezone.localdate()
    rows: list[RetentionRow] = []
    participations = (
        Participant.objects.filter(Q(person=person) | Q(alias__person=person))
        .select_related("episode__service_form")
        .order_by("episode__opened_at", "pk")
    )
    for p in participations:
        ep = p.episode
        form = ep.service_form
        statutory = form.register == ServiceForm.Register.SOCIAL_WELFARE
        if statutory:
            rule, until, known = _rule(
                ep.service_task, role=p.role, birth_date=person.birth_date, end_date=ep.end_date
            )
            must_keep = not known or until is None or until >= today
        else:
            rule = _("ei lakisääteistä säilytysaikaa (yhdistyksen oma toimintarekisteri)")
            until, must_keep = None, False
        try:
            task_label = str(ServiceTask(ep.service_task).label)
        except ValueError:
            task_label = ep.service_task
        rows.append(
            RetentionRow(
                episode_id=ep.pk,
                service_form=form.name,
                register=form.register,
                register_label=str(form.get_register_display()),
                service_task=ep.service_task,
                service_task_label=task_label,
                start_date=ep.start_date.isoformat() if ep.start_date else None,
                end_date=ep.end_date.isoformat() if ep.end_date else None,
                rule=str(rule),
                keep_until=until.isoformat() if until else None,
                must_keep=must_keep,
            )
        )
    return rows


def must_keep(rows: list[dict[str, Any]] | list[RetentionRow]) -> bool:
    return any((r["must_keep"] if isinstance(r, dict) else r.must_keep) for r in rows)


def data_to_remove() -> list[str]:
    """What a granted erasure removes (anonymisation that keeps the statistics)."""
    return [
        _("nimet, henkilötunnus ja väliaikainen tunniste"),
        _("osoite, puhelinnumero ja sähköposti"),
        _("asiakaskirjausten ja liitteiden sisältö sekä muut vapaat tekstit"),
        _("perhesuhteet ja kotitalouden jäsenyydet"),
        _(
            "säilytetään: syntymävuosi, sukupuoli, kunta, asiakkuuksien ja käyntien määrät tilastoja varten"
        ),
    ]


# --------------------------------------------------------------------------- services


@transaction.atomic
def erasure_request_receive(
    *, actor: User, person: Person, received_on: dt.date, request_text: str = ""
) -> ErasureRequest:
    if received_on is None:
        raise ValidationError({"received_on": _("Anna päivämäärä.")})
    dates.check_dates(received_on=received_on)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Päivämäärä ei voi olla tulevaisuudessa.")})
    request = ErasureRequest(
        organisation_id=person.organisation_id,
        person=person,
        received_on=received_on,
        request_text=request_text.strip(),
        created_by=actor,
    )
    request._history_user = actor  # type: ignore[attr-defined]
    request.save()
    return request


def _lock(request: ErasureRequest) -> ErasureRequest:
    return ErasureRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def erasure_request_assess(*, actor: User, request: ErasureRequest) -> ErasureRequest:
    """Record the retention assessment as it stands today (it is shown in the decision)."""
    current = _lock(request)
    if current.status == ErasureRequest.Status.DECIDED:
        raise ValidationError(_("Pyyntö on jo päätetty."))
    current.assessment = [asdict(r) for r in retention_rows(person=current.person)]
    current.assessed_at = timezone.now()
    current.status = ErasureRequest.Status.ASSESSED
    current._history_user = actor  # type: ignore[attr-defined]
    current.save()
    return current


@transaction.atomic
def erasure_request_decide(
    *, actor: User, request: ErasureRequest, reasoning: str
) -> ErasureRequest:
    """Decide: refused when the assessment shows a record that must be kept, else granted."""
    current = _lock(request)
    if current.status == ErasureRequest.Status.DECIDED:
        raise ValidationError(_("Pyyntö on jo päätetty."))
    if current.status != ErasureRequest.Status.ASSESSED:
        raise ValidationError(_("Arvioi säilytysajat ennen päätöstä."))
    reasoning = reasoning.strip()
    refused = must_keep(current.assessment)
    if refused and not reasoning:
        raise ValidationError({"reasoning": _("Kirjoita perustelut.")})
    current.decision = (
        ErasureRequest.Decision.REFUSED if refused else ErasureRequest.Decision.GRANTED
    )
    current.reasoning = reasoning
    current.decided_on = timezone.localdate()
    current.decided_by = actor
    current.status = ErasureRequest.Status.DECIDED
    current._history_user = actor  # type: ignore[attr-defined]
    current.save()
    return current
