"""Journal URLs, included into the ``episodes`` namespace by ``tupa/episodes/urls.py``."""

from django.urls import URLPattern, path

from .views import (
    journal_attachment,
    journal_attachment_add,
    journal_correct,
    journal_create,
    journal_list,
    journal_versions,
)

journal_urlpatterns: list[URLPattern] = [
    path("<int:episode_pk>/kirjaukset/", journal_list, name="journal_list"),
    path("<int:episode_pk>/kirjaukset/uusi/", journal_create, name="journal_create"),
    path("kirjaukset/<int:pk>/korjaa/", journal_correct, name="journal_correct"),
    path("kirjaukset/<int:pk>/versiot/", journal_versions, name="journal_versions"),
    path("kirjaukset/<int:pk>/liite/", journal_attachment_add, name="journal_attachment_add"),
    path("liitteet/<int:pk>/", journal_attachment, name="journal_attachment"),
]
