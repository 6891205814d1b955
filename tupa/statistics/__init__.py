"""Statistics and statutory returns: indicators as versioned code, returns per recipient.

See ``docs/statistics.md`` and ``docs/adr/0009-statistics.md``.
"""
