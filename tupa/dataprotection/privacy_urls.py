"""The public privacy notices (``/tietosuoja/<organisation>/…``): organisational data only."""

from django.urls import path

from .register import views as register_views

app_name = "privacy"
urlpatterns = [
    path("<slug:organisation>/", register_views.public_list, name="list"),
    path("<slug:organisation>/<slug:slug>/", register_views.public_detail, name="detail"),
]
