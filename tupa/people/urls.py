"""Person screens (mounted at /henkilot/, namespace "people")."""

from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("haku/", views.search, name="search"),
    path("uusi/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/muokkaa/", views.edit, name="edit"),
    path("<int:pk>/yhdista/<int:other_pk>/", views.merge, name="merge"),
    path("<int:pk>/laheinen/uusi/", views.relationship_add, name="relationship_add"),
    path("<int:pk>/perhe/uusi/", views.household_create, name="household_create"),
    path(
        "<int:pk>/perhe/<int:household_pk>/lisaa/",
        views.household_add_member,
        name="household_add_member",
    ),
    path("peitenimi/<int:pk>/tunnista/", views.alias_link, name="alias_link"),
]
