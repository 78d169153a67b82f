"""The Django app of the service."""

from __future__ import annotations

from django.apps import AppConfig


class ServerConfig(AppConfig):
    """The round service (models, migrations) under the label ``smartcity``."""

    name = "assessment.server"
    label = "smartcity"
    default_auto_field = "django.db.models.BigAutoField"
