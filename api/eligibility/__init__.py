"""Eligibility service: applies the policy_kb rule base to one request (contracts.md)."""
