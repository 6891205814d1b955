"""A year of demo answers to the demo questionnaires (issue 13), so that the results pages,
the suppression and the exports have something to show.

Deterministic: a fixed seed per questionnaire, days relative to today, and a fixed
``submission_key`` per answer (``response_record`` is idempotent on it, so a second run stores
nothing more). Every answer goes through :func:`tupa.surveys.recording.clean_answers` and
:func:`~tupa.surveys.recording.response_record`; all are anonymous (only the month is kept).
Vaikuttavuus esiin's measurements are made by the outcome demo, not here.

The counts suit a small association: Ensikoti's end-of-stay feedback 24 (8 to the retired
version 1, 16 to version 2), the follow-up a year later 7, Perhetupa's kiosk 150, Baby blues 25
and its referrers 8, Peukaloinen three group periods × 6, Alvari's follow-up 8 (so a quarter has
fewer than five: "< 5" for the executive director), Lapsityö's smileys 15, the doulas' yearly
survey 10. The free texts are invented and name nobody.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.organisations.models import Organisation
from tupa.surveys.models import Channel, Item, ItemKind, QuestionnaireVersion
from tupa.surveys.recording import clean_answers, items_of, response_record


@dataclass(frozen=True)
class Plan:
    """How many answers a questionnaire gets, by which channels, over which days."""

    count: int
    channels: tuple[tuple[str, int], ...]  # (channel, weight)
    recorder: str  # the worker who typed paper / in-person answers (username)
    #: Days ago the answers fall on: a range spread over the year, or fixed days (group ends).
    days: tuple[int, ...] = ()
    text_share: float = 0.45
    skip_share: float = 0.12
    #: Answers to the questionnaire's version 1 (the oldest first), the rest to the newest.
    to_first_version: int = 0


PLANS: dict[str, Plan] = {
    "ensikoti-loppu": Plan(
        24,
        ((Channel.LINK, 6), (Channel.PAPER, 3), (Channel.IN_PERSON, 2)),
        "ensikoti",
        to_first_version=8,
    ),
    "ensikoti-seuranta": Plan(7, ((Channel.LINK, 1),), "ensikoti"),
    "babyblues-loppu": Plan(25, ((Channel.LINK, 4), (Channel.PAPER, 1)), "babyblues"),
    "babyblues-lahettaja": Plan(8, ((Channel.LINK, 1),), "babyblues", days=(40, 44, 47, 52)),
    "peukaloinen-loppu": Plan(
        18, ((Channel.PAPER, 1),), "peukaloinen", days=(300, 180, 60), text_share=0.6
    ),
    "alvari-seuranta": Plan(8, ((Channel.LINK, 3), (Channel.ORAL, 1)), "alvari"),
    "lapsityo-hymio": Plan(15, ((Channel.IN_PERSON, 1),), "lapsityo", text_share=0.5),
    "doula-vuosi": Plan(10, ((Channel.LINK, 1),), "babyblues", days=(30, 33, 36)),
    "perhetupa-kioski": Plan(150, ((Channel.KIOSK, 1),), "perhetupa", text_share=0.12),
}

#: Free texts by questionnaire key and item code, then by item code for any questionnaire.
TEXTS: dict[str, list[str]] = {
    "ensikoti-loppu:best": [
        "Työntekijöiden lämpö ja kiireettömyys.",
        "Sain olla väsynyt ja silti hyvä äiti.",
        "Yöllä oli aina joku, jolta kysyä.",
        "Opin lukemaan vauvan viestejä.",
        "Yhteiset aamupalat ja juttelut muiden perheiden kanssa.",
        "Videoinnit vuorovaikutuksesta avasivat silmät.",
    ],
    "ensikoti-seuranta:best": [
        "Rauhalliset illat ja vauvan iltarutiini.",
        "Se, että minuun luotettiin.",
        "Ohjaajan kanssa tehty arjen suunnitelma.",
    ],
    "babyblues-loppu:best": [
        "Kotikäynnit, kun en itse jaksanut lähteä mihinkään.",
        "Keskustelut, joissa sai itkeä rauhassa.",
        "Vinkit unirytmiin ja omaan lepoon.",
        "Tieto siitä, etten ole ainoa, joka tuntee näin.",
        "Doulan tuki synnytyksen jälkeen.",
    ],
    "peukaloinen-loppu:best": [
        "Muut vanhemmat ja yhteiset leikit.",
        "Lapsi odotti ryhmäpäivää koko viikon.",
        "Laululeikit, joita teemme nyt kotonakin.",
        "Vinkit kiukkukohtauksiin.",
        "Ohjaajat olivat ihania lasten kanssa.",
    ],
    "lapsityo-hymio:best": [
        "Piirtäminen.",
        "Kun sai leikkiä nukeilla.",
        "Kun sai kertoa omista asioista.",
        "Välipala oli hyvää.",
        "Pelit.",
    ],
    "babyblues-lahettaja:improve": [
        "Tieto ohjatun perheen aloituksesta voisi tulla nopeammin.",
        "Yhteistyö sujuu hyvin, kiitos.",
        "Esite myös englanniksi olisi tarpeen.",
    ],
    "doula-vuosi:improve": [
        "Työnohjausta voisi olla useammin.",
        "Koulutuksia myös iltaisin tai etänä.",
        "Doulailtoja kaipaisin enemmän.",
    ],
    "alvari-seuranta:improve": [
        "Ryhmä voisi jatkua pidempään.",
        "Iltaisin olisi helpompi tulla.",
    ],
    "perhetupa-kioski:improve": [
        "Lisää leluja pienimmille.",
        "Kahvia myös iltapäivisin!",
        "Ihana paikka, kiitos.",
        "Aukioloa voisi olla myös lauantaisin.",
        "Vaunuparkki on ahdas.",
        "Enemmän ohjattua toimintaa isommille lapsille.",
    ],
    "improve": [
        "En keksi mitään, kaikki oli hyvin.",
        "Tapaamisia voisi olla useammin.",
        "Tiedotus etukäteen voisi olla selkeämpää.",
        "Parkkipaikkoja on vähän.",
        "Toivoisin iltaryhmää työssäkäyville.",
    ],
    "best": ["Kiireetön kohtaaminen.", "Käytännön neuvot arkeen."],
}

#: Weights of the values of each numeric kind (mostly positive, some spread).
WEIGHTS: dict[str, dict[int, int]] = {
    ItemKind.SCALE5: {1: 1, 2: 2, 3: 5, 4: 16, 5: 22},
    ItemKind.SCALE10: {3: 1, 4: 1, 5: 2, 6: 3, 7: 6, 8: 10, 9: 11, 10: 9},
    ItemKind.SMILEY: {1: 1, 2: 4, 3: 14},
    ItemKind.YESNO: {1: 17, 0: 3},
}


def _pick(rng: random.Random, weights: dict[int, int]) -> int:
    values = list(weights)
    return rng.choices(values, weights=[weights[v] for v in values])[0]


def _raw(rng: random.Random, key: str, item: Item, plan: Plan) -> list[str] | str:
    """One item's answer as a form would post it ([] = skipped)."""
    if item.kind == ItemKind.TEXT:
        pool = TEXTS.get(f"{key}:{item.code}") or TEXTS.get(item.code) or []
        return rng.choice(pool) if pool and rng.random() < plan.text_share else []
    if not item.required and rng.random() < plan.skip_share:
        return []
    if item.kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
        values = [c.value for c in item.choices.all()]
        if not values:
            return []
        if item.kind == ItemKind.SINGLE:
            # The first choices are the common ones (the demo's lists put the good news first).
            return [rng.choices(values, weights=[max(1, 8 - 3 * i) for i in range(len(values))])[0]]
        chosen = [v for v in values if rng.random() < 0.4]
        return chosen or [rng.choice(values)]
    if item.kind == ItemKind.YESNO:
        return "yes" if _pick(rng, WEIGHTS[ItemKind.YESNO]) == 1 else "no"
    return str(_pick(rng, WEIGHTS[item.kind]))


