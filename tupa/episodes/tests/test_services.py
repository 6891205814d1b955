"""Episode services: intake, status transitions, locking, participants, co-workers, plan.

``build_world`` (a shelter family and one user of every kind) is shared with the view,
referral and break-the-glass tests of this app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scope, scopes_disabled

from tupa.access import clients
from tupa.access.policy import Basis
from tupa.accounts.models import Role, User
from tupa.core.conflicts import VersionConflict
from tupa.core.tests.factories import (
    EpisodeFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    ServiceFormFactory,
    org_role_user,
    worker_in,
)
from tupa.episodes import services
from tupa.episodes.models import Assignment, Episode, Participant
from tupa.organisations.models import Organisation, Partner, ServiceForm
from tupa.people.models import Alias, Consent, Person

pytestmark = pytest.mark.django_db

#: A fixed moment (Helsinki 14:00 on a weekday) for tests that depend on "now".
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


@dataclass
class World:
    org: Organisation
    shelter: ServiceForm
    avokriisi: ServiceForm
    jussi: ServiceForm
    alvari: ServiceForm
    episode: Episode  # the shelter episode of the mother and her child
    mother: Person
    child: Person
    member: User  # shelter worker
    lead: User  # shelter lead
    coworker: User  # Alvari worker assigned to the shelter episode
    other_form: User  # Avokriisityö worker, no relation to the episode
    jussi_worker: User
    other_org: User  # worker in another organisation's shelter
    admin: User
    dpo: User
    director: User

    def users(self) -> dict[str, User]:
        return {
            "member": self.member,
            "lead": self.lead,
            "coworker": self.coworker,
            "other_form": self.other_form,
            "jussi": self.jussi_worker,
            "other_org": self.other_org,
            "admin": self.admin,
            "dpo": self.dpo,
            "director": self.director,
        }


def build_world() -> World:
    shelter = ServiceFormFactory(
        slug="turvakoti",
        name="Turvakoti",
        violence_work="victim",
        kind=ServiceForm.Kind.RESIDENTIAL,
        adult_service_task="working_age",
        child_service_task="child_family",
    )
    org = shelter.organisation

    def form(slug: str, name: str, violence: str = "") -> ServiceForm:
        return ServiceFormFactory.create(
            organisation=org,
            area=shelter.area,
            team=shelter.team,
            slug=slug,
            name=name,
            violence_work=violence,
        )

    avokriisi = form("avokriisityo", "Avokriisityö", "victim")
    jussi = form("jussi-tyo", "Jussi-työ", "perpetrator")
    alvari = form("alvari", "Alvari-perhetyö")
    episode = EpisodeFactory(
        service_form=shelter, organisation=org, service_task="working_age", summary=""
    )
    mother = PersonFactory(organisation=org, first_names="Maija", last_name="Keksitty")
    child = PersonFactory(organisation=org, first_names="Pikku", last_name="Keksitty")
    ParticipantFactory(episode=episode, person=mother, role="client", violence_role="experienced")
    ParticipantFactory(episode=episode, person=child, role="child", violence_role="witnessed")
    member = worker_in(shelter, first_name="Tiina", last_name="Turvakoti")
    lead = worker_in(shelter, role=Role.LEAD, first_name="Leena", last_name="Esihenkilö")
    coworker = worker_in(alvari, first_name="Kalle", last_name="Työpari")
    with scopes_disabled():
        Assignment.objects.create(
            episode=episode, user=coworker, valid_from=dt.date(2026, 1, 1), assigned_by=lead
        )
    foreign_shelter = ServiceFormFactory(slug="vieras-turvakoti", violence_work="victim")
    return World(
        org=org,
        shelter=shelter,
        avokriisi=avokriisi,
        jussi=jussi,
        alvari=alvari,
        episode=episode,
        mother=mother,
        child=child,
        member=member,
        lead=lead,
        coworker=coworker,
        other_form=worker_in(avokriisi, first_name="Aino", last_name="Avokriisi"),
        jussi_worker=worker_in(jussi, first_name="Jussi", last_name="Jussityö"),
        other_org=worker_in(foreign_shelter),
        admin=org_role_user(org, Role.ADMINISTRATOR),
        dpo=org_role_user(org, Role.DATA_PROTECTION_OFFICER),
        director=org_role_user(org, Role.EXECUTIVE_DIRECTOR),
    )


def fresh(user: User) -> User:
    """The user without the per-request caches (memberships, scope)."""
    return User.objects.get(pk=user.pk)


def reload(episode: Episode) -> Episode:
    with scopes_disabled():
        return Episode.objects.get(pk=episode.pk)


@pytest.fixture
def world() -> World:
    return build_world()


def _in_org(world: World):  # type: ignore[no-untyped-def]
    return scope(organisation=world.org.pk)


# --------------------------------------------------------------------------- service task


def test_default_service_task_comes_from_the_service_forms_configuration(world: World) -> None:
    """Issue 10: the default service task (and so the retention) is the service form's
    configuration, not a table keyed by its slug — a renamed form keeps it, and a form that
    merely has a familiar slug gets nothing from it."""
    org = world.org

    def form(
        slug: str,
        register: str = ServiceForm.Register.SOCIAL_WELFARE,
        adult: str = "",
        child: str = "",
    ) -> ServiceForm:
        return ServiceFormFactory.build(
            organisation=org,
            slug=slug,
            register=register,
            adult_service_task=adult,
            child_service_task=child,
        )

    shelter = form("turvakoti-lahti", adult="working_age", child="child_family")
    assert services.default_service_task(shelter) == "working_age"
    assert services.default_service_task(shelter, role="child") == "child_family"
    assert services.default_service_task(form("turvakoti")) == "child_family"  # slug: nothing
    meetings = form("x", adult="family_law")
    assert services.default_service_task(meetings, role="child") == "family_law"  # as adults
    own = form("perhetupa", ServiceForm.Register.OWN_ACTIVITY, adult="working_age")
    assert services.default_service_task(own) == "own_activity"
    assert services.default_service_task(form("joku-uusi")) == "child_family"


# --------------------------------------------------------------------------- opening


def test_only_a_member_of_the_form_may_open_an_episode(world: World) -> None:
    with _in_org(world):
        for user in (world.jussi_worker, world.coworker, world.admin, world.director):
            with pytest.raises(PermissionDenied):
                services.episode_open(
                    actor=fresh(user), service_form=world.shelter, person=world.mother
                )


def test_opening_an_active_episode_sets_the_start_and_the_first_participant(world: World) -> None:
    opened = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)  # 10.3. 01:30 in Helsinki
    with _in_org(world):
        episode = services.episode_open(
            actor=world.member,
            service_form=world.shelter,
            person=world.mother,
            status="active",
            opened_at=opened,
            violence_role="experienced",
        )
        participant = Participant.objects.get(episode=episode)
    assert episode.start_date == dt.date(2026, 3, 10)
    assert episode.service_task == "working_age"
    assert episode.referral_source == "self"
    assert episode.created_by == world.member
    assert episode.version == 1
    assert (participant.person, participant.role, participant.violence_role) == (
        world.mother,
        "client",
        "experienced",
    )
    assert episode.history.get().history_user == world.member


def test_an_episode_cannot_be_opened_ended_or_without_a_client(world: World) -> None:
    with _in_org(world), pytest.raises(ValidationError) as excinfo:
        services.episode_open(
            actor=world.member, service_form=world.shelter, person=world.mother, status="ended"
        )
    assert excinfo.value.message_dict["status"] == ["Uutta asiakkuutta ei voi avata päättyneenä."]
    with _in_org(world), pytest.raises(ValidationError) as excinfo:
        services.episode_open(actor=world.member, service_form=world.shelter)
    assert "person" in excinfo.value.message_dict


RANGE = ["Anna päivämäärä väliltä 1.1.2000–31.12.2100."]


def test_episode_dates_lie_in_2000_to_2100(world: World) -> None:
    """An episode starting in 1066 was accepted silently (issue 10; tupa/core/dates.py)."""
    with _in_org(world), time_machine.travel(NOW, tick=False):
        for day in (dt.date(1066, 10, 14), dt.date(1999, 12, 31), dt.date(2101, 1, 1)):
            with pytest.raises(ValidationError) as excinfo:
                services.episode_open(
                    actor=world.member,
                    service_form=world.shelter,
                    person=world.mother,
                    status="active",
                    start_date=day,
                )
            assert excinfo.value.message_dict["start_date"] == RANGE
        with pytest.raises(ValidationError) as excinfo:
            services.episode_open(
                actor=world.member,
                service_form=world.shelter,
                person=world.mother,
                opened_at=dt.datetime(1066, 10, 14, tzinfo=dt.UTC),
            )
        assert excinfo.value.message_dict["opened_at"] == RANGE
        assert Episode.objects.filter(service_form=world.shelter).count() == 1
        episode = world.episode
        with pytest.raises(ValidationError) as excinfo:
            services.episode_update(
                actor=world.member,
                episode=episode,
                version=episode.version,
                start_date=dt.date(1066, 10, 14),
            )
        assert excinfo.value.message_dict["start_date"] == RANGE
        with pytest.raises(ValidationError) as excinfo:
            _status(world, episode, "ended", end_date=dt.date(1066, 10, 14), end_reason="other")
        assert excinfo.value.message_dict["end_date"] == RANGE
        saved = Episode.objects.get(pk=episode.pk)
    assert (saved.status, saved.start_date) == (episode.status, episode.start_date)


def test_an_alias_of_another_form_is_refused(world: World) -> None:
    with _in_org(world):
        alias = services.alias_for_intake(
            actor=world.other_form, service_form=world.avokriisi, new=services.NewAlias("Sara")
        )
        with pytest.raises(ValidationError) as excinfo:
            services.episode_open(actor=world.member, service_form=world.shelter, alias=alias)
    assert excinfo.value.message_dict["alias"] == ["Peitenimi kuuluu toiseen työmuotoon."]


def test_night_intake_of_an_anonymous_mother_and_two_children(world: World) -> None:
    with _in_org(world):
        episode = services.episode_intake(
            actor=world.member,
            service_form=world.shelter,
            client=services.NewAlias("Äiti A", gender="female", birth_year=1990),
            violence_role="experienced",
            children=[
                services.NewAlias("Lapsi A1", birth_year=2019),
                services.NewAlias("Lapsi A2", birth_year=2022),
            ],
            child_violence_role="witnessed",
            status="active",
        )
        rows = list(
            Participant.objects.filter(episode=episode)
            .select_related("alias")
            .order_by("pk")
            .values_list("alias__label", "alias__service_form", "role", "violence_role")
        )
        persons = Participant.objects.filter(episode=episode, person__isnull=False).count()
    assert rows == [
        ("Äiti A", world.shelter.pk, "client", "experienced"),
        ("Lapsi A1", world.shelter.pk, "child", "witnessed"),
        ("Lapsi A2", world.shelter.pk, "child", "witnessed"),
    ]
    assert persons == 0
    assert episode.status == "active"


def test_intake_with_an_identity_code_derives_the_birth_date_and_reuses_the_person(
    world: World,
) -> None:
    new = services.NewPerson("Saara Maria", "Keksitty", hetu="131052-308T")
    with _in_org(world):
        first = services.episode_intake(actor=world.member, service_form=world.shelter, client=new)
        person = Participant.objects.get(episode=first).person
        assert person is not None
        assert person.birth_date == dt.date(1952, 10, 13)
        again = services.episode_intake(
            actor=world.member,
            service_form=world.shelter,
            client=services.NewPerson("Saara", "KEKSITTY", hetu="131052-308t"),
        )
        assert Participant.objects.get(episode=again).person == person
        with pytest.raises(ValidationError) as excinfo:
            services.episode_intake(
                actor=world.member,
                service_form=world.shelter,
                client=services.NewPerson("Toinen", "Nimi", hetu="131052-308T"),
            )
    assert excinfo.value.message_dict["hetu"] == [
        "Henkilötunnus ja nimi eivät täsmää rekisterissä olevaan tietoon. "
        "Tarkista henkilötunnus ja nimi."
    ]


def test_a_failing_child_row_rolls_back_the_whole_intake(world: World) -> None:
    with _in_org(world):
        before = Episode.objects.count()
        with pytest.raises(ValidationError) as excinfo:
            services.episode_intake(
                actor=world.member,
                service_form=world.shelter,
                client=services.NewAlias("Äiti B"),
                children=[services.NewAlias("   ")],
            )
        assert Episode.objects.count() == before
        assert not Alias.objects.filter(label="Äiti B").exists()
    assert excinfo.value.messages == ["Lapsi 1: Kirjoita peitenimi."]


# --------------------------------------------------------------------------- status


def _status(world: World, episode: Episode, status: str, **kwargs: object) -> Episode:
    return services.episode_set_status(
        actor=world.member, episode=episode, status=status, version=episode.version, **kwargs
    )


def test_status_moves_forward_to_ended_and_records_the_end(world: World) -> None:
    with _in_org(world), time_machine.travel(NOW, tick=False):
        episode = services.episode_open(
            actor=world.member, service_form=world.shelter, person=world.mother
        )
        _status(world, episode, "waiting")
        _status(world, episode, "active")
        assert episode.start_date == dt.date(2026, 3, 10)
        _status(world, episode, "ended", end_date=dt.date(2026, 3, 10), end_reason="goals_met")
        saved = Episode.objects.get(pk=episode.pk)
        left = set(Participant.objects.filter(episode=episode).values_list("left_on", flat=True))
    assert (saved.status, saved.end_date, saved.end_reason, saved.version) == (
        "ended",
        dt.date(2026, 3, 10),
        "goals_met",
        4,
    )
    assert left == {dt.date(2026, 3, 10)}


def test_status_never_moves_back(world: World) -> None:
    with _in_org(world), pytest.raises(ValidationError) as excinfo:
        _status(world, world.episode, "waiting")
    assert excinfo.value.message_dict["status"] == [
        "Tilaa ei voi siirtää taaksepäin (asiakkuus käynnissä → jonossa). Asiakkuus etenee "
        "järjestyksessä yhteydenotto → jonossa → käynnissä → päättynyt."
    ]


def test_ending_needs_a_date_and_a_reason(world: World) -> None:
    with _in_org(world), pytest.raises(ValidationError) as excinfo:
        _status(world, world.episode, "ended")
    assert excinfo.value.message_dict == {
        "end_date": ["Päättyneellä asiakkuudella on oltava päättymispäivä."],
        "end_reason": ["Valitse päättymisen syy."],
    }
    with (
        time_machine.travel(NOW, tick=False),
        _in_org(world),
        pytest.raises(ValidationError) as excinfo,
    ):
        _status(world, world.episode, "ended", end_date=dt.date(2026, 3, 11), end_reason="other")
    assert excinfo.value.message_dict == {
        "end_date": ["Päättymispäivä ei voi olla tulevaisuudessa."]
    }
    with _in_org(world), pytest.raises(ValidationError) as excinfo:
        _status(world, world.episode, "ended", end_date=dt.date(2026, 1, 4), end_reason="other")
    assert excinfo.value.message_dict == {
        "end_date": ["Päättymispäivä ei voi olla ennen alkamispäivää."]
    }


def test_reopening_needs_a_reason_and_restores_the_participants(world: World) -> None:
    with _in_org(world):
        _status(world, world.episode, "ended", end_date=dt.date(2026, 2, 1), end_reason="other")
        with pytest.raises(ValidationError) as excinfo:
            _status(world, world.episode, "active")
        assert excinfo.value.message_dict == {
            "reason": ["Kirjoita peruste, miksi päättynyt asiakkuus avataan uudelleen."]
        }
        _status(world, world.episode, "active", reason="Asiakas palasi samaan jaksoon")
        saved = Episode.objects.get(pk=world.episode.pk)
        left = set(
            Participant.objects.filter(episode=world.episode).values_list("left_on", flat=True)
        )
        latest = saved.history.order_by("-history_id").first()
    assert (saved.status, saved.end_date, saved.end_reason) == ("active", None, "")
    assert left == {None}
    assert latest is not None
    assert latest.history_change_reason == "Asiakas palasi samaan jaksoon"


def test_a_stale_version_is_a_conflict_and_nothing_is_saved(world: World) -> None:
    with _in_org(world):
        mine = Episode.objects.get(pk=world.episode.pk)
        theirs = Episode.objects.get(pk=world.episode.pk)
        services.contact_permission_set(
            actor=world.lead,
            episode=theirs,
            permission=True,
            on=dt.date(2026, 2, 1),
            version=theirs.version,
        )
        with pytest.raises(VersionConflict) as excinfo:
            services.episode_set_status(
                actor=world.member,
                episode=mine,
                status="ended",
                version=mine.version,
                end_date=dt.date(2026, 2, 2),
                end_reason="other",
            )
        saved = Episode.objects.get(pk=world.episode.pk)
    assert excinfo.value.current.version == 2
    assert (saved.status, saved.version, saved.contact_permission) == ("active", 2, True)
    assert "Joku muu on tallentanut" in excinfo.value.message


def test_only_members_and_assigned_workers_may_change_an_episode(world: World) -> None:
    with scopes_disabled():
        Consent.objects.create(
            person=world.mother,
            purpose="sharing",
            recipient_service_form=world.avokriisi,
            episode=world.episode,
            given_on=dt.date(2026, 1, 6),
            recorded_by=world.member,
        )
    reader = fresh(world.other_form)
    with _in_org(world):
        assert clients.episode_basis(user=reader, episode=world.episode) is Basis.CONSENT
        with pytest.raises(PermissionDenied):
            services.goal_add(actor=reader, episode=world.episode, text="Turvallinen koti")
        services.goal_add(actor=world.coworker, episode=world.episode, text="Turvallinen koti")


# --------------------------------------------------------------------------- participants


def test_participants_are_added_ended_and_brought_back(world: World) -> None:
    with _in_org(world), time_machine.travel(NOW, tick=False):
        baby = services.participant_add(
            actor=world.member,
            episode=world.episode,
            new=services.NewPerson("Vauva", "Keksitty", birth_date=dt.date(2026, 1, 2)),
            role="child",
        )
        with pytest.raises(ValidationError) as excinfo:
            services.participant_add(
                actor=world.member, episode=world.episode, person=baby.person, role="child"
            )
        assert excinfo.value.messages == ["Henkilö on jo asiakkuuden osallistuja."]
        services.participant_remove(actor=world.member, participant=baby)
        assert baby.left_on == dt.date(2026, 3, 10)
        again = services.participant_add(
            actor=world.member, episode=world.episode, person=baby.person, role="child"
        )
    assert again.pk == baby.pk
    assert again.left_on is None


def test_the_last_participant_of_an_open_episode_cannot_leave(world: World) -> None:
    with _in_org(world):
        episode = services.episode_open(
            actor=world.member, service_form=world.shelter, person=world.mother
        )
        only = Participant.objects.get(episode=episode)
        with pytest.raises(ValidationError) as excinfo:
            services.participant_remove(actor=world.member, participant=only)
    assert excinfo.value.messages == [
        "Asiakkuudessa on oltava ainakin yksi osallistuja. Päätä asiakkuus, jos se on päättynyt."
    ]


# --------------------------------------------------------------------------- co-workers


def test_only_a_member_of_the_form_may_assign_and_only_client_work_staff(world: World) -> None:
    with _in_org(world):
        with pytest.raises(PermissionDenied):
            services.assignment_add(
                actor=world.coworker, episode=world.episode, user=world.other_form
            )
        with pytest.raises(ValidationError) as excinfo:
            services.assignment_add(actor=world.member, episode=world.episode, user=world.admin)
        assert excinfo.value.message_dict["user"] == [
            "Vain asiakastyötä tekevän työntekijän voi nimetä asiakkuuteen."
        ]
        with pytest.raises(ValidationError) as excinfo:
            services.assignment_add(actor=world.member, episode=world.episode, user=world.other_org)
        assert excinfo.value.message_dict["user"] == ["Valitse oman organisaation työntekijä."]
        with pytest.raises(ValidationError):
            services.assignment_add(actor=world.member, episode=world.episode, user=world.coworker)


def test_an_assignment_opens_the_episode_and_ending_it_closes_it_at_once(world: World) -> None:
    jussi = world.jussi_worker
    with _in_org(world):
        assert clients.episode_basis(user=fresh(jussi), episode=world.episode) is None
        assignment = services.assignment_add(
            actor=world.lead, episode=world.episode, user=jussi, valid_from=dt.date(2026, 1, 1)
        )
        assert clients.episode_basis(user=fresh(jussi), episode=world.episode) is Basis.ASSIGNMENT
        services.assignment_end(actor=world.member, assignment=assignment)
        assert clients.episode_basis(user=fresh(jussi), episode=world.episode) is None
        with pytest.raises(PermissionDenied):
            services.assignment_end(actor=world.coworker, assignment=assignment)


# --------------------------------------------------------------------------- plan and network


def test_goals_are_added_and_reviewed(world: World) -> None:
    with _in_org(world):
        with pytest.raises(ValidationError) as excinfo:
            services.goal_add(actor=world.member, episode=world.episode, text="  ")
        assert excinfo.value.message_dict == {"text": ["Kirjoita tavoite."]}
        goal = services.goal_add(
            actor=world.member,
            episode=world.episode,
            text="Oma asunto kevään aikana",
            defined_with="asiakas ja sosiaalityöntekijä",
            review_date=dt.date(2026, 4, 1),
        )
        services.goal_review(
            actor=world.member, goal=goal, achieved="partly", next_review=dt.date(2026, 6, 1)
        )
        with pytest.raises(ValidationError):
            services.goal_review(actor=world.member, goal=goal, achieved="maybe")
    goal.refresh_from_db()
    assert (goal.achieved, goal.review_date) == ("partly", dt.date(2026, 6, 1))


def test_network_meeting_external_referral_and_contact_permission(world: World) -> None:
    with scopes_disabled():
        partner = Partner.objects.create(organisation=world.org, name="Kuvitteellinen neuvola")
        foreign = Partner.objects.create(organisation=OrganisationFactory(), name="Vieras")
    with _in_org(world):
        meeting = services.network_meeting_add(
            actor=world.member,
            episode=world.episode,
            held_on=dt.date(2026, 2, 3),
            external_participants="sosiaalityöntekijä, neuvolan terveydenhoitaja",
            partners=[partner],
            child_participated=True,
        )
        assert list(meeting.partners.all()) == [partner]
        with pytest.raises(ValidationError):
            services.network_meeting_add(
                actor=world.member,
                episode=world.episode,
                held_on=dt.date(2026, 2, 3),
                partners=[foreign],
            )
        referral = services.external_referral_add(
            actor=world.member,
            episode=world.episode,
            service_name="Vertaistukiryhmä",
            referred_on=dt.date(2026, 2, 4),
        )
        assert referral.service_name == "Vertaistukiryhmä"
        with time_machine.travel(NOW, tick=False):
            services.contact_permission_set(
                actor=world.member, episode=world.episode, permission=True, version=1
            )
    saved = reload(world.episode)
    assert (saved.contact_permission, saved.contact_permission_date, saved.version) == (
        True,
        dt.date(2026, 3, 10),
        2,
    )
