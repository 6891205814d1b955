"""What each app contributes to the shared pages: reports, navigation, service-form links, panels
(and to the data-protection app: the free texts of an episode, the rows of an access request).

The home app (dashboard, report list, navigation) and the configuration admin list what the
apps register here, in the manner of ``admin.site.register``: each app's ``registrations.py``
module registers its own entries, and :func:`tupa.home.apps.HomeConfig.ready` imports every
installed app's ``registrations`` module (:func:`autodiscover`). Adding a report or a link
therefore touches only the app that owns it. See ``docs/adr/0007-registry.md``.

This module is on the ground floor: it imports nothing of Tupa. Who may see an entry is written
as a policy action name (decided by the home app with ``tupa.access.policy.decide``) or as a
predicate (usually from ``tupa.access``); the registry only stores it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

#: Who may see an entry: a policy action (``"residential.billing.view"``) decided on the user
#: (and the service form, for per-form entries), or a predicate ``(user, form) -> bool``
#: (``(user) -> bool`` for navigation links).
Visibility = str | Callable[..., bool]

Label = str | Promise


def _always(form: Any) -> bool:
    return True


@dataclass(frozen=True)
class Report:
    """An aggregate report of a service form, listed on the dashboard under "Raportit ja tilastot".

    ``url_name`` is reversed with the service form's slug. ``applies`` says for which service
    forms (kind, flags) the report exists; ``available_in``, when given, returns the ids of the
    organisation's service forms where the report has something to show (one query per request,
    e.g. the forms that have group programmes).
    """

    url_name: str
    title: Label
    visible: Visibility
    applies: Callable[[Any], bool] = _always
    available_in: Callable[[int], Collection[int]] | None = None
    category: str = "statistics"
    order: int = 100

    @property
    def key(self) -> str:
        return self.url_name


@dataclass(frozen=True)
class NavLink:
    """An entry of the main navigation (no arguments in the URL), shown to whom ``visible`` allows."""

    url_name: str
    title: Label
    visible: Visibility
    order: int = 100

    @property
    def key(self) -> str:
        return self.url_name


@dataclass(frozen=True)
class ServiceFormLinks:
    """A template of links on a service form's page (``<li>`` items), for the forms it applies to.

    The template gets the page's context (``service_form``, ``user``, …) and decides per link,
    with the access predicates its view passes, what to show.
    """

    template: str
    applies: Callable[[Any], bool] = _always
    order: int = 100

    @property
    def key(self) -> str:
        return self.template


@dataclass(frozen=True)
class DashboardPanel:
    """A panel of the dashboard: ``context(user)`` is put in the page's context as ``name``."""

    name: str
    template: str
    context: Callable[[Any], dict[str, Any]]
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class AdminExtension:
    """Extra pages of the configuration admin that are not model admins.

    ``urls(site)`` returns URL patterns put before the admin's own; ``app_list_entry(request,
    site)`` returns a model-list entry (or ``None``) added under the app labelled ``app_label``.
    """

    name: str
    app_label: str
    urls: Callable[[Any], list[Any]]
    app_list_entry: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class EpisodePanel:
    """A section of the client's episode page contributed by another app.

    ``context(request, episode, basis)`` runs only after the episode page has decided that the
    user sees the episode (``basis`` is that decision's basis); it returns the template's context
    or ``None`` to show nothing. It must run in a constant number of queries.
    """

    name: str
    template: str
    context: Callable[[Any, Any, Any], dict[str, Any] | None]
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class GrantPanel:
    """A section of a grant's page in the grants register contributed by another app (the
    statistics app's results reports of the grant).

    ``context(request, grant)`` runs only after the grant's page has decided that the user may
    read the register; it returns the template's context or ``None`` to show nothing. It must
    run in a constant number of queries.
    """

    name: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class VolunteerChoice:
    """A volunteer a session may name: ``problem`` is "" when they may be put on it, otherwise
    the Finnish reason they may not (no current task in the form, no valid record check, …)."""

    pk: int
    name: str
    problem: str = ""


