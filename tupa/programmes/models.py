"""Models of the programmes app."""
