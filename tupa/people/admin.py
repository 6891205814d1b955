"""Nothing of the people app is registered in the Django admin — on purpose.

Persons, aliases, relationships, households, restrictions and consents are client data. The
administrator role configures the organisation and sees no client data by default
(ARCHITECTURE.md §6, "Roles"), and the admin has neither the access log nor the per-episode
visibility rules (:mod:`tupa.access.clients`) that every client-data read must go through.
Client data is read and changed only through the person and episode screens, which answer 404
for "exists but not yours" and write the access log. Do not register these models here.
"""
