"""Organisation services: validation with Finnish messages, history with the actor, loaders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role
from tupa.core.tests.factories import (
    AreaFactory,
    OrganisationFactory,
    ServiceFormFactory,
    TeamFactory,
    UserFactory,
)
from tupa.organisations import services, staff
from tupa.organisations.models import (
    Area,
    Funder,
    Municipality,
    Partner,
    PartnerRole,
    ServiceForm,
    WorkingGroupMember,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():  # type: ignore[no-untyped-def]
    return OrganisationFactory()


@pytest.fixture
def actor(org):  # type: ignore[no-untyped-def]
    return UserFactory(organisation=org, username="paakayttaja-testi")


def _messages(exc: pytest.ExceptionInfo[ValidationError], field: str) -> list[str]:
    return exc.value.message_dict[field]


# --------------------------------------------------------------------------- structure


def test_organisation_area_team_create_record_the_actor(actor) -> None:  # type: ignore[no-untyped-def]
    org = services.organisation_create(actor=actor, name="Uusi yhdistys ry", slug="uusi")
    area = services.area_create(actor=actor, organisation=org, name="Vauvaperhetyö", order=1)
    manager = UserFactory(organisation=org)
    team = services.team_create(actor=actor, area=area, name="Ensikoti", line_manager=manager)

    assert team.organisation_id == org.pk
    assert team.line_manager == manager
    assert org.history.get().history_user == actor
    assert area.history.get().history_user == actor
    record = team.history.get()
    assert record.history_user == actor
    assert record.history_type == "+"


def test_team_line_manager_must_belong_to_the_same_organisation(org, actor) -> None:  # type: ignore[no-untyped-def]
    area = AreaFactory(organisation=org)
    outsider = UserFactory(organisation=OrganisationFactory())
    with pytest.raises(ValidationError) as exc:
        services.team_create(actor=actor, area=area, name="Tiimi", line_manager=outsider)
    assert _messages(exc, "line_manager") == [
        "Lähiesimiehen on oltava saman organisaation työntekijä."
    ]


def test_team_set_line_manager_is_in_history(org, actor) -> None:  # type: ignore[no-untyped-def]
    team = TeamFactory(area=AreaFactory(organisation=org))
    manager = UserFactory(organisation=org)
    services.team_set_line_manager(actor=actor, team=team, line_manager=manager)
    with scopes_disabled():
        latest = team.history.first()
    assert latest.line_manager_id == manager.pk
    assert latest.history_user == actor
    assert latest.history_type == "~"


def test_duplicate_area_name_is_a_validation_error(org, actor) -> None:  # type: ignore[no-untyped-def]
    services.area_create(
        actor=actor, organisation=org, name="Hallinto", kind=Area.Kind.ADMINISTRATION
    )
    with pytest.raises(ValidationError):
        services.area_create(actor=actor, organisation=org, name="Hallinto")
    # The same name is fine in another organisation.
    services.area_create(actor=actor, organisation=OrganisationFactory(), name="Hallinto")


# --------------------------------------------------------------------------- service forms


def _form_kwargs(area: Area, **extra):  # type: ignore[no-untyped-def]
    return {
        "area": area,
        "name": "Lapsityö",
        "slug": "lapsityo",
        "kind": ServiceForm.Kind.OUTPATIENT,
        "register": ServiceForm.Register.SOCIAL_WELFARE,
        **extra,
    }


def test_project_ending_before_it_starts_is_rejected_in_finnish(org, actor) -> None:  # type: ignore[no-untyped-def]
    area = AreaFactory(organisation=org)
    with pytest.raises(ValidationError) as exc:
        services.service_form_create(
            actor=actor,
            **_form_kwargs(
                area, project_start=dt.date(2020, 1, 1), project_end=dt.date(2019, 12, 31)
            ),
        )
    assert _messages(exc, "project_end") == [
        "Hankkeen päättymispäivä ei voi olla ennen sen alkamispäivää."
    ]
    with scopes_disabled():
        assert not ServiceForm.objects.exists()


def test_project_of_one_day_is_accepted(org, actor) -> None:  # type: ignore[no-untyped-def]
    area = AreaFactory(organisation=org)
    form = services.service_form_create(
        actor=actor,
        **_form_kwargs(area, project_start=dt.date(2017, 1, 1), project_end=dt.date(2017, 1, 1)),
    )
    assert form.is_project


def test_partner_run_service_form_needs_a_partner(org, actor) -> None:  # type: ignore[no-untyped-def]
    area = AreaFactory(organisation=org)
    with pytest.raises(ValidationError) as exc:
        services.service_form_create(
            actor=actor, **_form_kwargs(area, operator=ServiceForm.Operator.PARTNER)
        )
    assert _messages(exc, "operating_partner") == [
        "Kumppanin hallinnoimalle tai yhteiselle toiminnalle on valittava hallinnoiva kumppani."
    ]
    dila = services.partner_create(actor=actor, organisation=org, name="Dila", roles=["operator"])
    form = services.service_form_create(
        actor=actor,
        **_form_kwargs(area, operator=ServiceForm.Operator.PARTNER, operating_partner=dila),
    )
    assert form.operating_partner == dila


def test_partner_of_another_organisation_cannot_run_a_service_form(org, actor) -> None:  # type: ignore[no-untyped-def]
    area = AreaFactory(organisation=org)
    foreign = services.partner_create(actor=None, organisation=OrganisationFactory(), name="Vieras")
    with pytest.raises(ValidationError) as exc:
        services.service_form_create(
            actor=actor,
            **_form_kwargs(area, operator=ServiceForm.Operator.JOINT, operating_partner=foreign),
        )
    assert "operating_partner" in exc.value.message_dict


def test_team_of_another_area_is_rejected(org, actor) -> None:  # type: ignore[no-untyped-def]
    area = AreaFactory(organisation=org)
    other_team = TeamFactory(area=AreaFactory(organisation=org))
    with pytest.raises(ValidationError) as exc:
        services.service_form_create(actor=actor, **_form_kwargs(area, team=other_team))
    assert _messages(exc, "team") == ["Tiimi kuuluu eri toiminta-alueeseen kuin työmuoto."]


def test_capacity_needs_a_unit(org, actor) -> None:  # type: ignore[no-untyped-def]
    area = AreaFactory(organisation=org)
    with pytest.raises(ValidationError) as exc:
        services.service_form_create(actor=actor, **_form_kwargs(area, capacity=5))
    assert "capacity_unit" in exc.value.message_dict


def test_service_form_update_changes_and_records_the_actor(org, actor) -> None:  # type: ignore[no-untyped-def]
    form = ServiceFormFactory(area=AreaFactory(organisation=org), organisation=org)
    services.service_form_update(
        actor=actor, service_form=form, capacity=5, capacity_unit="perhepaikkaa", open_24h=True
    )
    form.refresh_from_db()
    assert (form.capacity, form.capacity_unit, form.open_24h) == (5, "perhepaikkaa", True)
    with scopes_disabled():
        latest = form.history.first()
    assert latest.history_user == actor
    assert latest.capacity == 5
    with pytest.raises(TypeError):
        services.service_form_update(actor=actor, service_form=form, organisation=None)
    with pytest.raises(ValidationError):
        services.service_form_update(
            actor=actor,
            service_form=form,
            project_start=dt.date(2019, 1, 1),
            project_end=dt.date(2018, 1, 1),
        )


def test_funding_links_a_funder_of_the_same_organisation(org, actor) -> None:  # type: ignore[no-untyped-def]
    form = ServiceFormFactory(area=AreaFactory(organisation=org), organisation=org)
    stea = services.funder_create(
        actor=actor, organisation=org, name="STEA", category=Funder.Category.STEA
    )
    funding = services.service_form_add_funding(
        actor=actor, service_form=form, funder=stea, type="targeted_grant"
    )
    assert funding.history.get().history_user == actor
    foreign = services.funder_create(
        actor=None, organisation=OrganisationFactory(), name="STEA", category=Funder.Category.STEA
    )
    with pytest.raises(ValidationError):
        services.service_form_add_funding(
            actor=actor, service_form=form, funder=foreign, type="targeted_grant"
        )
    with pytest.raises(ValidationError):  # the same funding twice
        services.service_form_add_funding(
            actor=actor, service_form=form, funder=stea, type="targeted_grant"
        )


# ------------------------------------------------------------------ partners, groups, themes


def test_partner_with_several_roles(org, actor) -> None:  # type: ignore[no-untyped-def]
    partner = services.partner_create(
        actor=actor,
        organisation=org,
        name="PHHYKY",
        kind=Partner.Kind.MUNICIPALITY,
        roles=[PartnerRole.Role.REFERRER, PartnerRole.Role.PURCHASER, PartnerRole.Role.REFERRER],
    )
    with scopes_disabled():
        assert sorted(partner.roles.values_list("role", flat=True)) == ["purchaser", "referrer"]
    services.partner_add_role(actor=actor, partner=partner, role=PartnerRole.Role.FUNDER)
    with scopes_disabled():
        assert partner.roles.count() == 3
        assert partner.history.first().history_user == actor
    with pytest.raises(ValidationError):
        services.partner_create(actor=actor, organisation=org, name="Huono", roles=["ei-rooli"])


def test_working_group_member_needs_a_user_or_a_service_form(org, actor) -> None:  # type: ignore[no-untyped-def]
    group = services.working_group_create(
        actor=actor, organisation=org, name="Vastuutiimi", meeting_frequency="viikoittain"
    )
    with pytest.raises(ValidationError) as exc:
        services.working_group_add_member(actor=actor, group=group)
    assert exc.value.messages == ["Valitse jäseneksi työntekijä tai työmuoto."]
    member = services.working_group_add_member(
        actor=actor, group=group, user=actor, role=WorkingGroupMember.Role.CHAIR
    )
    assert member.history.get().history_user == actor
    outsider = UserFactory(organisation=OrganisationFactory())
    with pytest.raises(ValidationError):
        services.working_group_add_member(actor=actor, group=group, user=outsider)


def test_value_order_is_unique_per_organisation(org, actor) -> None:  # type: ignore[no-untyped-def]
    services.value_create(actor=actor, organisation=org, order=1, name="Osallisuus")
    with pytest.raises(ValidationError):
        services.value_create(actor=actor, organisation=org, order=1, name="Rohkeus")


def test_strategic_theme_period_and_variants(org, actor) -> None:  # type: ignore[no-untyped-def]
    theme = services.strategic_theme_create(
        actor=actor,
        organisation=org,
        code="T5",
        name="Toiminnan vaikuttavuuden osoittaminen",
        start_year=2016,
        end_year=2019,
        heading_variants=("Toiminnan vaikuttavuuden osoittaminen ja arviointi",),
    )
    assert theme.heading_variants == ["Toiminnan vaikuttavuuden osoittaminen ja arviointi"]
    with pytest.raises(ValidationError) as exc:
        services.strategic_theme_create(
            actor=actor, organisation=org, code="T1", name="X", start_year=2019, end_year=2016
        )
    assert "end_year" in exc.value.message_dict


def test_a_theme_code_comes_back_in_the_next_strategy_period_but_not_twice_a_year(  # type: ignore[no-untyped-def]
    org, actor
) -> None:
    first = services.strategic_theme_create(
        actor=actor, organisation=org, code="T1", name="Osallisuus", start_year=2016, end_year=2019
    )
    # The next strategy (its period open-ended) may use the code again…
    second = services.strategic_theme_create(
        actor=actor, organisation=org, code="T1", name="Osallisuus", start_year=2020
    )
    assert first.covers(2019) and not first.covers(2020)
    assert second.covers(2020) and second.covers(2040) and not second.covers(2019)
    # …but two T1 themes may not cover the same year.
    for start, end in ((2018, 2021), (2019, None), (2030, 2031), (None, 2016)):
        with pytest.raises(ValidationError) as exc:
            services.strategic_theme_create(
                actor=actor, organisation=org, code="T1", name="X", start_year=start, end_year=end
            )
        assert "samoille vuosille" in exc.value.message_dict["code"][0]
    services.strategic_theme_create(
        actor=actor, organisation=org, code="T2", name="Toinen", start_year=2018, end_year=2021
    )


# --------------------------------------------------------------------------- staff


def test_staff_user_create_validates_the_password_and_records_the_actor(org, actor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        staff.staff_user_create(
            actor=actor,
            organisation=org,
            username="lyhyt",
            first_name="A",
            last_name="B",
            title="",
            password="lyhyt",
        )
    user = staff.staff_user_create(
        actor=actor,
        organisation=org,
        username="uusi.tyontekija",
        first_name="Uuno",
        last_name="Uusinen",
        title="perhetyöntekijä",
        password="pitka-ja-hyva-salalause",
    )
    assert user.check_password("pitka-ja-hyva-salalause")
    assert user.organisation == org
    assert user.preferred_language == "fi"
    assert user.history.get().history_user == actor


def test_membership_grant_rules(org, actor) -> None:  # type: ignore[no-untyped-def]
    form = ServiceFormFactory(area=AreaFactory(organisation=org), organisation=org)
    user = UserFactory(organisation=org)
    with pytest.raises(ValidationError) as exc:
        staff.membership_grant(
            actor=actor, user=user, role=Role.WORKER, valid_from=dt.date(2018, 1, 1)
        )
    assert _messages(exc, "service_form") == [
        "Tämä rooli annetaan aina jossakin työmuodossa: valitse työmuoto."
    ]
    with pytest.raises(ValidationError) as exc:
        staff.membership_grant(
            actor=actor,
            user=user,
            role=Role.FINANCE,
            service_form=form,
            valid_from=dt.date(2018, 1, 1),
        )
    assert "service_form" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        staff.membership_grant(
            actor=actor,
            user=user,
            role=Role.WORKER,
            service_form=form,
            valid_from=dt.date(2018, 3, 1),
            valid_until=dt.date(2018, 2, 28),
        )
    assert _messages(exc, "valid_until") == ["Jäsenyys ei voi päättyä ennen kuin se alkaa."]
    foreign_form = ServiceFormFactory()
    with pytest.raises(ValidationError):
        staff.membership_grant(
            actor=actor,
            user=user,
            role=Role.WORKER,
            service_form=foreign_form,
            valid_from=dt.date(2018, 1, 1),
        )

    membership = staff.membership_grant(
        actor=actor,
        user=user,
        role=Role.WORKER,
        service_form=form,
        valid_from=dt.date(2018, 1, 1),
        title="perhetupaohjaaja",
        fte_percent=85,
    )
    assert membership.organisation_id == org.pk
    assert membership.history.get().history_user == actor
    with scopes_disabled():
        assert list(Membership.objects.active(on=dt.date(2026, 1, 1)).filter(user=user)) == [
            membership
        ]


# --------------------------------------------------------------------------- municipalities

HEADER = "code,name_fi,name_sv,region_code,region_name_fi\n"


def _csv(tmp_path: Path, body: str, name: str = "kunnat.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_municipalities_load_is_an_idempotent_upsert(tmp_path: Path) -> None:
    first = _csv(
        tmp_path,
        "398,Lahti,Lahtis,07,Päijät-Häme\n"
        "111,Heinola,Heinola,07,Päijät-Häme\n"
        "098,Hollola,Hollola,07,Päijät-Häme\n",
    )
    result = services.municipalities_load(path=first)
    assert (result.created, result.updated, result.unchanged, result.invalidated) == (3, 0, 0, 0)
    again = services.municipalities_load(path=first)
    assert (again.created, again.updated, again.unchanged, again.invalidated) == (0, 0, 3, 0)

    # Hollola renamed (for the test), Heinola gone from the file, Asikkala new.
    second = _csv(
        tmp_path,
        "398,Lahti,Lahtis,07,Päijät-Häme\n"
        "098,Hollola-testi,Hollola,07,Päijät-Häme\n"
        "016,Asikkala,,07,Päijät-Häme\n",
        name="kunnat2.csv",
    )
    result = services.municipalities_load(path=second)
    assert (result.created, result.updated, result.unchanged, result.invalidated) == (1, 1, 1, 1)
    assert Municipality.objects.get(code="098").name_fi == "Hollola-testi"
    assert Municipality.objects.get(code="016").name_sv == "Asikkala"  # falls back to Finnish
    assert Municipality.objects.get(code="111").valid is False
    assert Municipality.objects.count() == 4

    # Back in the file: valid again.
    result = services.municipalities_load(path=first)
    assert Municipality.objects.get(code="111").valid is True
    assert result.updated == 2  # Heinola re-validated, Hollola renamed back


def test_municipalities_load_is_all_or_nothing(tmp_path: Path) -> None:
    bad = _csv(tmp_path, "398,Lahti,Lahtis,07,Päijät-Häme\n12,Virhe,Fel,07,Päijät-Häme\n")
    with pytest.raises(ValidationError) as exc:
        services.municipalities_load(path=bad)
    assert exc.value.messages == ["Rivi 3: kuntanumeron on oltava kolme numeroa."]
    assert Municipality.objects.count() == 0

    wrong_header = tmp_path / "vaara.csv"
    wrong_header.write_text("koodi,nimi\n398,Lahti\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        services.municipalities_load(path=wrong_header)


def test_municipalities_load_refuses_a_name_longer_than_its_column(tmp_path: Path) -> None:
    """The names are varchar(100): a longer cell (columns shifted, a note in the name) was stored
    by SQLite and failed on PostgreSQL with "value too long", not with the row's number."""
    long_name = "Päijät-Häme " * 9  # 108 characters
    for row, column in (
        (f"398,{long_name},Lahtis,07,Päijät-Häme\n", "name_fi"),
        (f"398,Lahti,{long_name},07,Päijät-Häme\n", "name_sv"),
        (f"398,Lahti,Lahtis,07,{long_name}\n", "region_name_fi"),
    ):
        path = _csv(tmp_path, "111,Heinola,Heinola,07,Päijät-Häme\n" + row)
        with pytest.raises(ValidationError) as exc:
            services.municipalities_load(path=path)
        assert exc.value.messages == [
            f"Rivi 3: sarakkeen {column} arvo on liian pitkä (enintään 100 merkkiä)."
        ]
        assert Municipality.objects.count() == 0
    fits = _csv(tmp_path, f"398,Lahti,Lahtis,07,{'x' * 100}\n")
    assert services.municipalities_load(path=fits).created == 1


def test_load_municipalities_command(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = _csv(tmp_path, "398,Lahti,Lahtis,07,Päijät-Häme\n")
    call_command("load_municipalities", path=path)
    assert "uusia 1" in capsys.readouterr().out
    assert Municipality.objects.get(code="398").name_sv == "Lahtis"
    with pytest.raises(CommandError):
        call_command("load_municipalities", path=tmp_path / "puuttuu.csv")


def test_load_municipalities_command_with_the_bundled_file(capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("load_municipalities")
    assert Municipality.objects.filter(valid=True).count() == 308
    assert Municipality.objects.get(code="398").name_fi == "Lahti"
