"""Issuing tokens: password login, refresh rotation, client credentials, password change.

A failure that must leave a trace (an audit row, a failure count, a revoked family) raises
`AuthFailure`: the endpoint commits what was written, then answers with the problem.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from luutru_accounts.context import Actor
from luutru_accounts.core import audit, refresh, throttle
from luutru_accounts.core import facility_repository as facilities
from luutru_accounts.core import user_repository as users
from luutru_accounts.core.keys import current_key, mint_token
from luutru_accounts.core.passwords import (
    hash_password_async,
    policy_errors,
    verify_password_async,
)
from luutru_accounts.core.tokens import AuthFailure, TokenResponse
from luutru_accounts.models import User
from luutru_accounts.settings import AccountsSettings
from luutru_common.auth import Role
from luutru_common.problems import Problem, field_error

# Tokens of a user who must change the password first carry this audience instead of the
# platform's: ingest, analytics and accounts' own endpoints refuse them (wrong audience), and
# only POST /v1/auth/password accepts them.
PASSWORD_CHANGE_AUDIENCE = "luutru-password-change"


def invalid_credentials() -> Problem:
    return Problem(
        401,
        "invalid-credentials",
        "Invalid credentials",
        "Sai tên đăng nhập hoặc mật khẩu / Wrong username or password",
    )


def locked(until: datetime, now: datetime) -> Problem:
    """The 429 of a locked-out login, with how long to wait (Retry-After)."""
    seconds = max(1, int((until - now).total_seconds()))
    return Problem(
        429,
        "login-locked",
        "Too many failed logins",
        f"Đăng nhập sai quá nhiều lần, thử lại sau {seconds} giây / Too many failed logins: "
        f"try again in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


def normalize_username(username: str) -> str:
    """Usernames match trimmed and case-insensitively."""
    return username.strip().lower()


async def check_can_sign_in(session: AsyncSession, user: User) -> None:
    """A disabled user, or a user of a facility that is not active, gets no token."""
    if user.disabled:
        raise Problem(
            403,
            "account-disabled",
            "Account disabled",
            "Tài khoản đã bị khoá / This account is disabled",
        )
    if user.facility_id is not None:
        facility = await facilities.get(session, user.facility_id)
        if facility is None or facility.status != "active":
            raise Problem(
                403,
                "facility-not-active",
                "Facility not active",
                "Cơ sở đang bị tạm dừng hoặc đã đóng / The facility is suspended or closed",
            )


async def authenticate(
    session: AsyncSession,
    settings: AccountsSettings,
    *,
    username: str,
    password: str,
    actor: Actor,
    action: str = "login",
) -> User:
    """Check a username and password under the lockout rules; every failure is audited."""
    now = datetime.now(UTC)
    username = normalize_username(username)
    pair = throttle.pair_key(username, actor.client_ip)
    source = throttle.source_key(actor.client_ip)
    until = await throttle.locked_until(session, [pair, source], now=now)
    if until is not None:
        audit.record(
            session,
            actor,
            f"{action}.failed",
            target_type="user",
            details={"username": username, "reason": "locked"},
        )
        raise AuthFailure(locked(until, now))
    user = await users.get_by_username(session, username)
    ok = await verify_password_async(password, user.password_hash if user else None)
    if not ok or user is None:
        rules = {
            "now": now,
            "window_s": settings.login_failure_window_s,
            "base_s": settings.login_delay_base_s,
            "longest_s": settings.login_lockout_s,
        }
        held = [
            await throttle.record_failure(
                session, pair, threshold=settings.login_lockout_threshold, **rules
            ),
            await throttle.record_failure(
                session, source, threshold=settings.login_source_threshold, **rules
            ),
        ]
        audit.record(
            session,
            actor,
            f"{action}.failed",
            target_type="user",
            target_id=user.id if user else None,
            facility_id=user.facility_id if user else None,
            details={
                "username": username,
                "reason": "wrong-credentials",
                "locked": any(held),
            },
        )
        raise AuthFailure(invalid_credentials())
    await throttle.clear(session, pair)
    return user


def user_claims(user: User) -> dict:
    """A person's access-token claims: who, the role, and the facility, department or communes
    that bound what they see."""
    return {
        "sub": str(user.id),
        "role": user.role,
        "facility_id": str(user.facility_id) if user.facility_id else None,
        "department": user.department,
        "communes": list(user.communes or []) if user.role == Role.POLICE_OFFICER.value else None,
        "name": user.username,
    }


async def tokens_for(
    session: AsyncSession,
    settings: AccountsSettings,
    user: User,
    *,
    family_id: uuid.UUID | None = None,
) -> TokenResponse:
    """A user's tokens: an access token and a new refresh token (in `family_id`'s session when
    rotating); while the password must be changed, only an access token good for that."""
    key = await current_key(session)
    if user.must_change_password:
        # Good for one thing only: changing the password. No refresh token.
        token = mint_token(
            key,
            claims={**user_claims(user), "pwd_change": True},
            issuer=settings.jwt_issuer,
            audience=PASSWORD_CHANGE_AUDIENCE,
            ttl_s=settings.access_token_ttl_s,
        )
        return TokenResponse(
            access_token=token, expires_in=settings.access_token_ttl_s, must_change_password=True
        )
    now = datetime.now(UTC)
    refresh_token, family = await refresh.issue(
        session, user_id=user.id, ttl_s=settings.refresh_token_ttl_s, now=now, family_id=family_id
    )
    token = mint_token(
        key,
        claims={**user_claims(user), "sid": str(family)},
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_s=settings.access_token_ttl_s,
    )
    return TokenResponse(
        access_token=token,
        expires_in=settings.access_token_ttl_s,
        refresh_token=refresh_token,
        refresh_expires_in=settings.refresh_token_ttl_s,
    )


async def password_login(
    session: AsyncSession, settings: AccountsSettings, *, username: str, password: str, actor: Actor
) -> TokenResponse:
    """The password grant: check the password and the account, audit the login, issue tokens."""
    user = await authenticate(session, settings, username=username, password=password, actor=actor)
    await check_can_sign_in(session, user)
    audit.record(
        session,
        _as(actor, user),
        "login.succeeded",
        target_type="user",
        target_id=user.id,
        facility_id=user.facility_id,
    )
    return await tokens_for(session, settings, user)


def invalid_grant(detail: str) -> Problem:
    return Problem(401, "invalid-grant", "Invalid refresh token", detail)


async def refresh_login(
    session: AsyncSession, settings: AccountsSettings, *, token: str, actor: Actor
) -> TokenResponse:
    """The refresh grant: rotate the refresh token. A reused one revokes its whole session and
    raises `AuthFailure`, so the revocation commits before the 401."""
    now = datetime.now(UTC)
    presented = await refresh.use(session, token, now=now)
    row = presented.row
    if presented.outcome == "reused" and row is not None:
        audit.record(
            session,
            actor,
            "refresh.reused",
            target_type="user",
            target_id=row.user_id,
            details={"family_id": row.family_id},
        )
        raise AuthFailure(
            invalid_grant(
                "Mã làm mới đã được dùng: mọi phiên của lần đăng nhập này bị thu hồi / "
                "Refresh token reused: the whole session was revoked, log in again"
            )
        )
    if presented.outcome != "ok" or presented.row is None:
        raise invalid_grant("Mã làm mới không hợp lệ hoặc đã hết hạn / Unknown or expired")
    user = await users.get(session, presented.row.user_id)
    if user is None:
        raise invalid_grant("Mã làm mới không hợp lệ / Unknown refresh token")
    await check_can_sign_in(session, user)
    return await tokens_for(session, settings, user, family_id=presented.row.family_id)


async def change_password(
    session: AsyncSession,
    settings: AccountsSettings,
    *,
    user_id: uuid.UUID | None,
    username: str | None,
    current_password: str,
    new_password: str,
    actor: Actor,
) -> TokenResponse:
    """Change a password: the current one proves who asks (by session or by username), the new
    one must meet the policy; every other session ends and fresh tokens are issued."""
    if user_id is not None:
        known = await users.get(session, user_id)
        if known is None:
            raise invalid_credentials()
        username = known.username
    if username is None:  # neither a session nor a name: nobody to check the password of
        raise invalid_credentials()
    user = await authenticate(
        session,
        settings,
        username=username,
        password=current_password,
        actor=actor,
        action="password_change",
    )
    errors = policy_errors(
        new_password, username=user.username, min_length=settings.password_min_length
    )
    if not errors and new_password == current_password:
        errors.append(
            field_error(
                "/new_password",
                "password-unchanged",
                "Mật khẩu mới phải khác mật khẩu cũ",
                "The new password must differ from the current one",
            )
        )
    if errors:
        raise Problem.invalid(
            "Password rejected",
            errors,
            "Mật khẩu mới không đạt yêu cầu / The new password does not meet the policy",
        )
    now = datetime.now(UTC)
    user.password_hash = await hash_password_async(new_password)
    user.must_change_password = False
    user.password_changed_at = now
    # Every other session of this user ends with the old password.
    await refresh.revoke_user(session, user.id, now=now)
    audit.record(
        session,
        _as(actor, user),
        "password.changed",
        target_type="user",
        target_id=user.id,
        facility_id=user.facility_id,
    )
    await session.flush()
    await check_can_sign_in(session, user)
    return await tokens_for(session, settings, user)


async def logout(session: AsyncSession, *, token: str, actor: Actor) -> None:
    """End the session (refresh-token family) of this refresh token; an unknown one is fine."""
    row = await refresh.find(session, token)
    if row is None:
        return  # unknown or already gone: logging out twice is fine
    await refresh.revoke_family(session, row.family_id, now=datetime.now(UTC))
    audit.record(
        session,
        actor if actor.id else Actor(str(row.user_id), None, None, None, actor.client_ip, None),
        "logout",
        target_type="user",
        target_id=row.user_id,
        details={"family_id": row.family_id},
    )


def _as(actor: Actor, user: User) -> Actor:
    """The actor of a login is the user who just proved who they are."""
    return Actor(
        id=str(user.id),
        name=user.username,
        role=user.role,
        facility_id=user.facility_id,
        client_ip=actor.client_ip,
        correlation_id=actor.correlation_id,
    )
