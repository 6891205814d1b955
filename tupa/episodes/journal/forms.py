"""Forms of the client journal. Validation of substance lives in :mod:`.services`;
these forms parse input, keep what was typed and show the services' Finnish messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tupa.accounts.models import User
from tupa.core.forms import BoundedModelMultipleChoiceField, moment_field
from tupa.core.wallclock import this_minute

from ..models import Attachment, Entry, Episode, Participant
from . import attachments as attachment_files
from . import selectors, services

ACCEPT = ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"


class ParticipantChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Participant) -> str:  # type: ignore[override]
        who = obj.person if obj.person is not None else obj.alias
        return f"{who} ({obj.get_role_display()})"


class CoWorkerChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:  # type: ignore[override]
        name = obj.get_full_name() or obj.username
        forms_ = sorted(
            {
                str(m.service_form)
                for m in getattr(obj, "client_memberships", [])
                if m.service_form is not None
            }
        )
        return f"{name} – {', '.join(forms_)}" if forms_ else name


def _cap(choices: Any) -> list[tuple[str, Any]]:
    return [(value, capfirst(label)) for value, label in choices]


class EntryFieldsForm(forms.Form):
    """The fields an entry and its correction share."""

    type = forms.ChoiceField(
        label=_("Kirjauksen laji"),
        choices=[("", _("Valitse laji")), *_cap(Entry.Type.choices)],
        error_messages={"required": _("Valitse kirjauksen laji.")},
    )
    occurred_at = moment_field(
        _("Aika"),
        help_text=_("Tapaamisen tai yhteydenoton alkamisaika. Aika ei voi olla tulevaisuudessa."),
        required_message=_("Anna kirjauksen aika."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Kesto (min)"),
        required=False,
        min_value=services.MIN_DURATION,
        max_value=services.MAX_DURATION,
        help_text=_("Minuutteina, 1–1440. Jätä tyhjäksi, jos kirjaus ei ole tapaaminen."),
        error_messages={
            "invalid": _("Anna kesto kokonaisina minuutteina."),
            "min_value": _("Keston on oltava vähintään 1 minuutti."),
            "max_value": _("Kesto voi olla enintään 1440 minuuttia (vuorokausi)."),
        },
    )
    place = forms.ChoiceField(
        label=_("Paikka"),
        choices=_cap(Entry.Place.choices),
        initial=Entry.Place.OWN_PREMISES,
        error_messages={"required": _("Valitse paikka."), "invalid_choice": _("Valitse paikka.")},
    )
    place_detail = forms.CharField(
        label=_("Paikan tarkenne"),
        required=False,
        max_length=200,
        help_text=_("Esimerkiksi neuvola tai kunta. Älä kirjoita tähän osoitetta."),
    )
    participants = ParticipantChoiceField(
        label=_("Osallistujat"),
        queryset=Participant.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Valitse osallistujat asiakkuuden osallistujista.")},
    )
    co_workers = CoWorkerChoiceField(
        label=_("Työparit"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Myös toisen työmuodon työntekijä. Valitse useampi Ctrl- tai Cmd-näppäimellä."),
        error_messages={"invalid_choice": _("Valitse työpari organisaation työntekijöistä.")},
    )
    external_co_worker = forms.CharField(
        label=_("Ulkopuolinen työpari"),
        required=False,
        max_length=200,
        help_text=_("Yhteistyötahon työntekijä, esimerkiksi neuvolan terveydenhoitaja."),
    )
    written_with_client = forms.BooleanField(
        label=_("Kirjoitettu yhdessä asiakkaan kanssa"), required=False
    )
    text = forms.CharField(
        label=_("Kirjaus"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=services.TEXT_MAX_LENGTH,
        error_messages={"required": _("Kirjoita kirjauksen teksti.")},
    )

    def __init__(
        self, *args: Any, episode: Episode, actor: User, keep_user_ids: Any = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.actor = actor
        self.fields["participants"].queryset = selectors.episode_participants(episode)  # type: ignore[attr-defined]
        # Co-workers of an earlier version stay selectable even if they have left since.
        candidates = selectors.co_worker_candidates(
            organisation_id=episode.organisation_id, also_ids=keep_user_ids
        )
        self.fields["co_workers"].queryset = candidates.exclude(pk=actor.pk)  # type: ignore[attr-defined]
        self.fields["co_workers"].widget.attrs["size"] = 6
        self.fields["text"].widget.attrs["maxlength"] = services.TEXT_MAX_LENGTH

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "type": data["type"],
            "occurred_at": data["occurred_at"],
            "duration_minutes": data.get("duration_minutes"),
            "place": data["place"],
            "place_detail": data.get("place_detail", ""),
            "text": data["text"],
            "participants": list(data.get("participants") or []),
            "co_workers": list(data.get("co_workers") or []),
            "external_co_worker": data.get("external_co_worker", ""),
            "written_with_client": bool(data.get("written_with_client")),
        }


class EntryCreateForm(EntryFieldsForm):
    attachment = forms.FileField(label=_("Liite"), required=False)
    attachment_kind = forms.ChoiceField(
        label=_("Liitteen laji"),
        required=False,
        choices=[("", _("Valitse laji")), *_cap(Attachment.Kind.choices)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("occurred_at", this_minute())
        self.fields["attachment"].widget.attrs["accept"] = ACCEPT
        self.fields["attachment"].help_text = _(
            "Valinnainen: PNG- tai JPEG-kuva tai PDF, enintään %(size)s. Kuvista poistetaan "
            "sijainti- ja muut lisätiedot."
        ) % {"size": attachment_files.size_label(attachment_files.max_bytes())}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("attachment") and not data.get("attachment_kind"):
            self.add_error("attachment_kind", _("Valitse liitteen laji."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        kwargs = super().service_kwargs()
        kwargs["attachment"] = self.cleaned_data.get("attachment") or None
        kwargs["attachment_kind"] = self.cleaned_data.get("attachment_kind", "")
        return kwargs


class AttachmentChoiceField(BoundedModelMultipleChoiceField):
    def label_from_instance(self, obj: Attachment) -> str:  # type: ignore[override]
        return f"{obj.original_name} ({obj.get_kind_display()})"


class EntryCorrectForm(EntryFieldsForm):
    correction_reason = forms.CharField(
        label=_("Korjauksen syy"),
        max_length=300,
        help_text=_("Näkyy versiohistoriassa. Alkuperäinen kirjaus säilyy luettavana."),
        error_messages={"required": _("Kerro, miksi kirjausta korjataan.")},
    )
    attachments = AttachmentChoiceField(
        label=_("Liitteet, jotka säilyvät korjatussa versiossa"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Poista valinta liitteeltä, joka on liitetty väärään kirjaukseen."),
    )

    field_order = ["correction_reason"]

    def __init__(self, *args: Any, entry: Entry, actor: User, **kwargs: Any) -> None:
        co_workers = list(entry.co_workers.all())
        attachments = list(entry.attachments.order_by("pk"))
        if "data" not in kwargs and not args:
            kwargs["initial"] = {
                "type": entry.type,
                "occurred_at": entry.occurred_at,
                "duration_minutes": entry.duration_minutes,
                "place": entry.place,
                "place_detail": entry.place_detail,
                "participants": [p.pk for p in entry.participants.all()],
                "co_workers": [u.pk for u in co_workers],
                "external_co_worker": entry.external_co_worker,
                "written_with_client": entry.written_with_client,
                "text": entry.text,
                "attachments": [a.pk for a in attachments],
            }
        super().__init__(
            *args,
            episode=entry.episode,
            actor=actor,
            keep_user_ids=[u.pk for u in co_workers],
            **kwargs,
        )
        self.entry = entry
        self.fields["attachments"].queryset = entry.attachments.order_by("pk")  # type: ignore[attr-defined]
        if not attachments:
            del self.fields["attachments"]

    def service_kwargs(self) -> dict[str, Any]:
        kwargs = super().service_kwargs()
        kwargs["reason"] = self.cleaned_data["correction_reason"]
        if "attachments" in self.fields:
            kwargs["attachments"] = list(self.cleaned_data.get("attachments") or [])
        return kwargs


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Tiedosto"),
        error_messages={
            "required": _("Valitse tiedosto."),
            "empty": _("Tiedosto on tyhjä."),
            "invalid": _("Tiedostoa ei voitu lukea. Valitse tiedosto uudelleen."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Liitteen laji"),
        choices=[("", _("Valitse laji")), *_cap(Attachment.Kind.choices)],
        error_messages={"required": _("Valitse liitteen laji.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ACCEPT
        self.fields["file"].help_text = _(
            "PNG- tai JPEG-kuva tai PDF, enintään %(size)s. Kuvista poistetaan sijainti- ja muut "
            "lisätiedot."
        ) % {"size": attachment_files.size_label(attachment_files.max_bytes())}

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in self.fields else None
                for error in errors:
                    self.add_error(target, error)
        else:
            self.add_error("file", exc)
