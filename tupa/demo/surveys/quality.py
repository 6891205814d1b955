"""Demo quality self-evaluation (FBK-09): two criteria sets — the association's own quality
handbook and THL's shelter criteria — and Ensikoti's and Turvakoti's evaluations for last year
(done) and this year (open, half rated), so the previous year's rating shows beside each
criterion.

The criteria are plausible wordings written for the demo, not quotations: [verify] the
association's own handbook and THL's current shelter quality recommendations before use.
Deterministic (a fixed seed) and idempotent (nothing is done when the sets exist).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.organisations.models import Organisation, ServiceForm
from tupa.surveys.models import CriteriaSet, CriterionRating, QuestionnaireVersion
from tupa.surveys.quality import services
from tupa.surveys.quality.services import RatingInput

Rating = CriterionRating.Rating

OWN = (
    "Oma laatukäsikirja",
    CriteriaSet.Source.OWN_HANDBOOK,
    "2025",
    (
        (
            "1.1",
            "Asiakkaalle laaditaan kirjallinen asiakassuunnitelma kahden viikon kuluessa "
            "asiakkuuden alkamisesta, ja se tehdään yhdessä asiakkaan kanssa.",
        ),
        (
            "1.2",
            "Asiakassuunnitelman tavoitteet arvioidaan yhdessä asiakkaan kanssa vähintään "
            "kolmen kuukauden välein.",
        ),
        ("1.3", "Lapsen näkökulma ja lapsen oma kokemus kirjataan jokaisessa arviossa."),
        (
            "2.1",
            "Asiakaspalautetta kerätään jokaisen jakson lopussa, ja tulokset käsitellään "
            "tiimissä puolivuosittain.",
        ),
        ("2.2", "Vaikuttavuus esiin -mittari täytetään asiakkuuden alussa ja lopussa."),
        ("3.1", "Jokainen työntekijä saa työnohjausta vähintään kerran kuukaudessa."),
        ("3.2", "Uusi työntekijä perehdytetään perehdytyssuunnitelman mukaan."),
        ("4.1", "Turvakieltojen ja tietosuojan käytännöt kerrataan tiimissä vuosittain."),
    ),
)
THL = (
    "THL:n turvakotien laatusuositukset",
    CriteriaSet.Source.THL_SHELTER,
    "demo",
    (
        (
            "T1",
            "Turvakotiin pääsee vuorokauden ympäri ilman lähetettä, ja ensimmäinen "
            "kriisikeskustelu käydään saapumispäivänä.",
        ),
        ("T2", "Jokaisen asiakkaan kanssa tehdään turvallisuussuunnitelma."),
        (
            "T3",
            "Lapsen kanssa työskennellään omana asiakkaana, ja lapselle nimetään oma työntekijä.",
        ),
        ("T4", "Väkivallan vaikutukset vanhemmuuteen otetaan puheeksi jokaisen vanhemman kanssa."),
        ("T5", "Asiakkaalle järjestetään jatkotuki tai ohjaus avopalveluihin ennen lähtöä."),
        (
            "T6",
            "Henkilöstöllä on väkivaltatyön erityisosaaminen ja säännöllinen täydennyskoulutus.",
        ),
        ("T7", "Asiakkaille annetaan THL:n asiakaspalautelomakkeen linkki jakson aikana."),
    ),
)

#: (form slug, the lead who evaluates, which set)
UNITS = (
    ("ensikoti", "ensikoti.esihenkilo", OWN[0]),
    ("turvakoti", "turvakoti.esihenkilo", THL[0]),
)
WEIGHTS_LAST = (
    (Rating.MET, 5),
    (Rating.PARTLY, 3),
    (Rating.NOT_MET, 1),
    (Rating.NOT_APPLICABLE, 1),
)
WEIGHTS_NOW = ((Rating.MET, 6), (Rating.PARTLY, 3), (Rating.NOT_MET, 1))
EVIDENCE = (
    "Tarkistettu asiakastietojärjestelmästä kymmenen satunnaisen asiakkuuden osalta.",
    "Käyty läpi tiimipalaverissa; käytäntö on vakiintunut.",
    "Toteutuu, mutta kirjaaminen vaihtelee työntekijöittäin.",
)
IMPROVEMENT = (
    "Lisätään muistutus tiimin viikkopalaveriin.",
    "Päivitetään ohje ja käydään se läpi kevään kehittämispäivänä.",
    "",
)


def _pick(rng: random.Random, weights: tuple[tuple[str, int], ...]) -> str:
    values, counts = zip(*weights, strict=True)
    return rng.choices(values, weights=counts)[0]


def build(
    *,
    organisation: Organisation,
    versions: dict[str, QuestionnaireVersion] | None = None,
    today: dt.date | None = None,
) -> str | None:
    """The criteria sets and the evaluations; None when the sets exist already."""
    day = today or timezone.localdate()
    rng = random.Random("tupa-demo-quality")  # noqa: S311 - reproducible demo data
    with scope(organisation=organisation.pk):
        if CriteriaSet.objects.filter(organisation=organisation).exists():
            return None
        users = {u.username: u for u in User.objects.filter(organisation=organisation)}
        author = users.get("ensikoti.esihenkilo")
        if author is None:
            return None
        sets: dict[str, CriteriaSet] = {}
        for name, source, edition, criteria in (OWN, THL):
            created = services.criteria_set_create(
                actor=author
                if source != CriteriaSet.Source.THL_SHELTER
                else (users.get("turvakoti.esihenkilo") or author),
                name=name,
                source=source,
                edition=edition,
            )
            for code, text in criteria:
                services.criterion_add(actor=author, criteria_set=created, code=code, text=text)
            sets[name] = created
        evaluations = 0
        for slug, username, set_name in UNITS:
            lead = users.get(username)
            form = ServiceForm.objects.filter(organisation=organisation, slug=slug).first()
            if lead is None or form is None:
                continue
            rows = list(sets[set_name].criteria.order_by("order"))
            for year, weights, share in (
                (day.year - 1, WEIGHTS_LAST, 1.0),
                (day.year, WEIGHTS_NOW, 0.5),
            ):
                evaluation = services.evaluation_start(
                    actor=lead, service_form=form, criteria_set=sets[set_name], year=year
                )
                rated = rows[: max(1, round(len(rows) * share))]
                ratings = {
                    c.pk: RatingInput(
                        _pick(rng, weights),
                        rng.choice(EVIDENCE),
                        rng.choice(IMPROVEMENT),
                    )
                    for c in rated
                }
                evaluation = services.evaluation_save(
                    actor=lead,
                    evaluation=evaluation,
                    version=evaluation.version,
                    ratings=ratings,
                    summary=(
                        "Vahvuutena suunnitelmallisuus; kehitettävää lapsen näkökulman "
                        "kirjaamisessa."
                        if share == 1.0
                        else ""
                    ),
                )
                if share == 1.0:
                    services.evaluation_complete(
                        actor=lead,
                        evaluation=evaluation,
                        version=evaluation.version,
                        on=dt.date(year, 12, 10),
                    )
                evaluations += 1
    return f"Laadun itsearviointi: 2 kriteeristöä, {evaluations} arviointia"
