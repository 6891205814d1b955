"""The open family house (anonymous counts, childcare, rentals), mounted at /perhetalo/ (namespace "dropin"). No personal data in paths."""

from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "dropin"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<slug:slug>/tanaan/", views.today, name="today"),
    path("<slug:slug>/korjaus/", views.correct, name="correct"),
    path("<slug:slug>/lastenhoito/", views.childcare_list, name="childcare_list"),
    path("<slug:slug>/lastenhoito/uusi/", views.childcare_edit, name="childcare_new"),
    path("<slug:slug>/lastenhoito/<int:pk>/", views.childcare_edit, name="childcare_edit"),
    path("<slug:slug>/tilat/", views.bookings, name="bookings"),
    path("<slug:slug>/tilat/uusi/", views.booking_new, name="booking_new"),
    path("<slug:slug>/tilat/<int:pk>/peru/", views.booking_cancel, name="booking_cancel"),
    path("<slug:slug>/asiakkaaksi/", views.identify, name="identify"),
    path("<slug:slug>/tilastot/", views.statistics, name="statistics"),
    path("<slug:slug>/tilastot.csv", views.statistics_csv, name="statistics_csv"),
]
