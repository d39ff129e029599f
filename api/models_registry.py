"""Imports every ORM module so Base.metadata is complete (Alembic, tests)."""

from api.audit import models as audit_models  # noqa: F401
from api.db import Base
from api.notify import models as notify_models  # noqa: F401

metadata = Base.metadata
