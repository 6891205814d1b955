"""Person screens (mounted at /henkilot/, namespace "people")."""

from django.urls import path

from .views import aliases, create, family, holds, merge, person, search

app_name = "people"
urlpatterns = [
    path("haku/", search.search, name="search"),
    path("uusi/", create.create, name="create"),
    path("vahvistettavat/", holds.hold_queue, name="hold_queue"),
    path("vahvistettavat/<int:pk>/", holds.hold_confirm, name="hold_confirm"),
    path("<int:pk>/", person.detail, name="detail"),
    path("<int:pk>/muokkaa/", person.edit, name="edit"),
    path("<int:pk>/yhdista/<int:other_pk>/", merge.merge, name="merge"),
    path("<int:pk>/laheinen/uusi/", family.relationship_add, name="relationship_add"),
    path("<int:pk>/perhe/uusi/", family.household_create, name="household_create"),
    path(
        "<int:pk>/perhe/<int:household_pk>/lisaa/",
        family.household_add_member,
        name="household_add_member",
    ),
    path("peitenimi/<int:pk>/tunnista/", aliases.alias_link, name="alias_link"),
]
