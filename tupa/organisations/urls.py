from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("tyomuodot/<slug:slug>/", views.service_form_detail, name="service_form"),
]
