from api.audit.service import list_audit, record_audit

__all__ = ["list_audit", "record_audit"]
