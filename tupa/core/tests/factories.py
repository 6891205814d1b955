"""Shared factory_boy factories. Append new factories at the end; keep them fictional."""

from __future__ import annotations

import datetime as dt

import factory
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role, User
from tupa.organisations.models import Area, Organisation, ServiceForm, Team

DEFAULT_PASSWORD = "testi-salasana-pitka-ja-turvallinen"


class ScopesDisabledFactory(factory.django.DjangoModelFactory):
    """Create rows outside any organisation scope (tests set scopes explicitly when reading)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testiyhdistys {n} ry")
    slug = factory.Sequence(lambda n: f"testi-{n}")


class AreaFactory(ScopesDisabledFactory):
    class Meta:
        model = Area

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Toiminta-alue {n}")


class TeamFactory(ScopesDisabledFactory):
    class Meta:
        model = Team

    organisation = factory.SelfAttribute("area.organisation")
    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Tiimi {n}")


class ServiceFormFactory(ScopesDisabledFactory):
    class Meta:
        model = ServiceForm

    organisation = factory.SelfAttribute("area.organisation")
    area = factory.SubFactory(AreaFactory)
    team = factory.SubFactory(TeamFactory, area=factory.SelfAttribute("..area"))
    name = factory.Sequence(lambda n: f"Työmuoto {n}")
    slug = factory.Sequence(lambda n: f"tyomuoto-{n}")
    kind = ServiceForm.Kind.OUTPATIENT
    register = ServiceForm.Register.SOCIAL_WELFARE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    username = factory.Sequence(lambda n: f"kayttaja{n}")
    first_name = factory.Sequence(lambda n: f"Testi{n}")
    last_name = "Käyttäjä"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(ScopesDisabledFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("user.organisation")
    service_form = factory.SubFactory(
        ServiceFormFactory,
        organisation=factory.SelfAttribute("..organisation"),
        area=factory.SubFactory(AreaFactory, organisation=factory.SelfAttribute("...organisation")),
    )
    role = Role.WORKER
    valid_from = dt.date(2020, 1, 1)


def own_activity_form(
    kind: str, *, organisation: Organisation | None = None, **fields: object
) -> ServiceForm:
    """A service form of ``kind`` that keeps the association's own activity register (no
    statutory client record: an open family house, prevention work), in ``organisation``."""
    if organisation is not None:
        fields |= {"organisation": organisation, "area__organisation": organisation}
    return ServiceFormFactory.create(
        kind=kind, register=ServiceForm.Register.OWN_ACTIVITY, **fields
    )


def worker_in(service_form: ServiceForm, *, role: str = Role.WORKER, **user_kwargs: object) -> User:
    """A user of the service form's organisation holding ``role`` in it."""
    user = UserFactory.create(organisation=service_form.organisation, **user_kwargs)
    MembershipFactory(
        user=user, organisation=service_form.organisation, service_form=service_form, role=role
    )
    return user


def org_role_user(organisation: Organisation, role: str, **user_kwargs: object) -> User:
    """A user holding an organisation-wide role (executive director, DPO, administrator, finance)."""
    user = UserFactory.create(organisation=organisation, **user_kwargs)
    MembershipFactory(user=user, organisation=organisation, service_form=None, role=role)
    return user


# --- Clients (people, episodes) -------------------------------------------------------------


class PersonFactory(ScopesDisabledFactory):
    class Meta:
        model = "people.Person"

    organisation = factory.SubFactory(OrganisationFactory)
    first_names = factory.Sequence(lambda n: f"Asiakas{n}")
    last_name = "Keksitty"


class EpisodeFactory(ScopesDisabledFactory):
    class Meta:
        model = "episodes.Episode"

    service_form = factory.SubFactory(ServiceFormFactory)
    organisation = factory.SelfAttribute("service_form.organisation")
    status = "active"
    opened_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC))
    start_date = dt.date(2026, 1, 5)
    service_task = "child_family"
    created_by = factory.SubFactory(
        UserFactory, organisation=factory.SelfAttribute("..organisation")
    )


class ParticipantFactory(ScopesDisabledFactory):
    class Meta:
        model = "episodes.Participant"

    episode = factory.SubFactory(EpisodeFactory)
    person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..episode.organisation")
    )
    role = "client"


def client_in(service_form: ServiceForm, **person_kwargs: object):  # type: ignore[no-untyped-def]
    """A person with an active episode (as client) in ``service_form``; returns (person, episode)."""
    episode = EpisodeFactory.create(
        service_form=service_form, organisation=service_form.organisation
    )
    person = PersonFactory.create(organisation=service_form.organisation, **person_kwargs)
    ParticipantFactory.create(episode=episode, person=person)
    return person, episode
