from django.urls import path  # noqa: F401

app_name = "episodes"
urlpatterns: list = []  # type: ignore[type-arg]
