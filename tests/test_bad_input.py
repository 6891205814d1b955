"""Bad input gets a clear message and loses nothing (the project's fixed point).

A sweep over the forms of the project: the canary world of ``tupa/people/tests/test_canary.py``
(objects for every URL; here with a drop-in, a prevention, a group and a visitation service
form, a group programme and a visitation episode more), its URL list (:func:`sweep_urls`: every
GET URL, parameters filled with the world's ids and slugs) and its roles. Each URL name is
requested by one role class at a time (:data:`ROLE_CLASSES`, each on its own service form's
pages) until one page shows a data form; every ``<form method="post">`` of the page with a field
to spoil (deduplicated by action and field names) is then posted with bad values:

* **all bad** (twice, the values shifted by one) — every text field (input or textarea) a
  ``<script>`` string, a 20 000-character string or a string with a NUL byte in turn, every
  date-like field ``31.2.2026`` or ``2026-13-45``, every number ``-1``, ``1e400`` or
  ``99999999999999999999``, every select and radio group a value not among its options;
* **one bad** — the first required text field the 20 000-character string (with the
  ``<script>``), the rest the form's own initial values; and once more with a NUL byte.

Checked for each POST: no server error; no unescaped ``<script>`` of ours in the answer; a form
shown again (200, or 400 as many views answer an invalid POST) says what is wrong (the error
list or error summary of ``tupa/templates/forms/``, or an error notification) and shows what was
typed in at least one text field — unless the answer is a success page (the value was stored);
a redirect after bad choices, dates or numbers leads to a page with an error or warning
message. Every value carries a marker, and at the end the database is searched for them: a
stored NUL byte, a long text cut short or longer than its column (SQLite keeps it, PostgreSQL
would answer 500), or a value stored although a date, number or choice of the same POST was bad
is a defect.

What fails today is listed in :data:`KNOWN` (URL name of the form's action → what happens); the
test fails when a new failure appears and when a listed one no longer fails ("remove from
KNOWN"). Forms whose input is a query, not data (:data:`QUERY_FORMS`), answer with results
instead of an error: for them only "no server error, nothing unescaped" is checked. Run with
``-p no:xdist -s`` to see the size of the sweep and its findings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.models import Q
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django_scopes import scopes_disabled

from tupa.accounts.models import Membership, Role
from tupa.core.tests.factories import (
    EpisodeFactory,
    ParticipantFactory,
    ServiceFormFactory,
    own_activity_form,
    worker_in,
)
from tupa.core.tests.helpers import login_verified, module_world
from tupa.organisations.models import ServiceForm
from tupa.people.tests.canary_world import MOTHER_HETU, build_world, sweep_urls
from tupa.programmes.tests.support import programme

pytestmark = pytest.mark.django_db

#: The service forms the canary world lacks, whose pages have forms of their own: slug → kind.
EXTRA_FORMS = {
    "olohuone": ServiceForm.Kind.DROP_IN,
    "ennalta": ServiceForm.Kind.PREVENTION,
    "ryhmat": ServiceForm.Kind.GROUP,
    "valvotut": ServiceForm.Kind.VISITATION,
}


def build_bad_input_world() -> dict[str, Any]:
    """The canary world, with a lead in a drop-in, a prevention, a group and a visitation
    service form, and the volunteer coordinator of its Mieskaveri form (their slugs join the
    world's, so that :func:`sweep_urls` fills their pages' parameters too)."""
    world = build_world()
    org = world["org"]
    with scopes_disabled():
        area = ServiceForm.objects.get(organisation=org, slug="turvakoti").area
    for slug, kind in EXTRA_FORMS.items():
        name = f"Lomakekoe {slug}"
        if kind == ServiceForm.Kind.VISITATION:  # a client register, like the canary forms
            form = ServiceFormFactory.create(
                kind=kind, organisation=org, area=area, slug=slug, name=name
            )
        else:  # the association's own activity register
            form = own_activity_form(kind, organisation=org, slug=slug, name=name)
        world["users"][f"{slug}_lead"] = worker_in(form, role=Role.LEAD)
        world["slugs"].append(slug)
    with scopes_disabled():
        coordinator = Membership.objects.get(
            service_form__slug="mieskaveri", role=Role.VOLUNTEER_COORDINATOR
        )
    world["users"]["coordinator"] = coordinator.user
    world["slugs"].append("mieskaveri")
    # objects of their own for the visitation and group leads (their pages' ids)
    lead = world["users"]["valvotut_lead"]
    with scopes_disabled():
        visitation = ServiceForm.objects.get(organisation=org, slug="valvotut")
        group = ServiceForm.objects.get(organisation=org, slug="ryhmat")
    episode = EpisodeFactory.create(service_form=visitation, organisation=org, created_by=lead)
    ParticipantFactory.create(episode=episode, person=world["ex_partner"], role="client")
    group_programme = programme(group, world["users"]["ryhmat_lead"])
    world["ids"]["episode"].append(episode.pk)
    world["ids"]["programme"] = [group_programme.pk]
    world["own_ids"] = {"valvotut_lead": [episode.pk], "ryhmat_lead": [group_programme.pk]}
    return world


built_world, world = module_world(build_bad_input_world)

#: One role of each kind (with the slug of its own service form, whose pages it tries), in the
#: order in which they claim a URL name: the first whose page of that name shows a data form
#: posts to it; later roles do not request it, nor once two roles saw the page without one.
ROLE_CLASSES = {
    "shelter_lead": "turvakoti",
    "exec": "",
    "jussi_worker": "jussi",
    "coordinator": "mieskaveri",
    "olohuone_lead": "olohuone",
    "ennalta_lead": "ennalta",
    "ryhmat_lead": "ryhmat",
    "valvotut_lead": "valvotut",
    "admin": "",
    "dpo": "",
    "finance": "",
    "volunteer": "",
}
#: How many of a name's URLs a role tries (its own service form's first).
TRIES = 2

#: Form actions never posted to: they end the session or change only the UI language.
SKIP_ACTIONS = {"set_language", "accounts:logout", "accounts:logout_everywhere"}

#: Forms whose input is a query, not data to store: their answer to a bad query is a result
#: page (possibly empty), not an error.
QUERY_FORMS = {
    "people:search": "the quick search: a bad query finds nothing",
    "episodes:client_list": "the client list's name filter",
    "rights:person_lookup": "the DPO's exact lookup: a bad identifier finds no one",
}

#: Defects found by this sweep and not yet fixed: URL name of the form's action → what happens.
#: Remove an entry when its defect is fixed (the test says so).
KNOWN: dict[str, str] = {}

#: Forms the sweep must reach (one of each area), so that it does not silently shrink.
MUST_REACH = {
    "people:create",
    "episodes:journal_create",
    "residential:admit",
    "visitation:order_create",
    "programmes:edit",
    "dropin:today",
    "prevention:activity_new",
    "volunteers:create",
    "finance:invoice_create",
    "statistics:send",
    "surveys:questionnaire_new",
    "rights:restriction_add",
}

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
LONG = 20_000
BAD_DATES = ["31.2.2026", "2026-13-45"]
BAD_NUMBERS = ["-1", "1e400", "99999999999999999999"]
BAD_CHOICE = "987654321"
ERROR_MARKUP = ('class="errorlist', 'class="error-summary"', "hds-notification--error")
#: A message after a redirect (base.html's error and warning notifications; the admin's).
MESSAGE_MARKUP = ("hds-notification--alert", '<li class="warning"', '<li class="error"')
#: What a redisplayed form answers with: 200, or 400 (many views mark an invalid POST so).
REDISPLAY = {200, 400}
TEXT_TYPES = {"text", "search", "email", "tel", "url", "password", ""}
DATE_TYPES = {"date", "datetime-local", "month", "week", "time"}


# --- reading forms -----------------------------------------------------------------------------


@dataclass
class Field:
    tag: str  # input, textarea, select
    type: str
    name: str
    value: str = ""
    required: bool = False
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)

    @property
    def kind(self) -> str:
        if self.tag == "select":
            return "choice"
        if self.tag == "textarea":
            return "text"
        if self.type in {"hidden", "submit", "button", "image", "reset", "file"}:
            return self.type
        if self.type in {"checkbox", "radio", "password"}:
            return self.type
        if self.type in DATE_TYPES or any(
            hint in self.name.lower() for hint in ("date", "_on", "paiva", "pvm")
        ):
            return "date"
        if self.type in {"number", "range"}:
            return "number"
        return "text" if self.type in TEXT_TYPES else "other"


@dataclass
class Form:
    action: str
    fields: list[Field] = field(default_factory=list)

    def initial(self) -> dict[str, list[str]]:
        """What a browser would send untouched."""
        data: dict[str, list[str]] = {}
        buttons = [f for f in self.fields if f.kind in {"submit", "image"}]
        if buttons:  # the first submit button, as a browser sends on Enter
            data[buttons[0].name] = [buttons[0].value]
        for f in self.fields:
            if f.kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if f.kind in {"checkbox", "radio"}:
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.tag == "select":
                chosen = [v for v, selected in f.options if selected] or [
                    v for v, _s in f.options[:1]
                ]
                data.setdefault(f.name, []).extend(chosen)
            else:
                data.setdefault(f.name, []).append(f.value)
        return data

    def spoilable(self) -> list[Field]:
        return [
            f
            for f in self.fields
            if f.kind in {"text", "password", "date", "number", "choice", "radio"}
        ]


class FormParser(HTMLParser):
    """The ``<form method="post">`` elements of a page with their fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(action=a.get("action", ""))
                self.forms.append(self._form)
            return
        if self._form is None or (tag not in {"input", "textarea", "select", "option", "button"}):
            return
        if tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select.options.append(("", False))  # replaced at the end tag
            return
        name = a.get("name")
        if not name:
            return
        f = Field(
            tag=tag,
            type=a.get("type", {"input": "text", "button": "submit"}.get(tag, tag)).lower(),
            name=name,
            value=a.get("value", ""),
            required="required" in a,
            checked="checked" in a,
        )
        self._form.fields.append(f)
        if tag == "textarea":
            self._textarea = f
        elif tag == "select":
            self._select = f

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "option":
            self._close_option()

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options[-1] = (text.strip() if value is None else value, selected)
        self._option = None


