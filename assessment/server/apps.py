"""The Django app of the service."""

from __future__ import annotations

from django.apps import AppConfig

from .words import gettext_lazy as _


class ServerConfig(AppConfig):
    """The round service (models, migrations) under the label ``smartcity``."""

    name = "assessment.server"
    label = "smartcity"
    verbose_name = _("Assessment rounds")  # the back office's heading of the service's records
    default_auto_field = "django.db.models.BigAutoField"
