"""Volunteers, mounted at /vapaaehtoiset/ (namespace "volunteers"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "volunteers"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("uusi/", views.volunteer_create, name="create"),
    path("tarkistukset/", views.rechecks, name="rechecks"),
    path("<int:pk>/", views.volunteer_detail, name="detail"),
    path("<int:pk>/muokkaa/", views.volunteer_edit, name="edit"),
    path("<int:pk>/tehtava/", views.assignment_add, name="assignment_add"),
    path("<int:pk>/tila/", views.status_change, name="status_change"),
    path("<int:pk>/seulonta/", views.screening_edit, name="screening"),
    path("<int:pk>/rikostausta/", views.record_check_add, name="record_check"),
    path("<int:pk>/toiminta/", views.hours_add, name="hours_add"),
    path("toiminta/<int:pk>/muokkaa/", views.hours_edit, name="hours_edit"),
    path("toiminta/<int:pk>/poista/", views.hours_delete, name="hours_delete"),
    path("tehtava/<int:pk>/paata/", views.assignment_end, name="assignment_end"),
    path("tyomuoto/<slug:slug>/", views.roster, name="roster"),
    path("tyomuoto/<slug:slug>/vastuuhenkilo/", views.responsible_set, name="responsible"),
    path("kaveritoiminta/", views.cases, name="cases"),
    path("kaveritoiminta/uusi/<int:episode_pk>/", views.case_create, name="case_create"),
    path("kaveritoiminta/<int:pk>/", views.case_detail, name="case_detail"),
    path("kaveritoiminta/<int:pk>/alkutapaaminen/", views.case_intake, name="case_intake"),
    path("kaveritoiminta/<int:pk>/tila/", views.case_status, name="case_status"),
    path("kaveritoiminta/<int:pk>/yhdista/", views.case_match, name="case_match"),
    path("kaveritoiminta/<int:pk>/viesti/", views.match_note, name="match_note"),
    path("kaveritoiminta/<int:pk>/tekeminen/", views.activity_add, name="activity_add"),
    path("kaveritoiminta/<int:pk>/seuranta/", views.follow_up_add, name="follow_up_add"),
    path("kaveritoiminta/<int:pk>/paata/", views.case_end, name="case_end"),
    path("perhelinkki/uusi/<int:episode_pk>/", views.family_link_add, name="family_link_add"),
    path("perhelinkki/<int:pk>/", views.family_link_edit, name="family_link_edit"),
    path("koulutukset/", views.course_list, name="course_list"),
    path("koulutukset/uusi/", views.course_create, name="course_create"),
    path("koulutus/<int:pk>/", views.course_detail, name="course_detail"),
    path("koulutus/<int:pk>/kerta/", views.session_add, name="session_add"),
    path("koulutus/<int:pk>/osallistuja/", views.participant_add, name="participant_add"),
    path("koulutuskerta/<int:pk>/lasnaolo/", views.attendance, name="attendance"),
    path("osallistuja/<int:pk>/suoritus/", views.completion, name="completion"),
]
