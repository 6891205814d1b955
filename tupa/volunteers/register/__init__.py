"""The register: volunteers, their tasks and lifecycle, a form's roster and responsible person."""
