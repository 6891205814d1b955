"""Feedback results (issue 13 items 8 and 9): per questionnaire, period, version and service
form — answer counts, response rate, each item's distribution with a chart, means and medians,
free texts — with small-cell suppression; the Vaikuttavuus esiin change; CSV and XLSX exports.
See ``docs/surveys-results.md``."""
