"""Demo data for the embedded default (a few claimants per region, staff accounts).

Each domain adds a seeder: a function taking a Session that is safe to run
again (it checks before it inserts). `python -m api seed` runs them in order.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from api.claims.seed import seed_claims
from api.settings import Settings
from api.staff.seed import seed_staff

SEEDERS: list[Callable[[Session, Settings], str]] = [
    seed_staff,
    seed_claims,
]
