"""A municipality is shown by its name in the reader's language.

Statistics Finland's names: Lahti is *Lahtis* in Swedish, Kaarina *S:t Karins*, Parainen
*Pargas*. A Swedish reader sees the Swedish name; a Finnish or English one the Finnish name
(English has no official names of its own). A municipality without a Swedish name (Myrskylä
below, stored without one) is shown by its Finnish name in Swedish too.

The order by name therefore differs by language (worked out by hand):

* Finnish: Kaarina < Lahti < Myrskylä < Parainen;
* Swedish: Lahtis < Myrskylä (no Swedish name: sorted by its Finnish one) < Pargas < S:t Karins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.finance.agreements.forms import AgreementForm
from tupa.organisations.models import Municipality, Partner, ServiceForm
from tupa.people.forms import PersonCreateForm
from tupa.residential.commitments import services as commitment_services
from tupa.residential.commitments.forms import CommitmentForm
from tupa.visitation import selectors as visitation_selectors
from tupa.visitation.forms import OrderForm

pytestmark = pytest.mark.django_db

#: code → (Finnish, Swedish) name.
NAMES = {
    "202": ("Kaarina", "S:t Karins"),
    "398": ("Lahti", "Lahtis"),
    "445": ("Parainen", "Pargas"),
    "503": ("Myrskylä", ""),
}


@pytest.fixture
def municipalities() -> dict[str, Municipality]:
    with scopes_disabled():
        return {
            code: Municipality.objects.create(code=code, name_fi=fi, name_sv=sv)
            for code, (fi, sv) in NAMES.items()
        }


def test_the_name_is_the_readers_languages(municipalities: dict[str, Municipality]) -> None:
    lahti = municipalities["398"]
    with override("fi"):
        assert (lahti.name, str(lahti)) == ("Lahti", "Lahti")
    with override("sv"):
        assert (lahti.name, str(lahti)) == ("Lahtis", "Lahtis")
    with override("en"):  # no English names: the official Finnish one
        assert (lahti.name, str(lahti)) == ("Lahti", "Lahti")


def test_without_a_swedish_name_the_finnish_one_is_shown(
    municipalities: dict[str, Municipality],
) -> None:
    myrskyla = municipalities["503"]
    with override("sv"):
        assert (myrskyla.name, str(myrskyla)) == ("Myrskylä", "Myrskylä")
        assert Municipality.name_in_language("Myrskylä", None) == "Myrskylä"
        assert Municipality.name_in_language("Lahti", "Lahtis") == "Lahtis"


def _ordered(language: str) -> list[str]:
    with override(language), scopes_disabled():
        ordered = Municipality.objects.order_by(Municipality.display_ordering())
        return [m.name for m in ordered if m.code in NAMES]


def test_the_display_ordering_is_by_the_shown_name(
    municipalities: dict[str, Municipality],
) -> None:
    """The orders of the module docstring; English is ordered as Finnish."""
    assert _ordered("fi") == ["Kaarina", "Lahti", "Myrskylä", "Parainen"]
    assert _ordered("en") == ["Kaarina", "Lahti", "Myrskylä", "Parainen"]
    assert _ordered("sv") == ["Lahtis", "Myrskylä", "Pargas", "S:t Karins"]


def _commitment_form() -> forms.BaseForm:
    return CommitmentForm(payers=Partner.objects.none())


def _person_form() -> forms.BaseForm:
    return PersonCreateForm()


def _order_form() -> forms.BaseForm:
    return OrderForm(partners=Partner.objects.none(), participants=[])


def _agreement_form() -> forms.BaseForm:
    return AgreementForm(buyers=Partner.objects.none(), service_forms=ServiceForm.objects.none())


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (_commitment_form, "municipality"),
        (_person_form, "municipality"),
        (_order_form, "payer_municipality"),
        (_agreement_form, "municipalities"),
    ],
)
def test_a_forms_choices_in_swedish_are_the_swedish_names_in_their_order(
    municipalities: dict[str, Municipality], build: Callable[[], forms.BaseForm], field: str
) -> None:
    """Each municipality choice of the forms the names of the module docstring, in its order;
    the values stay the pks (what is saved)."""

    def choices(language: str) -> list[tuple[str, str]]:
        with override(language), scopes_disabled():
            form = build()
            return [
                (str(value), str(label))
                for value, label in form.fields[field].choices  # type: ignore[attr-defined]
                if value
            ]

    pk = {code: str(m.pk) for code, m in municipalities.items()}
    assert choices("sv") == [
        (pk["398"], "Lahtis"),
        (pk["503"], "Myrskylä"),
        (pk["445"], "Pargas"),
        (pk["202"], "S:t Karins"),
    ]
    assert choices("fi") == [
        (pk["202"], "Kaarina"),
        (pk["398"], "Lahti"),
        (pk["503"], "Myrskylä"),
        (pk["445"], "Parainen"),
    ]


def test_the_visitation_billing_names_the_payer_in_the_readers_language() -> None:
    """The billing scenario of ``tupa/visitation/tests/scenario.py`` (Hollola 1/2026 1 and
    3/2026 1, Lahti 1/2026 1 and 2/2026 3 billable meetings) with Lahti's Swedish name: the
    rows keep their codes and counts, and read "Lahtis" in Swedish (sorted by it: Hollola's
    Swedish name is Hollola, and H < L in both languages)."""
    from tupa.core.tests.factories import worker_in
    from tupa.visitation.tests import scenario
    from tupa.visitation.tests.support import t, visitation_form

    with time_machine.travel(t(2026, 6, 15, 12), tick=False):
        form = visitation_form()
        scenario.build(form, worker_in(form))
    with scopes_disabled():
        Municipality.objects.filter(code="398").update(name_sv="Lahtis")

    def rows(language: str) -> list[tuple[str, str, str, int]]:
        with override(language), scope(organisation=form.organisation_id):
            billing = visitation_selectors.billing(
                service_form=form, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)
            )
        return [
            (r.municipality_code, r.municipality, r.month.strftime("%Y-%m"), r.total)
            for r in billing.rows
        ]

    assert rows("fi") == [
        ("098", "Hollola", "2026-01", 1),
        ("098", "Hollola", "2026-03", 1),
        ("398", "Lahti", "2026-01", 1),
        ("398", "Lahti", "2026-02", 3),
    ]
    assert rows("sv") == [
        ("098", "Hollola", "2026-01", 1),
        ("098", "Hollola", "2026-03", 1),
        ("398", "Lahtis", "2026-01", 1),
        ("398", "Lahtis", "2026-02", 3),
    ]


def test_the_commitment_list_shows_lahtis_to_a_swedish_reader(
    client: Client, municipalities: dict[str, Municipality]
) -> None:
    """A payment commitment with the home municipality Lahti: its list reads "Lahti" in
    Finnish and "Lahtis" once the worker has switched to Swedish."""
    from tupa.core.tests.factories import worker_in
    from tupa.residential.tests.support import family
    from tupa.residential.tests.test_commitment import ensikoti_form, partner

    form = ensikoti_form()
    worker = worker_in(form)
    episode, _members = family(form, children=0)
    commitment_services.commitment_add(
        actor=worker,
        episode=episode,
        payer=partner(form, "Päijät-Hämeen hyvinvointialue"),
        valid_from=dt.date(2026, 1, 1),
        municipality=municipalities["398"],
    )
    login_verified(client, worker)
    url = reverse("residential:commitments", args=[episode.pk])
    html = client.get(url).content.decode()
    assert "<td>Lahti</td>" in html and "Lahtis" not in html
    assert client.post(reverse("set_language"), {"language": "sv", "next": "/"}).status_code == 302
    response = client.get(url)
    assert response.headers["Content-Language"] == "sv"
    assert "<td>Lahtis</td>" in response.content.decode()
