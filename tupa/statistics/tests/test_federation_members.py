"""The Federation's member statistics (``federation.members``): version 2's Ensikoti lines by hand.

One mother-and-baby home (pregnancy asked at admission), year 2025, Helsinki times:

- **A** (social services): mother + 2 children, 1.2.2025 → 1.10.2025, the stay recorded as
  starting in pregnancy → entry yes; 8 months: over 6 months (1.10. > 1.8.).
- **B** (self): mother + father (partner, man) + 1 child (b. 2024), 1.3. → 1.4.2025 → 1 month:
  under 2 months (1.4. < 1.5.); no sign of a pregnancy → entry no.
- **C** (self): mother + 1 child (b. 2024) from 1.6.2025, still there at 31.12. → 7 months by
  the period's end (31.12. + 1 day = 1.1.2026 > 1.12.2025): over 6 months in version 2,
  "jatkuu" in version 1; entry no.

Version 2 (by person / by stay):
  mothers 3, fathers 1, children 2 + 1 + 1 = 4, others 0 → 8 persons;
  referred by social services: yes 1 (A), no 2 (B, C) → 3 stays (the share: 1 / 3);
  entry during pregnancy: yes 1, no 2, unknown 0 → 3;
  length: under 2 months 1 (B), 2–6 months 0, over 6 months 2 (A, C), ongoing 0 → 3.
Version 1 (every line by person):
  referred: yes 3 (A's three), no 5; entry: yes 3, no 5;
  length: under 2 months 3 (B's three), over 6 months 3 (A's), ongoing 2 (C's two).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Role
from tupa.core.tests.factories import OrganisationFactory, org_role_user, worker_in
from tupa.core.tests.helpers import login_verified
from tupa.episodes.models import ReferralSource
from tupa.residential.tests.support import t
from tupa.residential.tests.test_commitment import ensikoti_form
from tupa.residential.tests.test_thl import NOW
from tupa.statistics import engine, services
from tupa.statistics.engine import Computed
from tupa.statistics.indicators import registry as indicators
from tupa.statistics.indicators.base import Params
from tupa.statistics.models import Federation, FederationMembership, Submission
from tupa.statistics.returns import registry as returns
from tupa.statistics.tests.test_indicators_ensikoti import _admit, _episode, _leave, _member

pytestmark = pytest.mark.django_db

D = dt.date
YEAR = (D(2025, 1, 1), D(2025, 12, 31))


def _home(slug: str = "ensikoti-liitto-v2") -> dict[str, Any]:
    form = ensikoti_form(places=3, slug=slug)
    w = worker_in(form)

    a = _episode(form, ReferralSource.SOCIAL_SERVICES)
    family_a = [
        _member(a, "client", born=D(1995, 1, 1)),
        _member(a, "child", gender="male", born=D(2022, 1, 1)),
        _member(a, "child", born=D(2023, 6, 1)),
    ]
    stay_a = _admit(w, a, form, "p1", t(2025, 2, 1), family_a, pregnancy=True)
    _leave(w, stay_a, t(2025, 10, 1))

    b = _episode(form, ReferralSource.SELF)
    family_b = [
        _member(b, "client", born=D(1996, 1, 1)),
        _member(b, "partner", gender="male", born=D(1994, 1, 1)),
        _member(b, "child", born=D(2024, 3, 1)),
    ]
    _leave(w, _admit(w, b, form, "p2", t(2025, 3, 1), family_b), t(2025, 4, 1))

    c = _episode(form, ReferralSource.SELF)
    family_c = [_member(c, "client", born=D(1990, 1, 1)), _member(c, "child", born=D(2024, 1, 1))]
    _admit(w, c, form, "p3", t(2025, 6, 1), family_c)
    return {"form": form, "org": form.organisation}


@pytest.fixture
def home() -> Iterator[dict[str, Any]]:
    with time_machine.travel(NOW, tick=False):
        yield _home()


def _run(template: Any, organisation_id: int) -> Computed:
    return engine.run(template, Params(organisation_id, *YEAR))


def _lines(computed: Computed) -> dict[str, dict[str, int]]:
    """Each line's cells by value, and its total, by the line's label."""
    result = {}
    for line in computed.lines():
        table = line.table
        cells = {row: table.cell(row) for row, _label in table.rows}
        result[str(line.title)] = {**cells, "total": table.total}
    return result


def test_version_2_counts_persons_by_role_and_the_rest_by_stay(home: dict[str, Any]) -> None:
    v2 = returns.get("federation.members", 2)
    assert returns.get("federation.members") is v2  # the newest: what a member sends now
    ensikoti = v2.sections[0]
    assert [(ln.indicator, ln.version) for ln in ensikoti.lines] == [
        ("ensikoti.clients", 1),
        ("ensikoti.stays", 2),
        ("ensikoti.stays", 2),
        ("ensikoti.stays", 2),
    ]
    lines = _lines(_run(v2, home["org"].pk))
    assert lines["Ensikodin asiakkaat: äidit, isät ja lapset"] == {
        "mother": 3,
        "father": 1,
        "child": 4,
        "other": 0,
        "total": 8,
    }
    assert lines["Ensikodin asumisjaksot: ohjaava taho"] == {"yes": 1, "no": 2, "total": 3}
    assert lines["Ensikodin asumisjaksot: tulo raskausaikana"] == {
        "yes": 1,
        "no": 2,
        "unknown": 0,
        "total": 3,
    }
    # C has lasted 7 months by 31.12.: over 6 months, though it goes on.
    assert lines["Ensikodin asumisjaksot: asumisen kesto"] == {
        "under_2m": 1,
        "2_6m": 0,
        "over_6m": 2,
        "ongoing": 0,
        "total": 3,
    }


def test_version_1_still_runs_and_counts_by_person(home: dict[str, Any]) -> None:
    """Sent version 1 returns restore: the template and its indicator versions stay
    registered and count as before (every Ensikoti line by person)."""
    v1 = returns.get("federation.members", 1)
    lines = _lines(_run(v1, home["org"].pk))
    assert lines["Ensikodin asiakkaat: ohjaava taho"] == {"yes": 3, "no": 5, "total": 8}
    assert lines["Ensikodin asiakkaat: tulo raskausaikana"] == {
        "yes": 3,
        "no": 5,
        "unknown": 0,
        "total": 8,
    }
    assert lines["Ensikodin asiakkaat: asumisen kesto"] == {
        "under_2m": 3,
        "2_6m": 0,
        "over_6m": 3,
        "ongoing": 2,
        "total": 8,
    }
    # The stays indicator's version 1 leaves C "jatkuu" as before.
    stays_v1 = engine.run_indicator(
        indicators.get("ensikoti.stays", 1), Params(home["org"].pk, *YEAR)
    )
    assert stays_v1.by("stay_length_band") == {
        ("under_2m",): 1,
        ("2_6m",): 0,
        ("over_6m",): 1,
        ("ongoing",): 1,
    }


def test_a_sent_version_1_return_restores_as_version_1(home: dict[str, Any]) -> None:
    """A member's version 1 return, sent and restored, is version 1's figures: no differences
    against today's count by the same version."""
    org = home["org"]
    with scopes_disabled():
        sent = services.submit(
            user=org_role_user(org, Role.EXECUTIVE_DIRECTOR),
            computed=_run(returns.get("federation.members", 1), org.pk),
            service_form=None,
            municipality=None,
            title="Jäsentilasto v1",
        )
        sent = Submission.objects.get(pk=sent.pk)
        assert sent.template_version == 1
        frozen, now = services.frozen(sent), services.recompute(sent)
    assert [str(ln.title) for ln in frozen.lines()][:4] == [
        "Ensikodin asiakkaat: äidit, isät ja lapset",
        "Ensikodin asiakkaat: ohjaava taho",
        "Ensikodin asiakkaat: tulo raskausaikana",
        "Ensikodin asiakkaat: asumisen kesto",
    ]
    assert not services.changes(frozen, now)


