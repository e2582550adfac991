"""Prometheus metrics: request counts and timings, and the state of the front door read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mash.db import read_only
from mash.enums import CONTACT_STATUSES
from mash.models import Contact, OutboxItem


class FrontDoorCollector(Collector):
    """Reads contacts by status and the outbox backlog from the database at each scrape."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the current gauges."""
        session = self.factory()
        try:
            with session.begin():
                read_only(session)
                by_status = dict(
                    session.execute(select(Contact.status, func.count(Contact.id)).group_by(Contact.status)).all()
                )
                pending = session.execute(
                    select(func.count(OutboxItem.id)).where(
                        OutboxItem.completed_at.is_(None), OutboxItem.failed_at.is_(None)
                    )
                ).scalar_one()
                failed = session.execute(
                    select(func.count(OutboxItem.id)).where(OutboxItem.failed_at.is_not(None))
                ).scalar_one()
        finally:
            session.close()
        contacts = GaugeMetricFamily("mash_contacts", "Contacts by status", labels=["status"])
        for status in CONTACT_STATUSES:
            contacts.add_metric([status], by_status.get(status, 0))
        yield contacts
        yield GaugeMetricFamily("mash_outbox_pending", "Jobs recorded and not yet done", value=pending)
        yield GaugeMetricFamily("mash_outbox_failed", "Jobs that failed for good", value=failed)
        yield GaugeMetricFamily(
            "mash_screening_failed",
            "Contacts whose screening failed for good",
            value=by_status.get("screening_failed", 0),
        )


class Metrics:
    """The app's own registry, so that several apps in one process do not collide."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "mash_http_requests", "HTTP requests", ["method", "endpoint", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "mash_http_request_seconds", "HTTP request latency", ["endpoint"], registry=self.registry
        )
        self.registry.register(FrontDoorCollector(factory))

    def render(self) -> bytes:
        """Return the metrics in Prometheus text format."""
        return generate_latest(self.registry)


def init_app(app: Flask) -> Metrics:
    """Create the app's metrics."""
    metrics = Metrics(app.extensions["mash.sessionmaker"])
    app.extensions["mash.metrics"] = metrics
    return metrics
