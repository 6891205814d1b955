"""Students (VOL-13, STF-06): practical training and volunteering for study credit."""
