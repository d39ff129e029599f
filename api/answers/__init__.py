"""One answer per turn: POST /v1/answers composes the reply to a claimant's or operator's question."""
