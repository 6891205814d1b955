from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.login, name="login"),
    path("ulos/", views.logout, name="logout"),
    path("vahvistus/", views.verify, name="verify"),
    path("kaksivaiheinen/", views.setup, name="setup"),
    path("varakoodit/", views.recovery_codes, name="recovery_codes"),
    path("varakoodit/uudet/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path("tili/", views.account, name="account"),
    path("tili/salasana/", views.password_change, name="password_change"),
    path("tili/ulos-kaikkialta/", views.logout_everywhere, name="logout_everywhere"),
    path("henkilosto/", views.staff_list, name="staff_list"),
    path("henkilosto/<int:pk>/", views.staff_detail, name="staff_detail"),
]
