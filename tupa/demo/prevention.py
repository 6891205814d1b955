"""Demo data of prevention work (TPPH, seed-spec §2.9): the activities of the demo's history
and the materials handed out. Fictional and deterministic; no person is named.

The pattern follows the plan's headings, with volumes that are [inferred]: the regional
coordination group meets six times a year; a theme day or campaign, a workplace session and an
organisation visit or cooperation coffee most months; two trainings on raising the issue of
violence a year; the yearly prevention seminar in December (co-organised) and a comprehensive-
security fair in September (four days, a stand). Brochures and posters go out in batches to
schools, clinics, social offices, elderly service points and events.

Everything goes through :mod:`tupa.prevention.services` with the network coordinator as the
actor (a few hundred writes). Idempotent: when the form has activities, nothing is changed and
``None`` is returned.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from tupa.accounts.models import User
from tupa.demo.calendar import history_start
from tupa.organisations.models import Organisation, ServiceForm
from tupa.prevention import services
from tupa.prevention.models import Activity, ActivityKind, RecipientKind, Role

SEED = 2009  # the year TPPH started
SLUG = "tpph"
COORDINATOR = "tpph"

MATERIALS = (
    "Turvallinen lapsuus -esite",
    "Turvallinen nuoruus -esite",
    "Turvallinen aikuisuus -esite",
    "Turvallinen vanhuus -esite",
    "Huoneentaulu-juliste",
    "Lasten huoneentaulu",
    "Miniturvallisuusseula",
)
#: Where each material mostly goes.
DESTINATIONS = {
    "Turvallinen lapsuus -esite": (RecipientKind.SCHOOL, RecipientKind.CLINIC),
    "Turvallinen nuoruus -esite": (RecipientKind.SCHOOL,),
    "Turvallinen aikuisuus -esite": (RecipientKind.CLINIC, RecipientKind.SOCIAL),
    "Turvallinen vanhuus -esite": (RecipientKind.ELDERLY, RecipientKind.CLINIC),
    "Huoneentaulu-juliste": (RecipientKind.CLINIC, RecipientKind.ACUTE, RecipientKind.SOCIAL),
    "Lasten huoneentaulu": (RecipientKind.SCHOOL,),
    "Miniturvallisuusseula": (RecipientKind.PARTNER, RecipientKind.SOCIAL),
}
PLACES = {
    RecipientKind.SCHOOL: ("Keskustan yhtenäiskoulu", "Mäkirinteen koulu", "Ammattiopisto"),
    RecipientKind.CLINIC: ("Keskustan lähiklinikka", "Itäinen neuvola", "Terveysasema"),
    RecipientKind.ACUTE: ("Yhteispäivystys",),
    RecipientKind.SOCIAL: ("Sosiaalitoimisto",),
    RecipientKind.ELDERLY: ("Ikäihmisten palvelupiste",),
    RecipientKind.PARTNER: ("Järjestöjen yhteistyöverkosto",),
}
THEME_DAYS = (
    "Turvallisuusteemapäivä kauppakeskuksessa",
    "Kannustavan kasvatuksen teemapäivä",
    "Väkivallattomuuden kampanjapäivä",
    "Perheiden ilta kirjastossa",
    "Nettiturvakoti tutuksi -kampanja",
)
WORKPLACES = (
    "Työyhteisön turvallisuustilaisuus, koulun henkilökunta",
    "Työyhteisön turvallisuustilaisuus, kotihoito",
    "Työyhteisön turvallisuustilaisuus, varhaiskasvatus",
)
VISITS = (
    "Yhteistyökahvit, sosiaalitoimisto",
    "Organisaatiokäynti, terveysasema",
    "Yhteistyökahvit, seurakunnan perhetyö",
)


def build(*, organisation: Organisation) -> str | None:
    with scope(organisation=organisation.pk):
        form = ServiceForm.objects.filter(
            organisation=organisation, slug=SLUG, kind=ServiceForm.Kind.PREVENTION
        ).first()
        coordinator = User.objects.filter(organisation=organisation, username=COORDINATOR).first()
        if form is None or coordinator is None:
            return None
        if Activity.objects.filter(service_form=form).exists():
            return None
        with transaction.atomic():
            return _build(form=form, coordinator=coordinator)


def _activity(
    form: ServiceForm, actor: User, day: dt.date, title: str, kind: str, **fields: object
) -> None:
    services.activity_record(
        actor=actor, service_form=form, title=title, kind=kind, starts_on=day, **fields
    )


def _build(*, form: ServiceForm, coordinator: User) -> str:
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    first = history_start(yesterday + dt.timedelta(days=1))
    materials = {
        name: services.material_add(actor=coordinator, service_form=form, name=name)
        for name in MATERIALS
    }
    activities = deliveries = 0

    def on(year: int, month: int, day: int) -> dt.date | None:
        date = dt.date(year, month, day)
        return date if first <= date <= yesterday else None

    for year in range(first.year, yesterday.year + 1):
        for month in range(1, 13):
            if month == 7:  # the summer break
                continue
            # The regional coordination group: six meetings a year.
            if month in (2, 3, 5, 9, 10, 11) and (day := on(year, month, 9 + rng.randint(0, 5))):
                _activity(
                    form,
                    coordinator,
                    day,
                    "Seudullisen koordinaatioryhmän kokous",
                    ActivityKind.NETWORK,
                    role=Role.CO_ORGANISED,
                    professionals=rng.randint(11, 19),
                    partners="kunta, hyvinvointialue, seurakunta, poliisi, järjestöt",
                )
                activities += 1
            if month not in (6, 8) and (day := on(year, month, 3 + rng.randint(0, 20))):
                title = THEME_DAYS[rng.randrange(len(THEME_DAYS))]
                _activity(
                    form,
                    coordinator,
                    day,
                    title,
                    ActivityKind.EVENT,
                    role=Role.ORGANISED if rng.random() < 0.6 else Role.CO_ORGANISED,
                    citizens=rng.randint(15, 90),
                    children=rng.randint(0, 40),
                    professionals=rng.randint(0, 6),
                )
                activities += 1
            if month in (1, 3, 4, 10, 11) and (day := on(year, month, 14 + rng.randint(0, 10))):
                _activity(
                    form,
                    coordinator,
                    day,
                    WORKPLACES[rng.randrange(len(WORKPLACES))],
                    ActivityKind.WORKPLACE,
                    professionals=rng.randint(8, 35),
                )
                activities += 1
            if month in (2, 5, 9, 12) and (day := on(year, month, 2 + rng.randint(0, 6))):
                _activity(
                    form,
                    coordinator,
                    day,
                    VISITS[rng.randrange(len(VISITS))],
                    ActivityKind.VISIT,
                    professionals=rng.randint(3, 12),
                )
                activities += 1
            if month in (4, 10) and (day := on(year, month, 20)):
                _activity(
                    form,
                    coordinator,
                    day,
                    "Koulutus: väkivallan puheeksiotto ja turvallisuusseula",
                    ActivityKind.TRAINING,
                    professionals=rng.randint(18, 40),
                    partners="hyvinvointialueen sosiaali- ja terveyspalvelut",
                )
                activities += 1
        if (day := on(year, 9, 5)) and (last := on(year, 9, 8)):
            _activity(
                form,
                coordinator,
                day,
                "Kokonaisturvallisuusmessut, yhdistyksen osasto",
                ActivityKind.SEMINAR,
                role=Role.TOOK_PART,
                ends_on=last,
                citizens=rng.randint(300, 650),
                children=rng.randint(20, 80),
                professionals=rng.randint(40, 90),
            )
            activities += 1
        if day := on(year, 12, 7):
            _activity(
                form,
                coordinator,
                day,
                "Ehkäisevän työn seminaari",
                ActivityKind.SEMINAR,
                role=Role.CO_ORGANISED,
                professionals=rng.randint(90, 140),
                citizens=rng.randint(10, 40),
                partners="kaupungin ehkäisevän työn yksikkö, järjestöt",
            )
            activities += 1
        # Material batches: about two a month outside the summer.
        for month in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12):
            for _ in range(2):
                if not (day := on(year, month, 1 + rng.randint(0, 26))):
                    continue
                name = MATERIALS[rng.randrange(len(MATERIALS))]
                kind = rng.choice(DESTINATIONS[name])
                services.delivery_record(
                    actor=coordinator,
                    service_form=form,
                    material=materials[name],
                    date=day,
                    quantity=rng.choice((20, 25, 30, 50, 50, 100)),
                    recipient_kind=kind,
                    recipient=rng.choice(PLACES[kind]),
                )
                deliveries += 1
    # The older adults' brochure is being updated: out of distribution for now.
    services.material_set_active(
        actor=coordinator, material=materials["Turvallinen vanhuus -esite"], active=False
    )
    return (
        f"Ehkäisevä työ: {activities} tilaisuutta, {len(materials)} materiaalia, "
        f"{deliveries} materiaalin jakoa."
    )
