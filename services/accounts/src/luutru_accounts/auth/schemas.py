from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PasswordGrant(BaseModel):
    """Đăng nhập bằng mật khẩu / Password login (the default grant)."""

    model_config = ConfigDict(extra="ignore")

    grant_type: Literal["password"] = "password"
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=500)


class RefreshGrant(BaseModel):
    """Đổi mã làm mới lấy mã mới / Exchange a refresh token (it rotates)."""

    model_config = ConfigDict(extra="ignore")

    grant_type: Literal["refresh_token"]
    refresh_token: str = Field(min_length=1, max_length=500)


class ClientCredentialsGrant(BaseModel):
    """Ứng dụng máy (PMS) / Machine client: OAuth2 client credentials. The id and secret may
    also come as HTTP Basic authentication (client_secret_basic)."""

    model_config = ConfigDict(extra="ignore")

    grant_type: Literal["client_credentials"]
    client_id: str | None = Field(default=None, min_length=1, max_length=200)
    client_secret: str | None = Field(default=None, min_length=1, max_length=500)
    scope: str | None = Field(
        default=None, max_length=500, description="Space-separated subset of the granted scopes"
    )


GRANTS: dict[str, type[BaseModel]] = {
    "password": PasswordGrant,
    "refresh_token": RefreshGrant,
    "client_credentials": ClientCredentialsGrant,
}


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Bắt buộc khi không gửi mã truy cập / Required without a bearer token",
    )
    current_password: str = Field(min_length=1, max_length=500)
    new_password: str = Field(min_length=1, max_length=500)


class Logout(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=500)


class RotatedKey(BaseModel):
    kid: str = Field(description="Khoá ký mới / The new signing key id")
    retired: list[str] = Field(
        description="Khoá cũ, vẫn xác minh đến khi mã hết hạn / Retired keys, still verifying"
    )


class LocalizedText(BaseModel):
    vi: str
    en: str


class PasswordPolicy(BaseModel):
    """Quy tắc mật khẩu đang áp dụng / The password rule POST /v1/auth/password enforces."""

    min_length: int = Field(description="Số ký tự tối thiểu / Minimum number of characters")
    min_character_kinds: int = Field(
        description="Số loại ký tự tối thiểu / How many of the kinds a password needs"
    )
    character_kinds: list[str] = Field(
        description="Các loại ký tự / The kinds: lower, upper, digit, other"
    )
    min_distinct_characters: int = Field(
        description="Số ký tự khác nhau tối thiểu / Minimum number of different characters"
    )
    may_contain_username: bool = Field(
        description="Có được chứa tên đăng nhập / Whether the username may appear in it"
    )
    text: LocalizedText = Field(description="Quy tắc bằng lời / The rule in words")
