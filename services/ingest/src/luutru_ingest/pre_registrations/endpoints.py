"""Guest pre-registration: staff make links and confirm entries (facility roles); guests open a
link and send their details (public: the signed token is the only credential)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from luutru_common.app import UnitOfWorkDep
from luutru_common.identity import name_match_key
from luutru_common.problems import Problem, problem_responses
from luutru_ingest.core.facility import GuestFacility, WritingFacility
from luutru_ingest.core.http import IdempotencyKey, idempotent_in
from luutru_ingest.core.receipts import Receipt
from luutru_ingest.models import PreRegistration, PreRegistrationLink
from luutru_ingest.pre_registrations import links, repository, service
from luutru_ingest.pre_registrations.schemas import (
    Confirmation,
    GuestDetails,
    LinkList,
    LinkView,
    NewLink,
    PendingList,
    PendingView,
    PublicLink,
    Submitted,
)

router = APIRouter(prefix="/v1", tags=["pre-registrations"])


def _link_view(request: Request, link: PreRegistrationLink) -> LinkView:
    token = links.sign(request.app.state.settings.pre_registration_secret, link.id, link.expires_at)
    return LinkView(
        link_id=link.id,
        kind=link.kind,  # type: ignore[arg-type]
        label=link.label,
        max_entries=link.max_entries,
        entries=link.entries,
        token=token,
        path=f"/guest#{token}",
        created_at=link.created_at,
        expires_at=link.expires_at,
    )


def _pending_view(entry: PreRegistration, label: str | None) -> PendingView:
    guest = {k: v for k, v in entry.guest.items() if k != "qr_sourced"}
    return PendingView(
        pre_registration_id=entry.id,
        code=entry.code,
        full_name=entry.full_name,
        guest=guest,
        link_label=label,
        created_at=entry.created_at,
        expires_at=entry.expires_at,
    )


@router.post(
    "/pre-registrations/links",
    status_code=201,
    response_model=LinkView,
    summary="Tạo link khai trước cho khách / Make a pre-registration link",
    description=(
        "Link ký số (HMAC) cho một khách/đoàn (dùng một lần mỗi khách) hoặc mã QR đặt ở quầy "
        "(tạo mới là thay mã cũ). Khách mở trang `path` trên trang web quản lý, không cần tài "
        "khoản. / A signed link for a guest or group (one use per guest) or the standing "
        "reception QR (a new one revokes the old). Guests open `path` on the console, no account."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def create_link(
    body: NewLink, facility: WritingFacility, uow: UnitOfWorkDep, request: Request
) -> LinkView:
    async with uow:
        link = await service.create_link(
            uow.session,
            facility=facility,
            body=body,
            settings=request.app.state.settings,
            now=datetime.now(UTC),
        )
        view = _link_view(request, link)
        await uow.commit()
    return view


@router.get(
    "/pre-registrations/links",
    response_model=LinkList,
    summary="Các link khai trước còn dùng được / My open pre-registration links",
    responses=problem_responses(401, 403, 404),
)
async def list_links(facility: GuestFacility, uow: UnitOfWorkDep, request: Request) -> LinkList:
    async with uow:
        found = await repository.live_links(uow.session, facility.id, datetime.now(UTC))
    return LinkList(items=[_link_view(request, link) for link in found])


@router.delete(
    "/pre-registrations/links/{link_id}",
    status_code=204,
    summary="Thu hồi link / Revoke a link",
    responses=problem_responses(401, 403, 404),
)
async def revoke_link(link_id: uuid.UUID, facility: WritingFacility, uow: UnitOfWorkDep) -> None:
    async with uow:
        await service.revoke_link(
            uow.session, facility=facility, link_id=link_id, now=datetime.now(UTC)
        )
        await uow.commit()


@router.get(
    "/pre-registrations",
    response_model=PendingList,
    summary="Khách đã khai trước, chờ xác nhận / Pending pre-registrations",
    description=(
        "Chỉ của cơ sở mình, chỉ bản còn hạn (72 giờ). `q`: tên (không cần dấu, một phần) "
        "hoặc mã trên màn hình của khách (K7M-4QX). / My facility's live entries only; `q` is "
        "a name (accents optional) or the code on the guest's screen."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def list_pending(
    facility: GuestFacility,
    uow: UnitOfWorkDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> PendingList:
    code = links.normalize_code(q) if q else None
    key = name_match_key(q) if q and not code else None
    async with uow:
        rows = await repository.pending(
            uow.session, facility.id, datetime.now(UTC), name_key=key or None, code=code
        )
    return PendingList(items=[_pending_view(entry, label) for entry, label in rows])


@router.post(
    "/pre-registrations/{pre_registration_id}/confirm",
    status_code=201,
    response_model=Receipt,
    summary="Xác nhận khách đã đến → bản khai lưu trú / Confirm → an ordinary stay",
    description=(
        "Sau khi đối chiếu giấy tờ: chọn phòng và xác nhận. Tạo bản khai như khai báo thường "
        "(nguồn `self`), hạn khai báo tính từ giờ đến đã xác nhận; bản khai trước bị xóa. Khách "
        "đã có bản khai cùng ngày: biên nhận cũ (200). / After checking the card: an ordinary "
        "stay (source `self`), the deadline from the confirmed arrival; the entry is deleted."
    ),
    responses={
        200: {"model": Receipt, "description": "Already registered: the original receipt"},
        **problem_responses(401, 403, 404, 422),
    },
)
async def confirm(
    pre_registration_id: uuid.UUID,
    body: Confirmation,
    facility: WritingFacility,
    uow: UnitOfWorkDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    now = datetime.now(UTC)
    async with uow:

        async def work():
            result = await service.confirm(
                uow.session,
                facility=facility,
                entry_id=pre_registration_id,
                room=body.room,
                check_in_at=body.check_in_at,
                rule=request.app.state.deadline_rule,
                now=now,
            )
            return result.answer()

        return await idempotent_in(uow, request, facility.id, idempotency_key, work)


# ---- the guest's side: no account, the signed token is the credential ----------------------


@router.get(
    "/guest-links/{token}",
    response_model=PublicLink,
    tags=["guest"],
    summary="Trang khách: link còn dùng được không / Guest page: is this link open",
    responses=problem_responses(404, 410),
)
async def open_link(token: str, uow: UnitOfWorkDep, request: Request) -> PublicLink:
    settings = request.app.state.settings
    async with uow:
        link, facility = await service.open_link(
            uow.session, token=token, settings=settings, now=datetime.now(UTC), lock=False
        )
    return PublicLink(
        facility_name=facility.name,
        kind=link.kind,  # type: ignore[arg-type]
        expires_at=link.expires_at,
        kept_hours=settings.pre_registration_hours,
    )


@router.post(
    "/guest-links/{token}/pre-registrations",
    status_code=201,
    response_model=Submitted,
    tags=["guest"],
    summary="Khách tự khai trước / A guest pre-registers",
    description=(
        "Không cần tài khoản. Cùng quy tắc như khai báo (lỗi theo từng trường); `qr` là chuỗi QR "
        "trên thẻ căn cước. Bản khai trước chỉ lễ tân cơ sở thấy, không gửi đi đâu, bị xóa sau 72 "
        "giờ nếu chưa xác nhận. Giới hạn theo link, theo cơ sở và theo địa chỉ mạng (429). / No "
        "account. The check-in rules (errors per field); kept for the facility's staff only, "
        "sent nowhere, deleted after 72 h unless confirmed. Capped per link, per facility and "
        "per source address (429)."
    ),
    responses=problem_responses(404, 410, 422, 429),
)
async def pre_register(
    token: str, body: GuestDetails, uow: UnitOfWorkDep, request: Request
) -> Submitted:
    settings = request.app.state.settings
    now = datetime.now(UTC)
    guest, qr_sourced, errors = service.judge_guest(
        body, rule=request.app.state.deadline_rule, now=now
    )
    if errors:
        raise Problem.invalid(
            "Pre-registration is invalid",
            errors,
            "Thông tin khai không hợp lệ / Some fields are not valid",
        )
    address = request.client.host if request.client else None
    async with uow:
        link, _ = await service.open_link(
            uow.session, token=token, settings=settings, now=now, lock=True
        )
        entry = await service.submit(
            uow.session,
            link=link,
            guest=guest,
            qr_sourced=qr_sourced,
            address=address,
            settings=settings,
            now=now,
        )
        answer = Submitted(code=entry.code, full_name=entry.full_name, expires_at=entry.expires_at)
        await uow.commit()
    return answer
