"""Resident ID numbers (GB 11643) and mainland mobile numbers: validation, keyed hash, masking.

ID numbers are never stored in clear: the database keeps an HMAC-SHA256 keyed with
SECRET_KEY (to find a claimant again) and the masked form shown in answers.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from api.privacy import mask_id_number

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def check_digit(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """Validate an 18-character resident ID number and return it upper-cased.

    Raises ValueError with a Chinese message naming what is wrong.
    """
    text = value.strip().upper()
    if not _ID_SHAPE.fullmatch(text):
        raise ValueError("身份证号码应为18位（前17位数字，最后一位数字或X）")
    try:
        date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValueError("身份证号码中的出生日期无效") from None
    if check_digit(text[:17]) != text[17]:
        raise ValueError("身份证号码校验位不正确，请核对后重新填写")
    return text


def normalize_phone(value: str) -> str:
    """Validate a mainland mobile number (11 digits starting 13-19); +86 and separators allowed."""
    text = re.sub(r"[\s-]", "", value)
    if text.startswith("+86"):
        text = text[3:]
    if not _MOBILE.fullmatch(text):
        raise ValueError("手机号码格式不正确，应为11位大陆手机号")
    return text


def id_hash(id_number: str, *, secret_key: str) -> str:
    """Keyed hash of a (normalized) ID number: equal numbers give equal hashes, nothing else leaks."""
    return hmac.new(secret_key.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def masked_id(id_number: str) -> str:
    return mask_id_number(id_number)
