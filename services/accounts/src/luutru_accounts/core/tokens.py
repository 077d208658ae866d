"""What every way of getting a token answers with, and how it fails.

A failure that must leave a trace (an audit row, a failure count, a revoked family) raises
`AuthFailure`: the endpoint commits what was written, then answers with the problem.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from luutru_common.problems import Problem


class AuthFailure(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int = Field(description="Giây / Seconds until the access token expires")
    refresh_token: str | None = Field(
        default=None, description="Mã làm mới, dùng một lần / Single-use refresh token"
    )
    refresh_expires_in: int | None = None
    scope: str | None = None
    must_change_password: bool = Field(
        default=False,
        description=(
            "Phải đổi mật khẩu: mã truy cập chỉ dùng được để đổi mật khẩu / The password must "
            "be changed first: the access token is good only for POST /v1/auth/password"
        ),
    )
