"""Staff accounts over JSON: login/logout, who am I, and account management by supervisors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from api.auth import Caller, require_staff_roles
from api.channels.limits import client_address
from api.db import SessionDep
from api.deps import SettingsDep
from api.errors import UnauthorizedError, error_body
from api.staff import service
from api.staff.errors import NotLoggedIn
from api.staff.schemas import ActiveUpdate, LoginRequest, PasswordChange, RolesUpdate, StaffCreate, StaffRead
from api.staff.seed import refused_passwords
from api.staff.sessions import CSRF_HEADER, clear_session_cookie, cookie_token, csrf_token_of, set_session_cookie

router = APIRouter(prefix="/v1/staff", tags=["工作人员"])

AnyStaff = Annotated[Caller, Depends(require_staff_roles())]
Supervisor = Annotated[Caller, Depends(require_staff_roles("supervisor"))]
SupervisorOrAuditor = Annotated[Caller, Depends(require_staff_roles("supervisor", "auditor"))]


@router.post(
    "/login",
    response_model=StaffRead,
    summary="工作人员登录（设置会话 Cookie；防伪令牌见响应头 X-CSRF-Token）",
    description="此后每个修改请求（POST/PUT/PATCH/DELETE）须在 X-CSRF-Token 请求头中带上该令牌；"
    "它也在可由本站脚本读取的 staff_csrf Cookie 中。",
    responses={401: {"description": "登录失败"}},
)
def login(
    body: LoginRequest, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> StaffRead | JSONResponse:
    try:
        done = service.login(
            session,
            username=body.username,
            password=body.password,
            address=client_address(request, settings.trusted_proxies),
            refused_passwords=refused_passwords(settings),
        )
    except UnauthorizedError as exc:
        # Answered rather than raised, so the request commits the failed attempt's audit row.
        return JSONResponse(error_body(exc.code, exc.message), exc.status_code)
    set_session_cookie(request, response, done.token)
    return StaffRead.model_validate(done.account)


@router.post("/logout", status_code=204, summary="退出登录")
def logout(request: Request, session: SessionDep) -> Response:
    token = cookie_token(request)
    if token is not None:
        service.logout(session, token=token)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.get("/me", response_model=StaffRead, summary="当前登录的工作人员（响应头 X-CSRF-Token 为本会话的防伪令牌）")
def me(caller: AnyStaff, request: Request, response: Response, session: SessionDep) -> StaffRead:
    if caller.staff_id is None:
        raise NotLoggedIn()
    token = cookie_token(request)
    if token is not None:
        response.headers[CSRF_HEADER] = csrf_token_of(request, token)
    return StaffRead.model_validate(service.get_account(session, staff_id=caller.staff_id))


@router.post("/me/password", status_code=204, summary="修改本人密码")
def change_password(body: PasswordChange, caller: AnyStaff, session: SessionDep) -> Response:
    assert caller.staff_id is not None
    account = service.get_account(session, staff_id=caller.staff_id)
    service.change_password(session, account=account, old=body.old_password, new=body.new_password)
    return Response(status_code=204)


@router.get("", response_model=list[StaffRead], summary="工作人员账号列表")
def list_staff(_: SupervisorOrAuditor, session: SessionDep) -> list[StaffRead]:
    return [StaffRead.model_validate(a) for a in service.list_accounts(session)]


@router.post("", response_model=StaffRead, status_code=201, summary="新建工作人员账号")
def create_staff(body: StaffCreate, caller: Supervisor, session: SessionDep) -> StaffRead:
    account = service.create_account(
        session,
        actor=caller.actor,
        username=body.username,
        display_name=body.display_name,
        unit=body.unit,
        password=body.password,
        roles=body.roles,
    )
    return StaffRead.model_validate(account)


@router.put("/{staff_id}/roles", response_model=StaffRead, summary="设置岗位（稽核岗位不得混岗）")
def set_roles(staff_id: int, body: RolesUpdate, caller: Supervisor, session: SessionDep) -> StaffRead:
    return StaffRead.model_validate(service.set_roles(session, actor=caller, staff_id=staff_id, roles=body.roles))


@router.put("/{staff_id}/active", response_model=StaffRead, summary="启用或停用账号")
def set_active(staff_id: int, body: ActiveUpdate, caller: Supervisor, session: SessionDep) -> StaffRead:
    return StaffRead.model_validate(service.set_active(session, actor=caller, staff_id=staff_id, active=body.active))
