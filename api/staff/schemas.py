from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.fields import Line
from api.tickets.schemas import LocalTime

RoleName = Annotated[str, Field(min_length=1, max_length=32)]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class StaffCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: Line = Field(min_length=1, max_length=64)
    unit: Line = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    roles: list[RoleName] = Field(min_length=1, max_length=4)


class RolesUpdate(BaseModel):
    roles: list[RoleName] = Field(min_length=1, max_length=4)


class ActiveUpdate(BaseModel):
    active: bool


class PasswordChange(BaseModel):
    old_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class StaffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    unit: str
    roles: list[str]
    active: bool
    created_at: LocalTime
