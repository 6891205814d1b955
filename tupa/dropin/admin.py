"""No admin pages for the open family house on purpose.

The counts are written only through :mod:`tupa.dropin.services` (every tap is kept so it can be
undone; a past day is corrected by a lead with a reason), and a rental's organiser contact is
personal data visible to the members of the service form only. Rooms are configured in the
scheduling admin.
"""
