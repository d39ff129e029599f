"""Approved SMS templates (Chinese providers send only pre-approved templates).

Each template is registered with the provider under `code`; only the
variables change, and each variable is limited in length by the provider.
A message that does not fit a template cannot be sent as SMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.notify.errors import MissingVariables, UnknownTemplate, UnknownVariables, VariableTooLong

SIGN = "【失业保险服务】"
_VAR = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class SmsTemplate:
    code: str
    text: str
    # Providers cap each variable's length (Tencent Cloud: 6 for codes; others vary).
    max_var_len: int = 20

    @property
    def variables(self) -> list[str]:
        return _VAR.findall(self.text)

    def render(self, params: dict[str, str]) -> str:
        missing = [v for v in self.variables if v not in params]
        if missing:
            raise MissingVariables(self.code, missing)
        extra = set(params) - set(self.variables)
        if extra:
            raise UnknownVariables(self.code, sorted(extra))
        for name, value in params.items():
            if len(str(value)) > self.max_var_len:
                raise VariableTooLong(name, self.max_var_len)
        return SIGN + _VAR.sub(lambda m: str(params[m.group(1)]), self.text)


TEMPLATES: dict[str, SmsTemplate] = {
    t.code: t
    for t in [
        SmsTemplate("OTP", "您的验证码为${code}，5分钟内有效。请勿告诉他人。", max_var_len=6),
        SmsTemplate(
            "CHECKIN_REMINDER",
            "您${month}的失业保险金${duty}尚未办理，请于${deadline}前办理，详询12333。",
        ),
        SmsTemplate(
            "REVIEW_RESULT",
            "您的失业保险金申领审核结果：${result}。详情请在微信公众号查询或拨打12333。",
        ),
        SmsTemplate(
            "TICKET_CREATED",
            "您的诉求已受理，编号${number}，我们将于${respond_by}前答复您。",
        ),
        SmsTemplate("TICKET_ANSWERED", "您的诉求${number}已有答复：${summary}。如有疑问请拨打12333。"),
        SmsTemplate(
            "REPLY_POINTER",
            "${summary}。详细答复请在微信公众号查看或拨打12333。",
        ),
    ]
}


def get_template(code: str) -> SmsTemplate:
    try:
        return TEMPLATES[code]
    except KeyError:
        raise UnknownTemplate(code) from None
