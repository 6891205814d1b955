"""Episode URLs, mounted at /asiakkuudet/ (namespace "episodes"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from . import views
from .journal_views import journal_urlpatterns

app_name = "episodes"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.caseload, name="caseload"),
    path("tyomuoto/<slug:slug>/", views.client_list, name="client_list"),
    path("tyomuoto/<slug:slug>/uusi/", views.open_episode, name="open"),
    path("ohjaukset/", views.referral_inbox, name="referral_inbox"),
    path("ohjaukset/<int:pk>/", views.referral_decide, name="referral_decide"),
    path("poikkeukselliset-paasyt/", views.break_glass_queue, name="break_glass_queue"),
    path(
        "poikkeukselliset-paasyt/<int:pk>/",
        views.break_glass_review,
        name="break_glass_review",
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/muokkaa/", views.edit, name="edit"),
    path("<int:pk>/tila/", views.edit_status, name="edit_status"),
    path("<int:pk>/yhteydenottolupa/", views.contact_permission, name="contact_permission"),
    path("<int:pk>/perustiedot/", views.basic_form, name="basic_form"),
    path("<int:pk>/osallistujat/uusi/", views.add_participant, name="add_participant"),
    path(
        "<int:pk>/osallistujat/<int:participant_pk>/poistuminen/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/tyontekijat/uusi/", views.assignment_add, name="assignment_add"),
    path(
        "<int:pk>/tyontekijat/<int:assignment_pk>/paattyminen/",
        views.assignment_end,
        name="assignment_end",
    ),
    path("<int:pk>/tavoitteet/uusi/", views.goal_add, name="goal_add"),
    path("<int:pk>/tavoitteet/<int:goal_pk>/arviointi/", views.goal_review, name="goal_review"),
    path(
        "<int:pk>/verkostoneuvottelut/uusi/",
        views.network_meeting_add,
        name="network_meeting_add",
    ),
    path("<int:pk>/suostumukset/uusi/", views.consent_add, name="consent_add"),
    path(
        "<int:pk>/suostumukset/<int:consent_pk>/peruutus/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<int:pk>/ulkoiset-ohjaukset/uusi/",
        views.external_referral_add,
        name="external_referral_add",
    ),
    path("<int:pk>/ohjaa/", views.referral_create, name="referral_create"),
    path("<int:pk>/poikkeuksellinen-paasy/", views.break_glass, name="break_glass"),
]

urlpatterns += journal_urlpatterns  # the journal: entries and attachments (journal_views.py)
