"""Every channel's routes (web chat, WeChat, SMS)."""

from fastapi import APIRouter

from api.channels.sms.views import router as sms_router
from api.channels.web.page import router as page_router
from api.channels.web.views import router as web_router
from api.channels.wechat.views import router as wechat_router

router = APIRouter()
router.include_router(web_router)
router.include_router(wechat_router)
router.include_router(sms_router)
router.include_router(page_router)
