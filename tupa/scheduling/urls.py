"""Appointments, rooms and room bookings, mounted at /ajanvaraus/ (namespace "scheduling"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "scheduling"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.my_calendar, name="my_calendar"),
    path("tyomuoto/<slug:slug>/viikko/", views.team_week, name="team_week"),
    path("tyomuoto/<slug:slug>/uusi/", views.appointment_create, name="create"),
    path("tapaaminen/<int:pk>/", views.appointment_detail, name="detail"),
    path("tapaaminen/<int:pk>/muokkaa/", views.appointment_edit, name="edit"),
    path("asiakkuus/<int:episode_pk>/", views.episode_appointments, name="episode"),
    path("kalenterisyote/", views.feed_settings, name="feed_settings"),
    path("syote/<str:token>/", views.feed, name="feed"),
]
