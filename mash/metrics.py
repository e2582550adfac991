"""Prometheus metrics: request counts and timings, and the state of the front door read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mash.db import read_only, utcnow
from mash.enums import CONTACT_STATUSES, RAGS
from mash.job_names import RESCREEN_CONTACT, SCREEN_CONTACT
from mash.models import Contact, OutboxItem, Recommendation, SharingRecord
from mash.services.reports.stats import percentile


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


LATENCY_WINDOW = timedelta(hours=1)


class OperationsCollector(Collector):
    """Reads the front door's operational counters from the database at each scrape, whichever process did the work.

    Counts since the service began are counters (received, screened, failed screenings, partner requests by
    outcome); the queue and overdue decisions are gauges; job latency is the median and 90th percentile from a job
    being recorded to its completion, over jobs completed in the last hour.
    """

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self) -> Iterator[Metric]:
        """Yield the current counters and gauges."""
        now = utcnow()
        session = self.factory()
        try:
            with session.begin():
                read_only(session)
                received = session.execute(select(func.count(Contact.id))).scalar_one()
                screened = session.execute(select(func.count(Recommendation.id))).scalar_one()
                failed = session.execute(
                    select(func.count(OutboxItem.id)).where(
                        OutboxItem.job.in_((SCREEN_CONTACT, RESCREEN_CONTACT)), OutboxItem.failed_at.is_not(None)
                    )
                ).scalar_one()
                waiting = session.execute(
                    select(
                        Recommendation.rag,
                        func.count(Contact.id),
                        func.count(Contact.id).filter(Recommendation.decision_due_by < now),
                    )
                    .join(Recommendation, Recommendation.contact_id == Contact.id)
                    .where(Contact.status == "awaiting_decision")
                    .group_by(Recommendation.rag)
                ).all()
                partners = session.execute(
                    select(SharingRecord.agency, SharingRecord.status, func.count(SharingRecord.id))
                    .where(SharingRecord.direction == "requested")
                    .group_by(SharingRecord.agency, SharingRecord.status)
                ).all()
                jobs = session.execute(
                    select(OutboxItem.job, OutboxItem.created_at, OutboxItem.completed_at).where(
                        OutboxItem.completed_at >= now - LATENCY_WINDOW
                    )
                ).all()
        finally:
            session.close()
        yield CounterMetricFamily("mash_contacts_received", "Contacts received", value=received)
        yield CounterMetricFamily("mash_contacts_screened", "Contacts screened (a recommendation made)", value=screened)
        yield CounterMetricFamily("mash_screenings_failed", "Screening jobs that failed for good", value=failed)
        depth = GaugeMetricFamily("mash_queue_depth", "Contacts awaiting a decision, by RAG", labels=["rag"])
        overdue = GaugeMetricFamily(
            "mash_decisions_overdue", "Contacts awaiting a decision past their deadline, by RAG", labels=["rag"]
        )
        by_rag = {rag: (count, late) for rag, count, late in waiting}
        for rag in RAGS:
            depth.add_metric([rag], by_rag.get(rag, (0, 0))[0])
            overdue.add_metric([rag], by_rag.get(rag, (0, 0))[1])
        yield depth
        yield overdue
        requests = CounterMetricFamily(
            "mash_partner_requests",
            "MASH checks requested of partners, by agency and outcome",
            labels=["agency", "outcome"],
        )
        for agency, status, count in partners:
            requests.add_metric([agency, status], count)
        yield requests
        latency = GaugeMetricFamily(
            "mash_job_latency_seconds",
            "Seconds from a job being recorded to its completion, over jobs completed in the last hour",
            labels=["job", "quantile"],
        )
        by_job: dict[str, list[float]] = {}
        for job, created, completed in jobs:
            if completed is not None:
                by_job.setdefault(job, []).append((completed - created).total_seconds())
        for job, values in sorted(by_job.items()):
            latency.add_metric([job, "0.5"], percentile(values, 0.5) or 0.0)
            latency.add_metric([job, "0.9"], percentile(values, 0.9) or 0.0)
        yield latency


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
        self.registry.register(OperationsCollector(factory))

    def render(self) -> bytes:
        """Return the metrics in Prometheus text format."""
        return generate_latest(self.registry)


def init_app(app: Flask) -> Metrics:
    """Create the app's metrics."""
    metrics = Metrics(app.extensions["mash.sessionmaker"])
    app.extensions["mash.metrics"] = metrics
    return metrics
