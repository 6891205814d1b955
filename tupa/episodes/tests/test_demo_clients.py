"""The fictional client data of the demo (issue 3, item 11): built once, through the services."""

import pytest
from django_scopes import scope

from tupa.episodes.demo_clients import TARGET_PERSONS, build_demo_clients
from tupa.episodes.models import Entry, Episode, Referral
from tupa.organisations.demo import build_demo
from tupa.people.models import Alias, Person, Restriction

pytestmark = pytest.mark.django_db


def test_demo_clients_cover_every_client_form_and_are_idempotent(settings) -> None:
    settings.TUPA_REQUIRE_2FA = False
    org = build_demo(password="demo-salasana-testiin-pitka").organisation
    counts = build_demo_clients(organisation=org)
    assert counts is not None
    with scope(organisation=org.pk):
        persons = Person.objects.count()
        episodes = Episode.objects.count()
        assert persons == counts.persons >= TARGET_PERSONS
        assert episodes == counts.episodes
        forms_with_clients = set(Episode.objects.values_list("service_form__slug", flat=True))
        assert {
            "ensikoti",
            "baby-blues",
            "peukaloinen",
            "turvakoti",
            "avokriisityo",
            "jussi-tyo",
            "lapsityo",
            "alvari",
            "tapaamispaikka",
            "ero-lapsiperheessa",
        } <= forms_with_clients
        statuses = set(Episode.objects.values_list("status", flat=True))
        assert {"active", "ended"} <= statuses
        assert Entry.objects.count() == counts.entries > episodes
        assert Referral.objects.filter(status="accepted").count() == counts.referrals > 0
        assert Alias.objects.count() == 6
        assert Alias.objects.filter(person__isnull=False).count() == 3
        assert Restriction.objects.filter(kind="turvakielto").count() == counts.restrictions > 0
        # Demo identity codes use DVV's test range 900–999 only: never a real person's code.
        codes = [c for c in Person.objects.values_list("hetu", flat=True) if c]
        assert codes and all(900 <= int(code[7:10]) <= 999 for code in codes)
    assert build_demo_clients(organisation=org) is None
    with scope(organisation=org.pk):
        assert Person.objects.count() == persons
        assert Episode.objects.count() == episodes
