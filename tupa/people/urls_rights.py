"""The client's rights and turvakielto management (mounted at /oikeudet/, namespace "rights")."""

from django.urls import path

from . import access_request_views as ar_views
from . import erasure_views
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
    # Erasure requests, GDPR art. 17 (tupa/people/erasure_views.py)
    path("henkilo/<int:pk>/poistopyynto/", erasure_views.erasure_list, name="erasure_list"),
    path(
        "henkilo/<int:pk>/poistopyynto/<int:request_pk>/",
        erasure_views.erasure_detail,
        name="erasure_detail",
    ),
    path(
        "henkilo/<int:pk>/poistopyynto/<int:request_pk>/paatos/",
        erasure_views.erasure_decision,
        name="erasure_decision",
    ),
    # Disclosure log and access requests (tupa/people/access_request_views.py)
    path("asiakkuus/<int:pk>/luovutus/", ar_views.disclosure_add, name="disclosure_add"),
    path("luovutukset/", ar_views.disclosure_list, name="disclosures"),
    path("tietopyynnot/", ar_views.request_list, name="access_requests"),
    path("tietopyynnot/tarkastettavat/", ar_views.review_inbox, name="access_request_inbox"),
    path(
        "henkilo/<int:pk>/tietopyynto/uusi/", ar_views.request_create, name="access_request_create"
    ),
    path("tietopyynnot/<int:pk>/", ar_views.request_detail, name="access_request"),
    path("tietopyynnot/<int:pk>/tarkastus/", ar_views.request_review, name="access_request_review"),
    path("tietopyynnot/<int:pk>/paatos/", ar_views.request_letter, name="access_request_letter"),
]
