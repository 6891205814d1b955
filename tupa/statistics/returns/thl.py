"""THL's shelter return (*Turvakotipalvelut*, finnish-requirements §1): one shelter, one year.

The sections follow THL's summary form (*yhteenvetolomake*): persons counted once, adults and
children as columns, "tieto puuttuu" for persons without THL data, residence days per person
clipped to the year. This is the shelter's THL page: the old addresses
(``residential:thl_summary`` …) redirect here.

Submission is blocked (:func:`year_end_problems`) while a stay of the year is still open and
not confirmed as continuing over the year's end, or a person of the year lacks THL data
(finnish-requirements §1.4 point 3); each problem links to the shelter's year-end check
(``residential:thl_year_end``), where the members of the unit fix them.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from tupa.residential.models import is_shelter

from ..indicators.base import Params
from ..indicators.reads import candidate_forms
from .base import Line, Recipient, ReturnRegistry, ReturnTemplate, Scope, Section
from .thl_database import counts, year_end_counts_in_run

_BY_GROUP = "adult_child"


class Problem(str):
    """A problem that blocks sending, with the address of the page that fixes it (``url``).

    A ``str`` everywhere else (submission errors, the engine's ``problems``)."""

    url: str

    def __new__(cls, text: str, url: str = "") -> Problem:
        problem = super().__new__(cls, text)
        problem.url = url
        return problem


def year_end_problems(params: Params) -> list[str]:
    """What stops marking the return as sent, per shelter (counts only, never persons).

    The year-end check's counts (:func:`~tupa.residential.thl.year_end.year_end_counts`): open stays
    nobody has confirmed as continuing over the year's end, and episodes with a person of the
    year who has no THL data. Each problem links to the check's page, which lists the episodes
    to the members of the unit with the links that fix them.
    """
    problems: list[str] = []
    with scopes_disabled():
        for form in sorted(candidate_forms(params), key=lambda form: (form.name, form.pk)):
            if not is_shelter(form):
                continue
            counts = year_end_counts_in_run(form, params.year)
            url = reverse("residential:thl_year_end", args=[form.slug, params.year])
            open_stays = counts.unconfirmed_open_stays
            if open_stays:
                problems.append(
                    Problem(
                        gettext(
                            "%(form)s: vuoden lopussa auki olevia asumisjaksoja, joiden "
                            "jatkumista ei ole vahvistettu: %(count)d. Kirjaa lähtö tai vahvista "
                            "jatkuminen vuodenvaihteen tarkistuksessa."
                        )
                        % {"form": form.name, "count": open_stays},
                        url,
                    )
                )
            missing = counts.episodes_missing_data
            if missing:
                problems.append(
                    Problem(
                        gettext(
                            "%(form)s: asiakkuuksia, joiden henkilöltä puuttuvat THL:n "
                            "tilastotiedot: %(count)d. Täydennä tiedot asiakkuudelle."
                        )
                        % {"form": form.name, "count": missing},
                        url,
                    )
                )
    return problems


THL_SHELTER = ReturnTemplate(
    id="thl.shelter",
    version=1,
    recipient=Recipient.THL,
    title=_("THL: Turvakotipalvelut, vuosi-ilmoitus"),
    description=_(
        "Turvakodin vuositiedot THL:n yhteenvetolomakkeelle: asiakkaat, asumisvuorokaudet, "
        "asiakkaiden taustatiedot, asumisjaksot, perhepaikat, tilanpuutteen vuoksi "
        "käännytetyt ja puhelinyhteydenotot. Henkilötietoja ei lähetetä. Auki oleva "
        "vahvistamaton asumisjakso tai puuttuvat THL-tiedot estävät lähettämisen. "
        "Määräaika 31.1. on arvio: tarkista THL:n vuosittainen aikataulu ja lomakkeen "
        "luokitukset."
    ),
    scope=Scope.SERVICE_FORM,
    applies=is_shelter,
    deadline=(1, 31),
    outgoing=True,
    visible="residential.thl_summary.view",
    checks=year_end_problems,
    counted_in_database=counts,
    sections=(
        Section(
            _("Asiakkaat ja asumisvuorokaudet"),
            (
                Line(
                    "shelter.clients",
                    1,
                    (_BY_GROUP,),
                    label=_("Asiakkaita vuoden aikana"),
                ),
                Line(
                    "shelter.residence_days",
                    1,
                    (_BY_GROUP,),
                    label=_("Asumisvuorokaudet"),
                ),
            ),
            _(
                "Keskimääräinen asumisaika (vrk / asiakas) on asumisvuorokaudet jaettuna "
                "asiakkaiden määrällä."
            ),
        ),
        Section(
            _("Asiakkaiden taustatiedot"),
            (
                Line(
                    "shelter.clients",
                    1,
                    ("gender", _BY_GROUP),
                    label=_("Sukupuoli"),
                ),
                Line(
                    "shelter.clients",
                    1,
                    ("age_band", _BY_GROUP),
                    label=_("Ikäryhmä tulohetkellä"),
                ),
                Line(
                    "shelter.clients",
                    1,
                    ("stay_order", _BY_GROUP),
                    label=_("Ensimmäinen vai toistuva jakso"),
                ),
                Line(
                    "shelter.clients",
                    1,
                    ("client_status", _BY_GROUP),
                    label=_("Asiakkaan asema"),
                ),
            ),
            _(
                "Kukin henkilö lasketaan kerran vuoden ensimmäisen THL-tiedot sisältävän "
                "asumisjaksonsa tiedoilla; ”tieto puuttuu”: henkilöltä puuttuvat THL-tiedot."
            ),
        ),
        Section(
            _("Väkivalta"),
            (
                Line(
                    "shelter.violence_forms",
                    1,
                    ("violence_form", _BY_GROUP),
                    label=_("Väkivallan muodot (useita voi valita)"),
                ),
                Line(
                    "shelter.clients",
                    1,
                    ("relationship", _BY_GROUP),
                    label=_("Suhde väkivallan käyttäjään"),
                ),
                Line(
                    "shelter.clients",
                    1,
                    ("violence_duration", _BY_GROUP),
                    label=_("Väkivallan kesto ennen tuloa"),
                ),
            ),
        ),
        Section(
            _("Asumisjaksot ja perhepaikat"),
            (
                Line(
                    "shelter.stays",
                    1,
                    ("began",),
                    label=_("Asumisjaksot vuoden aikana (siirto ei aloita uutta jaksoa)"),
                ),
                Line(
                    "shelter.families",
                    1,
                    ("referral_source",),
                    label=_("Ohjaava taho (perheittäin)"),
                ),
                Line(
                    "residential.family_places",
                    1,
                    label=_("Perhepaikat vuoden lopussa"),
                ),
            ),
        ),
        Section(
            _("Tilanpuutteen vuoksi käännytetyt"),
            (
                Line(
                    "shelter.turned_away",
                    1,
                    ("destination", _BY_GROUP),
                    label=_("Henkilöt"),
                ),
                Line(
                    "shelter.turn_away_requests",
                    1,
                    ("destination",),
                    label=_("Perheet (pyynnöt)"),
                ),
            ),
            _("THL:n luku on rivi ”toiseen turvakotiin”."),
        ),
        Section(
            _("Puhelin- ja chat-yhteydenotot"),
            (Line("shelter.line_contacts", 1, ("channel",)),),
        ),
    ),
)


def register(registry: ReturnRegistry) -> None:
    registry.register(THL_SHELTER)
