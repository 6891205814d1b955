"""The demo families per service form, and the whole demo of clients."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_scopes import scope

from tupa.episodes import services
from tupa.episodes.models import (
    BasicFormDefinition,
    Episode,
    Participant,
    Referral,
    ReferralSource,
)
from tupa.organisations.models import Organisation
from tupa.people import rights
from tupa.people import services as people_services
from tupa.people.models import Alias, Household, Person

from .core import Builder, Counts
from .names import MEN, WOMEN


class _Families(Builder):
    """The builder with the families of each service form and the plan of the whole demo."""

    # -- families per service form ---------------------------------------------------------------

    def shelter_family(self, *, current: bool = False) -> None:
        """A family at the shelter, some time in the demo's history; ``current``: one that came
        a week or so ago with children, still there today, the children meeting Lapsityö's crisis
        worker (so the one grant across forms is in force today, whatever the spread)."""
        self.recorder = self.worker("turvakoti")
        last = self.surname()
        if current:
            opened = self.today - dt.timedelta(days=self.rng.randint(6, 12))
        else:
            opened = self.day_in_window("turvakoti", days_back_min=1)
        mother_born = self.today - dt.timedelta(days=self.rng.randint(22 * 365, 45 * 365))
        mother = self.person(
            self.rng.choice(WOMEN),
            last,
            mother_born,
            female=True,
            interpreter_needed=self.rng.random() < 0.15,
        )
        kids = self.children(last, self.rng.randint(1 if current else 0, 3))
        father = None
        if self.rng.random() < 0.5:
            father = self.person(
                self.rng.choice(MEN),
                self.surname() if self.rng.random() < 0.3 else last,
                mother_born - dt.timedelta(days=self.rng.randint(0, 8 * 365)),
                female=False,
            )
        self.relate(
            mother,
            kids,
            father,
            ex=self.rng.random() < 0.4,
            family_types=("single_parent",) if father is None else (),
        )
        stay = self.open(
            "turvakoti",
            mother,
            opened,
            children=kids,
            violence_role="experienced",
            child_violence_role="witnessed",
            hour=self.rng.choice((1, 2, 3, 14, 20, 23)),
        )
        length = self.rng.randint(20 if current else 2, 40)
        self.run_course(
            stay,
            "turvakoti",
            opened,
            length_days=length,
            entry_types=("crisis_help", "individual_meeting", "family_meeting", "network_meeting"),
            end_reason=Episode.EndReason.MOVED_ON,
            co_worker=current,
        )
        if current:  # the shelter worker has proposed Avokriisityö; it has not answered yet
            self.refer_to_crisis_work(stay, mother, "äiti toivoo yksilötapaamisia")
        if self.rng.random() < 0.2:
            rights.restriction_add(
                actor=self.worker("turvakoti"),
                person=mother,
                kind="turvakielto",
                source="Väestötietojärjestelmä (DVV)",
                valid_from=opened - dt.timedelta(days=30),
                valid_until=opened + dt.timedelta(days=5 * 365),
                covers_household_children=True,
            )
            self.counts.restrictions += 1
        # The client path: shelter → Avokriisityö (with consent), children to Lapsityö, the father to Jussi.
        end = opened + dt.timedelta(days=length)
        if end < self.today - dt.timedelta(days=5) and self.rng.random() < 0.5:
            referral = self.refer_to_crisis_work(stay, mother)
            self.counts.referrals += 1
            follow = services.referral_accept(actor=self.worker("avokriisityo"), referral=referral)
            self.backdate_referral(referral, follow, sent_on=end)
            self.counts.episodes += 1
            self.counts.by_form["avokriisityo"] += 1
            self.run_course(
                follow,
                "avokriisityo",
                min(end + dt.timedelta(days=7), self.today - dt.timedelta(days=1)),
                length_days=self.rng.randint(60, 240),
                entry_types=("intake", "individual_meeting", "individual_meeting", "follow_up"),
            )
            if kids and self.rng.random() < 0.5:
                child = kids[0]
                lapsi = self.open(
                    "lapsityo",
                    child,
                    end + dt.timedelta(days=10),
                    violence_role="witnessed",
                    referral_source=ReferralSource.OTHER_SERVICE_FORM,
                )
                self.run_course(
                    lapsi,
                    "lapsityo",
                    end + dt.timedelta(days=10),
                    length_days=self.rng.randint(60, 200),
                    entry_types=("intake", "individual_meeting", "family_meeting"),
                )
        if father is not None and self.rng.random() < 0.4:
            start = min(opened + dt.timedelta(days=14), self.today - dt.timedelta(days=1))
            jussi = self.open(
                "jussi-tyo",
                father,
                start,
                violence_role="used",
                referral_source=ReferralSource.OTHER_SERVICE_FORM,
            )
            self.run_course(
                jussi,
                "jussi-tyo",
                start,
                length_days=self.rng.randint(60, 300),
                entry_types=("intake", "motivation", "individual_meeting", "follow_up"),
            )

    def refer_to_crisis_work(self, stay: Episode, mother: Person, wish: str = "") -> Referral:
        """The client path: the shelter worker refers the mother to Avokriisityö, with her
        consent, for work after the stay (``wish``: what she hopes for, added to the reason)."""
        stay.refresh_from_db()
        reason = "Jatkotyöskentely turvakotijakson jälkeen"
        return services.referral_create(
            actor=self.worker("turvakoti"),
            from_episode=stay,
            to_service_form=self.forms["avokriisityo"],
            person=mother,
            reason=f"{reason}; {wish}." if wish else f"{reason}.",
            consent_given=True,
        )

    def backdate_referral(self, referral: Referral, episode: Episode, *, sent_on: dt.date) -> None:
        """Put an accepted referral and the episode it opened on the days they happened: sent
        on the shelter stay's last day, accepted and opened the next morning. The services
        stamp them with the build's moment; like the residential demo's lifted statuses, this
        is a plain column update without history (no random draw, so the rest of the demo is
        unchanged)."""
        sent = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(14)))
        accepted = timezone.make_aware(
            dt.datetime.combine(sent_on + dt.timedelta(days=1), dt.time(9))
        )
        Referral.objects.filter(pk=referral.pk).update(created_at=sent, decided_at=accepted)
        Episode.objects.filter(pk=episode.pk).update(opened_at=accepted)
        episode.opened_at = accepted

    def anonymous_shelter_client(self, *, identify: bool) -> None:
        opened = self.day_in_window("anonymous", days_back_min=2, lead_in=False)
        actor = self.worker("turvakoti")
        label = f"Nainen {opened:%d.%m.}"
        alias = people_services.alias_create(
            actor=actor,
            service_form=self.forms["turvakoti"],
            label=label,
            gender="female",
            birth_year=self.today.year - self.rng.randint(20, 50),
        )
        self.counts.aliases += 1
        episode = services.episode_open(
            actor=actor,
            service_form=self.forms["turvakoti"],
            alias=alias,
            violence_role="experienced",
            status=Episode.Status.ENQUIRY,
            opened_at=self.at(opened, self.rng.choice((0, 1, 2, 3, 23))),
        )
        self.counts.episodes += 1
        self.counts.by_form["turvakoti"] += 1
        self.run_course(
            episode,
            "turvakoti",
            opened,
            length_days=self.rng.randint(1, 10),
            entry_types=("crisis_help", "individual_meeting"),
            end_reason=Episode.EndReason.MOVED_ON,
        )
        if identify:
            born = self.today - dt.timedelta(
                days=(self.today.year - (alias.birth_year or 1990)) * 365
            )
            person = self.person(self.rng.choice(WOMEN), self.surname(), born, female=True)
            people_services.alias_link(
                actor=actor,
                alias=alias,
                person=person,
                reason="Asiakas kertoi henkilöllisyytensä seuraavana aamuna.",
            )
            self.counts.aliases_identified += 1

    def baby_family(self, slug: str) -> None:
        self.recorder = self.worker(slug)
        last = self.surname()
        opened = self.day_in_window(slug)
        mother = self.person(
            self.rng.choice(WOMEN),
            last,
            self.today - dt.timedelta(days=self.rng.randint(17 * 365, 38 * 365)),
            female=True,
        )
        pregnant = (
            slug in ("ensikoti", "baby-blues")
            and self.rng.random() < 0.3
            and opened > self.today - dt.timedelta(days=120)
        )
        kids: list[Person] = []
        if pregnant:
            people_services.person_update(
                actor=self.recorder,
                person=mother,
                version=None,  # type: ignore[arg-type]
                expected_due_date=opened + dt.timedelta(days=self.rng.randint(20, 150)),
            )
        else:
            kids = self.children(last, 1, youngest_born_after=opened - dt.timedelta(days=300))
        self.relate(
            mother, kids, family_types=("single_parent",) if self.rng.random() < 0.5 else ()
        )
        role = Participant.Role.EXPECTANT_PARENT if pregnant else Participant.Role.CLIENT
        source = {
            "ensikoti": ReferralSource.CHILD_PROTECTION,
            "baby-blues": ReferralSource.CHILD_HEALTH_CLINIC,
            "peukaloinen": ReferralSource.SOCIAL_SERVICES,
        }[slug]
        episode = self.open(slug, mother, opened, children=kids, role=role, referral_source=source)
        if slug == "ensikoti":
            definition = BasicFormDefinition.objects.filter(
                service_form=self.forms["ensikoti"], active=True
            ).first()
            if definition is not None:
                options = [o["code"] for o in definition.fields[0]["options"]]
                episode.refresh_from_db()
                services.basic_form_save(
                    actor=self.worker("ensikoti"),
                    episode=episode,
                    definition=definition,
                    version=None,
                    answers={"admission_reasons": self.rng.sample(options, self.rng.randint(1, 3))},
                )
        length = {
            "ensikoti": self.rng.randint(60, 200),
            "baby-blues": self.rng.randint(30, 180),
            "peukaloinen": 180,
        }[slug]
        self.run_course(
            episode,
            slug,
            opened,
            length_days=length,
            entry_types=(
                "intake",
                "home_visit",
                "individual_meeting",
                "family_meeting",
                "network_meeting",
            ),
        )

    def family_work(self, slug: str) -> None:
        self.recorder = self.worker(slug)
        last = self.surname()
        opened = self.day_in_window(slug)
        mother = self.person(
            self.rng.choice(WOMEN),
            last,
            self.today - dt.timedelta(days=self.rng.randint(24 * 365, 48 * 365)),
            female=True,
        )
        father = self.person(
            self.rng.choice(MEN),
            self.surname() if slug != "alvari" else last,
            self.today - dt.timedelta(days=self.rng.randint(24 * 365, 50 * 365)),
            female=False,
        )
        kids = self.children(last, self.rng.randint(1, 3))
        separated = slug in ("tapaamispaikka", "ero-lapsiperheessa")
        self.relate(
            mother,
            kids,
            father,
            ex=separated,
            family_types=("stepfamily",)
            if slug == "ero-lapsiperheessa" and self.rng.random() < 0.4
            else ("child_protection",)
            if slug == "alvari"
            else (),
        )
        source = {
            "alvari": ReferralSource.CHILD_PROTECTION,
            "tapaamispaikka": ReferralSource.DISTRICT_COURT,
            "ero-lapsiperheessa": ReferralSource.SELF,
        }[slug]
        episode = self.open(slug, mother, opened, children=kids, referral_source=source)
        services.participant_add(
            actor=self.worker(slug),
            episode=episode,
            role=Participant.Role.CLIENT if separated else Participant.Role.PARTNER,
            person=father,
            joined_on=opened,
        )
        length = {
            "alvari": self.rng.randint(200, 600),
            "tapaamispaikka": self.rng.randint(90, 365),
            "ero-lapsiperheessa": self.rng.randint(60, 150),
        }[slug]
        self.run_course(
            episode,
            slug,
            opened,
            length_days=length,
            entry_types=("intake", "family_meeting", "home_visit", "network_meeting", "follow_up"),
        )

    def outpatient_single(self, slug: str, *, waiting: bool = False) -> None:
        """A client of individual outpatient work; ``waiting``: one who called in the last days
        and waits for a first meeting (the form's queue)."""
        female = slug == "avokriisityo"
        born = self.today - dt.timedelta(days=self.rng.randint(20 * 365, 60 * 365))
        client = self.person(
            self.rng.choice(WOMEN if female else MEN), self.surname(), born, female=female
        )
        if waiting:
            opened = self.today - dt.timedelta(days=self.rng.randint(2, 10))
        else:
            opened = self.day_in_window(slug)
        episode = self.open(
            slug,
            client,
            opened,
            violence_role="experienced" if female else "used",
            referral_source=self.rng.choice(
                (ReferralSource.SELF, ReferralSource.POLICE, ReferralSource.SOCIAL_SERVICES)
            ),
        )
        if waiting:
            services.episode_set_status(
                actor=self.worker(slug),
                episode=episode,
                status=Episode.Status.WAITING,
                version=None,
            )
            return
        self.run_course(
            episode,
            slug,
            opened,
            length_days=self.rng.randint(30, 300),
            entry_types=("intake", "individual_meeting", "phone", "follow_up"),
        )

    def reused_record(self) -> None:
        """An Alvari enquiry that reused an Avokriisityö client's record by her identity code
        and name (docs/security.md "Intake reuse"). The Alvari worker sees the phone number
        typed at the intake, not the address and phone Avokriisityö stored; the Alvari lead
        (``ero.esihenkilo``) finds her under "Vahvistettavat asiakkaat" and confirms."""
        born = self.today - dt.timedelta(days=self.rng.randint(25 * 365, 45 * 365))
        client = self.person(
            self.rng.choice(WOMEN),
            self.surname(),
            born,
            female=True,
            street_address="Keksitty kuja 3 B 12",
            postal_code="00000",
            post_office="Keksitty",
            phone="000 000 0001 (keksitty)",
        )
        opened = self.day_in_window("avokriisityo")
        episode = self.open("avokriisityo", client, opened, violence_role="experienced")
        self.run_course(
            episode,
            "avokriisityo",
            opened,
            length_days=self.rng.randint(30, 120),
            entry_types=("intake", "individual_meeting", "phone"),
        )
        alvari = self.worker("alvari")
        person, _created = people_services.person_find_or_create(
            actor=alvari,
            for_service_form=self.forms["alvari"],
            first_names=client.first_names,
            last_name=client.last_name,
            hetu=client.hetu,
            phone="000 000 0002 (keksitty)",
        )
        self.open("alvari", person, self.today - dt.timedelta(days=1))

    # -- the whole demo --------------------------------------------------------------------------

    def build(self) -> Counts:
        self.ensure_basic_form()
        plan = (
            ["shelter"] * 34
            + ["anon_identified"] * 3
            + ["anon"] * 3
            + ["ensikoti"] * 10
            + ["baby-blues"] * 10
            + ["peukaloinen"] * 6
            + ["alvari"] * 7
            + ["tapaamispaikka"] * 7
            + ["ero-lapsiperheessa"] * 6
            + ["avokriisityo"] * 8
            + ["jussi-tyo"] * 8
        )
        self.rng.shuffle(plan)
        i = 0
        while self.counts.persons < self.target_persons:
            kind = plan[i % len(plan)]
            i += 1
            if kind.startswith("anon") and i > len(plan):
                continue  # six anonymous clients in all (the residential demo has more)
            if kind == "shelter":
                self.shelter_family()
            elif kind == "anon_identified":
                self.anonymous_shelter_client(identify=True)
            elif kind == "anon":
                self.anonymous_shelter_client(identify=False)
            elif kind in ("ensikoti", "baby-blues", "peukaloinen"):
                self.baby_family(kind)
            elif kind in ("alvari", "tapaamispaikka", "ero-lapsiperheessa"):
                self.family_work(kind)
            else:
                self.outpatient_single(kind)
        self.shelter_family(current=True)
        for slug in ("avokriisityo", "avokriisityo", "jussi-tyo"):  # the queues of today
            self.outpatient_single(slug, waiting=True)
        self.reused_record()
        return self.counts


def build_demo_clients(*, organisation: Organisation) -> Counts | None:
    """Add the fictional clients once; return what was added, or None if clients already exist."""
    with scope(organisation=organisation.pk), override_settings(TUPA_ALLOW_TEST_HETU=True):
        if Person.objects.exists() or Alias.objects.exists() or Household.objects.exists():
            return None
        with transaction.atomic():
            return _Families(organisation).build()
