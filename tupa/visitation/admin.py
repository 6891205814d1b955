"""Admin of the visitation app: deliberately empty.

Orders, meetings and contacts are client data; the configuration admin is for administrators,
who see no client data by default (ARCHITECTURE.md §6). The app has no configuration tables yet
(billability is a setting, see :mod:`tupa.visitation.rules`).
"""
