"""Who is asked and when (FBK-01, FBK-03, FBK-04, CON-01): schedules, due lists, invitations,
reminders and the contact permission for follow-ups (``docs/surveys-due-lists.md``)."""
