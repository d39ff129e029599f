from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from api.identity.handles import CODE_PREFIX, ID_PREFIX


class ChallengeRequest(BaseModel):
    sender: str = Field(min_length=3, max_length=160, description="会话标识：wx:<OpenID>、sms:p<假名> 或 web:<编号>")
    id_number: str | None = Field(
        default=None, min_length=1, max_length=32, description="身份证号码（18位）；与 id_handle 二选一"
    )
    id_handle: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description=f"对话网关替换身份证号后的代号（{ID_PREFIX}…），只对发出该消息的会话有效",
    )


class VerifyRequest(BaseModel):
    code: str | None = Field(default=None, min_length=1, max_length=12, description="短信验证码；与 code_handle 二选一")
    code_handle: str | None = Field(
        default=None, min_length=1, max_length=40, description=f"对话网关替换验证码后的代号（{CODE_PREFIX}…）"
    )


class VerifiedOut(BaseModel):
    verified: bool = True
    claim_id: int
    verified_until: datetime


class ChallengeOut(BaseModel):
    challenge_id: str
    # Always null: a masked mobile would tell a stranger that this ID number has a claim.
    phone_masked: str | None = None
    expires_at: datetime
    verified: bool = False
    message: str


class SenderOut(BaseModel):
    verified: bool
    claim_id: int | None
    verified_until: datetime | None


class DevCodeOut(BaseModel):
    challenge_id: str
    phone_masked: str
    code: str
    expires_at: datetime
