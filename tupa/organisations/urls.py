from django.urls import path

from . import register_views, views

app_name = "organisations"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("tyomuodot/<slug:slug>/", views.service_form_detail, name="service_form"),
    path("rekisterit/", register_views.register_list, name="registers"),
    path("rekisterit/<slug:slug>/", register_views.register_detail, name="register"),
    path("vaatimustenmukaisuus/", register_views.conformity_page, name="conformity"),
]
