from django.contrib import admin
from django.urls import include, path

from tupa.core import views as core_views

urlpatterns = [
    path("", include("tupa.core.urls")),
    path("kirjautuminen/", include("tupa.accounts.urls")),
    path("organisaatio/", include("tupa.organisations.urls")),
    path("lokit/", include("tupa.audit.urls")),
    path("talous/", include("tupa.finance.urls")),
    path("henkilot/", include("tupa.people.urls")),
    path("oikeudet/", include("tupa.people.urls_rights")),
    path("asiakkuudet/", include("tupa.episodes.urls")),
    path("asuminen/", include("tupa.residential.urls")),
    path("ajanvaraus/", include("tupa.scheduling.urls")),
    path("ryhmat/", include("tupa.programmes.urls")),
    path("perhetalo/", include("tupa.dropin.urls")),
    path("tapaamiset/", include("tupa.visitation.urls")),
    path("tietosuoja/", include("tupa.organisations.privacy_urls")),
    path("saavutettavuus/", include("tupa.core.accessibility_urls")),
    path("kieli/", core_views.set_language, name="set_language"),
    path("hallinta/", admin.site.urls),
]

handler400 = "tupa.core.views.bad_request"
handler403 = "tupa.core.views.permission_denied"
handler404 = "tupa.core.views.page_not_found"
handler500 = "tupa.core.views.server_error"
