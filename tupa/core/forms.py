"""Form helpers shared by every app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tupa.core import dates
from tupa.core.conflicts import VersionConflict

T = TypeVar("T")

#: A native date picker that round-trips the ISO value the browser sends.
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
#: A native time picker (24 h, hours and minutes).
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
#: What a date field reads: the picker's ISO value, or a date typed the Finnish way (5.12.2026,
#: 5.12.26) where the browser shows a text box.
DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")
DATE_REQUIRED = _("Anna päivämäärä.")
DATE_INVALID = _("Anna päivämäärä muodossa p.k.vvvv.")


def date_field(
    label: Any,
    *,
    required: bool = True,
    validators: Sequence[Callable[[Any], None]] = (dates.validate_date,),
    required_message: Any = DATE_REQUIRED,
    **kwargs: Any,
) -> forms.DateField:
    """A date of the product's forms: the date picker, ISO or Finnish input, the same two
    messages everywhere (a field may name what is missing: ``required_message="Anna
    tulopäivä."``), and by default a date of work or of a period (1.1.2000–31.12.2100; pass
    ``validators=[dates.validate_birth_date]`` for a birth date)."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        input_formats=DATE_INPUT_FORMATS,
        validators=list(validators),
        error_messages={"required": required_message, "invalid": DATE_INVALID},
        **kwargs,
    )


#: What the browser's ``datetime-local`` picker sends and shows.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
#: What a moment field reads: the picker's value, or a moment typed the ISO or the Finnish way
#: (15.3.2026 14:30, 15.3.2026 14.30) where the browser shows a text box.
DATETIME_INPUT_FORMATS = (DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y %H.%M")
MOMENT_INVALID = _("Anna aika muodossa p.k.vvvv hh:mm.")


def moment_field(
    label: Any,
    *,
    required_message: Any,
    validators: Sequence[Callable[[Any], None]] = (dates.validate_date,),
    **kwargs: Any,
) -> forms.DateTimeField:
    """A moment (date and time to the minute, local time) of the product's forms: the
    ``datetime-local`` picker, ISO or Finnish input, one message for a moment it cannot read,
    the field's own for a missing one (``"Anna kirjauksen aika."``), and by default the
    work-date bound of :func:`date_field`. Its initial value is
    :func:`~tupa.core.wallclock.this_minute` where it defaults to now."""
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        input_formats=DATETIME_INPUT_FORMATS,
        validators=list(validators),
        error_messages={"required": required_message, "invalid": MOMENT_INVALID},
        **kwargs,
    )


#: The largest primary key a database holds (a signed 64-bit integer).
_MAX_PK = 2**63 - 1


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A multiple choice of rows that answers "invalid choice" for a huge id.

    Django guards ``exact`` lookups against integers out of the column's range but not ``in``:
    ``?co_workers=999…9`` made SQLite raise ``OverflowError`` (a 500). Every multiple choice of
    rows in the project uses this class.
    """

    def _check_values(self, value: Any) -> Any:
        for pk in value if isinstance(value, (list, tuple)) else ():
            text = str(pk).strip()
            if text.isascii() and text.lstrip("-").isdigit() and abs(int(text)) > _MAX_PK:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text[:20]},
                )
        return super()._check_values(value)  # type: ignore[misc]


class HidingFieldsMixin:
    """A form that can hide fields from its viewer without losing their stored values.

    Under turvakielto the payer or the home municipality tells where a protected family lives:
    :meth:`hide_fields` neither shows nor preselects it (a select offers only ``placeholder``,
    "Suojattu tieto", as its empty choice) and no longer requires it; :meth:`keeping_hidden`
    then drops a hidden field left empty from the values to save, so the record keeps the value
    it has. A value the worker does choose replaces it.
    """

    fields: dict[str, forms.Field]
    initial: MutableMapping[str, Any]
    hidden_fields_kept: frozenset[str] = frozenset()

    def hide_fields(self, *names: str, placeholder: Any) -> None:
        self.hidden_fields_kept = self.hidden_fields_kept | set(names)
        for name in names:
            self.initial.pop(name, None)
            field = self.fields[name]
            field.required = False
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = placeholder

    def keeping_hidden(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` without the hidden fields left empty (their stored values stay)."""
        return {k: v for k, v in values.items() if not (k in self.hidden_fields_kept and v is None)}


