"""The DPO's pages for GDPR art. 17 erasure requests (under ``/oikeudet/``, namespace ``rights``).

Like the other DPO pages (:mod:`tupa.dataprotection.extracts.views`): only the data-protection officer
(policy action ``audit.browse``), only for the person just found with the exact identity-code
lookup; everybody else and every typed id 404. Every response writes the access log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.marks import object_scoped, user_of
from tupa.audit.services import record_access
from tupa.core.forms import apply_errors, date_field, saved_redirect, submit
from tupa.dataprotection.pages import dpo_document, dpo_person, wants_pdf
from tupa.people.models_erasure import ErasureRequest

from . import services as erasure
from . import texts as erasure_texts


class ReceiveForm(forms.Form):
    received_on = date_field(gettext_lazy("Vastaanotettu"))
    request_text = forms.CharField(
        label=gettext_lazy("Pyyntö"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Mitä henkilö pyytää poistamaan ja miten pyyntö saapui."),
    )


class ExecuteForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Vahvistan, että henkilön tunnistetiedot poistetaan pysyvästi."),
        required=True,
        error_messages={"required": gettext_lazy("Vahvista poisto.")},
    )

    def __init__(self, *args: Any, shared: bool = False, **kwargs: Any) -> None:
        """``shared``: the person has episodes shared with others that have free texts (the
        page lists them); their review must then be confirmed too."""
        super().__init__(*args, **kwargs)
        if shared:
            self.fields["shared_texts_confirmed"] = forms.BooleanField(
                label=gettext_lazy(
                    "Yhteisten asiakkuuksien tekstit on tarkastettu; ne kuuluvat myös muille "
                    "osallistujille ja säilytetään."
                ),
                required=True,
                error_messages={
                    "required": gettext_lazy(
                        "Vahvista, että yhteisten asiakkuuksien tekstit on tarkastettu ja ne "
                        "säilytetään."
                    )
                },
            )


class DecideForm(forms.Form):
    reasoning = forms.CharField(
        label=gettext_lazy("Perustelut"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _request_or_404(person_pk: int, pk: int) -> ErasureRequest:
    request = (
        ErasureRequest.objects.filter(pk=pk, person_id=person_pk)
        .select_related("person", "decided_by", "created_by")
        .first()
    )
    if request is None:
        raise Http404
    return request


@object_scoped
@require_http_methods(["GET", "POST"])
def erasure_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's erasure requests and recording a new one."""
    person, decision = dpo_person(request, pk)
    form = ReceiveForm(
        request.POST if request.method == "POST" else None,
        initial={"received_on": timezone.localdate()},
    )
    saved = saved_redirect(
        request,
        form,
        lambda data: erasure.erasure_request_receive(actor=user_of(request), person=person, **data),
        next_url=lambda created: reverse(
            "rights:erasure_detail", kwargs={"pk": person.pk, "request_pk": created.pk}
        ),
        success=_("Poistopyyntö kirjattu."),
    )
    if saved is not None:
        return saved
    record_access(request=request, subjects=[person], action="view", basis=decision.basis)
    return render(
        request,
        "people/rights/erasure_list.html",
        {
            "person": person,
            "form": form,
            "requests": ErasureRequest.objects.filter(person=person),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def erasure_detail(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """Assess (the retention rule of each episode) and decide."""
    person, decision = dpo_person(request, pk)
    item = _request_or_404(person.pk, request_pk)
    can_execute = item.decision == item.Decision.GRANTED and item.executed_at is None
    # The person's episodes shared with others that have free texts (kept; the DPO confirms).
    shared = (
        erasure_texts.shared_with_texts(
            erasure_texts.episode_texts(erasure_texts.person_and_merged(person))
        )
        if can_execute
        else []
    )
    form: forms.Form = DecideForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "execute":
            form = ExecuteForm(request.POST, shared=bool(shared))
            done = submit(
                form,
                lambda data: erasure.erasure_execute(
                    actor=user_of(request),
                    request=item,
                    shared_texts_confirmed=bool(data.get("shared_texts_confirmed")),
                ),
            )
            if done.ok and done.value is not None:
                _item, executed = done.value
                if executed:
                    messages.success(request, _("Henkilön tiedot on anonymisoitu."))
                else:
                    messages.info(request, _("Poisto on jo toteutettu; mitään ei muutettu."))
                return redirect("rights:erasure_detail", pk=person.pk, request_pk=item.pk)
        elif action == "assess":
            try:
                erasure.erasure_request_assess(actor=user_of(request), request=item)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Säilytysajat arvioitu."))
                return redirect("rights:erasure_detail", pk=person.pk, request_pk=item.pk)
        else:
            form = DecideForm(request.POST)
            if submit(
                form,
                lambda data: erasure.erasure_request_decide(
                    actor=user_of(request), request=item, reasoning=data["reasoning"]
                ),
            ).ok:
                messages.success(request, _("Päätös tallennettu."))
                return redirect("rights:erasure_decision", pk=person.pk, request_pk=item.pk)
    record_access(request=request, subjects=[person], action="view", basis=decision.basis)
    current = erasure.retention_rows(person=person) if item.status == item.Status.RECEIVED else []
    return render(
        request,
        "people/rights/erasure_detail.html",
        {
            "person": person,
            "item": item,
            "form": form,
            "rows": item.assessment or current,
            "must_keep": erasure.must_keep(item.assessment or current),
            "data_to_remove": erasure.data_to_remove(),
            "executed": item.executed_at is not None,
            "executed_summary": item.execution_summary,
            "execute_form": (
                form if isinstance(form, ExecuteForm) else ExecuteForm(shared=bool(shared))
            ),
            "can_execute": can_execute,
            "shared_episodes": shared,
        },
    )


@object_scoped
@require_GET
def erasure_decision(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """The written decision, printable (``?muoto=pdf`` for a PDF)."""
    person, decision = dpo_person(request, pk)
    item = _request_or_404(person.pk, request_pk)
    if item.status != item.Status.DECIDED:
        raise Http404
    pdf = wants_pdf(request)
    record_access(
        request=request, subjects=[person], action="print" if pdf else "view", basis=decision.basis
    )
    return dpo_document(
        request,
        "people/rights/erasure_decision.html",
        {
            "person": person,
            "item": item,
            "rows": item.assessment,
            "refused": item.decision == item.Decision.REFUSED,
            "data_to_remove": erasure.data_to_remove(),
        },
        pdf=pdf,
        # Only the download needs the name; the screen page asks nothing of the decision date.
        filename=f"poistopyynto-paatos-{item.decided_on:%Y-%m-%d}.pdf" if pdf else "",
    )
