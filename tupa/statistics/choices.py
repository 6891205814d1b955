"""Choices the models and the return templates share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Recipient(models.TextChoices):
    THL = "thl", _("THL")
    STEA = "stea", _("STEA")
    MUNICIPALITY = "municipality", _("Ostava kunta tai hyvinvointialue")
    AVI = "avi", _("Aluehallintovirasto (AVI)")
    FEDERATION = "federation", _("Ensi- ja turvakotien liitto")
    BOARD = "board", _("Hallitus")
    INTERNAL = "internal", _("Sisäinen seuranta")


class Provenance(models.TextChoices):
    """How a reported figure was obtained (STEA asks this of every figure)."""

    COUNTED = "counted", _("laskettu seurantatiedoista")
    SAMPLED = "sampled", _("otos")
    ESTIMATED = "estimated", _("arvio")
