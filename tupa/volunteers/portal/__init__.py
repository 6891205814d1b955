"""The volunteer portal (issue 12 item 9): a volunteer's own pages at /vapaaehtoinen/, and the
coordinator's granting and revoking of that login (docs/volunteer-portal.md)."""