def post_forms(page: str) -> list[Form]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


# --- bad values --------------------------------------------------------------------------------


def long_value(marker: str) -> str:
    head = f"{marker}-{SCRIPT}-"
    return head + "x" * (LONG - len(head))


def text_values(marker: str) -> list[str]:
    return [f"{SCRIPT}{marker}", long_value(marker), f"{marker}a\x00b"]


def all_bad(form: Form, marker: str, shift: int) -> dict[str, list[str]]:
    data = form.initial()
    counters = {"text": shift, "date": shift, "number": shift}
    texts = text_values(marker)
    for f in form.spoilable():
        kind = "text" if f.kind == "password" else f.kind
        if kind in {"choice", "radio"}:
            data[f.name] = [BAD_CHOICE]
            continue
        pool = {"text": texts, "date": BAD_DATES, "number": BAD_NUMBERS}[kind]
        data[f.name] = [pool[counters[kind] % len(pool)]]
        counters[kind] += 1
    return data


def first_text(form: Form) -> Field | None:
    texts = [f for f in form.fields if f.kind in {"text", "password"}]
    return next((f for f in texts if f.required), texts[0] if texts else None)


# --- one sweep ---------------------------------------------------------------------------------


@dataclass
class Attempt:
    key: str  # the action's URL name
    role: str
    page: str
    variant: str
    marker: str
    fields: list[str]
    spoiled: list[str] = field(default_factory=list)  # non-text fields given a bad value


