from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo builders and ``manage.py build_demo``; no models."""

    name = "tupa.demo"
    label = "demo"
    verbose_name = "Demo"
