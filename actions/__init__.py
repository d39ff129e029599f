"""Rasa custom actions: thin HTTP clients of the API, one module per concern.

identity (who is asking), checkin (monthly check-in form), claims (why refused /
suspended, back-pay), knowledge (policy questions, region), handoff (tickets),
offers (yes/no to an offer), fallback (not understood, odd input), regions.
Nothing runs at import: the API's address is read per call.
"""
