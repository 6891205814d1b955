"""The client's rights and turvakielto management (mounted at /oikeudet/, namespace "rights")."""

from django.urls import path

from . import views_rights as views

app_name = "rights"
urlpatterns = [
    path("henkilo/haku/", views.person_lookup, name="person_lookup"),
    path("henkilo/<int:pk>/turvakielto/", views.restriction_list, name="restrictions"),
    path("henkilo/<int:pk>/turvakielto/uusi/", views.restriction_add, name="restriction_add"),
    path(
        "henkilo/<int:pk>/turvakielto/<int:restriction_pk>/paata/",
        views.restriction_lift,
        name="restriction_lift",
    ),
    path("henkilo/<int:pk>/nayta-suojatut/", views.reveal, name="reveal"),
    path("henkilo/<int:pk>/lokiote/", views.log_extract, name="log_extract"),
    path("henkilo/<int:pk>/tietopyynto/", views.data_extract, name="data_extract"),
    path(
        "henkilo/<int:pk>/kasittelyn-rajoitus/",
        views.processing_restriction,
        name="processing_restriction",
    ),
]
