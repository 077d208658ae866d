from __future__ import annotations

from fastapi import FastAPI

from luutru_analytics import retention
from luutru_analytics.alerts.endpoints import router as alerts_router
from luutru_analytics.compliance.endpoints import router as compliance_router
from luutru_analytics.feeds.endpoints import router as feeds_router
from luutru_analytics.feeds.health import router as health_router
from luutru_analytics.feeds.tourism import router as tourism_router
from luutru_analytics.feeds.transport import router as transport_router
from luutru_analytics.feeds.zones import router as zones_router
from luutru_analytics.models import SCHEMA, processed_events
from luutru_analytics.police.endpoints import router as police_router
from luutru_analytics.projections.handlers import build_batch_handlers, build_handlers
from luutru_analytics.rebuild import CONSUMER_GROUP, source_topics
from luutru_analytics.settings import AnalyticsSettings
from luutru_analytics.watchlist.endpoints import MAX_UPLOAD_BYTES
from luutru_analytics.watchlist.endpoints import router as watchlist_router
from luutru_common.app import create_service_app
from luutru_common.body_limit import MULTIPART_MARGIN
from luutru_common.consumer import ConsumerRunner

DESCRIPTION = """
**analytics** — số liệu tổng hợp cho các sở, cảnh báo đối tượng truy nã, tình hình khai báo.

Department feeds (aggregates only; for departments, cells of fewer than 5 people hidden and
every count rounded to a multiple of 5 by its cell key, so no hidden cell can be worked out
by subtraction — docs/analytics.md), wanted-person alerts and reporting compliance for the police, built from the event streams (facility.v1, stay.v1, trip.v1).
Facilities have no access to any of it: matching happens here, asynchronously, so nothing in
what ingest answers a facility depends on the watchlist. Errors are
`application/problem+json` (RFC 9457).
"""


def create_app(
    settings: AnalyticsSettings | None = None, *, force_workers: bool = False
) -> FastAPI:
    """The analytics API, with the projection consumer of facility.v1, stay.v1, trip.v1 and room.v1
    among its workers."""
    settings = settings or AnalyticsSettings()

    def workers(app: FastAPI):
        app.state.consumer = ConsumerRunner.for_app(
            app,
            CONSUMER_GROUP,
            topics=source_topics(settings),
            processed_events=processed_events,
            handlers=build_handlers(settings),
            batch_handlers=build_batch_handlers(settings),
            # Under load the broker waits up to 200 ms to fill a bigger batch: a few
            # transactions a second instead of one per handful of events. Behind, up to
            # 1,000 events a transaction: each run's statements cost the same for 200 or
            # 1,000 stays, and a backlog drains faster (bench/README.md).
            consumer_options={"fetch_min_bytes": 1024 * 1024, "fetch_max_wait_ms": 200},
            max_batch=1000,
        )
        # The walking skeleton's name for it, kept for anything that looks it up.
        app.state.stay_consumer = app.state.consumer
        return [app.state.consumer.run()]

    return create_service_app(
        settings=settings,
        title="luutru analytics",
        description=DESCRIPTION,
        routers=[
            feeds_router,
            tourism_router,
            health_router,
            zones_router,
            transport_router,
            police_router,
            watchlist_router,
            alerts_router,
            compliance_router,
        ],
        workers=workers,
        outbox_schema=SCHEMA,
        force_workers=force_workers,
        retention=retention.rules,
        body_limits={"/v1/watchlist/upload": MAX_UPLOAD_BYTES + MULTIPART_MARGIN},
    )
