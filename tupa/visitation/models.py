"""Models of the visitation app."""
