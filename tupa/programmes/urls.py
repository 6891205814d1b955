"""Group programmes, sessions and attendance, mounted at /ryhmat/ (namespace "programmes"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "programmes"
urlpatterns: list[URLPattern | URLResolver] = [
    path("tyomuoto/<slug:slug>/", views.programme_list, name="list"),
    path("tyomuoto/<slug:slug>/uusi/", views.programme_create, name="create"),
    path("tyomuoto/<slug:slug>/tilastot/", views.form_statistics, name="statistics"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/muokkaa/", views.programme_edit, name="edit"),
    path("<int:pk>/osallistujat/lisaa/", views.member_add, name="member_add"),
    path("osallistuja/<int:pk>/paata/", views.member_leave, name="member_leave"),
    path("<int:pk>/ohjaajat/lisaa/", views.leader_add, name="leader_add"),
    path("<int:pk>/kokoontumiset/lisaa/", views.session_add, name="session_add"),
    path("kokoontuminen/<int:pk>/", views.session_attendance, name="session"),
]
