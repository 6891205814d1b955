"""The shelter's client feedback stays with THL (FBK-06, CON-06): Tupa records per person only
that the THL form's link was given, and keeps THL's periodic summaries as documents
(``docs/surveys-recorded-and-outcomes.md``)."""
