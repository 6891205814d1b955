from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.login, name="login"),
    path("ulos/", views.logout, name="logout"),
    path("tili/", views.logout, name="account"),
]
