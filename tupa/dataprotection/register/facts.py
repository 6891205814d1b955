"""What the configuration says about a service form, as the register description needs it.

Nothing here reads a person: the service form's kind, register, violence-work side, funders,
operating partner and default service tasks — and, inside the organisation, which service
tasks its episodes carry (values only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import capfirst
from django_scopes import scopes_disabled

from tupa.episodes.models import Episode, Participant
from tupa.episodes.services import default_service_task
from tupa.organisations.models import ServiceForm, ServiceFormFunding
from tupa.residential.models import is_shelter

#: Service tasks whose records concern children.
CHILD_TASKS = frozenset({"child_family", "child_welfare", "family_law"})
#: Kinds of work in which children take part as clients or family members.
CHILD_KINDS = frozenset(
    {
        ServiceForm.Kind.RESIDENTIAL,
        ServiceForm.Kind.VISITATION,
        ServiceForm.Kind.DROP_IN,
        ServiceForm.Kind.GROUP,
        ServiceForm.Kind.VOLUNTEER,
    }
)


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Facts:
    """What the configuration says about a service form, as the description needs it."""

    register: str
    kind: str
    residential: bool
    shelter: bool
    visitation: bool
    group: bool
    drop_in: bool
    victim_side: bool
    perpetrator_side: bool
    anonymous: bool
    pregnancy: bool
    children: bool
    adult_task: str
    child_task: str
    tasks_in_use: tuple[str, ...]
    purchasers: tuple[str, ...]
    operating_partner: str
    #: The service form itself: its name, register label and whether it is still in use.
    name: str
    register_label: str
    active: bool

    @property
    def social_welfare(self) -> bool:
        return self.register == ServiceForm.Register.SOCIAL_WELFARE

    @property
    def own_activity(self) -> bool:
        return self.register == ServiceForm.Register.OWN_ACTIVITY


def facts_for(service_forms: Sequence[ServiceForm], *, internal: bool = True) -> dict[int, Facts]:
    """The facts of each service form, keyed by its id, in two queries whatever their number.

    ``internal=False`` (the public notice) leaves out the service tasks the episodes carry.
    Pass service forms with ``operating_partner`` selected (:func:`register_forms` does).
    """
    ids = [sf.pk for sf in service_forms]
    tasks: dict[int, set[str]] = defaultdict(set)
    purchasers: dict[int, set[str]] = defaultdict(set)
    with scopes_disabled():
        if internal:
            # Which service tasks the forms' episodes actually carry (a worker may choose
            # another than the default, e.g. a child-welfare placement). Values, never a person.
            for form_id, task in (
                Episode.objects.filter(service_form_id__in=ids)
                .order_by()
                .values_list("service_form_id", "service_task")
                .distinct()
            ):
                tasks[form_id].add(task)
        for funding in ServiceFormFunding.objects.filter(
            service_form_id__in=ids, type=ServiceFormFunding.Type.PURCHASE_AGREEMENT
        ).select_related("funder__partner"):
            purchasers[funding.service_form_id].add(str(funding.funder.partner or funding.funder))
        return {
            sf.pk: _facts(sf, tasks=tasks[sf.pk], purchasers=purchasers[sf.pk])
            for sf in service_forms
        }


def facts_of(service_form: ServiceForm, *, internal: bool = True) -> Facts:
    """Derive the facts from the service form's configuration (no person data is read)."""
    return facts_for([service_form], internal=internal)[service_form.pk]


def _facts(service_form: ServiceForm, *, tasks: set[str], purchasers: set[str]) -> Facts:
    kind = service_form.kind
    adult_task = str(default_service_task(service_form))
    child_task = str(default_service_task(service_form, role=Participant.Role.CHILD))
    partner = ""
    if service_form.operator != ServiceForm.Operator.OWN and service_form.operating_partner_id:
        with scopes_disabled():
            partner = str(service_form.operating_partner)
    pregnancy = kind == ServiceForm.Kind.RESIDENTIAL and service_form.pregnancy_stays
    return Facts(
        register=service_form.register,
        kind=kind,
        residential=kind == ServiceForm.Kind.RESIDENTIAL,
        shelter=is_shelter(service_form),
        visitation=kind == ServiceForm.Kind.VISITATION,
        group=kind == ServiceForm.Kind.GROUP,
        drop_in=kind == ServiceForm.Kind.DROP_IN,
        victim_side=service_form.violence_work == "victim",
        perpetrator_side=service_form.violence_work == "perpetrator",
        anonymous=service_form.anonymous_allowed,
        pregnancy=pregnancy,
        children=pregnancy or kind in CHILD_KINDS or child_task in CHILD_TASKS,
        adult_task=adult_task,
        child_task=child_task,
        tasks_in_use=tuple(sorted(tasks - {adult_task, child_task})),
        purchasers=tuple(sorted(purchasers, key=str.casefold)),
        operating_partner=partner,
        name=service_form.name,
        register_label=capfirst(service_form.get_register_display()),
        active=service_form.active,
    )
