"""The demo kiosk: Perhetupa's lobby tablet for anonymous continuous feedback (issue 13 item 3).

Made through :func:`tupa.surveys.answering.services.kiosk_create` as Perhetupa's lead. The device
token is thrown away here — no secret goes into the demo's output or logs. To try the kiosk, the
lead (``ensikoti.esihenkilo``) opens Palaute → Perhetupa → Kioskit (``/palaute/perhetupa/kioskit/``)
and presses "Uusi linkki": the new link is shown once and opens the kiosk page.
Idempotent: nothing is done if the kiosk exists.
"""

from __future__ import annotations

from django_scopes import scope

from tupa.accounts.models import User
from tupa.organisations.models import Organisation, ServiceForm
from tupa.surveys.answering import services
from tupa.surveys.models import Kiosk, QuestionnaireVersion

KIOSK_NAME = "Perhetuvan aula, tabletti"
VERSION_KEY = "perhetupa-kioski"


def build(*, organisation: Organisation, versions: dict[str, QuestionnaireVersion]) -> str | None:
    """Perhetupa's kiosk once; None if it exists or its form or questionnaire is missing."""
    version = versions.get(VERSION_KEY)
    if version is None:
        return None
    with scope(organisation=organisation):
        service_form = ServiceForm.objects.filter(
            organisation=organisation, slug="perhetupa"
        ).first()
        if service_form is None:
            return None
        if Kiosk.objects.filter(service_form=service_form, name=KIOSK_NAME).exists():
            return None
        actor = (
            User.objects.filter(organisation=organisation, username="ensikoti.esihenkilo").first()
            or User.objects.filter(organisation=organisation, username="johtaja").first()
        )
        if actor is None:
            return None
        services.kiosk_create(
            actor=actor,
            service_form=service_form,
            questionnaire=version.questionnaire,
            name=KIOSK_NAME,
        )
    return (
        f"Kioski: {KIOSK_NAME} (linkki tehdään sivulla /palaute/perhetupa/kioskit/ → Uusi linkki)"
    )
