"""One conversation as the service recorded it, reached from a ticket (and from a claim's tickets).

The live exchange with the assistant is kept by the dialogue engine, not here; what the service
holds for a sender is: the transcript saved when the conversation became a ticket, what the
claimant wrote while it waited for staff (claimant_message events) and every message sent to them
(the outbound queue: answers, interim replies, notices). The page puts those in time order and
links to each ticket of the conversation and to the claim, and back (api/tickets/conversation.py reads it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from api.console.web import ConsoleRoute, page_user, render
from api.db import SessionDep, utcnow
from api.privacy import mask_text
from api.tickets.conversation import Conversation, read_conversation
from api.tickets.deps import READ_ROLES

router = APIRouter(route_class=ConsoleRoute)
LIMIT = 200
SENT_LABELS = {
    "queued": "排队待发",
    "sending": "发送中",
    "sent": "已发出",
    "stored": "已送达网页对话",
    "undeliverable": "无法送达",
    "failed": "发送失败",
}
ROLE_LABELS = {"claimant": "诉求人", "bot": "智能客服", "staff": "工作人员", "record": "记录"}


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _lines(conv: Conversation) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for t in conv.tickets:
        for line in t.transcript:
            lines.append(
                {
                    "at": _when(line.get("at")) or t.created_at,
                    "role": line.get("role", "record"),
                    "text": mask_text(str(line.get("text", ""))),
                    "ticket": t,
                    "how": "转人工前的对话",
                }
            )
    by_id = {t.id: t for t in conv.tickets}
    for e in conv.waiting:
        lines.append(
            {
                "at": e.at,
                "role": "claimant",
                "text": e.note or "",
                "ticket": by_id[e.ticket_id],
                "how": "等待人工时留言",
            }
        )
    for m in conv.sent:
        lines.append(
            {
                "at": m.created_at,
                "role": "staff" if m.author == "staff" else "bot",
                "text": mask_text(m.text),
                "ticket": None,
                "how": f"发送给诉求人（{SENT_LABELS.get(m.status, m.status)}）",
            }
        )
    return sorted(lines, key=lambda line: line["at"])


@router.get("/tickets/{ref}/conversation")
def conversation(ref: Annotated[str, Path(max_length=40)], request: Request, session: SessionDep) -> Response:
    ctx = page_user(request, *READ_ROLES)
    conv = read_conversation(session, ref=ref, actor=ctx.caller.actor, now=utcnow(), limit=LIMIT)
    ticket, tickets = conv.ticket, conv.tickets
    return render(
        request,
        ctx,
        "conversation.html",
        ticket=ticket,
        tickets=tickets,
        lines=_lines(conv),
        sender=mask_text(ticket.sender) if ticket.sender else None,
        claim_ids=sorted({t.claim_id for t in tickets if t.claim_id}),
        role_labels_map=ROLE_LABELS,
    )
