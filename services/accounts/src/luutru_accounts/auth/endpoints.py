"""Token issuing and the public keys that verify tokens."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from luutru_accounts import users
from luutru_accounts.auth.keys import current_key, jwks, mint_token
from luutru_accounts.auth.passwords import verify_password
from luutru_common.app import UnitOfWorkDep
from luutru_common.problems import Problem, problem_responses

router = APIRouter(tags=["auth"])


class PasswordGrant(BaseModel):
    grant_type: Literal["password"] = "password"
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=500)


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    must_change_password: bool = False


@router.post(
    "/v1/auth/token",
    response_model=TokenResponse,
    summary="Đăng nhập bằng mật khẩu / Password login",
    description="Trả về mã truy cập ngắn hạn (JWT, ES256). / Returns a short-lived access token.",
    responses=problem_responses(401, 422),
)
async def issue_token(
    request: Request, grant: Annotated[PasswordGrant, Body()], uow: UnitOfWorkDep
) -> TokenResponse:
    settings = request.app.state.settings
    async with uow:
        user = await users.get_by_username(uow.session, grant.username)
        ok = verify_password(grant.password, user.password_hash if user else None)
        if not ok or user is None or user.disabled:
            raise Problem(
                401,
                "invalid-credentials",
                "Invalid credentials",
                "Sai tên đăng nhập hoặc mật khẩu / Wrong username or password",
            )
        key = await current_key(uow.session)
    token = mint_token(
        key,
        claims={
            "sub": str(user.id),
            "role": user.role,
            "facility_id": str(user.facility_id) if user.facility_id else None,
            "department": user.department,
            "name": user.username,
        },
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_s=settings.access_token_ttl_s,
    )
    return TokenResponse(
        access_token=token,
        expires_in=settings.access_token_ttl_s,
        must_change_password=user.must_change_password,
    )


@router.get(
    "/.well-known/jwks.json",
    summary="Khoá công khai xác minh mã truy cập / Public keys (JWKS)",
)
async def get_jwks(uow: UnitOfWorkDep) -> dict:
    async with uow:
        return await jwks(uow.session)
