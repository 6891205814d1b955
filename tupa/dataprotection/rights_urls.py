"""The client's rights and turvakielto management (mounted at /oikeudet/, namespace "rights")."""

from django.urls import path

from .access_requests import letter
from .access_requests import views as ar_views
from .disclosures import views as disclosure_views
from .erasure import views as erasure_views
from .extracts import views as extract_views
from .restrictions import views as restriction_views

app_name = "rights"
urlpatterns = [
    path("henkilo/haku/", extract_views.person_lookup, name="person_lookup"),
    path("henkilo/<int:pk>/turvakielto/", restriction_views.restriction_list, name="restrictions"),
    path(
        "henkilo/<int:pk>/turvakielto/uusi/",
        restriction_views.restriction_add,
        name="restriction_add",
    ),
    path(
        "henkilo/<int:pk>/turvakielto/<int:restriction_pk>/paata/",
        restriction_views.restriction_lift,
        name="restriction_lift",
    ),
    path("henkilo/<int:pk>/nayta-suojatut/", restriction_views.reveal, name="reveal"),
    path("henkilo/<int:pk>/lokiote/", extract_views.log_extract, name="log_extract"),
    path("henkilo/<int:pk>/tietopyynto/", extract_views.data_extract, name="data_extract"),
    path(
        "henkilo/<int:pk>/kasittelyn-rajoitus/",
        extract_views.processing_restriction,
        name="processing_restriction",
    ),
    # Erasure requests, GDPR art. 17 (tupa/dataprotection/erasure/views.py)
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
    # Disclosure log and access requests (tupa/dataprotection/access_requests, disclosures)
    path("asiakkuus/<int:pk>/luovutus/", disclosure_views.disclosure_add, name="disclosure_add"),
    path("luovutukset/", disclosure_views.disclosure_list, name="disclosures"),
    path("tietopyynnot/", ar_views.request_list, name="access_requests"),
    path("tietopyynnot/tarkastettavat/", ar_views.review_inbox, name="access_request_inbox"),
    path(
        "henkilo/<int:pk>/tietopyynto/uusi/", ar_views.request_create, name="access_request_create"
    ),
    path("tietopyynnot/<int:pk>/", ar_views.request_detail, name="access_request"),
    path("tietopyynnot/<int:pk>/tarkastus/", ar_views.request_review, name="access_request_review"),
    path("tietopyynnot/<int:pk>/paatos/", letter.request_letter, name="access_request_letter"),
]
