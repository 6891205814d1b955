"""Models of the dropin app."""
