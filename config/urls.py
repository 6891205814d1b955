from django.contrib import admin
from django.urls import include, path

from tupa.audit import urls as audit_urls
from tupa.core import views as core_views
from tupa.dataprotection import audit_urls as dp_audit_urls
from tupa.dataprotection import organisation_urls as dp_org_urls
from tupa.home import organisation_urls as org_urls

urlpatterns = [
    path("", include("tupa.home.urls")),
    path("kirjautuminen/", include("tupa.accounts.urls")),
    path(
        "organisaatio/",
        # The structure, service-form pages and register descriptions share one namespace.
        include((org_urls.urlpatterns + dp_org_urls.urlpatterns, "organisations")),
    ),
    path("lokit/", include((audit_urls.urlpatterns + dp_audit_urls.urlpatterns, "audit"))),
    path("talous/", include("tupa.finance.urls")),
    path("henkilot/", include("tupa.people.urls")),
    path("oikeudet/", include("tupa.dataprotection.rights_urls")),
    path("asiakkuudet/", include("tupa.episodes.urls")),
    path("asuminen/", include("tupa.residential.urls")),
    path("ajanvaraus/", include("tupa.scheduling.urls")),
    path("ryhmat/", include("tupa.programmes.urls")),
    path("perhetalo/", include("tupa.dropin.urls")),
    path("ehkaiseva-tyo/", include("tupa.prevention.urls")),
    path("suunnitelma/", include("tupa.planning.urls")),
    path("tapaamiset/", include("tupa.visitation.urls")),
    path("vapaaehtoiset/", include("tupa.volunteers.urls")),
    path("vapaaehtoinen/", include("tupa.volunteers.portal.own_urls")),
    path("tilastot/", include("tupa.statistics.urls")),
    path("palaute/", include("tupa.surveys.urls")),
    path("vastaa/", include("tupa.surveys.answering.public_urls")),
    path("tietosuoja/", include("tupa.dataprotection.privacy_urls")),
    path("saavutettavuus/", include("tupa.home.accessibility_urls")),
    path("kieli/", core_views.set_language, name="set_language"),
    path("hallinta/", admin.site.urls),
]

handler400 = "tupa.core.views.bad_request"
handler403 = "tupa.core.views.permission_denied"
handler404 = "tupa.core.views.page_not_found"
handler500 = "tupa.core.views.server_error"
