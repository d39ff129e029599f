"""转人工 inside the tickets domain: a conversation that becomes a ticket pauses until staff answer
(service.py), the chat gateway's check for held conversations (gateway.py, called by
api.chat.service.converse) and the claimant's rating of the answer (rating.py).

It lives under api/tickets because a pause is a ticket's: it is written by the ticket's own
transitions and released by them, so the two no longer import each other across packages.
"""
