"""Every channel's routes under /channels (WeChat, SMS)."""

from fastapi import APIRouter

from api.channels.sms.views import router as sms_router
from api.channels.wechat.views import router as wechat_router

router = APIRouter()
router.include_router(wechat_router)
router.include_router(sms_router)
