"""Operations endpoints: liveness, readiness, metrics, the OpenAPI document and the docs page."""

from __future__ import annotations

from dataclasses import replace

from flask import Flask
from flask.testing import FlaskClient

from mash.app import create_app
from mash.settings import Settings
from tests.conftest import clean_app


def test_healthz_and_readyz_need_no_token(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok"}


def test_readyz_fails_when_redis_does_not_answer(settings: Settings) -> None:
    app = create_app(replace(settings, redis_url="redis://127.0.0.1:1/0"))
    response = app.test_client().get("/readyz")
    app.extensions["mash.engine"].dispose()
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "unavailable"


def test_metrics_need_a_manager_or_admin(client: FlaskClient, screener, manager) -> None:
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=screener).status_code == 403
    text = client.get("/metrics", headers=manager).get_data(as_text=True)
    assert 'mash_contacts{status="received"}' in text
    assert "mash_outbox_pending" in text


def test_metrics_answer_the_scraper_token_from_the_settings(settings: Settings, manager_factory) -> None:
    token = "s" * 40
    with clean_app(replace(settings, metrics_token=token)) as app:
        client = app.test_client()
        scraped = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert scraped.status_code == 200 and "mash_outbox_pending" in scraped.get_data(as_text=True)
        assert client.get("/metrics", headers={"Authorization": f"Bearer {'x' * 40}"}).status_code == 401
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers=manager_factory(app)).status_code == 200
        assert client.get("/api/v1/queue", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_openapi_document_describes_the_contract(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/contacts", "/api/v1/contacts/{contact_id}", "/api/v1/queue"} <= set(spec["paths"])
    create = spec["components"]["schemas"]["ContactCreate"]
    assert set(create["required"]) >= {"referrer", "children", "concerns", "consent"}
    assert "docs/api.md" in spec["info"]["description"]


def test_docs_page_uses_only_its_own_assets(client: FlaskClient) -> None:
    assert client.get("/api/v1/docs").headers["Location"].endswith("/api/v1/docs/")
    page = client.get("/api/v1/docs/").get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_unexpected_errors_answer_500_without_internals(app: Flask, client: FlaskClient) -> None:
    def explode() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    app.add_url_rule("/api/v1/explode", "explode", explode)
    response = client.get("/api/v1/explode")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "hunter2" not in response.get_data(as_text=True)
    assert response.get_json()["type"] == "/problems/internal-error"