@dataclass
class Sweep:
    problems: dict[str, list[str]] = field(default_factory=dict)
    attempts: dict[str, Attempt] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)
    settled: set[str] = field(default_factory=set)
    seen: dict[str, int] = field(default_factory=dict)  # answers 200 without a new data form
    forms: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    unmarked: list[tuple[Attempt, int]] = field(default_factory=list)
    silent: list[Attempt] = field(default_factory=list)  # redirected, no message on the next page
    posts: int = 0
    pages: int = 0

    def note(self, key: str, what: str) -> None:
        self.problems.setdefault(key, []).append(what)


def view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def candidates(urls: list[str]) -> dict[str, list[str]]:
    """The URLs of each view name, in the world's order, without those of made-up objects."""
    by_name: dict[str, list[str]] = {}
    for url in urls:
        name = view_name(url)
        if name is not None and "987654" not in url and "ei-olemassa" not in url:
            by_name.setdefault(name, []).append(url)
    return by_name


def check_answer(
    client: Client, sweep: Sweep, attempt: Attempt, response: Any, query_form: bool
) -> None:
    where = f"{attempt.role} {attempt.variant} {attempt.page}"
    status = response.status_code
    if status >= 500:
        sweep.note(attempt.key, f"{status} ({where})")
        return
    if status in (301, 302, 303) and attempt.spoiled:
        # bad choices, dates or numbers and yet a redirect: the next page must say why
        location = response.get("Location", "")
        if "/kirjautuminen/" not in location:
            landed = client.get(location)
            said = landed.content.decode("utf-8", "replace") if landed.status_code == 200 else ""
            if not any(mark in said for mark in (*ERROR_MARKUP, *MESSAGE_MARKUP)):
                sweep.silent.append(attempt)
    if getattr(response, "streaming", False):
        return
    text = response.content.decode("utf-8", "replace")
    if SCRIPT in text:
        sweep.note(attempt.key, f"unescaped <script> in the answer ({where})")
    if query_form or status not in REDISPLAY or "html" not in response.get("Content-Type", ""):
        return
    if not any(mark in text for mark in ERROR_MARKUP):
        # a success page, if the value was stored; judged after the database is searched
        sweep.unmarked.append((attempt, status))
    elif attempt.fields and attempt.marker not in text:
        sweep.note(attempt.key, f"what was typed is not shown again ({where})")


