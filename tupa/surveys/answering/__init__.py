"""Answering without an account: one-time links, letters with a QR code, kiosks (issue 13 item 3)."""
