"""The episode's feedback and outcome panel (Vaikuttavuus esiin at measurement points; the THL
form given for a shelter episode) — ``docs/surveys-recorded-and-outcomes.md``."""
