"""The accessibility statement (*saavutettavuusseloste*, Act on the Provision of Digital Services 306/2019).

Public (no login, no second factor), in Finnish, Swedish and English, linked from every page's
footer. The product's known non-conformities are listed here honestly and kept in one place
(:data:`NON_CONFORMITIES`); the feedback channel is the organisation's own contact
(``DataProtectionProfile``: accessibility e-mail/phone, else the general contact), and the
deployment may add its own notes and the date it last reviewed the statement.

Which organisation's contact is shown: the one in the URL (``/saavutettavuus/<slug>/``, for an
association to link from its website), else the logged-in user's, else the only organisation
of a single-tenant deployment; a multi-tenant deployment shows no contact to an anonymous
visitor rather than list its tenants.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from tupa.access.marks import public, two_factor_exempt
from tupa.dataprotection.register import profile_of
from tupa.organisations.models import Organisation

#: The day the product's statement was written; each deployment records its own review date.
STATEMENT_DATE = dt.date(2026, 12, 7)

#: The supervising authority. Since 1.1.2025 (HE 71/2024) the accessibility supervision of
#: Etelä-Suomen aluehallintovirasto moved to Traficom [verify]; saavutettavuusvaatimukset.fi
#: is the supervisor's site in either case.
ENFORCEMENT = {
    "name": _("Liikenne- ja viestintävirasto Traficom, saavutettavuuden valvonta"),
    "former": _("(1.1.2025 asti Etelä-Suomen aluehallintovirasto)"),
    "url": "https://www.saavutettavuusvaatimukset.fi",
}


def non_conformities() -> list[dict[str, object]]:
    """Known non-conformities with WCAG 2.1 A/AA, each with its success criteria."""
    idle = int(settings.TUPA_SESSION_IDLE_TIMEOUT.total_seconds() // 60)
    return [
        {
            "title": _("PDF-tiedostot"),
            "text": _(
                "Kaikki PDF-tiedostot (otteet, rekisteriselosteet, tilastot, laskut ja "
                "kyselykirjeet) ovat rakenteisia (PDF/UA): niiden otsikot, taulukot, kieli ja "
                "kuvien tekstivastineet on merkitty. Niitä ei kuitenkaan ole testattu "
                "ruudunlukijalla eikä muilla apuvälineillä. Otteiden, rekisteriselosteiden ja "
                "tilastojen sisältö on saatavilla myös verkkosivuna."
            ),
            "criteria": "1.3.1, 1.3.2, 2.4.2",
        },
        {
            "title": _("Istunnon aikaraja"),
            "text": _(
                "Istunto päättyy tietoturvasyistä %(minutes)s minuutin käyttämättömyyden "
                "jälkeen ilman ennakkovaroitusta, eikä aikaa voi jatkaa. Tallentamaton lomake "
                "voi kadota."
            )
            % {"minutes": idle},
            "criteria": "2.2.1",
        },
        {
            "title": _("Laajat taulukot kapealla näytöllä"),
            "text": _(
                "Osa laajoista taulukoista, kuten asiakaslistat ja paikkatilanne, vierii "
                "kapealla näytöllä vaakasuunnassa."
            ),
            "criteria": "1.4.10",
        },
        {
            "title": _("Käyttäjien kirjoittamien tekstien kieli"),
            "text": _(
                "Organisaation ja työntekijöiden kirjoittamat tekstit, kuten työmuotojen nimet ja "
                "kirjaukset, näkyvät sillä kielellä, jolla ne on kirjoitettu, eikä niiden kieltä "
                "ole merkitty sivulle."
            ),
            "criteria": "3.1.2",
        },
        {
            "title": _("Hallintaosio"),
            "text": _(
                "Pääkäyttäjän hallintaosio (/hallinta/) perustuu Djangon ylläpitonäkymään, eikä "
                "sitä ole tarkistettu automaattisilla saavutettavuustesteillä."
            ),
            "criteria": "",
        },
    ]


def _organisation_for(request: HttpRequest, slug: str | None) -> Organisation | None:
    if slug is not None:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise Http404
        return organisation
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.organisation_id is not None:
        return Organisation.objects.filter(pk=user.organisation_id).first()
    only = list(Organisation.objects.order_by("pk")[:2])
    return only[0] if len(only) == 1 else None


@public
@two_factor_exempt
@require_GET
def statement(request: HttpRequest, organisation: str | None = None) -> HttpResponse:
    org = _organisation_for(request, organisation)
    profile = profile_of(org) if org is not None else None
    email = phone = ""
    if profile is not None:
        email = profile.accessibility_email or profile.email
        phone = profile.accessibility_phone or profile.phone
    return render(
        request,
        "core/accessibility.html",
        {
            "organisation": org,
            "profile": profile,
            "feedback_email": email,
            "feedback_phone": phone,
            "statement_date": STATEMENT_DATE,
            "non_conformities": non_conformities(),
            "enforcement": ENFORCEMENT,
        },
    )
