"""Screening under Act 148/2014: the interview, the power of attorney, the record checks seen."""
