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
  recorded with the list of the data to remove, and the DPO then **executes** it
  (:func:`erasure_execute`, a confirmation step on the request page): the person is anonymised
  in place so that the counts (participations, stays, attendances, care days) survive, linked to
  the now anonymous person. See :func:`erasure_execute` for what is cleared and what is kept.

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
from django_scopes import scopes_disabled

from tupa.core import dates
from tupa.core.months import add_months
from tupa.episodes.models import Entry, Participant, ServiceTask
from tupa.organisations.models import ServiceForm
from tupa.people.models import (
    Alias,
    Consent,
    ContactHold,
    Household,
    HouseholdMember,
    Person,
    Relationship,
    Restriction,
)
from tupa.people.models_erasure import ErasureRequest
from tupa.surveys.models import Answer, Invitation, Response, ResponseDraft

from . import texts
from .texts import EXECUTED_MARK  # the change reason of the rows the execution writes

if TYPE_CHECKING:
    from tupa.accounts.models import User

#: Years after the episode ended, by service task (finnish-requirements §5) — [verify].
YEARS_AFTER_END = {"child_family": 30, "working_age": 10, "family_law": 10}
#: Family-law records concerning a child: years from the child's birth — [verify].
FAMILY_LAW_CHILD_YEARS = 120


def _add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


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
    """What a granted erasure removes (anonymisation that keeps the statistics), and what it
    keeps: the free texts of the person's own episodes go, those of episodes shared with other
    participants stay (they are the others' record too; see :func:`erasure_execute`)."""
    return [
        _("nimet, henkilötunnus ja väliaikainen tunniste"),
        _("osoite, puhelinnumero ja sähköposti"),
        _("asiakaskirjausten ja liitteiden sisältö sekä muut vapaat tekstit"),
        _("perhesuhteet ja kotitalouden jäsenyydet"),
        _(
            "säilytetään: syntymävuosi, sukupuoli, kunta, asiakkuuksien ja käyntien määrät tilastoja varten"
        ),
        _(
            "säilytetään: yhteisten asiakkuuksien vapaat tekstit, jotka kuuluvat myös muille "
            "osallistujille (tietosuojavastaava tarkastaa ne ennen poistoa)"
        ),
    ]


#: The neutral name an anonymised person gets (both name fields; ``__str__`` reads well).
PLACEHOLDER_FIRST_NAMES = "Poistettu"
PLACEHOLDER_LAST_NAME = "henkilö"
PLACEHOLDER_ALIAS = "Poistettu"
PLACEHOLDER_HOUSEHOLD = "Poistettu perhe"


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


