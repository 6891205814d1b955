"""Pages of the disclosure log and the access-request workflow (URLs in ``urls_rights``).

- ``disclosure_add``: a worker of the episode (membership or assignment) records a disclosure;
  anybody else 404.
- ``disclosure_list``: the DPO's disclosure log browser (policy ``audit.browse``).
- Access requests: created by the DPO for the person just found with the exact lookup; the
  request pages by the DPO; the review page by the DPO or a worker of a unit whose data the
  draft holds (only that unit's items); everybody else 404.

Every response that shows a person writes the access log.
"""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scopes_disabled

from tupa.access import policy
from tupa.access.marks import login_only, object_scoped
from tupa.access.policy import Basis
from tupa.audit import disclosures
from tupa.audit.models import (
    AccessRequest,
    AccessRequestItemDecision,
    DisclosureBasis,
    DisclosureKind,
)
from tupa.audit.services import record_access
from tupa.core import dates

from . import access_requests as ar_services
from . import rights
from .views_rights import _apply_errors, _date_field, _dpo_person, _pdf, _user, _wants_pdf

if TYPE_CHECKING:
    from tupa.episodes.models import Episode

EDIT_BASES = frozenset({Basis.MEMBERSHIP, Basis.ASSIGNMENT})
REQUIRED = gettext_lazy("Tämä tieto on pakollinen.")


def _text(
    label: Any, *, required: bool = True, rows: int = 3, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": REQUIRED},
    )


# --------------------------------------------------------------------------- disclosure log


class DisclosureForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Luovutuksen laji"),
        choices=[("", gettext_lazy("Valitse")), *DisclosureKind.choices],
        error_messages={"required": gettext_lazy("Valitse luovutuksen laji.")},
    )
    recipient = forms.CharField(
        label=gettext_lazy("Vastaanottaja"),
        max_length=300,
        help_text=gettext_lazy(
            "Esimerkiksi: Esimerkkikaupungin lastensuojelu, sosiaalityöntekijä."
        ),
        error_messages={"required": gettext_lazy("Kerro, kenelle tiedot luovutettiin.")},
    )
    basis_kind = forms.ChoiceField(
        label=gettext_lazy("Luovutuksen peruste"),
        choices=[("", gettext_lazy("Valitse")), *DisclosureBasis.choices],
        error_messages={"required": gettext_lazy("Valitse luovutuksen peruste.")},
    )
    legal_basis = _text(
        gettext_lazy("Säännös tai suostumus"),
        rows=2,
        help_text=gettext_lazy("Esimerkiksi: lastensuojelulaki 25 § (ilmoitusvelvollisuus)."),
    )
    description = _text(
        gettext_lazy("Mitä tietoja luovutettiin"),
        help_text=gettext_lazy("Kuvaus luovutetuista tiedoista, ei itse tietoja."),
    )
    persons = forms.MultipleChoiceField(
        label=gettext_lazy("Keiden tietoja luovutettiin"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Valitse vähintään yksi henkilö, jonka tietoja luovutettiin.")
        },
    )
    disclosed_on = _date_field(gettext_lazy("Luovutuspäivä"))

    def __init__(self, *args: Any, participants: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        self.fields["persons"].choices = [  # type: ignore[attr-defined]
            (str(p.pk), str(p.person or p.alias)) for p in participants
        ]
        self.fields["disclosed_on"].validators.append(dates.validate_date)


@object_scoped
@require_http_methods(["GET", "POST"])
def disclosure_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A worker of the episode records a disclosure of its clients' data outside the unit."""
    from tupa.episodes import selectors
    from tupa.episodes.models import Participant

    found = selectors.episode_for(user=_user(request), pk=pk)
    if found is None or found[1] not in EDIT_BASES:
        raise Http404
    episode, basis = found
    participants = list(
        Participant.objects.filter(episode=episode).select_related("person", "alias").order_by("pk")
    )
    form = DisclosureForm(
        request.POST or None,
        participants=participants,
        initial={"disclosed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [form.participants[k] for k in data["persons"]]
        try:
            disclosures.disclosure_record(
                actor=_user(request),
                kind=data["kind"],
                recipient=data["recipient"],
                basis_kind=data["basis_kind"],
                legal_basis=data["legal_basis"],
                description=data["description"],
                persons=[p.person for p in chosen if p.person],
                aliases=[p.alias for p in chosen if p.alias],
                episode=episode,
                disclosed_on=data["disclosed_on"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Luovutus on kirjattu luovutuslokiin."))
            return redirect("episodes:detail", pk=episode.pk)
    record_access(
        request=request,
        subjects=[p.person or p.alias for p in participants],
        action="view",
        basis=basis,
        episode_id=episode.pk,
    )
    return render(request, "people/rights/disclosure_form.html", {"episode": episode, "form": form})


class DisclosureFilterForm(forms.Form):
    date_from = _date_field(gettext_lazy("Alkaen"), required=False)
    date_to = _date_field(gettext_lazy("Päättyen"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Luovutuksen laji"),
        required=False,
        choices=[("", gettext_lazy("Kaikki")), *DisclosureKind.choices],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("date_from", "date_to"):
            self.fields[name].validators.append(dates.validate_date)


@login_only
@require_GET
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """The DPO's disclosure log: who disclosed what to whom, on what basis (filters)."""
    decision = policy.require(_user(request), rights.DPO_ACTION)
    form = DisclosureFilterForm(request.GET or None)
    rows: list[Any] = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        rows = list(
            disclosures.disclosure_list(
                organisation_id=_user(request).organisation_id,  # type: ignore[arg-type]
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
                kind=data.get("kind", ""),
            )[:500]
        )
    subjects = disclosures.subjects_of(rows)
    if subjects:
        record_access(request=request, subjects=subjects, action="list", basis=decision.basis)
    return render(request, "people/rights/disclosure_list.html", {"form": form, "rows": rows})


# --------------------------------------------------------------------------- access requests


class RequestCreateForm(forms.Form):
    received_on = _date_field(gettext_lazy("Pyyntö vastaanotettu"))
    request_text = _text(
        gettext_lazy("Pyyntö"),
        required=False,
        help_text=gettext_lazy("Mitä pyydetään ja miten pyyntö tuli (esim. kirje, käynti)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].validators.append(dates.validate_date)


class VerifyForm(forms.Form):
    method = _text(
        gettext_lazy("Miten henkilöllisyys varmistettiin"),
        rows=2,
        help_text=gettext_lazy(
            "Esimerkiksi: kuvallinen henkilöllisyystodistus tarkistettu käynnillä."
        ),
    )


class ExtendForm(forms.Form):
    due_on = _date_field(gettext_lazy("Uusi määräaika"))
    reason = _text(gettext_lazy("Pidentämisen syy"), rows=2)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Ratkaisu"),
        choices=AccessRequest.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Valitse ratkaisu.")},
    )
    decision_text = _text(
        gettext_lazy("Perusteltu päätös"),
        required=False,
        rows=5,
        help_text=gettext_lazy(
            "Pakollinen, jos tietoja jätetään antamatta: mitä jätetään pois ja millä perusteella."
        ),
    )


class DeliverForm(forms.Form):
    method = forms.CharField(
        label=gettext_lazy("Toimitustapa"),
        max_length=200,
        help_text=gettext_lazy("Esimerkiksi: annettu henkilökohtaisesti, kirjattu kirje."),
        error_messages={"required": REQUIRED},
    )


class NoteForm(forms.Form):
    note = _text(gettext_lazy("Huomio"), required=False, rows=2)


class ItemDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Päätös"),
        choices=AccessRequestItemDecision.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Valitse päätös.")},
    )
    released_text = _text(
        gettext_lazy("Annettava teksti (peitettynä)"),
        required=False,
        rows=5,
        help_text=gettext_lazy("Vain peitettäessä: teksti sellaisena kuin se annetaan."),
    )
    reason = _text(
        gettext_lazy("Perustelu"),
        required=False,
        rows=2,
        help_text=gettext_lazy("Pakollinen, kun tietoja peitetään tai jätetään pois."),
    )


STEP_FORMS: dict[str, type[forms.Form]] = {
    "verify": VerifyForm,
    "assemble": forms.Form,
    "dpo_review": NoteForm,
    "extend": ExtendForm,
    "decide": DecideForm,
    "deliver": DeliverForm,
}


def _dpo_request(request: HttpRequest, pk: int) -> tuple[AccessRequest, policy.Decision]:
    decision = policy.require(_user(request), rights.DPO_ACTION)
    with scopes_disabled():
        ar = (
            AccessRequest.objects.filter(pk=pk, organisation_id=_user(request).organisation_id or 0)
            .select_related("person")
            .first()
        )
    if ar is None:
        raise Http404
    return ar, decision


@login_only
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """The DPO's access requests with their deadlines; overdue ones highlighted."""
    decision = policy.require(_user(request), rights.DPO_ACTION)
    rows = ar_services.requests_for_dpo(
        organisation_id=_user(request).organisation_id  # type: ignore[arg-type]
    )
    today = timezone.localdate()
    if rows:
        record_access(
            request=request, subjects=[r.person for r in rows], action="list", basis=decision.basis
        )
    return render(
        request,
        "people/rights/access_request_list.html",
        {"rows": [(r, ar_services.is_overdue(r, today)) for r in rows], "today": today},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    person, decision = _dpo_person(request, pk)
    form = RequestCreateForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            ar = ar_services.request_create(
                actor=_user(request), person=person, **form.cleaned_data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Tietopyyntö on kirjattu."))
            return redirect("rights:access_request", pk=ar.pk)
    record_access(request=request, subjects=[person], action="view", basis=decision.basis)
    return render(
        request, "people/rights/access_request_create.html", {"person": person, "form": form}
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request, its history and the form of its next step (DPO)."""
    ar, decision = _dpo_request(request, pk)
    user = _user(request)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        step = request.POST.get("step", "")
        form_class = STEP_FORMS.get(step)
        if form_class is None:
            raise Http404
        form = form_class(request.POST)
        bound[step] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if step == "verify":
                    ar_services.identity_verify(
                        actor=user, access_request=ar, method=data["method"]
                    )
                elif step == "assemble":
                    ar_services.draft_assemble(actor=user, access_request=ar)
                elif step == "dpo_review":
                    ar_services.dpo_review_complete(
                        actor=user, access_request=ar, note=data["note"]
                    )
                elif step == "extend":
                    ar_services.deadline_extend(actor=user, access_request=ar, **data)
                elif step == "decide":
                    ar_services.decide(actor=user, access_request=ar, **data)
                elif step == "deliver":
                    ar_services.deliver(actor=user, access_request=ar, method=data["method"])
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Tallennettu."))
                return redirect("rights:access_request", pk=ar.pk)
    forms_by_step = {name: bound.get(name) or cls() for name, cls in STEP_FORMS.items()}
    draft = ar_services.build_draft(ar.person, ar) if ar.status != ar.Status.RECEIVED else None
    record_access(request=request, subjects=[ar.person], action="view", basis=decision.basis)
    with scopes_disabled():
        steps = list(ar.steps.select_related("actor", "service_form").order_by("occurred_at", "pk"))
    return render(
        request,
        "people/rights/access_request_detail.html",
        {
            "ar": ar,
            "forms": forms_by_step,
            "steps": steps,
            "draft": draft,
            "reviewed_units": ar_services.reviewed_units(ar),
            "attachment_count": len(draft.released_attachment_ids())
            if draft is not None and ar.outcome not in {"", ar.Outcome.REFUSED}
            else 0,
            "overdue": ar_services.is_overdue(ar),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Review of the draft: the DPO (all items) or a worker of a unit (that unit's items)."""
    user = _user(request)
    with scopes_disabled():
        ar = (
            AccessRequest.objects.filter(pk=pk, organisation_id=user.organisation_id or 0)
            .select_related("person")
            .first()
        )
    if ar is None:
        raise Http404
    dpo = ar_services.is_dpo(user)
    if not dpo and ar.status != ar.Status.DRAFT:
        raise Http404
    draft = ar_services.build_draft(ar.person, ar)
    units = ar_services.may_review(user, ar, draft)
    if not units:
        raise Http404
    error_form: tuple[str, forms.Form] | None = None
    if request.method == "POST":
        if "unit" in request.POST:
            try:
                unit_id = int(request.POST["unit"])
                ar_services.unit_review_complete(
                    actor=user, access_request=ar, service_form_id=unit_id
                )
            except (ValueError, ValidationError) as error:
                messages.error(
                    request, " ".join(getattr(error, "messages", [_("Tarkista tiedot")]))
                )
            else:
                messages.success(request, _("Yksikön tarkastus on kirjattu."))
            return redirect("rights:access_request_review", pk=ar.pk)
        key = request.POST.get("item", "")
        form = ItemDecisionForm(request.POST)
        if form.is_valid():
            try:
                ar_services.item_decide(
                    actor=user, access_request=ar, item_key=key, **form.cleaned_data
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Tarkastuspäätös on kirjattu."))
                return redirect(
                    reverse("rights:access_request_review", args=[ar.pk])
                    + "#k-"
                    + key.replace(":", "-")
                )
        error_form = (key, form)
    episodes = [e for e in draft.episodes if e.item.service_form_id in units]
    basis = Basis.ORGANISATION_ROLE if dpo else Basis.MEMBERSHIP
    record_access(request=request, subjects=[ar.person], action="view", basis=basis)
    reviewed = ar_services.reviewed_units(ar)
    my_units = sorted(
        (
            (uid, draft.units[uid], uid in reviewed)
            for uid in units & ar_services.unit_form_ids(user)
        ),
        key=lambda u: u[1],
    )
    return render(
        request,
        "people/rights/access_request_review.html",
        {
            "ar": ar,
            "episodes": episodes,
            "editable": ar.status == ar.Status.DRAFT,
            "error_form": error_form,
            "blank_form": ItemDecisionForm(),
            "my_units": my_units,
            "dpo": dpo,
        },
    )


@login_only
@require_GET
def review_inbox(request: HttpRequest) -> HttpResponse:
    """Access requests waiting for the review of the user's units."""
    user = _user(request)
    rows = ar_services.requests_to_review(user=user)
    if not rows:
        if not ar_services.unit_form_ids(user):
            raise Http404
    else:
        record_access(
            request=request,
            subjects=[ar.person for ar, _units in rows],
            action="list",
            basis=Basis.MEMBERSHIP,
        )
    return render(request, "people/rights/access_request_inbox.html", {"rows": rows})


@object_scoped
@require_GET
def request_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision with the extract as released (preview, or PDF with ``?muoto=pdf``)."""
    ar, decision = _dpo_request(request, pk)
    if ar.status not in {ar.Status.DECIDED, ar.Status.DELIVERED}:
        raise Http404
    draft = ar_services.build_draft(ar.person, ar)
    attachment_ids = draft.released_attachment_ids() if ar.outcome != ar.Outcome.REFUSED else []
    if request.GET.get("muoto") == "zip":
        return _attachments_zip(request, ar, attachment_ids, decision.basis)
    pdf = _wants_pdf(request)
    record_access(
        request=request,
        subjects=[ar.person],
        action="print" if pdf else "view",
        basis=decision.basis,
    )
    context = {
        "ar": ar,
        "person": ar.person,
        "draft": draft,
        "extract": draft.base,
        "episodes": draft.released_episodes() if ar.outcome != ar.Outcome.REFUSED else [],
        "withheld_reasons": sorted(
            {
                (i.decision.reason if i.decision else "") or _("Sisältää toisen henkilön tietoja.")
                for i in draft.withheld()
            }
        ),
        "attachment_count": len(attachment_ids),
        "withheld_count": len(draft.withheld()),
        "redacted_count": len(draft.redacted()),
        "generated_at": timezone.localtime(),
        "generated_by": _user(request),
        "pdf": pdf,
        "base_template": "people/rights/print_base.html" if pdf else "base.html",
    }
    if pdf:
        html = render_to_string(
            "people/rights/access_request_letter.html", context, request=request
        )
        return _pdf(html, f"tietopyynto-paatos-{timezone.localdate():%Y-%m-%d}.pdf")
    return render(request, "people/rights/access_request_letter.html", context)


def _attachments_zip(
    request: HttpRequest, ar: AccessRequest, attachment_ids: list[int], basis: str
) -> HttpResponse:
    """The released attachment files of the extract in one ZIP (logged like the PDF)."""
    from tupa.episodes.models import Attachment

    if not attachment_ids:
        raise Http404
    with scopes_disabled():
        attachments = list(Attachment.objects.filter(pk__in=attachment_ids).order_by("pk"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, attachment in enumerate(attachments, start=1):
            try:
                with attachment.file.open("rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, ValueError) as exc:
                raise Http404 from exc
            archive.writestr(f"{number:02d}-{attachment.original_name}", data)
    record_access(request=request, subjects=[ar.person], action="export", basis=basis)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="tietopyynto-liitteet-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def episode_disclosure_url(episode: Episode) -> str:
    return reverse("rights:disclosure_add", args=[episode.pk])
