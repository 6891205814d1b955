"""GDPR art. 17 erasure requests: retention assessment, decision, anonymisation."""