def stored_values(markers: dict[str, Attempt]) -> list[tuple[Attempt, str, str]]:
    """Every stored text value holding one of the markers: (attempt, model.field, value)."""
    found: list[tuple[Attempt, str, str]] = []
    prefix = "BADIN"
    with scopes_disabled():
        for model in apps.get_models():
            names = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, models.CharField | models.TextField)
            ]
            if not names:
                continue
            query = Q()
            for name in names:
                query |= Q(**{f"{name}__contains": prefix})
            for row in model._base_manager.filter(query).values_list(*names):
                for name, value in zip(names, row, strict=True):
                    if not isinstance(value, str) or prefix not in value:
                        continue
                    for marker, attempt in markers.items():
                        if marker in value:
                            found.append((attempt, f"{model._meta.label}.{name}", value))
    return found


def judge_stored(sweep: Sweep) -> None:
    stored = stored_values(sweep.attempts)
    kept = {attempt.marker for attempt, _column, _value in stored}
    for attempt, status in sweep.unmarked:
        if attempt.marker not in kept:
            where = f"{attempt.role} {attempt.variant} {attempt.page}"
            sweep.note(attempt.key, f"{status} without an error message, nothing stored ({where})")
    for attempt in sweep.silent:
        if attempt.marker not in kept:
            where = f"{attempt.role} {attempt.variant} {attempt.page}"
            sweep.note(
                attempt.key,
                f"{attempt.spoiled} bad, redirected without a message, nothing stored ({where})",
            )
    for attempt, column, value in stored:
        where = f"{attempt.role} {attempt.variant} {attempt.page} → {column}"
        model_label, field_name = column.rsplit(".", 1)
        max_length = apps.get_model(model_label)._meta.get_field(field_name).max_length
        if "\x00" in value:
            sweep.note(attempt.key, f"stored a NUL byte ({where})")
        if attempt.spoiled:
            sweep.note(attempt.key, f"stored although {attempt.spoiled} were bad ({where})")
        if value.endswith("x") and value.startswith(attempt.marker) and len(value) != LONG:
            sweep.note(attempt.key, f"long text stored cut to {len(value)} ({where})")
        if max_length is not None and len(value) > max_length:
            sweep.note(
                attempt.key, f"stored {len(value)} chars in a {max_length}-char column ({where})"
            )


def role_urls(urls: list[str], slug: str, own: list[int], slugs: list[str]) -> list[str]:
    """The URLs of a name that a role tries: of a page about its own service form or objects,
    those; not a page about another form; else (and for a role of the whole organisation) the
    name's first URL."""
    mine = [url for url in urls if f"/{slug}/" in url or any(f"/{i}/" in url for i in own)]
    if slug and mine:
        return mine[:TRIES]
    if slug and any(f"/{s}/" in url for url in urls for s in slugs):
        return []
    return urls[:1]


