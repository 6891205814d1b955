"""Episode URLs, mounted at /asiakkuudet/ (namespace "episodes"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from .journal.urls import journal_urlpatterns
from .views import (
    consents,
    coworkers,
    emergency,
    episode,
    intake,
    lists,
    participants,
    plan,
    referrals,
)

app_name = "episodes"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", lists.caseload, name="caseload"),
    path("tyomuoto/<slug:slug>/", lists.client_list, name="client_list"),
    path("tyomuoto/<slug:slug>/uusi/", intake.open_episode, name="open"),
    path("ohjaukset/", referrals.referral_inbox, name="referral_inbox"),
    path("ohjaukset/<int:pk>/", referrals.referral_decide, name="referral_decide"),
    path("poikkeukselliset-paasyt/", emergency.break_glass_queue, name="break_glass_queue"),
    path(
        "poikkeukselliset-paasyt/<int:pk>/",
        emergency.break_glass_review,
        name="break_glass_review",
    ),
    path("<int:pk>/", episode.detail, name="detail"),
    path("<int:pk>/muokkaa/", episode.edit, name="edit"),
    path("<int:pk>/tila/", episode.edit_status, name="edit_status"),
    path("<int:pk>/yhteydenottolupa/", episode.contact_permission, name="contact_permission"),
    path("<int:pk>/perustiedot/", episode.basic_form, name="basic_form"),
    path("<int:pk>/osallistujat/uusi/", participants.add_participant, name="add_participant"),
    path(
        "<int:pk>/osallistujat/<int:participant_pk>/poistuminen/",
        participants.participant_remove,
        name="participant_remove",
    ),
    path("<int:pk>/tyontekijat/uusi/", coworkers.assignment_add, name="assignment_add"),
    path(
        "<int:pk>/tyontekijat/<int:assignment_pk>/paattyminen/",
        coworkers.assignment_end,
        name="assignment_end",
    ),
    path("<int:pk>/tavoitteet/uusi/", plan.goal_add, name="goal_add"),
    path("<int:pk>/tavoitteet/<int:goal_pk>/arviointi/", plan.goal_review, name="goal_review"),
    path(
        "<int:pk>/verkostoneuvottelut/uusi/",
        plan.network_meeting_add,
        name="network_meeting_add",
    ),
    path("<int:pk>/suostumukset/uusi/", consents.consent_add, name="consent_add"),
    path(
        "<int:pk>/suostumukset/<int:consent_pk>/peruutus/",
        consents.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<int:pk>/ulkoiset-ohjaukset/uusi/",
        plan.external_referral_add,
        name="external_referral_add",
    ),
    path("<int:pk>/ohjaa/", referrals.referral_create, name="referral_create"),
    path("<int:pk>/poikkeuksellinen-paasy/", emergency.break_glass, name="break_glass"),
]

urlpatterns += journal_urlpatterns  # the journal: entries and attachments (journal/urls.py)
