"""Admin of group programmes: intentionally empty.

Programmes carry participants (client data) and are read and written only through the
permission-checked, logged screens and :mod:`tupa.programmes.services`. Rooms are configured
in the scheduling app's admin.
"""
