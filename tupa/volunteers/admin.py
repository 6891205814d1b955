"""Admin of the volunteers app: deliberately empty.

Volunteers, their screening and their hours are personal data; the configuration admin is for
administrators, who see no personal data by default (ARCHITECTURE.md §6). The role requirements
are code (:mod:`tupa.volunteers.rules`), the record-check validity a setting.
"""
