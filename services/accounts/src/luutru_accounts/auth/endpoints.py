"""Token issuing, password change, logout, key rotation and the public keys (JWKS)."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError

from luutru_accounts.auth import revocations, service
from luutru_accounts.auth.schemas import (
    GRANTS,
    ClientCredentialsGrant,
    Logout,
    PasswordChange,
    PasswordGrant,
    PasswordPolicy,
    RefreshGrant,
    RotatedKey,
)
from luutru_accounts.context import PoliceAdmin, anonymous
from luutru_accounts.core import audit, client_credentials, passwords
from luutru_accounts.core.keys import jwks, rotate
from luutru_accounts.core.tokens import AuthFailure, TokenResponse
from luutru_common.app import UnitOfWorkDep
from luutru_common.auth import Principal
from luutru_common.consumer import is_transient
from luutru_common.problems import Problem, field_error, problem_responses

log = structlog.get_logger()

router = APIRouter(tags=["auth"])

_GRANT_SCHEMAS = [
    m.model_json_schema() for m in (PasswordGrant, RefreshGrant, ClientCredentialsGrant)
]
_TOKEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"oneOf": _GRANT_SCHEMAS}},
            "application/x-www-form-urlencoded": {"schema": {"oneOf": _GRANT_SCHEMAS}},
        },
    }
}


async def _grant_body(request: Request) -> dict[str, Any]:
    """The token request as OAuth2 clients send it (form) or as JSON."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        body = json.loads(await request.body() or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}]
        ) from exc
    if not isinstance(body, dict):
        raise RequestValidationError(
            [{"type": "model_attributes_type", "loc": ("body",), "msg": "Expected an object"}]
        )
    return body


