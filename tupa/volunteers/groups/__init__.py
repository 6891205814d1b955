"""Volunteer groups and meetings (VOL-08) and the experience-expert networks (VOL-12)."""
