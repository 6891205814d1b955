"""Training (VOL-04): courses, sessions, participants, attendance and completion."""
