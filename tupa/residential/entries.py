"""What every anonymous shelter entry (a line contact, a turn-away) shares.

The moment check of the writes (:func:`entry_moment`), the base of the one-screen entry forms
(:class:`AnonymousEntryForm`) and where a saved entry goes (:func:`entry_next_url`). The model
side is the abstract :class:`~tupa.residential.models.shelter.AnonymousShelterEntry`. Kept out of
``line/`` and ``turnaways/`` so that neither feature imports the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tupa.core.forms import moment_field
from tupa.core.wallclock import this_minute

#: An entry may be recorded afterwards, but not in the future (small clock skew allowed).
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def entry_moment(occurred_at: dt.datetime | None, errors: dict[str, str]) -> dt.datetime:
    """The moment of an anonymous entry (a line contact, a turn-away): ``occurred_at``, or now.

    A moment without a time zone or in the future adds its message to ``errors`` under
    ``occurred_at``, so the caller reports it together with the other fields' errors.
    """
    when = occurred_at or timezone.now()
    if timezone.is_naive(when):
        errors["occurred_at"] = _("Anna ajankohta aikavyöhykkeen kanssa.")
    elif when > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = _("Ajankohta ei voi olla tulevaisuudessa.")
    return when


class AnonymousEntryForm(forms.Form):
    """One-screen entry of an anonymous record (a line contact, a turn-away).

    Anonymous: no name, phone number or other identifying field on purpose. The moment comes
    first and defaults to now; the free-text fields have autocomplete off, so the browser does
    not offer what was typed about someone earlier.
    """

    #: Initial values of a new entry besides the moment (which is now).
    defaults: ClassVar[dict[str, Any]] = {}
    #: The free-text fields (autocomplete off).
    free_text: ClassVar[tuple[str, ...]] = ("note",)

    occurred_at = moment_field(
        gettext_lazy("Ajankohta"), required_message=gettext_lazy("Anna ajankohta.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"occurred_at": this_minute(), **self.defaults})
        super().__init__(*args, **kwargs)
        for name in self.free_text:
            self.fields[name].widget.attrs["autocomplete"] = "off"


def entry_next_url(request: HttpRequest, *, new_url: str, done_url: str) -> str:
    """Where a saved entry goes: an empty form again (``new_url``) when the worker chose
    "Tallenna ja uusi", else ``done_url``."""
    return new_url if request.POST.get("action") == "save_new" else done_url
