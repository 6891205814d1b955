"""Writes of the quality self-evaluation (FBK-09).

Criteria sets are the organisation's (one handbook serves many units); any holder of
``surveys.quality.manage`` maintains them. An evaluation belongs to one unit (service form) and
year and is written only by a holder of the rule in that form. Saving an evaluation is guarded by
its ``version`` (optimistic locking): a save based on an older version raises
:class:`~tupa.core.conflicts.VersionConflict` and stores nothing, so two leads filling in the same evaluation never
overwrite each other silently. A finished (``done``) evaluation is read-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope

from tupa.access import surveys as access
from tupa.core.conflicts import ensure_version
from tupa.surveys.models import CriteriaSet, Criterion, CriterionRating, SelfEvaluation

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm

Rating = CriterionRating.Rating

#: The largest order number of a criterion (its column is an integer; a handbook has far fewer).
MAX_ORDER = 9999
#: Also the form's message: ``limit_value`` is what Django's ``max_value`` check fills in.
ORDER_MESSAGE = gettext_lazy("Anna järjestysnumero väliltä 0–%(limit_value)s.")


@dataclass(frozen=True)
class RatingInput:
    """What was typed for one criterion (an empty ``rating`` leaves it unrated)."""

    rating: str = ""
    evidence: str = ""
    improvement: str = ""


def _require_any_form(actor: User, organisation_id: int) -> None:
    if actor.organisation_id != organisation_id or not (
        access.forms_for(actor, access.QUALITY).exists()
    ):
        raise PermissionDenied


def _require_form(actor: User, service_form: ServiceForm) -> None:
    if actor.organisation_id != service_form.organisation_id or not access.may(
        actor, access.QUALITY, service_form
    ):
        raise PermissionDenied


def _clean_set_fields(name: str, source: str) -> str:
    if not name.strip():
        raise ValidationError({"name": _("Anna kriteeristölle nimi.")})
    if source not in CriteriaSet.Source.values:
        raise ValidationError({"source": _("Valitse kriteeristön lähde.")})
    return name.strip()


@transaction.atomic
def criteria_set_create(*, actor: User, name: str, source: str, edition: str = "") -> CriteriaSet:
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise PermissionDenied
    _require_any_form(actor, organisation_id)
    with scope(organisation=organisation_id):
        return CriteriaSet.objects.create(
            organisation_id=organisation_id,
            name=_clean_set_fields(name, source),
            source=source,
            edition=edition.strip(),
        )


@transaction.atomic
def criteria_set_update(
    *,
    actor: User,
    criteria_set: CriteriaSet,
    name: str,
    source: str,
    edition: str = "",
    active: bool = True,
) -> CriteriaSet:
    _require_any_form(actor, criteria_set.organisation_id)
    criteria_set.name = _clean_set_fields(name, source)
    criteria_set.source = source
    criteria_set.edition = edition.strip()
    criteria_set.active = active
    criteria_set.save()
    return criteria_set


def _clean_criterion(
    criteria_set: CriteriaSet, code: str, text: str, pk: int | None, order: int | None
) -> str:
    errors: dict[str, str] = {}
    if order is not None and not 0 <= order <= MAX_ORDER:
        errors["order"] = str(ORDER_MESSAGE) % {"limit_value": MAX_ORDER}
    if not code.strip():
        errors["code"] = _("Anna kriteerille tunniste (esim. 1.2).")
    elif (
        Criterion.objects.filter(criteria_set=criteria_set, code=code.strip())
        .exclude(pk=pk or 0)
        .exists()
    ):
        errors["code"] = _("Kriteeristössä on jo kriteeri tällä tunnisteella.")
    if not text.strip():
        errors["text"] = _("Kirjoita kriteerin sisältö.")
    if errors:
        raise ValidationError(errors)
    return code.strip()


@transaction.atomic
def criterion_add(
    *, actor: User, criteria_set: CriteriaSet, code: str, text: str, order: int | None = None
) -> Criterion:
    """A new criterion, last in the set unless ``order`` is given."""
    _require_any_form(actor, criteria_set.organisation_id)
    CriteriaSet.objects.select_for_update().filter(pk=criteria_set.pk).first()
    code = _clean_criterion(criteria_set, code, text, None, order)
    if order is None:
        last = criteria_set.criteria.order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    return Criterion.objects.create(
        criteria_set=criteria_set, code=code, text=text.strip(), order=order
    )


@transaction.atomic
def criterion_update(
    *, actor: User, criterion: Criterion, code: str, text: str, order: int
) -> Criterion:
    """Change a criterion's wording. Ratings already given keep pointing at it."""
    criteria_set = criterion.criteria_set
    _require_any_form(actor, criteria_set.organisation_id)
    criterion.code = _clean_criterion(criteria_set, code, text, criterion.pk, order)
    criterion.text = text.strip()
    criterion.order = order
    criterion.save()
    return criterion


