"""Channels: how claimants reach the assistant besides the web page.

- wechat/   WeChat Official Account server URL /channels/wechat (wechatpy): signatures,
            plain and AES modes, de-duplication on MsgId, a passive reply within ~4 s or
            "success" and the answer later as a customer-service message.
- sms/      Aliyun SMS up-message push /channels/sms/aliyun/<SMS_PUSH_TOKEN>: acknowledged at
            once, de-duplicated on sequence_id, answered only through approved templates.
- outbound  `queue_message(session, *, sender, text, sms_template=None, sms_params=None)`:
            durable messages to any sender (wx:/sms:/web:), delivered by the dispatcher.
- pending, answerer: an answer still to come when the message is acknowledged (WeChat past
            the passive window, every SMS) is first a pending outbound row, answered by the
            process that took it or, if that one dies, by any process's sweep after a lease.
- dedup, ratelimit, limits: shared by every channel (Redis when configured, else the
            database / process memory).

Every message goes through api.chat.service.converse, like POST /v1/chat.
"""
