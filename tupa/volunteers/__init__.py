"""The volunteer register (docs/volunteers.md, ADR 0010): one sub-package per sub-domain.

- :mod:`.register` — volunteers, their tasks and lifecycle, a form's roster and responsible
  person; :mod:`.screening`, :mod:`.training`, :mod:`.hours`, :mod:`.matching` (Mieskaveri
  matching and family links). Each holds the ``services``, ``selectors``, ``forms``, ``views``
  and ``urls`` it needs; :mod:`.models` has one module per sub-domain.
- Shared: :mod:`.rules` (the pure rules), :mod:`.clock` (Helsinki wall-clock minutes),
  :mod:`.guards` (what every write checks first), :mod:`.fields` (shared form fields),
  :mod:`.common` (the views' helpers), :mod:`.urls` (one namespace for all sub-packages).

Access: the register, a volunteer's page, screening, training and hours are for volunteer
coordinators (of a form the volunteer works in, or organisation-wide) and the executive director
(read only); everyone else gets 404, also for ids that do not exist (``tupa.access.volunteers``).
Client workers of a form see only its roster: the names and roles of its active volunteers.
Every volunteer shown is written to the access log (fail closed), like a client.
"""
