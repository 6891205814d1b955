"""The register descriptions and the conformity page, under ``/organisaatio/`` (``organisations``).

No ``app_name``: these patterns join the organisations app's own in the ``organisations``
namespace (``organisations:registers``, ``:register``, ``:conformity``), composed in
``config/urls.py`` so that the organisations app need not import this one.
"""

from django.urls import path

from .register import views

urlpatterns = [
    path("rekisterit/", views.register_list, name="registers"),
    path("rekisterit/<slug:slug>/", views.register_detail, name="register"),
    path("vaatimustenmukaisuus/", views.conformity_page, name="conformity"),
]
