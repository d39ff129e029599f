"""Knowledge-base search and hotline operator suggestions (GET /v1/kb/search, POST /v1/operator/suggestions)."""
