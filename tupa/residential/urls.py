"""Residential URLs, mounted at /asuminen/ (namespace "residential"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from . import views
from .line_urls import line_urlpatterns

app_name = "residential"
urlpatterns: list[URLPattern | URLResolver] = [
    path("tyomuoto/<slug:slug>/", views.occupancy, name="occupancy"),
    path("asiakkuus/<int:episode_pk>/tulo/", views.admit, name="admit"),
    path("jakso/<int:pk>/lahto/", views.discharge, name="discharge"),
    path("jakso/<int:pk>/siirto/", views.move, name="move"),
]

urlpatterns += line_urlpatterns  # the 24 h phone and chat line

from .calendar_urls import calendar_urlpatterns  # noqa: E402 - the place calendar and chart

urlpatterns += calendar_urlpatterns

from .turnaway_urls import turnaway_urlpatterns  # noqa: E402 - turn-aways and the shift log

urlpatterns += turnaway_urlpatterns

from .thl_urls import thl_urlpatterns  # noqa: E402 - THL's shelter data and year summary

urlpatterns += thl_urlpatterns

from .ensikoti_urls import ensikoti_urlpatterns  # noqa: E402 - commitments, billing, stay members

urlpatterns += ensikoti_urlpatterns