@transaction.atomic
def evaluation_start(
    *, actor: User, service_form: ServiceForm, criteria_set: CriteriaSet, year: int
) -> SelfEvaluation:
    """The unit's evaluation of ``year`` against ``criteria_set`` (one per set, unit and year)."""
    _require_form(actor, service_form)
    if criteria_set.organisation_id != service_form.organisation_id:
        raise PermissionDenied
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year + 1:
        raise ValidationError(
            {"year": _("Vuoden on oltava väliltä 2000–%(max)s.") % {"max": this_year + 1}}
        )
    if not criteria_set.active:
        raise ValidationError({"criteria_set": _("Kriteeristö ei ole enää käytössä.")})
    with scope(organisation=service_form.organisation_id):
        if SelfEvaluation.objects.filter(
            criteria_set=criteria_set, service_form=service_form, year=year
        ).exists():
            raise ValidationError(
                {
                    "year": _("Yksiköllä on jo tämän kriteeristön arviointi vuodelta %(year)s.")
                    % {"year": year}
                }
            )
        return SelfEvaluation.objects.create(
            organisation_id=service_form.organisation_id,
            criteria_set=criteria_set,
            service_form=service_form,
            year=year,
        )


def _lock(evaluation: SelfEvaluation, version: int) -> SelfEvaluation:
    with scope(organisation=evaluation.organisation_id):
        current = SelfEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    ensure_version(current, version)
    if current.status == SelfEvaluation.Status.DONE:
        raise ValidationError(_("Arviointi on merkitty valmiiksi, eikä sitä voi enää muuttaa."))
    return current


@transaction.atomic
def evaluation_save(
    *,
    actor: User,
    evaluation: SelfEvaluation,
    version: int,
    ratings: Mapping[int, RatingInput],
    summary: str,
) -> SelfEvaluation:
    """Store the ratings typed (criterion pk → input) and the summary; bumps ``version``.

    A criterion left without a rating keeps no row (its evidence is refused, so nothing typed is
    dropped silently).
    """
    _require_form(actor, evaluation.service_form)
    current = _lock(evaluation, version)
    criteria = {c.pk: c for c in current.criteria_set.criteria.all()}
    errors: dict[str, str] = {}
    for pk, typed in ratings.items():
        if pk not in criteria:
            raise ValidationError(_("Arvioinnissa on kriteeri, joka ei kuulu kriteeristöön."))
        if typed.rating and typed.rating not in Rating.values:
            errors[f"rating_{pk}"] = _("Valitse arvio annetuista vaihtoehdoista.")
        elif not typed.rating and (typed.evidence.strip() or typed.improvement.strip()):
            errors[f"rating_{pk}"] = _(
                "Valitse arvio, kun kirjaat perustelun tai kehittämistoimen."
            )
    if errors:
        raise ValidationError(errors)
    existing = {r.criterion_id: r for r in current.ratings.all()}
    for pk, typed in ratings.items():
        row = existing.get(pk)
        if not typed.rating:
            if row is not None:
                row.delete()
            continue
        if row is None:
            row = CriterionRating(evaluation=current, criterion_id=pk)
        row.rating = typed.rating
        row.evidence = typed.evidence.strip()
        row.improvement = typed.improvement.strip()
        row.save()
    current.summary = summary.strip()
    current.version = F("version") + 1
    current.save(update_fields=["summary", "version", "updated_at"])
    current.refresh_from_db()
    return current


@transaction.atomic
def evaluation_complete(
    *, actor: User, evaluation: SelfEvaluation, version: int, on: dt.date | None = None
) -> SelfEvaluation:
    """Mark the evaluation done: every criterion rated (``ei koske meitä`` counts)."""
    _require_form(actor, evaluation.service_form)
    current = _lock(evaluation, version)
    rated = set(current.ratings.values_list("criterion_id", flat=True))
    missing = [c.code for c in current.criteria_set.criteria.all() if c.pk not in rated]
    if missing:
        raise ValidationError(
            _("Arvioi ensin kaikki kriteerit. Arvioimatta: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    current.status = SelfEvaluation.Status.DONE
    current.completed_on = on or timezone.localdate()
    current.completed_by = actor
    current.version = F("version") + 1
    current.save(update_fields=["status", "completed_on", "completed_by", "version", "updated_at"])
    current.refresh_from_db()
    return current