@transaction.atomic
def erasure_execute(
    *, actor: User, request: ErasureRequest, shared_texts_confirmed: bool = False
) -> tuple[ErasureRequest, bool]:
    """Anonymise the person of a **granted** request. Returns ``(request, executed now)``.

    Cleared: names (→ "Poistettu henkilö"), identity code, temporary identifier (a new one is
    drawn, so paper notes with the old one no longer match), birth date reduced to 1 January of
    the birth year (the year stays for age statistics), address, phone, email, expected due
    date, the processing-restriction reason; relationships, household memberships and
    restrictions (with their contact address) are deleted; a household left without members
    is renamed; linked aliases get a neutral label and lose the linking reason; consents keep
    purpose and dates (the record of the basis of past disclosures) but lose the free-text
    scope. The same is done for duplicates merged into the person.

    Kept: gender, native language, municipality (municipality statistics are reported to the
    funders and municipalities; with the name, hetu, exact birth date and address gone it no
    longer identifies a person on its own) and every participation, stay, attendance and care
    day, still linked to the now anonymous person, so the counts survive.

    The change history (django-simple-history) would keep the old values, so the person's,
    aliases', relationships', household memberships' and restrictions' historical rows are
    **purged** — that is what erasure means; a single new row records the anonymous state with
    the DPO as the user. A consent's historical rows stay with the scope blanked (its purpose
    and dates are kept anyway, and the anomaly rules read its versions as recorded). The request's own history records the execution.

    The free texts of her episodes (the catalogue is :func:`.texts.sources`: the situation
    summary, basic-form text answers, goals, network meetings, referrals, appointments, stays,
    payment commitments, meeting orders, meetings and contacts, friend-activity cases and family
    links): an episode whose **every** participant is the person (also by a linked alias or a
    merged duplicate) has them cleared — ``""``, or "Poistettu" where the field is required —
    and the changed rows' historical rows purged (one new row records the cleared state). An
    episode **shared** with other participants keeps its texts: they are the others' record
    too. The execution page lists those episodes (kinds and counts, never the texts), and when
    any of them has texts the DPO must confirm (``shared_texts_confirmed``) that they were
    reviewed and are kept; without it a ``ValidationError`` is raised and nothing changes.
    ``execution_summary`` records the texts cleared (``episode_texts``), the historical rows
    purged with them (``episode_text_history``), the sole episodes (``sole_episodes``) and the
    shared episodes whose texts were kept under the confirmation (``shared_episodes_kept``).

    Journal entries are append-only: if any episode of the person has entries, the execution
    is refused (the assessment should have found a retention rule) instead of rewriting them.
    A second run is a no-op (``executed now`` is ``False``). Everything runs in one transaction.
    """
    current = _lock(request)
    if (
        current.status != ErasureRequest.Status.DECIDED
        or current.decision != ErasureRequest.Decision.GRANTED
    ):
        raise ValidationError(_("Vain hyväksytyn poistopyynnön voi toteuttaa."))
    if current.executed_at is not None:
        return current, False
    with scopes_disabled():  # every query below is keyed by the (scoped) person's pks
        pks = texts.person_and_merged(current.person)
        episode_ids = Participant.objects.filter(
            Q(person_id__in=pks) | Q(alias__person_id__in=pks)
        ).values("episode_id")
        if Entry.objects.filter(episode_id__in=episode_ids).exists():
            raise ValidationError(
                _(
                    "Henkilön asiakkuuksissa on asiakaskirjauksia. Kirjauksia ei voi muuttaa eikä "
                    "poistaa jälkikäteen, joten tietoja ei anonymisoitu. Tarkista säilytysaikojen "
                    "arvio ja päätös."
                )
            )
        episodes = texts.episode_texts(pks)
        shared = texts.shared_with_texts(episodes)
        if shared and not shared_texts_confirmed:
            raise ValidationError(
                {
                    "shared_texts_confirmed": _(
                        "Henkilöllä on yhteisiä asiakkuuksia muiden kanssa, ja niissä on vapaita "
                        "tekstejä (%(count)d asiakkuutta). Tarkasta luettelo ja vahvista, että "
                        "tekstit säilytetään; mitään ei muutettu."
                    )
                    % {"count": len(shared)}
                }
            )
        done: dict[str, int] = {"persons": len(pks)}
        done.update(texts.clear_sole_texts(actor=actor, rows=episodes))
        done["sole_episodes"] = sum(1 for e in episodes if e.sole)
        done["shared_episodes_kept"] = len(shared)
        rel = Relationship.objects.filter(Q(person_id__in=pks) | Q(relative_id__in=pks))
        done["relationships"] = rel.count()
        rel.delete()
        members = HouseholdMember.objects.filter(person_id__in=pks)
        household_ids = list(members.values_list("household_id", flat=True))
        done["households"] = len(household_ids)
        members.delete()
        restrictions = Restriction.objects.filter(person_id__in=pks)
        done["restrictions"] = restrictions.count()
        restrictions.delete()
        # The contact data given at an intake that reused her record (the hold itself stays:
        # who opened and who confirmed it is the record of the reuse).
        ContactHold.objects.filter(person_id__in=pks).exclude(given={}).update(given={})
        consent_ids = list(Consent.objects.filter(person_id__in=pks).values_list("pk", flat=True))
        aliases = list(Alias.objects.filter(person_id__in=pks))
        done["aliases"] = len(aliases)

        # Purge the change history before writing the anonymous state (deletes above also
        # wrote historical rows with the old values).
        Relationship.history.filter(Q(person_id__in=pks) | Q(relative_id__in=pks)).delete()
        HouseholdMember.history.filter(person_id__in=pks).delete()
        Restriction.history.filter(person_id__in=pks).delete()
        # A consent's versions stay, without the free-text scope: purpose and dates are the
        # record of past disclosures, and the access-log anomaly rules judge a read by the
        # consent as recorded at the time (dataprotection.anomalies.period).
        Consent.history.filter(id__in=consent_ids).exclude(scope="").update(scope="")
        Alias.history.filter(id__in=[a.pk for a in aliases]).delete()
        done["history"] = Person.history.filter(id__in=pks).delete()[0]

        for person in Person.objects.filter(pk__in=pks):
            person.first_names = PLACEHOLDER_FIRST_NAMES
            person.last_name = PLACEHOLDER_LAST_NAME
            person.hetu = None
            person.temporary_id = ""  # save() draws a new one
            if person.birth_date is not None:
                person.birth_date = person.birth_date.replace(month=1, day=1)
            for field in ("street_address", "postal_code", "post_office", "phone", "email"):
                setattr(person, field, "")
            person.expected_due_date = None
            person.processing_restriction_reason = ""
            person.version += 1
            person._history_user = actor  # type: ignore[attr-defined]
            person._change_reason = EXECUTED_MARK  # type: ignore[attr-defined]
            person.save()
        for alias in aliases:
            alias.label = PLACEHOLDER_ALIAS
            alias.link_reason = "-"  # the link constraint needs one; the old text may identify
            alias._history_user = actor  # type: ignore[attr-defined]
            alias.save()
        for consent in Consent.objects.filter(pk__in=consent_ids).exclude(scope=""):
            consent.scope = ""
            consent._history_user = actor  # type: ignore[attr-defined]
            consent.save()
        # Her linked feedback: the answers' free texts (a text-only answer row goes; choices and
        # numbers stay for the statistics), an unsent draft, the invitation's recipient note.
        feedback = Response.objects.filter(person_id__in=pks).values("pk")
        done["feedback_texts"] = (
            Answer.objects.filter(
                response_id__in=feedback, choice__isnull=True, number__isnull=True
            )
            .exclude(text="")
            .delete()[0]
        )
        ResponseDraft.objects.filter(invitation__person_id__in=pks).delete()
        Invitation.objects.filter(person_id__in=pks).exclude(recipient_label="").update(
            recipient_label=""
        )
        for household in Household.objects.filter(pk__in=household_ids, members__isnull=True):
            Household.history.filter(id=household.pk).delete()
            household.name = PLACEHOLDER_HOUSEHOLD
            household._history_user = actor  # type: ignore[attr-defined]
            household.save()

    current.executed_at = timezone.now()
    current.executed_by = actor
    current.execution_summary = done
    current._history_user = actor  # type: ignore[attr-defined]
    current._change_reason = EXECUTED_MARK  # type: ignore[attr-defined]
    current.save()
    return current, True
