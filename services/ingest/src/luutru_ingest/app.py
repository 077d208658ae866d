from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import FastAPI

from luutru_common.app import create_service_app
from luutru_common.body_limit import MULTIPART_MARGIN
from luutru_common.consumer import ConsumerRunner
from luutru_common.events import Topic
from luutru_ingest import retention
from luutru_ingest.client_scopes import CLIENT_SCOPES
from luutru_ingest.deadline import DeadlineRule
from luutru_ingest.facilities import FACILITY_HANDLERS
from luutru_ingest.models import SCHEMA, processed_events
from luutru_ingest.pre_registrations.endpoints import router as pre_registrations_router
from luutru_ingest.qr.endpoints import router as qr_router
from luutru_ingest.rooms.endpoints import router as rooms_router
from luutru_ingest.settings import IngestSettings
from luutru_ingest.stays.endpoints import router as stays_router
from luutru_ingest.trips.endpoints import router as trips_router
from luutru_ingest.upload_worker import UploadWorker
from luutru_ingest.uploads.endpoints import router as uploads_router

CONSUMER_GROUP = "ingest"

DESCRIPTION = """
**ingest** — cơ sở lưu trú khai báo khách: từng khách, theo lô, tải tệp; nhà xe khai báo
hành khách theo chuyến.

Facilities register guests; coach operators submit trip manifests. Every accepted record is
durable before the answer and gets a receipt with its reporting deadline (`due_at`).
Errors are `application/problem+json` (RFC 9457) with one entry per bad field.
"""


def body_limits(settings: IngestSettings) -> dict[str, int]:
    """Routes whose bodies may be larger than an ordinary JSON request."""
    upload = settings.upload_max_bytes + MULTIPART_MARGIN
    manifest = settings.manifest_max_bytes
    return {
        "/v1/stays/batch": settings.batch_max_bytes,
        "/v1/trips": manifest,
        "/v1/trips/{trip_id}/passengers": manifest,
        "/v1/uploads": upload,
        "/v1/uploads/preview": upload,
        "/v1/uploads/trips": upload,
    }


def create_app(settings: IngestSettings | None = None, *, force_workers: bool = False) -> FastAPI:
    """The ingest API, with the facility.v1 consumer and the upload worker among its workers and the
    reporting-deadline rule of the settings."""
    settings = settings or IngestSettings()

    def workers(app: FastAPI):
        app.state.facility_consumer = ConsumerRunner.for_app(
            app,
            CONSUMER_GROUP,
            topics=[Topic.FACILITY],
            processed_events=processed_events,
            handlers=FACILITY_HANDLERS,
        )
        app.state.upload_worker = UploadWorker(
            app.state.session_factory, settings=settings, rule=app.state.deadline_rule
        )
        return [app.state.facility_consumer.run(), app.state.upload_worker.run()]

    app = create_service_app(
        settings=settings,
        title="luutru ingest",
        description=DESCRIPTION,
        routers=[
            stays_router,
            qr_router,
            uploads_router,
            trips_router,
            rooms_router,
            pre_registrations_router,
        ],
        workers=workers,
        outbox_schema=SCHEMA,
        force_workers=force_workers,
        retention=retention.rules,
        client_scopes=CLIENT_SCOPES,
        body_limits=body_limits(settings),
    )
    app.state.deadline_rule = DeadlineRule(
        timezone=ZoneInfo(settings.local_timezone),
        cutoff_hour=settings.report_cutoff_hour,
        late_arrival_deadline_hour=settings.late_arrival_deadline_hour,
    )
    return app
