"""The shelter's THL figures: clients, residence days, stays, families, violence forms."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tupa.core.wallclock import local_date
from tupa.episodes.models import ReferralSource
from tupa.residential.care_days import DEFAULT_RULE, care_day_spans, last_complete_date
from tupa.residential.models import (
    is_shelter,
)
from tupa.residential.stays.selectors import MemberRow, PersonKey, intervals_by_person
from tupa.residential.thl import variables as thl

from ..base import UNKNOWN, Choices, Dimension, Indicator, Params, Unit
from ..dimensions import (
    ADULT_CHILD,
    MONTH,
    MUNICIPALITY,
    month_value,
    municipality_value,
)
from .common import (
    BEGAN,
    EARLIER,
    Data,
    chains,
    forms_of,
    period_members,
    person_rows,
)

# --------------------------------------------------------------------------- dimensions

_MISSING_CHOICE = (thl.MISSING, _("tieto puuttuu"))


def _with_missing(choices: Iterable[tuple[str, Any]]) -> Choices:
    return (*((str(v), label) for v, label in choices), _MISSING_CHOICE)


THL_GENDER = Dimension("gender", _("sukupuoli (tilasto)"), _with_missing(Data.Gender.choices))
AGE_BAND = Dimension("age_band", _("ikäryhmä tulohetkellä"), _with_missing(Data.AgeBand.choices))
STAY_ORDER = Dimension(
    "stay_order", _("ensimmäinen vai toistuva jakso"), _with_missing(Data.StayOrder.choices)
)
CLIENT_STATUS = Dimension(
    "client_status", _("asiakkaan asema"), _with_missing(Data.ClientStatus.choices)
)
RELATIONSHIP = Dimension(
    "relationship", _("suhde väkivallan käyttäjään"), _with_missing(Data.Relationship.choices)
)
VIOLENCE_DURATION = Dimension(
    "violence_duration",
    _("väkivallan kesto ennen tuloa"),
    _with_missing(Data.ViolenceDuration.choices),
)
VIOLENCE_FORM = Dimension(
    "violence_form",
    _("väkivallan muoto"),
    (
        *((str(v), label) for v, label in Data.ViolenceForm.choices),
        (thl.NO_FORMS, _("ei kirjattua väkivallan muotoa")),
        _MISSING_CHOICE,
    ),
)
REFERRAL_SOURCE = Dimension("referral_source", _("ohjaava taho"), tuple(ReferralSource.choices))
BEGAN_IN_PERIOD = Dimension(
    "began",
    _("alkamisaika"),
    ((BEGAN, _("alkoi ajanjaksolla")), (EARLIER, _("alkoi ennen ajanjaksoa"))),
)
# --------------------------------------------------------------------------- shelter units


def client_units(params: Params) -> Iterator[Unit]:
    for p in person_rows(params):
        d = p.data
        yield Unit(
            values=(
                p.group,
                *(str(d[name]) if d else thl.MISSING for name in thl.PERSON_VARIABLES),
                p.referral_source,
                municipality_value(p.municipality_id),
            ),
            episode_id=p.episode_id,
            person_id=p.person_id,
            municipality_id=p.municipality_id,
        )


def violence_form_units(params: Params) -> Iterator[Unit]:
    for p in person_rows(params):
        if p.data is None:
            forms = [thl.MISSING]
        else:
            forms = [str(f) for f in dict.fromkeys(p.data["violence_forms"] or [])] or [
                thl.NO_FORMS
            ]
        for form in forms:
            yield Unit(
                values=(p.group, form),
                episode_id=p.episode_id,
                person_id=p.person_id,
                municipality_id=p.municipality_id,
            )


def residence_day_units(params: Params) -> Iterator[Unit]:
    """Each person's care days by the ledger's rule, per month and episode (one unit each)."""
    people = {p.key: p for p in person_rows(params)}
    open_until = last_complete_date(timezone.now(), rule=DEFAULT_RULE)
    counts: Counter[tuple[PersonKey, str, int]] = Counter()
    per_form: dict[int, list[MemberRow]] = defaultdict(list)
    for m in period_members(params):
        per_form[m.service_form_id].append(m.member)
    for form in forms_of(params):  # a person's days in each shelter are counted apart
        per_person, _open = intervals_by_person(
            per_form.get(form.pk, ()), label=lambda row: row.episode_id
        )
        for key, intervals in per_person.items():
            # The ledger's runs of dates, counted per month without visiting each date.
            spans = care_day_spans(
                intervals,
                period_start=params.start,
                period_end=params.end,
                open_until=open_until,
            )
            for span in spans.spans:
                episode_id = span.label
                assert isinstance(episode_id, int)
                for (year, number), days in span.per_month():
                    counts[(key, month_value(dt.date(year, number, 1)), episode_id)] += days
    for (key, month, episode_id), n in sorted(counts.items()):
        person = people.get(key)
        yield Unit(
            values=(person.group if person else UNKNOWN, month),
            weight=n,
            episode_id=episode_id,
            person_id=key[1] if key[0] == "person" else None,
            municipality_id=person.municipality_id if person else None,
        )


def stay_units(params: Params) -> Iterator[Unit]:
    found = chains(params)
    municipalities = found.municipalities
    for head_pk in found.heads:
        head = found.by_pk[head_pk]
        began = params.start <= local_date(head.arrived_at) <= params.end
        yield Unit(
            values=(BEGAN if began else EARLIER, head.referral_source),
            episode_id=head.episode_id,
            municipality_id=municipalities.get(head.episode_id),
        )


def family_units(params: Params) -> Iterator[Unit]:
    found = chains(params)
    episodes: dict[int, str] = {}
    for head_pk in found.heads:
        head = found.by_pk[head_pk]
        episodes.setdefault(head.episode_id, head.referral_source)
    municipalities = found.municipalities
    for episode_id, source in episodes.items():
        yield Unit(
            values=(source,),
            episode_id=episode_id,
            municipality_id=municipalities.get(episode_id),
        )


# --------------------------------------------------------------------------- indicators

_PERSON_DIMENSIONS = (
    ADULT_CHILD,
    THL_GENDER,
    AGE_BAND,
    STAY_ORDER,
    CLIENT_STATUS,
    RELATIONSHIP,
    VIOLENCE_DURATION,
    REFERRAL_SOURCE,
    MUNICIPALITY,
)

SHELTER_CLIENTS = Indicator(
    id="shelter.clients",
    version=1,
    title=_("Turvakodin asiakkaat"),
    rule=_(
        "Henkilö (myös nimettömänä peitenimellä asunut) lasketaan kerran, jos hänen "
        "oleskelunsa turvakodin paikassa osuu ajanjaksolle (Suomen aikaa), vaikka hänellä olisi "
        "useita asumisjaksoja tai asiakkuuksia. Taustatiedot ovat hänen ajanjakson ensimmäisen "
        "THL-tiedot sisältävän oleskelunsa tiedot; ilman tietoja hän on rivillä ”tieto "
        "puuttuu”. Aikuinen vai lapsi: kirjattu ikäryhmä, muuten ikä tulohetkellä, muuten rooli."
    ),
    unit_label=_("henkilöä"),
    dimensions=_PERSON_DIMENSIONS,
    units=client_units,
    applies=is_shelter,
)

SHELTER_RESIDENCE_DAYS = Indicator(
    id="shelter.residence_days",
    version=1,
    title=_("Asumisvuorokaudet"),
    rule=_(
        "Jokainen turvakodissa vietetty yö lasketaan henkilöittäin (lapset mukaan lukien) "
        "illan päivämäärälle: tulopäivästä lähtöpäivää edeltävään päivään, saman päivän "
        "oleskelu yhtenä vuorokautena. Siirto paikasta toiseen ei lisää eikä vähennä "
        "vuorokausia. Jakso, jonka lähtöä ei ole kirjattu, lasketaan ajanjakson loppuun tai, "
        "jos se on tulevaisuudessa, eiliseen asti. Aikuinen vai lapsi kuten asiakasmäärässä."
    ),
    unit_label=_("vuorokautta"),
    dimensions=(ADULT_CHILD, MONTH),
    units=residence_day_units,
    applies=is_shelter,
)

SHELTER_STAYS = Indicator(
    id="shelter.stays",
    version=1,
    title=_("Turvakodin asumisjaksot"),
    rule=_(
        "Asumisjakso, josta jokin osa osuu ajanjaksolle; siirto paikasta toiseen jatkaa samaa "
        "asumisjaksoa. ”Alkoi ajanjaksolla”: asumisjakson ensimmäinen tulo on ajanjaksolla. "
        "Ohjaava taho on asiakkuuden tieto."
    ),
    unit_label=_("asumisjaksoa"),
    dimensions=(BEGAN_IN_PERIOD, REFERRAL_SOURCE),
    units=stay_units,
    applies=is_shelter,
)

SHELTER_FAMILIES = Indicator(
    id="shelter.families",
    version=1,
    title=_("Turvakodin perheet (asiakkuudet)"),
    rule=_(
        "Asiakkuus, jolla on ajanjaksolle osuva asumisjakso, lasketaan kerran, vaikka sillä "
        "olisi useita asumisjaksoja. Ohjaava taho on asiakkuuden tieto (THL laskee sen "
        "perheittäin)."
    ),
    unit_label=_("perhettä"),
    dimensions=(REFERRAL_SOURCE,),
    units=family_units,
    applies=is_shelter,
)

SHELTER_VIOLENCE_FORMS = Indicator(
    id="shelter.violence_forms",
    version=1,
    title=_("Väkivallan muodot"),
    rule=_(
        "Jokaisesta ajanjakson asiakkaasta lasketaan yksi kutakin hänen tiedoissaan valittua "
        "väkivallan muotoa kohden, joten summa on mainintojen eikä henkilöiden määrä. Henkilö, "
        "jolle ei ole valittu yhtään muotoa, lasketaan kerran rivillä ”ei kirjattua väkivallan "
        "muotoa” ja henkilö ilman tietoja rivillä ”tieto puuttuu”. Tiedot ja aikuinen vai "
        "lapsi kuten asiakasmäärässä."
    ),
    unit_label=_("mainintaa"),
    dimensions=(ADULT_CHILD, VIOLENCE_FORM),
    units=violence_form_units,
    applies=is_shelter,
)
