"""Policy over HTTP: the rule base's regions, the rules in force and the eligibility decision.

`/v1/eligibility/evaluate`, `/v1/rules/{region}` and `/v1/regions` (views.py) share the rule base
loaded at start-up (deps.py) and one region resolution (regions.resolve_region), which the other
domains that accept a region (answers, kb, claims, tickets) call too, so an unknown region is the
same 422 everywhere.
"""
