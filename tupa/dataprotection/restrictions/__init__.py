"""Turvakielto management and revealing restricted fields."""
