"""Prevention rows are kept through the app's pages; the admin is read-only for support."""
