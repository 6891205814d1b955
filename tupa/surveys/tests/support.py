"""Test data for the surveys app: a published questionnaire with one item of every kind, and an
invitation with its token. Rows are written directly (the builder's services have tests of their
own); every helper runs with scopes disabled."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django_scopes import scopes_disabled

from tupa.surveys import tokens
from tupa.surveys.models import (
    Choice,
    Invitation,
    Item,
    ItemKind,
    Questionnaire,
    QuestionnaireVersion,
    Section,
    Target,
)

if TYPE_CHECKING:
    from tupa.accounts.models import User
    from tupa.organisations.models import ServiceForm

#: One item of every kind: code → (kind, required).
EVERY_KIND: dict[str, tuple[str, bool]] = {
    "overall": (ItemKind.SCALE5, True),
    "recommend": (ItemKind.SCALE10, False),
    "mood": (ItemKind.SMILEY, False),
    "helped": (ItemKind.YESNO, False),
    "best": (ItemKind.SINGLE, False),
    "topics": (ItemKind.MULTIPLE, False),
    "free": (ItemKind.TEXT, False),
}


def published_questionnaire(
    service_form: ServiceForm | None,
    *,
    actor: User,
    organisation_id: int | None = None,
    name: str = "Palaute jakson lopussa",
    target: str = Target.ADULT,
    items: dict[str, tuple[str, bool]] | None = None,
    builtin: str = "",
    is_outcome_measure: bool = False,
) -> QuestionnaireVersion:
    """A questionnaire with version 1 published (choices a/b/c on the choice items)."""
    with scopes_disabled():
        questionnaire = Questionnaire.objects.create(
            organisation_id=organisation_id or service_form.organisation_id,  # type: ignore[union-attr]
            name=name,
            service_form=service_form,
            target=target,
            builtin=builtin,
            is_outcome_measure=is_outcome_measure,
            created_by=actor,
        )
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=1,
            title_fi=name,
            title_sv=f"{name} (sv)",
            title_en=f"{name} (en)",
        )
        section = Section.objects.create(version=version, order=1, title_fi="Kokemuksesi")
        for order, (code, (kind, required)) in enumerate((items or EVERY_KIND).items(), start=1):
            item = Item.objects.create(
                version=version,
                section=section,
                order=order,
                code=code,
                kind=kind,
                required=required,
                text_fi=f"Kysymys {code}",
                text_sv=f"Fråga {code}",
                text_en=f"Question {code}",
            )
            if kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
                for n, value in enumerate(("a", "b", "c"), start=1):
                    Choice.objects.create(
                        item=item, order=n, value=value, label_fi=f"Vaihtoehto {value}"
                    )
        version.status = QuestionnaireVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor
        version.save()
    return version


def invitation_for(
    version: QuestionnaireVersion,
    service_form: ServiceForm,
    *,
    actor: User,
    anonymous: bool = True,
    expires_in: dt.timedelta = dt.timedelta(days=21),
    **fields: Any,
) -> tuple[Invitation, str]:
    """An open invitation and its token (only the hash is stored)."""
    token, digest = tokens.new_token()
    with scopes_disabled():
        invitation = Invitation.objects.create(
            organisation_id=service_form.organisation_id,
            version=version,
            service_form=service_form,
            target=version.questionnaire.target,
            anonymous=anonymous,
            token_hash=digest,
            expires_at=timezone.now() + expires_in,
            created_by=actor,
            **fields,
        )
    return invitation, token
