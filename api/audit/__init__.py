from api.audit.service import list_audit, record_audit, record_transition

__all__ = ["list_audit", "record_audit", "record_transition"]
