"""Imports every ORM module so Base.metadata is complete (Alembic, tests)."""

from api.audit import models as audit_models  # noqa: F401
from api.channels import models as channels_models  # noqa: F401
from api.channels.sms import models as sms_models  # noqa: F401
from api.channels.web import models as chat_models  # noqa: F401
from api.claims import models as claims_models  # noqa: F401
from api.db import Base
from api.identity import models as identity_models  # noqa: F401
from api.notify import models as notify_models  # noqa: F401
from api.staff import models as staff_models  # noqa: F401
from api.tickets import models as tickets_models  # noqa: F401
from api.tickets.handoff import models as handoff_models  # noqa: F401

metadata = Base.metadata
