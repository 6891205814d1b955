"""Appointments, rooms and room bookings, mounted at /ajanvaraus/ (namespace "scheduling"). No personal data in paths."""

from django.urls import URLPattern, URLResolver

app_name = "scheduling"
urlpatterns: list[URLPattern | URLResolver] = []
