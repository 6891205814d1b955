"""A prevention form's activity register, mounted at /ehkaiseva-tyo/ (namespace "prevention").
No personal data in paths: the form's slug and row ids only."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "prevention"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/", views.activities, name="activities"),
    path("<slug:slug>/uusi/", views.activity_edit, name="activity_new"),
    path("<slug:slug>/<int:pk>/", views.activity_edit, name="activity_edit"),
    path("<slug:slug>/<int:pk>/poista/", views.activity_remove, name="activity_remove"),
    path("<slug:slug>/materiaalit/", views.materials, name="materials"),
    path(
        "<slug:slug>/materiaalit/lista/<int:pk>/jakoon/",
        views.material_active,
        name="material_active",
    ),
    path(
        "<slug:slug>/materiaalit/<int:pk>/poista/",
        views.delivery_remove,
        name="delivery_remove",
    ),
]
