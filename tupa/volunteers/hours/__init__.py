"""The activity log (VOL-01, VOL-10): hours and occasions entered by staff."""
