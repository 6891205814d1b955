"""Importing answers from a file (FBK-05): a Webropol (or any) CSV export into a published
questionnaire version — upload, map the columns, dry run, commit all or nothing as one
:class:`~tupa.surveys.models.ImportBatch`. See ``docs/surveys-results.md``."""