def apply_errors(
    form: Any, error: ValidationError, *, field_map: Mapping[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on the form that was bound for it.

    Each message goes next to its field; ``field_map`` renames a model field to the form field
    that edits it (``{"starts_at": "date"}``); keys the form does not have, and errors without
    a field, become errors of the whole form (shown in the error summary).
    """
    mapping = field_map or {}
    if hasattr(error, "error_dict"):
        for key, messages in error.message_dict.items():
            target = mapping.get(key, key)
            for message in messages:
                form.add_error(target if target in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class RemovalReasonForm(forms.Form):
    """The written reason for removing a row recorded by mistake; the service keeps it in the
    change history. ``min_reason`` is the service's own shortest reason (its ``MIN_REASON``)."""

    min_reason: ClassVar[int] = 5

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = forms.CharField(
            label=_("Poiston syy"),
            max_length=300,
            min_length=self.min_reason,
            help_text=_("Esimerkiksi: kirjattu kahteen kertaan. Syy tallentuu muutoshistoriaan."),
            error_messages={
                "required": _("Kirjoita poistolle syy."),
                "min_length": _("Kirjoita poistolle syy (vähintään %(limit_value)d merkkiä)."),
                "max_length": _("Syy on liian pitkä (enintään %(limit_value)d merkkiä)."),
            },
        )


class PeriodForm(forms.Form):
    """A reporting period: ``start`` and ``end`` (both inclusive), 2000–2100, at most ``max_days``.

    Subclass to change the length limit (``max_days``/``too_long``); every period picker of the
    product uses this one form, so the messages are the same everywhere.
    """

    max_days: ClassVar[int] = 3 * 366
    too_long: ClassVar[Any] = _("Jakso voi olla enintään kolme vuotta.")

    start = date_field(_("Alkaen"))
    end = date_field(_("Päättyen"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("Päättymispäivä ei voi olla ennen alkamispäivää."))
            elif (end - start).days + 1 > self.max_days:
                self.add_error("end", self.too_long)
        return data


def month_period(today: dt.date) -> dict[str, dt.date]:
    """The calendar month of ``today`` as initial data for :class:`PeriodForm`."""
    first = today.replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return {"start": first, "end": next_month - dt.timedelta(days=1)}


def previous_month_period(today: dt.date) -> dict[str, dt.date]:
    first = today.replace(day=1)
    last = first - dt.timedelta(days=1)
    return {"start": last.replace(day=1), "end": last}


def year_to_date_period(today: dt.date) -> dict[str, dt.date]:
    return {"start": today.replace(month=1, day=1), "end": today}


#: Said when a form that changes a versioned record comes without the version the user saw.
VERSION_MISSING = _("Lomakkeelta puuttuu versiotieto. Lataa sivu uudelleen.")


def version_field(*, required: bool = True) -> forms.IntegerField:
    """The hidden input of the version the user saw, for optimistic locking
    (:mod:`tupa.core.conflicts`). A form used both to add and to change a record makes it
    required only when changing (``form.fields["version"].required = editing``)."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        required=required,
        error_messages={key: VERSION_MISSING for key in ("required", "invalid", "min_value")},
    )


@dataclass(frozen=True)
class Submitted(Generic[T]):
    """What :func:`submit` did: ``ok`` when the service ran; ``value`` is what it returned;
    ``conflict`` when the service found that somebody else saved in between."""

    ok: bool
    value: T | None = None
    conflict: VersionConflict | None = None


#: Where :func:`show_conflict` marks the form it showed a conflict on.
_CONFLICT_MARK = "version_conflict"


def show_conflict(
    form: forms.BaseForm, conflict: VersionConflict, *, field: str = "version"
) -> None:
    """Show a :class:`~tupa.core.conflicts.VersionConflict` on ``form``: the one message as an
    error of the whole form, what was typed kept, and the version input (``field``) moved on to
    the version saved now, so that saving again is the user's deliberate choice. The form's page
    then answers 409 (:func:`form_page`, :func:`conflict_of`)."""
    data: MutableMapping[str, Any] = (
        form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
    )
    data[form.add_prefix(field)] = str(conflict.version)
    form.data = data
    form.errors  # noqa: B018 - validates a form that has not been yet, so errors can be added
    form.add_error(None, conflict.message)
    setattr(form, _CONFLICT_MARK, conflict)


def conflict_of(form: forms.BaseForm) -> VersionConflict | None:
    """The conflict :func:`show_conflict` showed on ``form``, if any."""
    found = getattr(form, _CONFLICT_MARK, None)
    return found if isinstance(found, VersionConflict) else None


def submit(
    form: forms.BaseForm,
    service: Callable[[dict[str, Any]], T],
    *,
    field_map: Mapping[str, str] | None = None,
    denied_as_404: bool = False,
    version_field: str = "version",
) -> Submitted[T]:
    """The bind → service → errors step of a form view, in one place.

    Validates ``form``; when valid, calls ``service(form.cleaned_data)``. A ``ValidationError``
    from the service is shown on the form (:func:`apply_errors`) and what was typed stays, so the
    view just re-renders the bound form when ``ok`` is false::

        form = GoalForm(request.POST)
        done = submit(form, lambda data: services.goal_add(actor=user, episode=episode, **data))
        if done.ok:
            return redirect(...)
        return render(request, ..., {"form": form})

    ``denied_as_404`` turns the service's ``PermissionDenied`` into 404 ("not yours" looks like
    "not found") for views whose access check already ran and made the object visible. A
    :class:`~tupa.core.conflicts.VersionConflict` is shown on the form (:func:`show_conflict`,
    its version input named ``version_field``) and returned as ``conflict``.
    """
    if not form.is_valid():
        return Submitted(False)
    try:
        value = service(form.cleaned_data)
    except VersionConflict as conflict:
        show_conflict(form, conflict, field=version_field)
        return Submitted(False, conflict=conflict)
    except PermissionDenied as denied:
        if denied_as_404:
            raise Http404 from denied
        raise
    except ValidationError as error:
        apply_errors(form, error, field_map=field_map)
        return Submitted(False)
    return Submitted(True, value)


def saved_redirect(
    request: HttpRequest,
    form: forms.BaseForm,
    service: Callable[[dict[str, Any]], T],
    *,
    next_url: str | Callable[[T], str],
    success: Any = None,
    field_map: Mapping[str, str] | None = None,
    denied_as_404: bool = False,
    version_field: str = "version",
) -> HttpResponse | None:
    """The step of a form page that posts to itself: on a POST, :func:`submit`; when the service
    is done, the ``success`` message (if any) and the redirect to ``next_url``.

    ``next_url`` is the page to go to, or for a new object a function of what ``service``
    returned (its page is known only once it is saved). ``None`` when there was nothing to save
    (a GET) or the form or the service refused it: the view shows the form again, with what was
    typed and why it was refused (:func:`form_page`). ``field_map``, ``denied_as_404`` and
    ``version_field`` are :func:`submit`'s::

        form = GrantForm(request.POST or None)
        saved = saved_redirect(request, form, lambda data: services.grant_add(...),
                               next_url=lambda grant: grant_url(grant.pk), success=_("Tallennettu."))
        return saved or form_page(request, "finance/grant_form.html", form, {...})
    """
    if request.method != "POST":
        return None
    done = submit(
        form,
        service,
        field_map=field_map,
        denied_as_404=denied_as_404,
        version_field=version_field,
    )
    if not done.ok:
        return None
    if success is not None:
        messages.success(request, success)
    if isinstance(next_url, str):
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(next_url(cast(T, done.value)))


def form_page(
    request: HttpRequest, template: str, form: forms.BaseForm, context: Mapping[str, Any]
) -> HttpResponse:
    """A form's page; 400 when the form was posted and refused (its errors are on the page),
    409 when somebody else saved in between (:func:`show_conflict`)."""
    return render(request, template, {"form": form, **context}, status=form_status(form))


def form_status(form: forms.BaseForm) -> int:
    """The status of a form's page: 200 unposted, 409 after a conflict, else 400 (refused)."""
    if not form.is_bound:
        return 200
    return 409 if conflict_of(form) is not None else 400


def posted_status(request: HttpRequest, form: forms.BaseForm | None) -> int:
    """The status of a page that shows ``form`` on a GET and again after a refused POST: 200,
    or 409 after a conflict, else 400 (also for a POST that bound no form on this page)."""
    if request.method != "POST":
        return 200
    return form_status(form) if form is not None and form.is_bound else 400