@dataclass(frozen=True)
class VolunteerStaffing:
    """How a group or drop-in session chooses its volunteers (registered once, by the volunteers
    app, which owns the rules; the session apps may not import it, ADR 0008).

    ``choices(*, service_form, on, with_children, include=())`` returns the organisation's
    volunteers who have a task in ``service_form`` (and those in ``include``), each with the
    answer for a session on ``on``; ``with_children`` asks for the record check of work with
    children. At most a handful of queries, whatever the number of volunteers.
    """

    name: str
    choices: Callable[..., list[VolunteerChoice]]

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class VolunteerSession:
    """One session a volunteer is on, as the volunteer's page lists it (no client data)."""

    starts_at: Any
    ends_at: Any
    service_form: str
    title: str
    role: str
    cancelled: bool = False


@dataclass(frozen=True)
class VolunteerSessions:
    """The sessions of one app that name a volunteer: ``sessions(*, volunteer_id, since, until)``
    returns :class:`VolunteerSession` rows (a constant number of queries)."""

    name: str
    sessions: Callable[..., list[VolunteerSession]]
    order: int = 100

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class BillableItem:
    """One billable unit a feature app reports to invoicing (issue 14, docs/finance-invoicing.md).

    It never carries a person's name or address: the buyer knows the case by
    ``case_reference`` (the payment commitment's decision number, the order's diary number).

    - ``source``: the registering :class:`BillableSource`'s key.
    - ``service_form_id``: whose work it is: the cost centre, and the form whose lead approves
      the month's basis before it is invoiced.
    - ``day``: the date that prices it (the price row valid on that day applies).
    - ``item``: what is priced, a ``tupa.finance.models.PricedItem`` value (``care_day_child``,
      ``meeting``, ``rental`` …); ``meeting_type`` for meetings.
    - ``quantity``: care days, meetings, hours (a ``Decimal``).
    - ``group_key``: the stable key of the record group within the source (``commitment:12``):
      a later run compares what was invoiced for it with what the records say now.
    - ``payer_id``: the ``organisations.Partner`` the record names as payer (a commitment), or
      ``None``; then ``municipality_id`` (the resident municipality) finds the buyer through an
      agreement's coverage, or ``buyer_name`` names a buyer outside agreements (a rental).
    - ``unit_price``: a price the record itself carries (a rental's hourly price), used when no
      agreement prices the item.
    - ``records``: ``(label, pk)`` pairs of the records behind it, for traceability.
    """

    source: str
    service_form_id: int
    day: Any
    item: str
    quantity: Any
    group_key: str
    case_reference: str = ""
    description: str = ""
    meeting_type: str = ""
    payer_id: int | None = None
    municipality_id: int | None = None
    buyer_name: str = ""
    unit_price: Any = None
    records: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class BillableSource:
    """A feature app's billable records: ``collect(*, organisation_id, start, end, as_of,
    service_form_ids)`` returns the :class:`BillableItem` s whose ``day`` falls in
    ``start..end`` (inclusive) — of the forms in ``service_form_ids`` only, unless it is
    ``None`` — in a constant number of queries; the caller holds the organisation scope."""

    key: str
    label: Label
    collect: Callable[..., list[BillableItem]]
    order: int = 100


#: The pseudo field of an :class:`EpisodeText` of the episode model that stands for the text
#: answers of the episode's basic form (a JSON field whose ``text`` answers are free texts).
EPISODE_BASIC_FORM = "basic_form"


@dataclass(frozen=True)
class EpisodeText:
    """Free texts of one model kept on a client episode (or on a row reached from it),
    registered by the app that owns the model.

    The data-protection app's erasure (``tupa.dataprotection.erasure.texts``) counts these
    texts on the execution page and clears them from the episodes that are the erased person's
    alone; a test there fails on a free-text field of an episode-linked model that is neither
    registered here nor listed as kept on purpose.

    - ``key``: the kind's stable name (``"goals"``); a key registers once.
    - ``label``: the kind as the execution page names it (the counts are keyed by it).
    - ``model``: the model class.
    - ``episode``: the lookup from the model to the episode's id (``"episode_id"``,
      ``"order__episode_id"``; ``"id"`` for the episode itself).
    - ``fields``: the model's free-text fields. A field that may be blank is cleared to
      ``""``; a required one gets the erasure's placeholder text. :data:`EPISODE_BASIC_FORM`
      (on the episode model only) stands for the basic form's text answers, which are emptied
      (the coded answers stay).
    - ``order``: where the kind is counted and listed (then registration order).
    """

    key: str
    label: Label
    model: Any
    episode: str
    fields: tuple[str, ...]
    order: int = 100


