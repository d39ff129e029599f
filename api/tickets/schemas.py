from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainSerializer

from api.fields import Line, StrictInt, Text
from api.tickets.enums import Category, Satisfaction, Urgency
from api.vocab import TicketChannel
from policy_kb.clock import CHINA_TZ
from policy_kb.schemas import Region


def _local(value: datetime) -> str:
    return value.astimezone(CHINA_TZ).isoformat()


LocalTime = Annotated[datetime, PlainSerializer(_local, return_type=str)]
MAX_TRANSCRIPT_CHARS = 20_000


class TranscriptLine(BaseModel):
    role: Line = Field(min_length=1, max_length=20, description="claimant / bot / staff")
    text: Text = Field(min_length=1, max_length=4000)
    at: datetime | None = None


class TicketCreate(BaseModel):
    category: Category
    channel: TicketChannel
    region: Line = Field(min_length=1, max_length=40, description="地区代码或名称，如 500000、重庆、沈阳")
    claim_id: StrictInt | None = Field(default=None, ge=1, le=2**31 - 1)
    summary: Text = Field(min_length=2, max_length=500)
    # Free text (at most MAX_TRANSCRIPT_CHARS) or at most 200 lines.
    transcript: (
        Annotated[Text, Field(max_length=MAX_TRANSCRIPT_CHARS)]
        | Annotated[list[TranscriptLine], Field(max_length=200)]
        | None
    ) = None
    urgency: Urgency = Field(default=Urgency.normal, description="normal（一般）或 urgent（紧急，涉及人身财产安全）")
    sender: Line | None = Field(
        default=None,
        min_length=3,
        max_length=160,
        pattern=r"^(web|wx|sms):.+$",
        description="发起诉求的会话，如 web:web-123、wx:<openid>、sms:<手机号>；建单后该会话转人工",
    )
    acknowledged: bool = Field(
        default=False,
        description="true：发起的对话已把工单号和答复时限告诉诉求人（智能客服的回复），不再另发受理通知",
    )


class ExtensionRead(BaseModel):
    requested_by: str
    working_days: int
    reason: str


class TicketRead(BaseModel):
    id: int
    number: str
    category: str
    urgency: str
    channel: TicketChannel  # written as the ticket routes spell it ("phone" for the hotline)
    region: Region
    claim_id: int | None
    sender: str | None
    summary: str
    transcript: list[dict[str, Any]]
    status: str
    status_label: str
    owner_unit: str
    assignee: str | None
    created_at: LocalTime
    accept_by: LocalTime
    respond_by: LocalTime
    resolve_by: LocalTime
    deadlines_provisional: bool
    due_at: LocalTime | None
    overdue: bool
    answer: str | None
    satisfaction: str | None
    solved: bool | None
    extension: ExtensionRead | None
    conversation_paused: bool
    # How the claimant is told the answer deadline, the same wording on every channel.
    respond_within: str | None = Field(default=None, description="如 7个工作日内（3月23日前）")
    satisfaction_by: str | None = Field(default=None, description="claimant（诉求人在对话中评价）或 staff（回访）")
    satisfaction_reason: str | None = None


class EventRead(BaseModel):
    id: int
    at: LocalTime
    actor: str
    action: str
    action_label: str
    from_status: str | None
    to_status: str
    note: str | None
    data: dict[str, Any] | None


class TicketDetail(TicketRead):
    events: list[EventRead]
    allowed_actions: list[str]


class TicketPage(BaseModel):
    items: list[TicketRead]
    total: int
    limit: int
    offset: int


class NoteBody(BaseModel):
    note: Text = Field(min_length=1, max_length=2000)


class OptionalNote(BaseModel):
    note: Text | None = Field(default=None, max_length=2000)


class ResolveBody(BaseModel):
    answer: Text = Field(min_length=2, max_length=4000, description="答复诉求人的内容")


class InterimReplyBody(BaseModel):
    text: Text = Field(min_length=2, max_length=2000, description="答复前先发给诉求人的消息")


class FollowUpBody(BaseModel):
    satisfaction: Satisfaction
    solved: bool = Field(description="诉求人认为问题是否已解决")
    note: Text | None = Field(default=None, max_length=2000)


class TransferBody(BaseModel):
    to_unit: Line = Field(min_length=2, max_length=80)
    reason: Text = Field(min_length=2, max_length=500, description="转办理由（首接负责，转办须说明理由）")


class ExtensionBody(BaseModel):
    working_days: StrictInt = Field(ge=1, le=15)
    reason: Text = Field(min_length=2, max_length=500)


class RateRead(BaseModel):
    numerator: int
    denominator: int
    rate: float | None


class TicketStats(BaseModel):
    total: int
    open: int
    overdue: int
    response_rate: RateRead
    resolution_rate: RateRead
    satisfaction_rate: RateRead
    # Of the rated tickets, those the claimant rated in the chat (好差评) rather than at a 回访.
    rated_by_claimant: int = 0
    by_category: dict[str, int]
    by_status: dict[str, int]
