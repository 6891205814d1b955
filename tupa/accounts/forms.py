"""Forms of the staff-account flows: login, second factor, password change."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User

#: One message for every failed login: wrong password, unknown user and disabled user alike,
#: so the form never reveals whether an account exists.
LOGIN_FAILED_MESSAGE = _(
    "Käyttäjätunnus tai salasana on virheellinen, tai tunnuksella ei voi kirjautua. "
    "Tarkista tiedot ja yritä uudelleen."
)


class LoginForm(forms.Form):
    """Username and password. Authentication goes through django-axes (which needs the request)."""

    username = forms.CharField(
        label=_("Käyttäjätunnus"),
        max_length=150,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Salasana"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {"invalid_login": LOGIN_FAILED_MESSAGE}

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: User | None = None
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Kirjoita käyttäjätunnus.")
        self.fields["password"].error_messages["required"] = _("Kirjoita salasana.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username = cleaned.get("username")
        password = cleaned.get("password")
        if username and password:
            # ModelBackend refuses inactive users (user_can_authenticate), so a disabled account
            # fails here exactly like a wrong password. A locked-out username is refused by
            # AxesStandaloneBackend and AxesMiddleware then replaces the response.
            user = authenticate(self.request, username=username, password=password)
            if user is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
            self.user_cache = user  # type: ignore[assignment]
        return cleaned

    def get_user(self) -> User:
        assert self.user_cache is not None
        return self.user_cache


_WHITESPACE = re.compile(r"[\s-]+")


def normalise_token(raw: str) -> str:
    """Drop spaces and hyphens typed when copying a code; recovery codes are lower-case."""
    return _WHITESPACE.sub("", raw or "").lower()


def is_totp_shaped(token: str) -> bool:
    return len(token) == 6 and token.isdigit()


class OTPTokenForm(forms.Form):
    """The second factor: a 6-digit code from the authenticator app, or a one-time recovery code."""

    otp_token = forms.CharField(
        label=_("Vahvistuskoodi"),
        max_length=32,
        help_text=_("Kuusinumeroinen koodi todennussovelluksesta tai yksi varakoodeistasi."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].error_messages["required"] = _("Kirjoita vahvistuskoodi.")

    def clean_otp_token(self) -> str:
        token = normalise_token(self.cleaned_data["otp_token"])
        if not token:
            raise forms.ValidationError(_("Kirjoita vahvistuskoodi."), code="required")
        return token


class TOTPSetupForm(OTPTokenForm):
    """Confirms enrolment: only a 6-digit code from the app is accepted here.

    Replacing an app in use (``replacing``) also asks for the account's password: a session
    left open or taken over must not be enough to move the second factor to another phone
    (and get new recovery codes). The password goes through ``authenticate``, so django-axes
    counts a wrong one as any failed login."""

    def __init__(
        self,
        *args: Any,
        request: HttpRequest | None = None,
        replacing: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.request = request
        field = self.fields["otp_token"]
        field.help_text = _("Kuusinumeroinen koodi, jonka todennussovellus näyttää nyt.")
        field.widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
        if replacing:
            self.fields["password"] = forms.CharField(
                label=_("Nykyinen salasana"),
                help_text=_("Sovelluksen vaihtaminen edellyttää salasanaasi."),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        user = getattr(self.request, "user", None)
        if (
            self.request is None
            or user is None
            or authenticate(self.request, username=user.get_username(), password=password) is None
        ):
            raise forms.ValidationError(
                _("Nykyinen salasana on väärin. Kirjoita se uudelleen."), code="wrong_password"
            )
        return password

    def clean_otp_token(self) -> str:
        token = super().clean_otp_token()
        if not is_totp_shaped(token):
            raise forms.ValidationError(
                _("Koodissa on kuusi numeroa. Tarkista koodi todennussovelluksesta."),
                code="invalid_format",
            )
        return token


class TupaPasswordChangeForm(PasswordChangeForm):
    """Django's password change with the configured validators and Finnish-source texts.

    The current password goes through ``authenticate`` (as in :class:`TOTPSetupForm`), so
    django-axes counts a wrong one as a failed login and a locked account cannot change it:
    a session left open must not let anyone guess the password without limit."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Nykyinen salasana on väärin. Kirjoita se uudelleen."),
        "password_mismatch": _("Uudet salasanat eivät ole samat."),
    }

    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["old_password"].label = _("Nykyinen salasana")
        self.fields["new_password1"].label = _("Uusi salasana")
        self.fields["new_password2"].label = _("Uusi salasana uudelleen")
        self.fields["new_password2"].help_text = _("Kirjoita sama uusi salasana uudelleen.")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].error_messages["required"] = _("Tämä kenttä on pakollinen.")

    def clean_old_password(self) -> str:
        old_password: str = self.cleaned_data["old_password"]
        if (
            self.request is None
            or authenticate(self.request, username=self.user.get_username(), password=old_password)
            is None
        ):
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
