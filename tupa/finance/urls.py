from django.urls import path

app_name = "finance"
urlpatterns: list = []  # type: ignore[type-arg]