@dataclass(frozen=True)
class AccessRequestPiece:
    """One piece of a person's data in the draft of her access request (GDPR art. 15),
    contributed by the app that keeps it.

    - ``key``: the item's stable key (``"meeting_order:12"``): review decisions refer to it.
    - ``kind``: ``"shelter_data"``, ``"meeting_order"``, ``"meeting"`` or ``"group"`` (the
      draft's sections; ``tupa.dataprotection.access_requests.items.DraftEpisode``).
    - ``participant_id``: the person's participation (so her episode) the piece belongs to.
    - ``heading`` and ``text``: what the reviewer reads and, once released, the person gets.
    - ``review_reasons``: why the piece may carry another person's data (empty: hers alone).
      The draft adds the reason "another person is named in the text" itself.
    """

    key: str
    kind: str
    participant_id: int
    heading: str
    text: str
    review_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccessRequestSource:
    """A feature app's rows in the draft of an access request
    (``tupa.dataprotection.access_requests``): ``collect(*, participant_ids)`` returns the
    :class:`AccessRequestPiece` s of the person's participations ``participant_ids``, each
    kind in the order the draft lists it, in a constant number of queries; the caller has
    disabled the organisation scope (the ids are the scoped person's)."""

    key: str
    collect: Callable[..., list[AccessRequestPiece]]
    order: int = 100


E = TypeVar(
    "E",
    Report,
    NavLink,
    ServiceFormLinks,
    DashboardPanel,
    AdminExtension,
    EpisodePanel,
    GrantPanel,
    VolunteerStaffing,
    VolunteerSessions,
    BillableSource,
    EpisodeText,
    AccessRequestSource,
)


@dataclass
class Registry(Generic[E]):
    """Entries of one kind, in ``order`` (then registration order); a key registers once."""

    kind: str
    _entries: dict[str, E] = field(default_factory=dict)

    def register(self, *entries: E) -> None:
        for entry in entries:
            if entry.key in self._entries:
                raise ValueError(f"{self.kind} {entry.key!r} is already registered")
            self._entries[entry.key] = entry

    def unregister(self, key: str) -> None:
        del self._entries[key]

    def all(self) -> list[E]:
        ranked = sorted(
            enumerate(self._entries.values()),
            key=lambda ie: (getattr(ie[1], "order", 100), ie[0]),
        )
        return [entry for _seq, entry in ranked]

    def __iter__(self) -> Iterator[E]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._entries)


reports: Registry[Report] = Registry("report")
nav_links: Registry[NavLink] = Registry("navigation link")
service_form_links: Registry[ServiceFormLinks] = Registry("service-form links")
dashboard_panels: Registry[DashboardPanel] = Registry("dashboard panel")
admin_extensions: Registry[AdminExtension] = Registry("admin extension")
episode_panels: Registry[EpisodePanel] = Registry("episode panel")
grant_panels: Registry[GrantPanel] = Registry("grant panel")
volunteer_staffing: Registry[VolunteerStaffing] = Registry("volunteer staffing")
volunteer_sessions: Registry[VolunteerSessions] = Registry("volunteer sessions")
billable_sources: Registry[BillableSource] = Registry("billable source")
episode_texts: Registry[EpisodeText] = Registry("episode free text")
access_request_sources: Registry[AccessRequestSource] = Registry("access-request source")


def shown_panels(
    panels: Registry[EpisodePanel] | Registry[GrantPanel], *args: Any
) -> list[dict[str, Any]]:
    """The panels of a page (``episode_panels``, ``grant_panels``) that have something to show,
    as ``{"template", "context"}`` for ``{% include panel.template with panel=panel.context %}``;
    ``args`` are what each panel's ``context`` takes after the page has decided the user sees
    the object."""
    shown = []
    for panel in panels.all():
        found = panel.context(*args)
        if found is not None:
            shown.append({"template": panel.template, "context": found})
    return shown


def volunteer_choices(
    *, service_form: Any, on: Any, with_children: bool, include: Collection[int] = ()
) -> list[VolunteerChoice]:
    """The volunteers a session of ``service_form`` on ``on`` may name (none when no app has
    registered the staffing rules)."""
    found: list[VolunteerChoice] = []
    for entry in volunteer_staffing.all():
        found.extend(
            entry.choices(
                service_form=service_form, on=on, with_children=with_children, include=include
            )
        )
    return found


def autodiscover() -> None:
    """Import every installed app's ``registrations`` module (once; Django caches the imports)."""
    autodiscover_modules("registrations")
