"""Channels: how claimants reach the assistant. Each is a plug-in above the chat gateway.

One folder per channel, holding its inbound routes and its sender, and a `channel.py` with its
ChannelPlugin (api/channels/plugin.py); api/channels/registry.py lists them, one line each:

- web/      the chat page (GET /chat) and POST /v1/chat, the page's reads of its later messages
            and history, the browser that owns a conversation. No sender: later messages are
            stored for the page to fetch.
- wechat/   WeChat Official Account server URL /channels/wechat (wechatpy): signatures checked in
            dependencies (deps.py), plain and AES modes, de-duplication on MsgId, a passive reply
            within ~4 s or "success" and the answer later as a customer-service message (sender.py).
- sms/      Aliyun SMS up-message push /channels/sms/aliyun/<SMS_PUSH_TOKEN>: acknowledged at
            once, de-duplicated on sequence_id, answered only through approved templates.

Shared by every channel:
- outbound  `queue_message(session, *, sender, text, sms_template=None, sms_params=None)`:
            durable messages to any sender (wx:/sms:/web:), shaped by the sender's channel and
            delivered by the dispatcher through the channel's sender (looked up in the registry).
- pending, answerer: an answer still to come when the message is acknowledged (WeChat past
            the passive window, every SMS) is first a pending outbound row, answered by the
            process that took it or, if that one dies, by any process's sweep after a lease.
- dedup, ratelimit, limits: Redis when configured, else the database / process memory. A
            database claim joins the caller's transaction (DatabaseDedup.claim_in, a savepoint
            so a lost race leaves it usable); WeChat claims and records the contact in one.
- Code that commits on its own does it through api.db.committed / in_transaction; services write
  in the caller's session.

Every message goes through api.chat.service.converse; api/chat imports no channel.
"""
