"""The rules in force for a region on a date, with citations (GET /v1/rules/{region})."""
