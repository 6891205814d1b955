"""Staff-recorded feedback (FBK-02): a paper form transcribed, oral feedback written down, or a
questionnaire filled in together with the worker; and the team's list of the form's feedback
(``docs/surveys-recorded-and-outcomes.md``)."""
