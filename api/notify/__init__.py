from api.notify.sms import OutboxProvider, SendResult, SmsProvider, outbox, send_sms
from api.notify.templates import TEMPLATES, SmsTemplate, get_template

__all__ = [
    "TEMPLATES",
    "OutboxProvider",
    "SendResult",
    "SmsProvider",
    "SmsTemplate",
    "get_template",
    "outbox",
    "send_sms",
]
