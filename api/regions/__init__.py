"""Regions with rule sets of their own (GET /v1/regions)."""
