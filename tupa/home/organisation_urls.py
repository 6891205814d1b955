"""The organisation's structure and a service form's page, under ``/organisaatio/``.

No ``app_name``: these patterns and the register descriptions'
(:mod:`tupa.dataprotection.organisation_urls`) form the ``organisations`` namespace
(``organisations:structure``, ``organisations:service_form``, …), composed in ``config/urls.py``.
The pages live on the top floor because a service form's page shows the links every app registers
for it (``{% service_form_links %}``).
"""

from django.urls import path

from . import organisation_views as views

urlpatterns = [
    path("", views.structure, name="structure"),
    path("tyomuodot/<slug:slug>/", views.service_form_detail, name="service_form"),
]
