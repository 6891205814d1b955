"""Around the stays: turn-aways, the 24 h line, THL's shelter data, payment commitments and
handover notes of the residential demo (step 5 of :class:`tupa.demo.residential.stays.Builder`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tupa.core.wallclock import HELSINKI
from tupa.demo import datafiles
from tupa.demo.residential.shelter import (
    FamilyViolence,
    line_call,
    violence_duration,
    violence_forms,
    violence_relationship,
)
from tupa.demo.residential.units import (
    _FAR,
    DAILY_PRICE,
    ENSIKOTI,
    HOME_MUNICIPALITIES,
    SHELTER,
    UNITS,
    WELLBEING_COUNTY,
    BuilderState,
    _aware,
)
from tupa.episodes.models import Participant
from tupa.organisations.models import Municipality, Partner
from tupa.residential.line import services as line_services
from tupa.residential.models import (
    LineContact,
    PaymentCommitment,
    ShelterClientData,
    ShiftNote,
    Stay,
    TurnAway,
)


def _daily_price(year: int) -> Decimal:
    """Ensikoti's daily price of a year; before the first known year that year's, after the
    last known year the last one's."""
    return DAILY_PRICE[min(max(year, min(DAILY_PRICE)), max(DAILY_PRICE))]


class AroundStays(BuilderState):
    """The rows around the stays, written after the stays themselves."""

    def ensure_county(self) -> None:
        county = Partner.objects.filter(organisation=self.org, name=WELLBEING_COUNTY).first()
        if county is None:
            county = Partner(
                organisation=self.org,
                name=WELLBEING_COUNTY,
                kind=Partner.Kind.WELLBEING_SERVICES,
                municipality=Municipality.objects.filter(code="398").first(),
                description="Hyvinvointialue: maksusitoumukset ensikotijaksoille.",
            )
            county._history_user = self.staff["ensikoti.esihenkilo"]  # type: ignore[attr-defined]
            county.full_clean()
            county.save()
            self.counts["kumppaneita"] += 1
        self.county = county

    def occupied_at(self, slug: str, at: dt.datetime) -> int:
        spec = next(s for s in UNITS if s.slug == slug)
        return sum(
            any(s <= at < (e or _FAR) for s, e in self.busy[(slug, i)]) for i in range(spec.places)
        )

    def turn_aways(self) -> None:
        rows = []
        d = TurnAway.DirectedTo
        day = self.window_start.date()
        while day < self.today:
            for spec in UNITS:
                at = _aware(day, self.rng.randint(0, 23), self.rng.choice((5, 20, 35, 50)))
                if at >= self.now:
                    continue
                full = self.occupied_at(spec.slug, at) >= spec.places
                shelter = spec.slug == SHELTER
                if full and self.rng.random() < (0.3 if shelter else 0.06):
                    reason = TurnAway.Reason.NO_PLACE
                    directed = self.rng.choices(
                        (d.OTHER_SHELTER, d.SOCIAL_SERVICES, d.OTHER, d.NOWHERE)
                        if shelter
                        else (d.OUTPATIENT, d.SOCIAL_SERVICES, d.OTHER, d.NOWHERE),
                        (70, 18, 7, 5),
                    )[0]
                elif self.rng.random() < (0.025 if shelter else 0.01):
                    reason, directed = self.rng.choice(
                        (
                            (TurnAway.Reason.NOT_SUITABLE, d.HEALTH_CARE),
                            (TurnAway.Reason.NOT_SUITABLE, d.OUTPATIENT),
                            (TurnAway.Reason.SAFETY, d.OTHER_SHELTER),
                            (TurnAway.Reason.OTHER, d.SOCIAL_SERVICES),
                        )
                    )
                else:
                    continue
                rows.append(
                    TurnAway(
                        organisation=self.org,
                        service_form=self.forms[spec.slug],
                        occurred_at=at,
                        channel=self.rng.choices(
                            [c for c, _l in TurnAway.Channel.choices], (60, 30, 8, 2)
                        )[0],
                        adults=1,
                        children=self.rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0],
                        reason=reason,
                        directed_to=directed,
                        recorded_by=self.worker(spec.slug, at),
                    )
                )
            day += dt.timedelta(days=1)
        TurnAway.objects.bulk_create(rows)
        self.counts["käännytyksiä"] += len(rows)

    def line_contacts(self) -> None:
        """About two to three contacts a day on the shelter's 24 h line, more in the evening."""
        form = self.forms[SHELTER]
        c, o, t = LineContact.Caller, LineContact.Outcome, LineContact.Topic
        rows: list[LineContact] = []
        day = self.window_start.date()
        hours = list(range(24))
        weights = [3, 3, 2, 2, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 5, 5, 6, 6, 6, 6, 5, 4]
        while day <= self.today:
            for _ in range(self.rng.choices((0, 1, 2, 3, 4, 5), (8, 20, 28, 24, 13, 7))[0]):
                at = _aware(day, self.rng.choices(hours, weights)[0], self.rng.randint(0, 59))
                if at >= self.now:
                    continue
                outcome = self.rng.choices(
                    (o.ADVICE, o.REFERRED, o.CAME_TO_SHELTER, o.OTHER), (70, 18, 4, 8)
                )[0]
                call = line_call(self.rng)
                rows.append(
                    LineContact(
                        organisation=self.org,
                        service_form=form,
                        occurred_at=at,
                        duration_minutes=call.duration_minutes,
                        channel=call.channel,
                        caller=call.caller,
                        topics=call.topics,
                        outcome=outcome,
                        referred_to=self.rng.choice(
                            (
                                "Avokriisityö",
                                "sosiaalipäivystys",
                                "poliisi",
                                "Nollalinja",
                                "terveysasema",
                            )
                        )
                        if outcome == o.REFERRED
                        else "",
                        language=self.rng.choices(
                            ("", "englanti", "ruotsi", "venäjä", "arabia"), (88, 5, 3, 2, 2)
                        )[0],
                        recorded_by=self.worker(SHELTER, at),
                    )
                )
            day += dt.timedelta(days=1)
        # The call before many admissions: the family came to the shelter after the call.
        for plan in self.plans:
            if (
                plan.unit == SHELTER
                and plan.arrive >= self.window_start
                and self.rng.random() < 0.6
            ):
                at = plan.arrive - dt.timedelta(minutes=self.rng.randint(30, 180))
                rows.append(
                    LineContact(
                        organisation=self.org,
                        service_form=form,
                        occurred_at=at,
                        duration_minutes=self.rng.randint(8, 40),
                        channel=LineContact.Channel.PHONE,
                        caller=self.rng.choice((c.VICTIM, c.VICTIM, c.PROFESSIONAL)),
                        topics=[t.SHELTER_PLACE, t.CLOSE_RELATIONSHIP_VIOLENCE],
                        outcome=o.CAME_TO_SHELTER,
                        recorded_by=self.worker(SHELTER, at),
                    )
                )
        # The last one goes through the service, so that a broken service shows up in the demo.
        last = rows.pop(max(range(len(rows)), key=lambda i: rows[i].occurred_at))
        line_services.line_contact_record(
            actor=last.recorded_by,
            service_form=form,
            caller=last.caller,
            outcome=last.outcome,
            occurred_at=last.occurred_at,
            duration_minutes=last.duration_minutes,
            channel=last.channel,
            topics=last.topics,
            referred_to=last.referred_to,
            language=last.language,
        )
        LineContact.objects.bulk_create(rows)
        self.counts["linjan yhteydenottoja"] += len(rows) + 1

    def shelter_data(self) -> None:
        """THL's data for the shelter's persons; a few left empty on purpose (year-end check)."""
        plans = [p for p in self.plans if p.unit == SHELTER and p.episode is not None]
        last_year = self.today.year - 1
        skip_last_year = 3
        skip_this_year = 2
        for plan in plans:
            assert plan.episode is not None
            participants = list(
                Participant.objects.filter(episode=plan.episode).select_related("person", "alias")
            )
            arrived = plan.arrive.date()
            if skip_last_year and arrived.year == last_year and arrived.month in (5, 9, 11):
                skip_last_year -= 1
                continue
            if skip_this_year and arrived.year == self.today.year and arrived.month in (3, 8):
                skip_this_year -= 1
                continue
            forms, relationship = violence_forms(self.rng), violence_relationship(self.rng)
            stay_order = self.rng.choices(list(ShelterClientData.StayOrder.values), (72, 22, 6))[0]
            violence = FamilyViolence(forms, relationship, stay_order, violence_duration(self.rng))
            for participant in participants:
                data = violence.data_of(participant, self.rng, arrived, self.worker(SHELTER))
                data._history_user = data.updated_by  # type: ignore[attr-defined]
                data.save()
                self.counts["THL-tietoja"] += 1

    def commitments(self) -> None:
        """Ensikoti: three-month payment commitments covering each family's residence."""
        municipalities = {
            m.code: m for m in Municipality.objects.filter(code__in=HOME_MUNICIPALITIES)
        }
        plans = [p for p in self.plans if p.unit == ENSIKOTI and p.episode is not None]
        gap_done = False
        number = 100
        for plan in plans:
            assert plan.episode is not None
            first = plan.arrive.date()
            last = (plan.depart or self.now).astimezone(HELSINKI).date()
            municipality = municipalities.get(self.rng.choice(HOME_MUNICIPALITIES))
            start = first
            renewals = 0
            while start <= last:
                until = start + dt.timedelta(days=91)
                if plan.depart is not None and until >= last:
                    until = last
                number += 1
                commitment = PaymentCommitment(
                    organisation=self.org,
                    episode=plan.episode,
                    payer=self.county,
                    municipality=municipality,
                    reference=f"PH-MS-{start.year}-{number:04d}",
                    valid_from=start,
                    valid_until=until,
                    daily_price=_daily_price(start.year),
                    created_by=self.staff["ensikoti.esihenkilo"],
                )
                commitment._history_user = commitment.created_by  # type: ignore[attr-defined]
                commitment.full_clean()
                commitment.save()
                self.counts["maksusitoumuksia"] += 1
                start = until + dt.timedelta(days=1)
                renewals += 1
                # On purpose: one renewal came late, so a few days have no commitment.
                if (
                    not gap_done
                    and renewals == 1
                    and start + dt.timedelta(days=20) <= last
                    and start.year == self.today.year - 1
                ):
                    start += dt.timedelta(days=9)
                    gap_done = True

    def shift_notes(self) -> None:
        texts: dict[str, list[str]] = datafiles.load("texts")["residential"]["shift_notes"]
        shifts = list(ShiftNote.Shift)
        for slug in (SHELTER, ENSIKOTI):
            open_stays = list(
                Stay.objects.filter(place__service_form=self.forms[slug], departed_at__isnull=True)
                .select_related("place")
                .order_by("place__order")
            )
            for back in (2, 1, 0):
                day = self.today - dt.timedelta(days=back)
                for shift in shifts:
                    if back == 0 and shift != ShiftNote.Shift.NIGHT:
                        continue
                    stay = self.rng.choice(open_stays) if open_stays else None
                    text = self.rng.choice(texts[slug]).format(
                        p=stay.place.order if stay else 1, n=self.rng.randint(1, 5)
                    )
                    note = ShiftNote.objects.create(
                        organisation=self.org,
                        service_form=self.forms[slug],
                        shift=shift,
                        shift_date=day,
                        text=text,
                        important=back == 1 and shift == ShiftNote.Shift.EVENING,
                        author=self.worker(slug, _aware(day, 2 if shift == "night" else 12)),
                    )
                    if stay is not None and text.startswith("Perhepaikka"):
                        note.episodes.add(stay.episode)
                    self.counts["vuororaportteja"] += 1
