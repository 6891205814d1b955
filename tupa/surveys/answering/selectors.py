"""Reads of the staff's kiosk pages."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tupa.organisations.models import ServiceForm
from tupa.surveys.models import Kiosk, Questionnaire, QuestionnaireVersion


def kiosks_of(service_form: ServiceForm) -> QuerySet[Kiosk]:
    """The form's kiosks, active first, with their questionnaires (one query)."""
    return (
        Kiosk.objects.filter(service_form=service_form)
        .select_related("questionnaire")
        .order_by("-active", "name", "pk")
    )


def kiosk_questionnaires(service_form: ServiceForm) -> QuerySet[Questionnaire]:
    """What a kiosk of ``service_form`` may show: the form's own and organisation-wide
    questionnaires that are not archived and have a published version."""
    return (
        Questionnaire.objects.filter(organisation_id=service_form.organisation_id, archived=False)
        .filter(Q(service_form=service_form) | Q(service_form__isnull=True))
        .filter(versions__status=QuestionnaireVersion.Status.PUBLISHED)
        .distinct()
        .order_by("name", "pk")
    )
