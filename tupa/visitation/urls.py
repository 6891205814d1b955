"""Supervised meetings (Tapaamispaikka), mounted at /tapaamiset/ (namespace "visitation"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "visitation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("tyomuoto/<slug:slug>/", views.order_list, name="order_list"),
    path("tyomuoto/<slug:slug>/laskutus/", views.billing, name="billing"),
    path("tyomuoto/<slug:slug>/tilastot/", views.statistics, name="statistics"),
    path("asiakkuus/<int:episode_pk>/uusi-maarays/", views.order_create, name="order_create"),
    path("maarays/<int:pk>/", views.order_detail, name="order_detail"),
    path("maarays/<int:pk>/muokkaa/", views.order_edit, name="order_edit"),
    path("maarays/<int:pk>/aikataulu/", views.schedule, name="schedule"),
    path("maarays/<int:pk>/yhteydenpito/", views.contact_add, name="contact_add"),
    path("tapaaminen/<int:pk>/", views.meeting_edit, name="meeting_edit"),
    path("tapaaminen/<int:pk>/toteutuma/", views.meeting_outcome, name="meeting_outcome"),
]
