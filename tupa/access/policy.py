"""The single, declarative answer to "may this user do this, and on what basis".

Views, selectors, exports and the API all ask :func:`decide` (or :func:`require`). Rules are
data: ``RULES`` maps an action to the roles that grant it and to the scope in which the role
must be held (the object's service form, or anywhere in the organisation). Adding a feature
means adding rows here and to the access-matrix test, not sprinkling ``if`` statements.

Bases are recorded in the access log (Act 703/2023 §: the access basis of each processing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from tupa.accounts.models import Membership, Role
from tupa.core.shapes import Shape

if TYPE_CHECKING:
    from tupa.accounts.models import User


class Basis(StrEnum):
    """Why access was granted; stored with every access-log event."""

    MEMBERSHIP = "membership"  # holds an active role in the object's service form (work task)
    ASSIGNMENT = "assignment"  # assigned to the episode as a co-worker
    ORGANISATION_ROLE = "organisation_role"  # organisation-wide role (e.g. DPO, administrator)
    CONSENT = "consent"  # shared with the user's service form by the client's recorded consent
    BREAK_THE_GLASS = "break_the_glass"  # emergency access with a reason, reviewed by the lead
    SELF = "self"  # the user's own data
    NONE = "none"


class Scope(StrEnum):
    ORGANISATION = "organisation"  # the role may be held anywhere in the user's organisation
    SERVICE_FORM = "service_form"  # the role must be held in the object's own service form


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    scope: Scope
    description: str


def _roles(*roles: Role) -> frozenset[str]:
    return frozenset(str(r) for r in roles)


ALL_ROLES = _roles(*Role)

RULES: dict[str, Rule] = {
    # Organisation structure is not client data: every staff member may read it.
    "organisation.view": Rule(ALL_ROLES, Scope.ORGANISATION, "read areas, teams, service forms"),
    "service_form.view": Rule(ALL_ROLES, Scope.ORGANISATION, "read a service form's attributes"),
    "service_form.staff.view": Rule(
        _roles(Role.LEAD, Role.EXECUTIVE_DIRECTOR, Role.ADMINISTRATOR),
        Scope.SERVICE_FORM,
        "see the staff roster of a service form",
    ),
    "client_work.access": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR),
        Scope.ORGANISATION,
        "use the client-work screens (caseload, search); what is shown is decided per episode",
    ),
    "budget.view": Rule(
        _roles(Role.FINANCE, Role.EXECUTIVE_DIRECTOR, Role.ADMINISTRATOR),
        Scope.ORGANISATION,
        "read the budget by funding source",
    ),
    "finance.agreements.view": Rule(
        _roles(Role.FINANCE, Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "read the purchase-service agreements and their price lists (no client data)",
    ),
    "finance.agreements.manage": Rule(
        _roles(Role.FINANCE),
        Scope.ORGANISATION,
        "record purchase-service agreements, their service forms and price rows (FIN-02)",
    ),
    "finance.grants.view": Rule(
        _roles(Role.FINANCE, Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "read the grants register: applications, decisions, conditions, reporting deadlines",
    ),
    "finance.grants.manage": Rule(
        _roles(Role.FINANCE, Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "record grant applications, their decisions and reporting deadlines (FIN-06)",
    ),
    "finance.invoicing.view": Rule(
        _roles(Role.FINANCE, Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "read invoicing runs, invoices, credit notes and payments: amounts and case references, "
        "never a client record",
    ),
    "finance.invoicing.manage": Rule(
        _roles(Role.FINANCE),
        Scope.ORGANISATION,
        "run invoicing, send invoices and credit notes, export the journal and Finvoice, "
        "import payments",
    ),
    "finance.basis.approve": Rule(
        _roles(Role.LEAD),
        Scope.SERVICE_FORM,
        "approve the billable basis (care days, meetings, hours) of the lead's own service form "
        "for a month before it is invoiced",
    ),
    "finance.actuals.manage": Rule(
        _roles(Role.FINANCE),
        Scope.ORGANISATION,
        "edit the budget by service form and funding source, import monthly actuals",
    ),
    "finance.income.view": Rule(
        _roles(Role.FINANCE, Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "read other income (donations, bequests, fundraising, sponsors, training fees) and the "
        "earmarked funds with their use",
    ),
    "finance.income.manage": Rule(
        _roles(Role.FINANCE),
        Scope.ORGANISATION,
        "record other income and earmarked donations and the events they paid for (FIN-05, FIN-08)",
    ),
    "configuration.manage": Rule(
        _roles(Role.ADMINISTRATOR), Scope.ORGANISATION, "maintain organisation configuration"
    ),
    "audit.browse": Rule(
        _roles(Role.DATA_PROTECTION_OFFICER), Scope.ORGANISATION, "browse the access log"
    ),
    "audit.security_events": Rule(
        _roles(Role.DATA_PROTECTION_OFFICER),
        Scope.ORGANISATION,
        "browse failed logins, lockouts and refused requests (the security event log)",
    ),
    "audit.anomalies": Rule(
        _roles(Role.DATA_PROTECTION_OFFICER),
        Scope.ORGANISATION,
        "work through the weekly anomaly findings of the access log and mark them handled",
    ),
    "account.lockout.lift": Rule(
        _roles(Role.ADMINISTRATOR),
        Scope.ORGANISATION,
        "see current login lockouts and lift one with a reason (recorded for the DPO)",
    ),
    "data_protection.registers.view": Rule(
        _roles(Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER),
        Scope.ORGANISATION,
        "read the register descriptions (GDPR Art 30) generated from the configuration",
    ),
    "data_protection.conformity.view": Rule(
        _roles(Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER),
        Scope.ORGANISATION,
        "read the conformity data (class-B self-declaration, information-security plan)",
    ),
    "history.browse": Rule(
        _roles(Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR),
        Scope.ORGANISATION,
        "browse the change history of organisational data",
    ),
    "account.view": Rule(
        _roles(Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER),
        Scope.ORGANISATION,
        "see another staff member's account and memberships",
    ),
    "programmes.statistics.view": Rule(
        _roles(Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "read the aggregate group-programme statistics of any service form (no persons)",
    ),
    "residential.turnaway.stats": Rule(
        _roles(Role.LEAD, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read the anonymous turn-away counts of a residential unit (lead of it, or org-wide)",
    ),
    "visitation.statistics.view": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read the aggregate supervised-meeting statistics of a visitation form (no persons)",
    ),
    "visitation.billing.view": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.FINANCE, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read the billable supervised-meeting counts per municipality (no persons)",
    ),
    "residential.thl_summary.view": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read a shelter's aggregate THL year summary (members of it, or the executive director)",
    ),
    "residential.billing.view": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.FINANCE),
        Scope.SERVICE_FORM,
        "billable care days per payer with the names billed (members of the form, finance)",
    ),
    "statistics.open": Rule(
        _roles(
            Role.WORKER,
            Role.LEAD,
            Role.COORDINATOR,
            Role.EXECUTIVE_DIRECTOR,
            Role.FINANCE,
            Role.FEDERATION_ANALYST,
            Role.VOLUNTEER_COORDINATOR,
        ),
        Scope.ORGANISATION,
        "open the statistics section (it lists only the returns the user may see)",
    ),
    "statistics.form.view": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read a service form's statistics and STEA report (members of the form, or the ED)",
    ),
    "statistics.municipality.view": Rule(
        _roles(Role.EXECUTIVE_DIRECTOR, Role.FINANCE),
        Scope.ORGANISATION,
        "read a purchasing municipality's yearly report (its residents' figures only)",
    ),
    "planning.view": Rule(
        ALL_ROLES, Scope.ORGANISATION, "read the annual plan's goals and their follow-up"
    ),
    "planning.edit": Rule(
        _roles(Role.LEAD, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "write and assess the plan's goals: a form's lead its form's, the executive director all",
    ),
    "statistics.organisation.view": Rule(
        _roles(Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "read the organisation-wide returns: AVI, the Federation, the board, the overview",
    ),
    "statistics.submit": Rule(
        _roles(Role.LEAD, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "mark a return as sent, freezing it (the form's lead; org-wide returns: the ED)",
    ),
    "statistics.federation.view": Rule(
        _roles(Role.FEDERATION_ANALYST),
        Scope.ORGANISATION,
        "read the member associations' shared, suppressed returns (the federation's staff)",
    ),
    "volunteers.open": Rule(
        _roles(Role.VOLUNTEER_COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.ORGANISATION,
        "open the volunteer register (it lists only the volunteers the user may see)",
    ),
    "volunteers.register.view": Rule(
        _roles(Role.VOLUNTEER_COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read a form's volunteers with contact data, screening, training and hours "
        "(its volunteer coordinator; organisation-wide: the executive director)",
    ),
    "volunteers.register.manage": Rule(
        _roles(Role.VOLUNTEER_COORDINATOR),
        Scope.SERVICE_FORM,
        "register volunteers of a form, change their status, record screening, training "
        "and hours (the form's volunteer coordinator, or one held organisation-wide)",
    ),
    "volunteers.roster.view": Rule(
        _roles(
            Role.WORKER,
            Role.LEAD,
            Role.COORDINATOR,
            Role.VOLUNTEER_COORDINATOR,
            Role.EXECUTIVE_DIRECTOR,
        ),
        Scope.SERVICE_FORM,
        "see the names and roles of a form's current volunteers (never their screening)",
    ),
    "volunteers.statistics.view": Rule(
        _roles(Role.VOLUNTEER_COORDINATOR, Role.LEAD, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read a form's volunteer statistics (its volunteer coordinator or lead, or org-wide); "
        "the volunteers behind a figure only with volunteers.register.view",
    ),
    "volunteers.responsible.set": Rule(
        _roles(Role.LEAD, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "name the volunteer-responsible staff member of a form (VOL-02)",
    ),
    "surveys.open": Rule(
        _roles(
            Role.WORKER,
            Role.LEAD,
            Role.COORDINATOR,
            Role.EXECUTIVE_DIRECTOR,
        ),
        Scope.ORGANISATION,
        "open the feedback pages (each lists only the forms the user works in)",
    ),
    "surveys.manage": Rule(
        _roles(Role.LEAD, Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "build a form's questionnaires, publish versions, set who is asked and when, set up "
        "kiosks and import answers (the form's lead or coordinator; organisation-wide "
        "questionnaires: the executive director)",
    ),
    "surveys.invite": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR),
        Scope.SERVICE_FORM,
        "see a form's due list, make invitations and letters, record paper or oral feedback "
        "and the THL form given (the clients shown: only episodes the user may see)",
    ),
    "surveys.results.view": Rule(
        _roles(
            Role.WORKER,
            Role.LEAD,
            Role.COORDINATOR,
            Role.EXECUTIVE_DIRECTOR,
        ),
        Scope.SERVICE_FORM,
        "read a form's feedback results (aggregates, suppressed under the threshold; a linked "
        "answer's free text only to those who see its episode)",
    ),
    "surveys.quality.manage": Rule(
        _roles(Role.LEAD, Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "fill in a unit's yearly quality self-evaluation and maintain criteria sets",
    ),
    "dropin.statistics.view": Rule(
        _roles(Role.WORKER, Role.LEAD, Role.COORDINATOR, Role.EXECUTIVE_DIRECTOR),
        Scope.SERVICE_FORM,
        "read the anonymous visitor statistics of a drop-in house (members of it, or the ED)",
    ),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


DENY = Decision(False, Basis.NONE)


def _membership_order(m: Membership) -> tuple[bool, int, str, str, int]:
    form = m.service_form
    return (form is None, form.order if form else 0, form.name if form else "", m.role, m.pk)


#: The user's memberships valid on a day, with their service forms: asked on every request, so
#: a shape compiled once per connection (ADR 0026, second addendum). Not sorted by Membership's
#: default ordering, which expands into joins and doubled the cost of building the query;
#: :func:`active_memberships` sorts them.
_MEMBERSHIPS: Final = Shape(
    lambda s: (
        Membership.objects.valid_on(s.day)
        .filter(user_id=s.user, organisation_id=s.organisation)
        .select_related("service_form")
        .order_by()
    ),
    name="active memberships",
)


def active_memberships(user: User, *, on: date | None = None) -> list[Membership]:
    """The user's memberships valid today. Cached on the user object for one request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    day = on or timezone.localdate()
    cache_key = f"_tupa_memberships_{day.isoformat()}"
    cached = getattr(user, cache_key, None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    # The account is known to be active (checked above), so no join to it. Service-form
    # memberships come first and organisation-wide ones last, as Membership's ordering put
    # them on PostgreSQL: the first membership that allows an action names the basis logged.
    rows: list[Membership] = []
    if user.organisation_id is not None:  # a membership always has an organisation
        rows = sorted(
            _MEMBERSHIPS.instances(day=day, user=user.pk, organisation=user.organisation_id),
            key=_membership_order,
        )
    setattr(user, cache_key, rows)
    return rows


def roles_of(user: User, *, service_form_id: int | None = None) -> set[str]:
    """Roles the user holds organisation-wide, plus those held in ``service_form_id``."""
    roles = set()
    for m in active_memberships(user):
        if (
            m.service_form_id is None
            or service_form_id is None
            or m.service_form_id == service_form_id
        ):
            roles.add(m.role)
    return roles


def _object_organisation_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if obj.__class__.__name__ == "Organisation":
        return obj.pk  # type: ignore[no-any-return]
    return getattr(obj, "organisation_id", None)


def _object_service_form_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if obj.__class__.__name__ == "ServiceForm":
        return obj.pk  # type: ignore[no-any-return]
    return getattr(obj, "service_form_id", None)


def decide(user: User, action: str, obj: Any = None) -> Decision:
    """May ``user`` perform ``action`` on ``obj``? Unknown actions are denied (fail closed)."""
    rule = RULES.get(action)
    if rule is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return DENY
    if user.organisation_id is None:
        return DENY
    org_id = _object_organisation_id(obj)
    if org_id is not None and org_id != user.organisation_id:
        return DENY
    memberships = active_memberships(user)
    if rule.scope is Scope.ORGANISATION:
        for m in memberships:
            if m.role in rule.roles:
                basis = Basis.ORGANISATION_ROLE if m.service_form_id is None else Basis.MEMBERSHIP
                return Decision(True, basis, rule.description)
        return DENY
    sf_id = _object_service_form_id(obj)
    for m in memberships:
        if m.role not in rule.roles:
            continue
        if m.service_form_id is None:
            return Decision(True, Basis.ORGANISATION_ROLE, rule.description)
        if sf_id is not None and m.service_form_id == sf_id:
            return Decision(True, Basis.MEMBERSHIP, rule.description)
    return DENY


def require(user: User, action: str, obj: Any = None) -> Decision:
    """Like :func:`decide` but answers 404 ("exists but not yours") when denied."""
    decision = decide(user, action, obj)
    if not decision:
        raise Http404
    return decision


def organisation_for(user: User, action: str) -> int:
    """The user's organisation id when ``action`` (an organisation-wide rule) is allowed; else
    ``PermissionDenied`` — the services' own check of who may write organisation data."""
    organisation_id = user.organisation_id
    if organisation_id is None or not decide(user, action):
        raise PermissionDenied
    return int(organisation_id)


def allowed_actions(user: User, actions: Iterable[str], obj: Any = None) -> set[str]:
    return {a for a in actions if decide(user, a, obj)}
