from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ChallengeRequest(BaseModel):
    sender: str = Field(min_length=3, max_length=160, description="会话标识：wx:<OpenID>、sms:<手机号> 或 web:<编号>")
    id_number: str = Field(min_length=1, max_length=32, description="身份证号码（18位）")


class VerifyRequest(BaseModel):
    code: str = Field(min_length=1, max_length=12, description="短信验证码")


class VerifiedOut(BaseModel):
    verified: bool = True
    claim_id: int
    verified_until: datetime


class ChallengeOut(BaseModel):
    challenge_id: str
    phone_masked: str
    expires_at: datetime
    verified: bool = False


class SenderOut(BaseModel):
    verified: bool
    claim_id: int | None
    verified_until: datetime | None


class DevCodeOut(BaseModel):
    challenge_id: str
    phone_masked: str
    code: str
    expires_at: datetime
