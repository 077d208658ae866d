"""ingest: guest registrations, check-out and corrections, uploads, coach manifests."""