def sweep_role(
    client: Client,
    user: Any,
    role: str,
    slug: str,
    by_name: dict[str, list[str]],
    own: list[int],
    slugs: list[str],
    sweep: Sweep,
) -> None:
    for name, urls in by_name.items():
        if name in sweep.settled or name in SKIP_ACTIONS:
            continue
        for page_url in role_urls(urls, slug, own, slugs):
            response = client.get(page_url)
            sweep.pages += 1
            if response.status_code == 200:
                break
        else:
            continue
        sweep.seen[name] = sweep.seen.get(name, 0) + 1
        if sweep.seen[name] >= 2:
            sweep.settled.add(name)
        if getattr(response, "streaming", False):
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        page_forms = []
        for form in post_forms(response.content.decode("utf-8", "replace")):
            action = form.action or page_url
            key = view_name(action) or action
            if key in SKIP_ACTIONS or not form.spoilable():
                continue
            signature = (key, tuple(sorted(f.name for f in form.fields)))
            if signature in sweep.forms:
                continue
            sweep.forms.add(signature)
            page_forms.append((key, action, form))
        if page_forms:
            sweep.claimed.add(name)
            sweep.settled.add(name)
        for key, action, form in page_forms:
            post_bad(client, user, role, page_url, key, action, form, sweep)


def post_bad(
    client: Client,
    user: Any,
    role: str,
    page: str,
    key: str,
    action: str,
    form: Form,
    sweep: Sweep,
) -> None:
    variants: list[tuple[str, dict[str, list[str]], Attempt]] = []
    for shift in (0, 1):
        marker = f"BADIN{len(sweep.attempts) + len(variants):05d}Q"
        texts = [f.name for f in form.fields if f.kind == "text"]
        spoiled = [f.name for f in form.spoilable() if f.kind not in {"text", "password"}]
        attempt = Attempt(key, role, page, f"all bad/{shift}", marker, texts, spoiled)
        variants.append((marker, all_bad(form, marker, shift), attempt))
    target = first_text(form)
    if target is not None:
        for label, make in (("long", long_value), ("nul", lambda m: f"{m}a\x00b")):
            marker = f"BADIN{len(sweep.attempts) + len(variants):05d}Q"
            data = form.initial()
            data[target.name] = [make(marker)]
            echoed = [target.name] if target.kind == "text" else []
            attempt = Attempt(key, role, page, f"one bad ({label}: {target.name})", marker, echoed)
            variants.append((marker, data, attempt))
    for marker, data, attempt in variants:
        sweep.attempts[marker] = attempt
        response = client.post(action, data)
        sweep.posts += 1
        if response.status_code in (301, 302, 303) and "/kirjautuminen/" in response.get(
            "Location", ""
        ):  # the POST ended the session (none does today): log in again for the next ones
            login_verified(client, user)
        check_answer(client, sweep, attempt, response, key in QUERY_FORMS)


def run_sweep(world: dict[str, Any]) -> Sweep:
    sweep = Sweep()
    by_name = candidates(sweep_urls(world))
    for role, slug in ROLE_CLASSES.items():
        user = world["users"][role]
        client = Client(raise_request_exception=False)
        login_verified(client, user)
        if role == "dpo":  # the extract pages open only for the person found by the lookup
            client.post(reverse("rights:person_lookup"), {"identifier": MOTHER_HETU})
        own = world["own_ids"].get(role, [])
        sweep_role(client, user, role, slug, by_name, own, world["slugs"], sweep)
    judge_stored(sweep)
    return sweep


@pytest.mark.heavy
def test_bad_input_gets_a_message_and_loses_nothing(world: dict[str, Any]) -> None:
    started = time.monotonic()
    sweep = run_sweep(world)
    elapsed = time.monotonic() - started
    report = "\n".join(
        f"{key}: {what}" for key, whats in sorted(sweep.problems.items()) for what in whats
    )
    print(  # shown with -s: the size of the sweep and what it found
        f"{len(sweep.claimed)} pages, {len(sweep.forms)} forms, {sweep.posts} POSTs, "
        f"{sweep.pages} GETs, {elapsed:.1f} s\n{report}"
    )
    assert len(sweep.forms) > 80, "the sweep found suspiciously few forms"
    missed = sorted(MUST_REACH - {key for key, _fields in sweep.forms})
    assert not missed, f"the sweep no longer posts to {missed}"
    new = sorted(set(sweep.problems) - set(KNOWN))
    assert not new, "bad input mishandled:\n" + "\n".join(
        f"{key}: {what}" for key in new for what in sweep.problems[key]
    )
    fixed = sorted(set(KNOWN) - set(sweep.problems))
    assert not fixed, f"no longer failing, remove from KNOWN: {fixed}"


