from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tupa.core.access import public, two_factor_exempt

login = two_factor_exempt(public(auth_views.LoginView.as_view(template_name="accounts/login.html")))
logout = two_factor_exempt(public(auth_views.LogoutView.as_view()))


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    return render(request, "accounts/locked.html", status=429)