def test_the_federation_sums_a_version_1_member_on_the_lines_the_versions_share(
    client: Client,
) -> None:
    """One member sent version 1 (before version 2 came), another version 2, for 2025; each has
    the module's three families. The page lays out version 2's lines. Its first Ensikoti line
    (persons by family role: ensikoti.clients@1 in both versions) sums both members: each 8
    persons, 16 in all. Version 2's stay lines are not in version 1 (whose lines count persons):
    there the first member shows "–", is left out of the sum and named under the table."""
    with time_machine.travel(NOW, tick=False):
        first = _home("ensikoti-v1")["org"]
        second = _home("ensikoti-v2")["org"]
        office = OrganisationFactory.create(name="Testiliitto ry")
        analyst = org_role_user(office, Role.FEDERATION_ANALYST)
        with scopes_disabled():
            federation = Federation.objects.create(name="Testiliitto", office=office)
            for org, version in ((first, 1), (second, 2)):
                FederationMembership.objects.create(
                    federation=federation, organisation=org, joined_on=D(2020, 1, 1)
                )
                services.submit(
                    user=org_role_user(org, Role.EXECUTIVE_DIRECTOR),
                    computed=_run(returns.get("federation.members", version), org.pk),
                    service_form=None,
                    municipality=None,
                    title=f"Jäsentilasto {org.name}",
                )
        login_verified(client, analyst)
        response = client.get(
            reverse("statistics:federation_return", args=["federation.members", 2025])
        )
    assert response.status_code == 200
    page = response.content.decode()
    figures = re.findall(r'<figure class="figure">(.*?)</figure>', page, flags=re.S)
    captions = [re.search(r"<strong>(.*?)</strong>", f).group(1) for f in figures]  # type: ignore[union-attr]
    assert captions[:4] == [
        "Ensikodin asiakkaat: äidit, isät ja lapset",
        "Ensikodin asumisjaksot: ohjaava taho",
        "Ensikodin asumisjaksot: tulo raskausaikana",
        "Ensikodin asumisjaksot: asumisen kesto",
    ]

    def row(figure: str, name: str) -> list[str]:
        found = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', figure)
        assert found is not None, name
        return re.findall(r'<td class="num">(.*?)</td>', found.group(1))

    roles, referred = figures[0], figures[1]
    # Mothers 3, fathers 1, children 4 are "< 5" each; the total 8 is shown; the sum of the
    # totals 16, the parts' sums lower bounds (a "< 5" counts as 1).
    assert row(roles, first.name)[-1] == row(roles, second.name)[-1] == "8"
    assert row(roles, "Jäsenet yhteensä")[-1] == "16"
    assert "Summassa eivät ole mukana" not in roles
    assert set(row(referred, first.name)) == {"–"}
    assert "–" not in row(referred, second.name)
    assert f"Summassa eivät ole mukana: {first.name}" in referred
    assert f"Jäsen {first.name} lähetti ilmoituksen toisen version" in page
