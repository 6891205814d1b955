"""Screens of the open family house (Perhetupa): today's tally, corrections, childcare sessions,
room rentals, the consented step to an identified client (ANO-05) and the statistics.

Only client-work members of the drop-in service form reach the work screens (404 for everyone
else, also for bad ids). The statistics are aggregates: members and the executive director
(policy action ``dropin.statistics.view``). The counts are anonymous, so these pages show no
person data and write no access events; the renter's contact is shown only to members.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from tupa.access.clients import user_scope
from tupa.access.marks import object_scoped
from tupa.access.policy import decide
from tupa.core.forms import apply_errors
from tupa.organisations.models import ServiceForm
from tupa.scheduling.models import Booking

from . import selectors, services
from .forms import (
    BookingForm,
    ChildcareForm,
    CorrectionForm,
    DayChoiceForm,
    IdentifyForm,
    MonthForm,
    StatisticsForm,
)
from .models import COUNT_FIELDS, ChildcareSession, DailyCount, Programme
from .models import Session as VisitSession
from .services import CHILDCARE_FIELDS

if TYPE_CHECKING:
    from tupa.accounts.models import User

STATISTICS_ACTION = "dropin.statistics.view"

# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _drop_in_form(slug: str) -> ServiceForm | None:
    return (
        ServiceForm.objects.filter(slug=slug, kind=ServiceForm.Kind.DROP_IN)
        .select_related("organisation")
        .first()
    )


def _house_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    service_form = _drop_in_form(slug)
    if service_form is None or not services.may_use(_user(request), service_form):
        raise Http404
    return service_form


def _session_param(request: HttpRequest) -> str:
    value = request.POST.get("session") or request.GET.get("istunto") or VisitSession.DAY
    return value if value in VisitSession.values else VisitSession.DAY


def _month_param(request: HttpRequest) -> tuple[MonthForm, int, int]:
    today = timezone.localdate()
    bound = "month" in request.GET
    form = MonthForm(request.GET if bound else None, initial={"month": f"{today:%Y-%m}"})
    year, month = today.year, today.month
    if bound and form.is_valid():
        year, month = form.cleaned_data["month"]
    return form, year, month


def _shift_month(year: int, month: int, step: int) -> str:
    index = year * 12 + (month - 1) + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --------------------------------------------------------------------------- today's tally


COUNTER_LABELS = {
    "adults": gettext_lazy("Aikuiset"),
    "children": gettext_lazy("Lapset (1 v ja yli)"),
    "under_ones": gettext_lazy("Alle 1-vuotiaat"),
    "first_timers": gettext_lazy("Ensikertalaiset perheet"),
}


def _today_context(request: HttpRequest, service_form: ServiceForm, session: str) -> dict[str, Any]:
    day = timezone.localdate()
    view = selectors.today(service_form=service_form, user=_user(request), session=session, day=day)
    counters = [
        {
            "field": name,
            "label": COUNTER_LABELS[name],
            "value": getattr(view.count, name) if view.count else 0,
        }
        for name in COUNT_FIELDS
    ]
    programme = view.count.programme if view.count else services.default_programme(day)
    return {
        "service_form": service_form,
        "day": day,
        "session": session,
        "session_label": VisitSession(session).label,
        "sessions": VisitSession.choices,
        "programme": programme,
        "programmes": Programme.choices,
        "counters": counters,
        "view": view,
        "last_tap_label": COUNTER_LABELS[view.last_tap.field] if view.last_tap else "",
        "may_correct": services.may_correct(_user(request), service_form),
    }


@object_scoped
@require_http_methods(["GET", "POST"])
def today(request: HttpRequest, slug: str) -> HttpResponse:
    """The Perhetupa worker's "Tänään" page: big +/− buttons per counter, undo, programme."""
    service_form = _house_or_404(request, slug)
    session = _session_param(request)
    error = ""
    if request.method == "POST":
        user = _user(request)
        try:
            if "tap" in request.POST:
                field, _sep, delta = request.POST["tap"].partition(":")
                services.count_tap(
                    actor=user,
                    service_form=service_form,
                    field=field,
                    delta=1 if delta == "1" else -1 if delta == "-1" else 0,
                    session=session,
                )
            elif "undo" in request.POST:
                services.count_undo(actor=user, service_form=service_form, session=session)
            elif "programme" in request.POST:
                services.count_set_programme(
                    actor=user,
                    service_form=service_form,
                    programme=request.POST["programme"],
                    session=session,
                )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not getattr(request, "htmx", False):
            if error:
                messages.error(request, error)
            url = reverse("dropin:today", args=[service_form.slug])
            return HttpResponseRedirect(f"{url}?{urlencode({'istunto': session})}")
    context = _today_context(request, service_form, session)
    context["error"] = error
    template = "dropin/today.html#tally" if getattr(request, "htmx", False) else "dropin/today.html"
    return render(request, template, context)


