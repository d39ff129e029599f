from __future__ import annotations

from enum import StrEnum


class ChallengeStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    locked = "locked"  # too many wrong codes: dead


class BindingMethod(StrEnum):
    otp = "otp"  # a one-time code sent to the claim's registered mobile
    sms_phone = "sms_phone"  # the message came from the registered mobile and named the ID number