def _days_ago(rng: random.Random, plan: Plan, n: int) -> int:
    if plan.days:
        return plan.days[n * len(plan.days) // plan.count] + rng.randint(0, 3)
    return rng.randint(3, 360)


def _first_version(version: QuestionnaireVersion) -> QuestionnaireVersion | None:
    first = (
        QuestionnaireVersion.objects.filter(questionnaire=version.questionnaire, number=1)
        .exclude(status=QuestionnaireVersion.Status.DRAFT)
        .first()
    )
    return first if first is not None and first.pk != version.pk else None


def _answer_set(key: str, version: QuestionnaireVersion, plan: Plan, users: dict[str, User]) -> int:
    """The plan's answers to ``version`` (and to version 1); returns how many were new."""
    rng = random.Random(f"tupa-demo-answers:{key}")  # noqa: S311 - reproducible demo data
    today = timezone.localdate()
    first = _first_version(version) if plan.to_first_version else None
    items = {v.pk: items_of(v) for v in (version, first) if v is not None}
    service_form = version.questionnaire.service_form
    if service_form is None:
        return 0
    recorder = users.get(plan.recorder) or users.get("johtaja")
    channels = [c for c, _w in plan.channels]
    weights = [w for _c, w in plan.channels]
    days = sorted((_days_ago(rng, plan, n) for n in range(plan.count)), reverse=True)
    created = 0
    for n, ago in enumerate(days):
        target = first if first is not None and n < plan.to_first_version else version
        channel = rng.choices(channels, weights=weights)[0]
        raw = {item.code: _raw(rng, key, item, plan) for item in items[target.pk]}
        cleaned, errors = clean_answers(target, raw, items=items[target.pk])
        if errors:  # cannot happen with the generator above; keep the demo honest if it does
            raise AssertionError(f"{key} #{n}: {errors}")
        submission = hashlib.sha256(f"demo-answers:{key}:{n}".encode()).hexdigest()
        _response, new = response_record(
            version=target,
            service_form=service_form,
            channel=channel,
            answers=cleaned,
            submission_key=submission,
            anonymous=True,
            submitted_on=today - dt.timedelta(days=ago),
            recorded_by=None if channel in (Channel.LINK, Channel.KIOSK) else recorder,
        )
        created += int(new)
    return created


def build(*, organisation: Organisation, versions: dict[str, QuestionnaireVersion]) -> str | None:
    """Answers to every demo questionnaire with a plan; None when nothing new was stored."""
    with scope(organisation=organisation):
        users = {u.username: u for u in User.objects.filter(organisation=organisation)}
        counts = {
            key: _answer_set(key, versions[key], plan, users)
            for key, plan in PLANS.items()
            if key in versions
        }
    total = sum(counts.values())
    if not total:
        return None
    return f"Palautevastauksia: {total} ({len([c for c in counts.values() if c])} kyselyyn)"
