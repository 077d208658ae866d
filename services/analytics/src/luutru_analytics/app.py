from __future__ import annotations

from fastapi import FastAPI

from luutru_analytics.feeds.endpoints import router as feeds_router
from luutru_analytics.models import processed_events
from luutru_analytics.projections import on_guest_checked_in
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.app import create_service_app
from luutru_common.consumer import ConsumerRunner
from luutru_common.events import GuestCheckedIn, Topic

CONSUMER_GROUP = "analytics"

DESCRIPTION = """
**analytics** — số liệu tổng hợp cho các sở, cảnh báo đối tượng truy nã, tình hình khai báo.

Department feeds (aggregates only), wanted-person alerts and reporting compliance, built from
the event streams. Errors are `application/problem+json` (RFC 9457).
"""


def create_app(
    settings: AnalyticsSettings | None = None, *, force_workers: bool = False
) -> FastAPI:
    settings = settings or AnalyticsSettings()
    if force_workers:
        settings = settings.model_copy(update={"embedded_workers": True})

    def workers(app: FastAPI):
        app.state.stay_consumer = ConsumerRunner(
            topics=[Topic.STAY],
            group_id=settings.group_id(CONSUMER_GROUP),
            bootstrap=settings.kafka_bootstrap,
            session_factory=app.state.session_factory,
            processed_events=processed_events,
            dlq_replication_factor=settings.kafka_replication_factor,
            handlers={GuestCheckedIn.event_type: on_guest_checked_in},
        )
        return [app.state.stay_consumer.run()]

    return create_service_app(
        settings=settings,
        title="luutru analytics",
        description=DESCRIPTION,
        routers=[feeds_router],
        workers=workers,
    )
