"""Communications (VOL-09, CON-01): the consent to be contacted and the mailing lists."""
