"""The project's own apps, read from the app registry: a new app needs no edit in a test."""

from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings


def project_apps() -> list[AppConfig]:
    """Installed apps whose package sits at the top of the repository (not in .venv)."""
    return [app for app in apps.get_app_configs() if Path(app.path).parent == settings.BASE_DIR]
