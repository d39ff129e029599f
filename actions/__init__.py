"""Rasa custom actions: thin HTTP clients of the API (one module per concern)."""
