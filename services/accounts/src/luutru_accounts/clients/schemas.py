from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

# What a machine client may be granted. Guest-taking facilities register stays; coach
# operators submit trip manifests. Resource services check the `scope` claim of client tokens.
STAY_SCOPES = ("stays:write", "stays:read")
TRIP_SCOPES = ("trips:write", "trips:read")


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(
        min_length=1,
        max_length=200,
        description="Tên ứng dụng (PMS) / Client name",
        examples=["PMS lễ tân"],
    )
    scopes: list[str] = Field(
        min_length=1,
        max_length=10,
        description="Quyền cấp / Granted scopes: " + ", ".join(STAY_SCOPES + TRIP_SCOPES),
        examples=[["stays:write"]],
    )


class ClientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    client_id: str
    name: str
    facility_id: uuid.UUID
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


class ClientCreated(BaseModel):
    client: ClientOut
    client_secret: str = Field(
        description="Chỉ hiển thị một lần / Shown once only: store it in the PMS now"
    )
