"""A citation: which document, which clause, and the exact words."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Citation(BaseModel):
    """One legal source for a rule value or a message.

    `document` is a key of ``sources/documents.yaml`` (e.g. ``渝人社办〔2025〕112号``);
    `quote` appears verbatim in that document's text (whitespace aside).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    document: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    quote: str = Field(min_length=2)

    def label(self) -> str:
        """Short human-readable reference, e.g. ``渝人社办〔2025〕112号 一（二）``."""
        return f"{self.document} {self.clause}"