# --------------------------------------------------------------------------- corrections


@object_scoped
@require_http_methods(["GET", "POST"])
def correct(request: HttpRequest, slug: str) -> HttpResponse:
    """A lead corrects (or fills in) a past day's figures with a reason."""
    service_form = _house_or_404(request, slug)
    user = _user(request)
    if not services.may_correct(user, service_form):
        raise Http404
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.count_correct(
                    actor=user,
                    service_form=service_form,
                    day=data["day"],
                    session=data["session"],
                    programme=data["programme"],
                    adults=data["adults"],
                    children=data["children"],
                    under_ones=data["under_ones"],
                    first_timers=data["first_timers"],
                    reason=data["reason"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Päivän luvut tallennettu."))
                url = reverse("dropin:statistics", args=[service_form.slug])
                day = data["day"]
                return HttpResponseRedirect(
                    f"{url}?{urlencode({'year': day.year, 'month': day.month})}"
                )
    else:
        chooser = DayChoiceForm(request.GET if "day" in request.GET else None)
        initial: dict[str, Any] = {
            "day": timezone.localdate() - dt.timedelta(days=1),
            "session": VisitSession.DAY,
        }
        if chooser.is_bound and chooser.is_valid():
            initial.update(chooser.cleaned_data)
        existing = DailyCount.objects.filter(
            service_form=service_form, date=initial["day"], session=initial["session"]
        ).first()
        if existing is not None:
            initial.update({name: getattr(existing, name) for name in COUNT_FIELDS})
            initial["programme"] = existing.programme
        else:
            initial["programme"] = services.default_programme(initial["day"])
        form = CorrectionForm(initial=initial)
    return render(request, "dropin/correct.html", {"service_form": service_form, "form": form})


# --------------------------------------------------------------------------- childcare


@object_scoped
@require_GET
def childcare_list(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _house_or_404(request, slug)
    form, year, month = _month_param(request)
    start = dt.date(year, month, 1)
    end = selectors.month_end(year, month)
    rows = list(selectors.childcare_between(service_form=service_form, start=start, end=end))
    return render(
        request,
        "dropin/childcare_list.html",
        {
            "service_form": service_form,
            "form": form,
            "month_start": start,
            "rows": rows,
            "children_total": sum(r.children for r in rows),
            "previous_month": _shift_month(year, month, -1),
            "next_month": _shift_month(year, month, 1),
        },
    )


def _childcare_counts(data: dict[str, Any]) -> dict[str, int]:
    return {name: data[name] for name in CHILDCARE_FIELDS}


@object_scoped
@require_http_methods(["GET", "POST"])
def childcare_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    service_form = _house_or_404(request, slug)
    instance: ChildcareSession | None = None
    if pk is not None:
        instance = ChildcareSession.objects.filter(pk=pk, service_form=service_form).first()
        if instance is None:
            raise Http404
    if request.method == "POST":
        form = ChildcareForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if instance is None:
                    saved = services.childcare_record(
                        actor=_user(request),
                        service_form=service_form,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        note=data["note"],
                        **_childcare_counts(data),
                    )
                else:
                    saved = services.childcare_update(
                        actor=_user(request),
                        session=instance,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        note=data["note"],
                        **_childcare_counts(data),
                    )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                apply_errors(form, exc, field_map={"starts_at": "start", "ends_at": "end"})
            else:
                messages.success(request, _("Lastenhoitokerta tallennettu."))
                url = reverse("dropin:childcare_list", args=[service_form.slug])
                local = timezone.localtime(saved.starts_at)
                return HttpResponseRedirect(f"{url}?{urlencode({'month': f'{local:%Y-%m}'})}")
    elif instance is not None:
        start = timezone.localtime(instance.starts_at)
        end = timezone.localtime(instance.ends_at)
        form = ChildcareForm(
            initial={
                "day": start.date(),
                "start": start.time(),
                "end": end.time(),
                "note": instance.note,
                **{name: getattr(instance, name) for name in CHILDCARE_FIELDS},
            }
        )
    else:
        form = ChildcareForm(
            initial={"day": timezone.localdate(), "start": dt.time(9, 0), "end": dt.time(12, 0)}
        )
    return render(
        request,
        "dropin/childcare_form.html",
        {"service_form": service_form, "form": form, "instance": instance},
    )


# --------------------------------------------------------------------------- room rentals


@object_scoped
@require_GET
def bookings(request: HttpRequest, slug: str) -> HttpResponse:
    """The month's bookings of the house's rentable rooms, by day (a list-style calendar)."""
    service_form = _house_or_404(request, slug)
    form, year, month = _month_param(request)
    start = dt.date(year, month, 1)
    end = selectors.month_end(year, month)
    rows = list(selectors.bookings_between(service_form=service_form, start=start, end=end))
    days: dict[dt.date, list[Booking]] = {}
    for booking in rows:
        days.setdefault(timezone.localtime(booking.starts_at).date(), []).append(booking)
    return render(
        request,
        "dropin/bookings.html",
        {
            "service_form": service_form,
            "form": form,
            "month_start": start,
            "days": sorted(days.items()),
            "rooms": list(services.rental_rooms(service_form)),
            "previous_month": _shift_month(year, month, -1),
            "next_month": _shift_month(year, month, 1),
        },
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def booking_new(request: HttpRequest, slug: str) -> HttpResponse:
    service_form = _house_or_404(request, slug)
    rooms = services.rental_rooms(service_form)
    if request.method == "POST":
        form = BookingForm(request.POST, rooms=rooms)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = services.booking_create(
                    actor=_user(request),
                    service_form=service_form,
                    room=data["room"],
                    kind=data["kind"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    title=data["title"],
                    organiser_name=data["organiser_name"],
                    organiser_contact=data["organiser_contact"],
                    price=data["price"],
                    billable=data["billable"],
                    note=data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                apply_errors(form, exc, field_map={"starts_at": "start", "ends_at": "end"})
            else:
                messages.success(request, _("Varaus tallennettu."))
                url = reverse("dropin:bookings", args=[service_form.slug])
                local = timezone.localtime(booking.starts_at)
                return HttpResponseRedirect(f"{url}?{urlencode({'month': f'{local:%Y-%m}'})}")
    else:
        form = BookingForm(
            rooms=rooms,
            initial={
                "day": timezone.localdate(),
                "start": dt.time(16, 0),
                "end": dt.time(18, 0),
                "kind": Booking.Kind.BIRTHDAY_PARTY,
            },
        )
    return render(
        request,
        "dropin/booking_form.html",
        {"service_form": service_form, "form": form, "rooms": list(rooms)},
    )


@object_scoped
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    service_form = _house_or_404(request, slug)
    booking = (
        Booking.objects.filter(pk=pk, room__service_form=service_form)
        .select_related("room")
        .first()
    )
    if booking is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            services.booking_cancel(
                actor=_user(request), service_form=service_form, booking=booking
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Varaus peruttu."))
            url = reverse("dropin:bookings", args=[service_form.slug])
            local = timezone.localtime(booking.starts_at)
            return HttpResponseRedirect(f"{url}?{urlencode({'month': f'{local:%Y-%m}'})}")
    return render(
        request,
        "dropin/booking_cancel.html",
        {"service_form": service_form, "booking": booking, "error": error},
    )


# --------------------------------------------------------------------------- ANO-05


@object_scoped
@require_http_methods(["GET", "POST"])
def identify(request: HttpRequest, slug: str) -> HttpResponse:
    """ANO-05: a visitor who wants personal support becomes an identified client, by consent."""
    service_form = _house_or_404(request, slug)
    user = _user(request)
    targets = ServiceForm.objects.filter(
        pk__in=user_scope(user).member_form_ids, active=True
    ).order_by("order", "name")
    if request.method == "POST":
        form = IdentifyForm(request.POST, targets=targets)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.visitor_identify(
                    actor=user,
                    service_form=service_form,
                    target_service_form=data["target_service_form"],
                    first_names=data["first_names"],
                    last_name=data["last_name"],
                    birth_date=data["birth_date"],
                    hetu=data["hetu"],
                    consent=data["consent"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Asiakkuus avattu kävijän suostumuksella. Aiemmat nimettömät käynnit eivät muuttuneet."
                    ),
                )
                return HttpResponseRedirect(reverse("episodes:detail", args=[record.episode_id]))
    else:
        form = IdentifyForm(targets=targets, initial={"target_service_form": service_form.pk})
    return render(request, "dropin/identify.html", {"service_form": service_form, "form": form})


# --------------------------------------------------------------------------- statistics


def _statistics_form_or_404(request: HttpRequest, slug: str) -> ServiceForm:
    service_form = _drop_in_form(slug)
    if service_form is None or not decide(_user(request), STATISTICS_ACTION, service_form):
        raise Http404
    return service_form


def _period(request: HttpRequest) -> tuple[StatisticsForm, int, int | None]:
    today_ = timezone.localdate()
    bound = "year" in request.GET
    form = StatisticsForm(request.GET if bound else None, initial={"year": today_.year})
    year, month = today_.year, None
    if bound and form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    return form, year, month


@object_scoped
@require_GET
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    """Daily (a chosen month), monthly (a year) and yearly figures; aggregates only."""
    service_form = _statistics_form_or_404(request, slug)
    form, year, month = _period(request)
    months = selectors.monthly_figures(service_form=service_form, year=year)
    year_total = selectors.Figures()
    for _month, figures in months:
        year_total.add(figures)
    days: list[tuple[dt.date, selectors.Figures]] = []
    month_total = None
    if month:
        start, end = dt.date(year, month, 1), selectors.month_end(year, month)
        by_day = selectors.daily_figures(service_form=service_form, start=start, end=end)
        days = sorted(by_day.items())
        month_total = selectors.Figures()
        for _day, figures in days:
            month_total.add(figures)
    years_with_data = selectors.data_years(service_form=service_form)
    first = min([*years_with_data, year])
    last = max([*years_with_data, year])
    years = selectors.yearly_figures(service_form=service_form, first_year=first, last_year=last)
    user = _user(request)
    return render(
        request,
        "dropin/statistics.html",
        {
            "service_form": service_form,
            "form": form,
            "year": year,
            "month": month,
            "months": months,
            "year_total": year_total,
            "days": days,
            "month_total": month_total,
            "years": years,
            "is_member": services.may_use(user, service_form),
            "may_correct": services.may_correct(user, service_form),
            "csv_query": urlencode({"year": year, **({"month": month} if month else {})}),
        },
    )


CSV_COLUMNS = [
    ("visits", gettext_lazy("Käynnit")),
    ("adults", gettext_lazy("Aikuiset")),
    ("children", gettext_lazy("Lapset (1 v ja yli)")),
    ("under_ones", gettext_lazy("Alle 1-vuotiaat")),
    ("first_timers", gettext_lazy("Ensikertalaiset perheet")),
    ("opening_days", gettext_lazy("Aukiolopäivät")),
    ("average_per_opening_day", gettext_lazy("Käyntejä aukiolopäivää kohden")),
    ("baby_days", gettext_lazy("Vauvapäivät")),
    ("childcare_sessions", gettext_lazy("Lastenhoitokerrat")),
    ("childcare_children", gettext_lazy("Lapsia lastenhoidossa")),
    ("bookings", gettext_lazy("Tilavaraukset")),
    ("rental_income", gettext_lazy("Vuokratulot (€)")),
]


def _csv_value(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "average_per_opening_day":
        return number_format(value, decimal_pos=1)
    if key == "rental_income":
        return number_format(value, decimal_pos=2)
    return str(value)


@object_scoped
@require_GET
def statistics_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The same figures as CSV for Finnish Excel (``;``, UTF-8 BOM). Aggregates only."""
    service_form = _statistics_form_or_404(request, slug)
    form, year, month = _period(request)
    if form.is_bound and not form.is_valid():
        raise Http404
    if month:
        start, end = dt.date(year, month, 1), selectors.month_end(year, month)
        by_day = selectors.daily_figures(service_form=service_form, start=start, end=end)
        rows = [
            (f"{d.day}.{d.month}.{d.year}", by_day.get(d, selectors.Figures()))
            for d in (start + dt.timedelta(days=i) for i in range((end - start).days + 1))
        ]
        filename = f"perhetupa-{year}-{month:02d}.csv"
    else:
        rows = [
            (f"{d.month}/{d.year}", figures)
            for d, figures in selectors.monthly_figures(service_form=service_form, year=year)
        ]
        filename = f"perhetupa-{year}.csv"
    total = selectors.Figures()
    for _label, figures in rows:
        total.add(figures)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Ajanjakso"), *[str(label) for _key, label in CSV_COLUMNS]])
    for label, figures in [*rows, (_("Yhteensä"), total)]:
        writer.writerow(
            [label, *[_csv_value(key, getattr(figures, key)) for key, _l in CSV_COLUMNS]]
        )
    return response
