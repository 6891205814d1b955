"""Mieskaveri matching (VOL-06, REP-05) and the volunteer ↔ family links (VOL-14)."""
