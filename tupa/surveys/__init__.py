"""Feedback, follow-ups and outcome measurement (issue 13; seed-spec §8.9 FBK-01…FBK-10, CON-01,
CON-06, CON-08). See ``docs/surveys.md``."""
