"""The canary test (ARCHITECTURE.md §6, security test 3).

A person under turvakielto, and her child covered by it, hold unique canary strings in every
restricted field (address, postal code, post office, phone, e-mail, municipality) and in the
restriction's contact address. They take part in episodes of several service forms (Turvakoti,
Avokriisityö, Lapsityö), and live in the shelter's family place since this morning (Turvakoti is
a residential form: occupancy, calendar, stay and THL pages, the THL return); the ex-partner is
a Jussi-työ client, and there is an alias, a referral, a household, a consent, a journal entry
and a change-history record with the canary in the diff. Then, for EVERY role, every GET URL of the project is requested — URLs without
parameters, and URLs whose parameters can be filled with these objects' ids or the service
forms' slugs, every statistics return of the registry for each subject it can be about and
every indicator's drill-down page — plain, as a name/identity-code search, as an htmx partial,
and as PDF/CSV downloads. No canary may appear in any response body (PDFs are checked through the HTML that
WeasyPrint renders, XLSX/ZIP files member by member), in any log record or console output, or
in any e-mail.

**Intake reuse.** The ex-partner's address and phone, as Jussi-työ stored them, are canaries of
their own: a Perhetupa intake reused his record, so the Perhetupa worker reads only the phone he
typed there (ADR 0028). Only the Jussi-työ worker may see the stored values (and must: the
positive control), and the Perhetupa worker must see the typed phone (the sweep reached him).

The one place where the canaries must appear is the positive control: the reveal POST of a
worker whose work task covers the person. The test also checks that the sweep is not vacuous
(the mother's pages were actually reached by the workers of her service forms).

**The shelter's address.** ``ServiceForm`` has no address field. The closest thing that could
carry it is the service form's free-text description, so the Turvakoti description holds a
canary too, and it must never appear on a client page (``/henkilot/``, ``/asiakkuudet/``,
``/oikeudet/``) or in the access log pages and exports. (It may appear on the service form's own
page, which shows organisation data, not client data.)

**Municipality.** The canary municipality "Kanariakunta-7f3a" (code 999) is a real row. Its name
may legitimately appear as an unselected ``<option>`` in a municipality picker and on the
administrator's municipality reference-data pages; everywhere else it counts as a leak (a count
"Kanariakunta-7f3a: 1" is a side channel too).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import (
    reverse,
)
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.people.models import (
    Restriction,
)

from .canary_world import (
    CANARIES,
    CHILD,
    CONTACT_ADDRESS,
    HELD,
    HELD_CANARIES,
    HELD_GIVEN_PHONE,
    HELD_READERS,
    MOTHER,
    MOTHER_HETU,
    MOTHER_NAME,
    MUNICIPALITY,
    ROLES,
    SHELTER_ADDRESS,
    VOLUNTEER,
    VOLUNTEER_CANARIES,
    VOLUNTEER_NOTE,
    VOLUNTEER_READERS,
    body,
    build_world,
    leaks,
    offered_urls,
    sweep_urls,
    texts_of,
    volunteer_may_reach,
)

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]


@pytest.fixture
def world() -> dict[str, Any]:
    return build_world()


@pytest.fixture
def pdf_html(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every HTML document rendered to PDF (WeasyPrint compresses the PDF's text)."""
    import weasyprint

    rendered: list[str] = []
    original = weasyprint.HTML

    class RecordingHTML(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if "string" in kwargs:
                rendered.append(str(kwargs["string"]))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", RecordingHTML)
    return rendered


def _sweep(
    client: Client, urls: list[str], pdf_html: list[str]
) -> tuple[dict[str, list[str]], dict[str, int], list[str], dict[str, list[str]]]:
    """GET every URL, then every download and search the pages offer (one level deep).

    Returns the client canaries found, the statuses, the pages that showed the mother, and the
    pages that showed volunteer or held canaries, or the phone given at the held intake (for
    the caller to judge by role)."""
    problems: dict[str, list[str]] = {}
    statuses: dict[str, int] = {}
    ok_pages: list[str] = []
    shown_pages: dict[str, list[str]] = {}
    judged = [*VOLUNTEER_CANARIES, *HELD_CANARIES, HELD_GIVEN_PHONE]
    client.raise_request_exception = False
    queue: list[tuple[str, bool, bool]] = [(u, False, True) for u in urls]
    seen: set[tuple[str, bool]] = set()
    while queue:
        url, htmx, follow = queue.pop(0)
        if (url, htmx) in seen:
            continue
        seen.add((url, htmx))
        before = len(pdf_html)
        response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        key = f"{url} (htmx)" if htmx else url
        statuses[key] = response.status_code
        texts = texts_of(body(response)) + pdf_html[before:]
        for text in texts:
            found = leaks(text, url)
            if found:
                problems.setdefault(key, []).extend(found)
            if response.status_code == 200 and MOTHER_NAME[0] in text:  # never in a query
                ok_pages.append(key)
            shown = [c for c in judged if c in text]
            if shown:
                shown_pages.setdefault(key, []).extend(shown)
        if follow and response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend((u, h, False) for u, h in offered_urls(url, texts[0]))
    return problems, statuses, ok_pages, shown_pages


def _log_leaks(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> list[str]:
    out, err = capfd.readouterr()
    records = "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in caplog.records)
    mails = "\n".join(f"{m.subject}\n{m.body}\n{m.alternatives!r}" for m in mail.outbox)
    everything = "\n".join([out, err, records, caplog.text, mails])
    secrets = [*CANARIES, SHELTER_ADDRESS, *VOLUNTEER_CANARIES, *HELD_CANARIES]
    return [c for c in secrets if c in everything]


@pytest.mark.parametrize("role", ROLES)
def test_no_canary_anywhere(
    client: Client,
    world: dict[str, Any],
    role: str,
    pdf_html: list[str],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    user = world["users"][role]
    login_verified(client, user)
    if role == "dpo":  # the extract pages open only for the person found by the exact lookup
        client.post(reverse("rights:person_lookup"), {"identifier": MOTHER_HETU})
    urls = sweep_urls(world)
    assert len(urls) > 40, "the sweep found suspiciously few URLs"
    problems, statuses, ok_pages, shown_pages = _sweep(client, urls, pdf_html)

    # POSTs that render person data: quick search, the DPO's lookup, a reveal without a reason
    for query in (MOTHER_HETU, "Kanaria", world["mother"].last_name):
        for headers in ({}, {"HX-Request": "true"}):
            searched = client.post(reverse("people:search"), {"q": query}, headers=headers)
            for text in texts_of(body(searched)):
                if leaks(text, "/henkilot/haku/"):
                    problems.setdefault("POST search", []).extend(leaks(text, "/henkilot/haku/"))
    for slug in world["slugs"]:  # the client-list name filter is a POST form
        listed = client.post(
            reverse("episodes:client_list", kwargs={"slug": slug}), {"q": "Kanervisto"}
        )
        for text in texts_of(body(listed)):
            if leaks(text, "/asiakkuudet/"):
                problems.setdefault("POST client list", []).extend(leaks(text, "/asiakkuudet/"))
    lookup = client.post(reverse("rights:person_lookup"), {"identifier": MOTHER_HETU})
    for text in texts_of(body(lookup)):
        if leaks(text, "/oikeudet/henkilo/haku/"):
            problems.setdefault("POST lookup", []).extend(leaks(text, "/oikeudet/henkilo/haku/"))
    for person in (world["mother"], world["child"]):
        url = reverse("rights:reveal", kwargs={"pk": person.pk})
        invalid = client.post(url, {"reason": ""})
        found = leaks(invalid.content.decode(), url)
        if found:
            problems.setdefault(f"POST {url} (no reason)", []).extend(found)
        if role not in {"shelter_worker", "shelter_lead", "avokriisi_worker", "lapsityo_worker"}:
            refused = client.post(url, {"reason": "Haluan nähdä osoitteen"})
            assert refused.status_code == 404, (role, url)

    assert not problems, f"canaries leaked to {role}: {problems}"
    seen = {c for found in shown_pages.values() for c in found}
    if role not in VOLUNTEER_READERS:
        leaked = {u: f for u, f in shown_pages.items() if set(f) & set(VOLUNTEER_CANARIES)}
        assert not leaked, f"volunteer data leaked to {role}: {leaked}"
    else:  # the positive controls: the volunteer's page for the director, the portal for him
        assert set(VOLUNTEER.values()) <= seen, (role, sorted(seen))
        if role == "volunteer":
            assert VOLUNTEER_NOTE in seen
    # the intake-reuse hold: only the unit that stored the ex-partner's contact data reads them;
    # the held Perhetupa worker reads what he typed (the positive controls of both sides)
    if role in HELD_READERS:
        assert set(HELD.values()) <= seen, (role, sorted(seen))
    else:
        leaked = {u: f for u, f in shown_pages.items() if set(f) & set(HELD_CANARIES)}
        assert not leaked, f"contact data under a hold leaked to {role}: {leaked}"
    if role == "other_form_worker":
        assert HELD_GIVEN_PHONE in seen, "the held worker never reached the ex-partner's page"
    assert not _log_leaks(caplog, capfd), "canaries in log output or e-mail"
    # a page that crashed was not checked: a server error fails the sweep too
    server_errors = sorted(u for u, s in statuses.items() if s >= 500)
    assert not server_errors, f"server errors for {role}: {server_errors}"

    if role == "volunteer":
        # Nothing of Tupa but the portal: every other URL of the sweep answered 404 (not 403),
        # but the front page, which leads to the portal (a redirect shows nothing of Tupa)
        front = reverse("core:dashboard")
        reached = sorted(
            u
            for u, s in statuses.items()
            if s != 404 and not volunteer_may_reach(u) and (u, s) != (front, 302)
        )
        assert not reached, f"a volunteer login reached: {reached[:20]}"
        assert statuses.get(front) == 302
        assert statuses.get(reverse("volunteer_portal:home")) == 200  # the positive control
        assert not ok_pages

    # the sweep is not vacuous: the workers of her forms and the DPO reached her pages
    if role in {"shelter_worker", "shelter_lead", "avokriisi_worker", "dpo"}:
        assert ok_pages, f"{role} reached no page showing the mother"
    if role == "jussi_worker":
        assert not ok_pages, f"the Jussi-työ worker saw the mother: {ok_pages[:5]}"


@pytest.mark.parametrize(
    "who, person", [("shelter_worker", "mother"), ("lapsityo_worker", "child")]
)
def test_reveal_is_the_positive_control(
    client: Client,
    world: dict[str, Any],
    who: str,
    person: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    login_verified(client, world["users"][who])
    url = reverse("rights:reveal", kwargs={"pk": world[person].pk})
    html = client.post(url, {"reason": "Kotikäynnin järjestäminen"}).content.decode()
    expected = MOTHER if person == "mother" else CHILD
    for value in expected.values():
        assert value in html
    assert MUNICIPALITY in html
    if person == "mother":
        assert CONTACT_ADDRESS in html
    assert leaks(html, url)  # the detector detects
    # even the allowed reveal writes no canary to the logs
    assert not _log_leaks(caplog, capfd)


def test_the_detector_ignores_unselected_municipality_options() -> None:
    picker = f'<select><option value="1">Espoo</option><option value="9">{MUNICIPALITY}</option></select>'
    assert leaks(picker, "/henkilot/1/muokkaa/") == []
    chosen = f'<select><option value="9" selected>{MUNICIPALITY}</option></select>'
    assert leaks(chosen, "/henkilot/1/muokkaa/") == [MUNICIPALITY]
    assert leaks(f"<td>{MUNICIPALITY}: 1</td>", "/tilastot/") == [MUNICIPALITY]
    assert leaks(SHELTER_ADDRESS, "/organisaatio/tyomuodot/turvakoti/") == []
    assert leaks(SHELTER_ADDRESS, "/henkilot/1/") == [SHELTER_ADDRESS]


def test_the_sweep_finds_the_address_once_the_restriction_is_lifted(
    client: Client, world: dict[str, Any], pdf_html: list[str]
) -> None:
    """Mutation check: without the restriction the same sweep must see the canaries, so a
    passing sweep above means "hidden", not "never looked at"."""
    with scopes_disabled():
        Restriction.objects.filter(person=world["mother"]).update(lifted_on=dt.date(2026, 1, 1))
    login_verified(client, world["users"]["shelter_worker"])
    mother_pk = str(world["mother"].pk)
    urls = [u for u in sweep_urls(world) if u.startswith("/henkilot/") and mother_pk in u]
    problems, _statuses, _ok, _volunteer_pages = _sweep(client, urls, pdf_html)
    leaked = {c for found in problems.values() for c in found}
    assert MOTHER["street_address"] in leaked, problems