def _parse(model: type[BaseModel], body: dict[str, Any]) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from exc


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        client_id, _, secret = base64.b64decode(value.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return (client_id, secret) if client_id and secret else None


@router.post(
    "/v1/auth/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    summary="Cấp mã truy cập / Token endpoint (password, refresh_token, client_credentials)",
    description=(
        "JSON hoặc application/x-www-form-urlencoded. `password` (mặc định): trả mã truy cập "
        "ngắn hạn (JWT ES256) và mã làm mới; nếu `must_change_password` thì mã chỉ dùng để đổi "
        "mật khẩu. `refresh_token`: mã làm mới dùng một lần, dùng lại một mã cũ thu hồi cả "
        "phiên. `client_credentials`: cho ứng dụng của cơ sở (cũng nhận HTTP Basic). Đăng nhập "
        "sai 5 lần trong 15 phút khoá 15 phút (429). / JSON or form-encoded. `password` "
        "(default) returns a short-lived access token (ES256 JWT) and a refresh token; with "
        "`must_change_password` the token is good only for changing the password. "
        "`refresh_token` rotates: reusing a spent refresh token revokes the whole session. "
        "`client_credentials` for facility API clients (HTTP Basic accepted). Repeated failed "
        "logins lock the username for a while (429 with Retry-After)."
    ),
    responses=problem_responses(400, 401, 403, 422, 429),
    openapi_extra=_TOKEN_BODY,
)
async def issue_token(request: Request, uow: UnitOfWorkDep) -> TokenResponse:
    settings = request.app.state.settings
    body = await _grant_body(request)
    grant_type = body.get("grant_type", "password")
    model = GRANTS.get(grant_type) if isinstance(grant_type, str) else None
    if model is None:
        raise Problem(
            400,
            "unsupported-grant-type",
            "Unsupported grant type",
            "Chỉ nhận password, refresh_token, client_credentials / Unsupported grant_type",
            errors=[
                field_error(
                    "/grant_type",
                    "unsupported-grant-type",
                    "Loại cấp mã không hỗ trợ",
                    "Unsupported grant_type",
                )
            ],
        )
    grant = _parse(model, body)
    actor = anonymous(request)
    async with uow:
        try:
            if isinstance(grant, PasswordGrant):
                tokens = await service.password_login(
                    uow.session,
                    settings,
                    username=grant.username,
                    password=grant.password,
                    actor=actor,
                )
            elif isinstance(grant, RefreshGrant):
                tokens = await service.refresh_login(
                    uow.session, settings, token=grant.refresh_token, actor=actor
                )
            else:
                basic = _basic_credentials(request)
                client_id, secret = basic or (grant.client_id, grant.client_secret)
                if not client_id or not secret:
                    given = {"client_id": client_id, "client_secret": secret}
                    _parse(ClientCredentialsMissing, {k: v for k, v in given.items() if v})
                tokens = await client_credentials.client_token(
                    uow.session,
                    settings,
                    client_id=client_id,
                    client_secret=secret,
                    scope=grant.scope,
                    actor=actor,
                )
        except AuthFailure as failure:
            await uow.commit()  # keep the audit row, the failure count, the revocation
            raise failure.problem from None
        await uow.commit()
    return tokens


class ClientCredentialsMissing(BaseModel):
    """client_id and client_secret, in the body when not sent as HTTP Basic."""

    client_id: str
    client_secret: str


_optional_bearer = HTTPBearer(auto_error=False)


async def _token_subject(request: Request, token: str) -> Principal:
    """The caller of POST /v1/auth/password: a normal token or a password-change-only one."""
    try:
        return await request.app.state.token_verifier.verify(token)
    except Problem:
        return await request.app.state.password_change_verifier.verify(token)


@router.post(
    "/v1/auth/password",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    summary="Đổi mật khẩu / Change the password",
    description=(
        "Với mã truy cập (kể cả mã chỉ-để-đổi-mật-khẩu) hoặc với `username`. Mật khẩu mới: ít "
        "nhất 10 ký tự, không chứa tên đăng nhập, có 3 trong 4 loại ký tự. Đổi xong: các phiên "
        "khác bị thu hồi, trả về mã mới. / With a bearer token (including the password-change-"
        "only token of a first login) or with `username`. The new password: at least 10 "
        "characters, not containing the username, three of lower/upper/digit/other. Other "
        "sessions are revoked; the answer carries fresh tokens."
    ),
    responses=problem_responses(401, 403, 422, 429),
)
async def change_password(
    request: Request,
    body: PasswordChange,
    uow: UnitOfWorkDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
) -> TokenResponse:
    user_id = None
    if credentials is not None:
        principal = await _token_subject(request, credentials.credentials)
        if principal.client:
            raise Problem(403, "forbidden", "Forbidden", "Ứng dụng không có mật khẩu")
        try:
            user_id = uuid.UUID(principal.subject)
        except ValueError as exc:
            raise Problem(403, "forbidden", "Forbidden") from exc
    elif body.username is None:
        raise Problem.invalid(
            "Request is invalid",
            [
                field_error(
                    "/username",
                    "missing",
                    "Cần tên đăng nhập khi không gửi mã truy cập",
                    "username is required without a bearer token",
                )
            ],
        )
    async with uow:
        try:
            tokens = await service.change_password(
                uow.session,
                request.app.state.settings,
                user_id=user_id,
                username=body.username,
                current_password=body.current_password,
                new_password=body.new_password,
                actor=anonymous(request),
            )
        except AuthFailure as failure:
            await uow.commit()
            raise failure.problem from None
        await uow.commit()
    return tokens


@router.get(
    "/v1/password-policy",
    response_model=PasswordPolicy,
    summary="Quy tắc mật khẩu / The password policy",
    description=(
        "Công khai. Quy tắc mà đổi mật khẩu áp dụng, kèm lời giải thích tiếng Việt và tiếng "
        "Anh để hiển thị cạnh ô mật khẩu. / Public. The rule a password change enforces, its "
        "parameters and the same rule in words (vi, en) to show next to a password field."
    ),
)
async def password_policy(request: Request, response: Response) -> PasswordPolicy:
    min_length = request.app.state.settings.password_min_length
    response.headers["cache-control"] = "public, max-age=300"
    return PasswordPolicy(
        min_length=min_length,
        min_character_kinds=passwords.MIN_CHARACTER_KINDS,
        character_kinds=list(passwords.CHARACTER_KINDS),
        min_distinct_characters=passwords.MIN_DISTINCT_CHARACTERS,
        may_contain_username=False,
        text=passwords.policy_text(min_length),
    )


@router.post(
    "/v1/auth/logout",
    status_code=204,
    summary="Đăng xuất / Log out",
    description=(
        "Thu hồi mã làm mới và cả phiên của nó. Mã truy cập đã cấp hết hạn sau tối đa 15 phút. / "
        "Revokes the refresh token and its whole session; issued access tokens lapse within "
        "their lifetime."
    ),
    responses=problem_responses(422),
)
async def logout(request: Request, body: Logout, uow: UnitOfWorkDep) -> Response:
    async with uow:
        await service.logout(uow.session, token=body.refresh_token, actor=anonymous(request))
        await uow.commit()
    return Response(status_code=204)


@router.post(
    "/v1/auth/keys/rotate",
    response_model=RotatedKey,
    summary="Đổi khoá ký mã truy cập / Rotate the token signing key",
    description=(
        "Mã mới ký bằng khoá mới; khoá cũ vẫn có trong JWKS đến khi mọi mã nó ký hết hạn. "
        "Cũng có lệnh `luutru-accounts rotate-key`. / New tokens are signed with a new key; the "
        "old one stays in the JWKS until every token it signed has expired. Also available as "
        "`luutru-accounts rotate-key`."
    ),
    responses=problem_responses(401, 403),
)
async def rotate_key(caller: PoliceAdmin, uow: UnitOfWorkDep) -> RotatedKey:
    async with uow:
        key, retired = await rotate(uow.session)
        audit.record(
            uow.session,
            caller.actor,
            "signing_key.rotated",
            target_type="signing_key",
            target_id=key.kid,
            details={"retired": retired},
        )
        await uow.commit()
    return RotatedKey(kid=key.kid, retired=retired)


@router.get(
    "/.well-known/jwks.json",
    summary="Khoá công khai xác minh mã truy cập / Public keys (JWKS)",
)
async def get_jwks(request: Request, uow: UnitOfWorkDep) -> dict:
    """Served from memory while the database is down, so services restarted meanwhile still
    get the keys (which change only by rotation, through this same process's database)."""
    state = request.app.state
    try:
        async with uow:
            state.last_jwks = await jwks(
                uow.session, retired_for_s=retired_key_horizon(state.settings)
            )
    except Exception as exc:
        if not is_transient(exc) or getattr(state, "last_jwks", None) is None:
            raise
        log.warning("jwks_served_from_memory", error=repr(exc))
    return state.last_jwks


@router.get(
    "/v1/auth/revocations",
    summary="Phiên, tài khoản, ứng dụng, cơ sở bị thu hồi / What no longer holds",
    description=(
        "Polled by every service (every 2 s) to refuse access tokens whose session ended "
        "(logout, refresh-token reuse, password reset), whose user is disabled, whose API "
        "client is revoked or whose facility is suspended or closed. Identifiers only, as "
        "the tokens carry them (sid, sub, azp, facility_id)."
    ),
)
async def get_revocations(request: Request, uow: UnitOfWorkDep) -> dict:
    async with uow:
        return await revocations.revoked(uow.session, request.app.state.settings)


def retired_key_horizon(settings) -> int:
    """How long a retired key stays published: until its last token has expired."""
    return (
        max(settings.access_token_ttl_s, settings.client_token_ttl_s) + settings.signing_key_grace_s
    )
