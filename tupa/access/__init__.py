"""The access module: every "may this user do this, and on what basis" decision in one place.

- :mod:`tupa.access.marks` — how each URL is protected (public / login-only / object-scoped).
- :mod:`tupa.access.policy` — the declarative role table (action → roles and scope).
- :mod:`tupa.access.clients` — client-data visibility: episodes, persons, the wall, the bases.
- :mod:`tupa.access.fetch` — "this object for this user, or 404, and the basis to log".

See ``docs/adr/0006-access-module.md`` and the printable matrix in ``docs/security.md``.
"""