# --- the sweep's own checks can fail -----------------------------------------------------------


def test_the_parser_reads_a_form_as_a_browser_sends_it() -> None:
    page = """<form method="get"><input name="q"></form>
    <form method="post" action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="title" required value="Otsikko"><input type="date" name="when">
      <input type="number" name="count" value="2"><input name="given_on">
      <textarea name="text">
Teksti</textarea>
      <select name="kind"><option value="">--</option><option value="a" selected>A</option></select>
      <input type="checkbox" name="ok" checked><input type="file" name="attachment">
      <button type="submit" name="action" value="save">Tallenna</button></form>"""
    [form] = post_forms(page)
    assert form.action == "/x/"
    assert form.initial() == {
        "action": ["save"],
        "csrfmiddlewaretoken": ["t"],
        "title": ["Otsikko"],
        "when": [""],
        "given_on": [""],
        "count": ["2"],
        "text": ["Teksti"],
        "kind": ["a"],
        "ok": ["on"],
    }
    bad = all_bad(form, "M", 0)
    assert bad["title"] == [f"{SCRIPT}M"]
    assert bad["text"] == [long_value("M")] and len(bad["text"][0]) == LONG
    assert bad["when"] == ["31.2.2026"] and bad["given_on"] == ["2026-13-45"]
    assert bad["count"] == ["-1"] and bad["kind"] == [BAD_CHOICE]
    assert "attachment" not in bad and bad["csrfmiddlewaretoken"] == ["t"]
    target = first_text(form)
    assert target is not None and target.name == "title"


def _attempt(marker: str, spoiled: list[str] | None = None) -> Attempt:
    return Attempt("x:y", "role", "/p/", "all bad/0", marker, ["title"], spoiled or [])


def test_the_answer_checks_catch_what_they_look_for() -> None:
    from django.http import HttpResponse

    client = Client()
    answers = {
        "500": HttpResponse(status=500),
        "unescaped": HttpResponse(f"<p>{SCRIPT}</p>"),
        "not shown again": HttpResponse('<ul class="errorlist"><li>Virhe</li></ul>', status=400),
    }
    for expected, response in answers.items():
        sweep = Sweep()
        check_answer(client, sweep, _attempt("BADIN99999Q"), response, query_form=False)
        assert any(expected in what for what in sweep.problems["x:y"]), (expected, sweep)
    sweep = Sweep()
    shown = '<ul class="errorlist"><li>Virhe</li></ul><input value="BADIN99999Q-&lt;script&gt;">'
    check_answer(client, sweep, _attempt("BADIN99999Q"), HttpResponse(shown), query_form=False)
    assert not sweep.problems
    check_answer(client, sweep, _attempt("BADIN99999Q"), HttpResponse("<p>ok</p>"), False)
    assert sweep.unmarked and not sweep.problems  # judged after the database is searched


def test_what_was_stored_is_judged(world: dict[str, Any]) -> None:
    from tupa.people.models import Household

    sweep = Sweep()
    nul, cut, dated, lost = (f"BADIN9000{i}Q" for i in range(4))
    for marker, key in ((nul, "a:nul"), (cut, "a:cut"), (dated, "a:date"), (lost, "a:lost")):
        attempt = _attempt(marker, ["given_on"] if key == "a:date" else [])
        attempt.key = key
        sweep.attempts[marker] = attempt
    sweep.unmarked.append((sweep.attempts[lost], 200))
    # PostgreSQL refuses a NUL byte in text outright (the request would answer 500, which the
    # sweep judges); only SQLite can store one.
    stores_nul = connection.vendor == "sqlite"
    names = [long_value(cut)[:150], f"{SCRIPT}{dated}"] + ([f"{nul}a\x00b"] if stores_nul else [])
    with scopes_disabled():
        for name in names:
            Household.objects.create(organisation=world["org"], name=name)
    judge_stored(sweep)
    assert bool([w for w in sweep.problems.get("a:nul", []) if "NUL" in w]) == stores_nul
    assert [w for w in sweep.problems["a:cut"] if "cut to 150" in w]
    assert [w for w in sweep.problems["a:date"] if "['given_on'] were bad" in w]
    assert [w for w in sweep.problems["a:lost"] if "without an error message" in w]
