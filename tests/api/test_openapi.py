"""The OpenAPI document integrators build on: complete, and good enough to generate a typed client from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

BIN = Path(sys.executable).parent
USAGE = Path(__file__).resolve().parent.parent / "data" / "use_generated_client.py"
EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "contract_example.json"
PROBLEM = "application/problem+json"


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def _response(spec: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        found: dict[str, Any] = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        return found
    return response


def test_every_operation_is_named_exemplified_and_declares_its_problems(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(ids) == len(set(ids)) >= 27
    for path, method, operation in _operations(spec):
        responses = {code: _response(spec, r) for code, r in operation["responses"].items()}
        if path.startswith("/api/v1/"):
            expected = {"400", "401", "403", "500"} | ({"404"} if "{" in path else set())
            if "requestBody" in operation:
                expected |= {"413", "415", "422"}
                assert "example" in operation["requestBody"]["content"]["application/json"], (method, path)
            assert expected <= set(responses), (method, path)
        for code, response in responses.items():
            for media, content in response.get("content", {}).items():
                assert "example" in content or "examples" in content, (method, path, code, media)
                if code[0] in "45" and path.startswith("/api/v1/"):
                    assert media == PROBLEM
    assert spec["openapi"].startswith("3.1") and spec["servers"] and spec["info"]["license"]["name"] == "MIT"


def test_headers_views_reports_and_fields_are_declared(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    create = spec["paths"]["/api/v1/contacts"]["post"]
    assert [p["name"] for p in create["parameters"] if p["in"] == "header"] == ["Idempotency-Key"]
    assert {"Location", "Idempotent-Replayed", "X-Request-ID"} <= set(create["responses"]["201"]["headers"])
    assert {"Location", "Retry-After"} <= set(create["responses"]["409"]["headers"])
    read = spec["paths"]["/api/v1/contacts/{contact_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert [s["$ref"].rsplit("/", 1)[-1] for s in read["schema"]["anyOf"]] == ["ContactStaffView", "ContactPartnerView"]
    annex = spec["paths"]["/api/v1/reports/annex-a/contacts"]["get"]["responses"]["200"]["content"]["text/csv"]
    assert annex["example"].startswith("Child Unique ID,Gender,Ethnicity,Date of Birth")
    schemas = spec["components"]["schemas"]
    assert [
        (n, f) for n, s in schemas.items() for f, p in s.get("properties", {}).items() if not p.get("description")
    ] == []
    recommendation = schemas["Recommendation"]
    assert set(recommendation["required"]) == set(recommendation["properties"])
    assert recommendation["properties"]["team"]["anyOf"][1] == {"type": "null"}
    assert (
        "x-extensible-enum" in recommendation["properties"]["rag"] and "enum" not in recommendation["properties"]["rag"]
    )
    assert "enum" in schemas["DecisionCreate"]["properties"]["rag"]
    assert {"/healthz", "/readyz", "/metrics"} <= set(spec["paths"])


def test_a_client_generated_from_the_document_is_typed_and_works(
    app: Flask, client: FlaskClient, make_token: Callable[..., str], tmp_path: Path
) -> None:
    (tmp_path / "openapi.json").write_text(json.dumps(client.get("/api/v1/openapi.json").get_json()))
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            "openapi.json",
            "--output-path",
            "mash_client",
            "--meta",
            "none",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    shutil.copy(USAGE, tmp_path / "use_client.py")
    typed = subprocess.run(
        [str(BIN / "mypy"), "--strict", "--no-incremental", "--follow-imports=silent", "use_client.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert typed.returncode == 0, typed.stdout
    tokens = [
        make_token("partner", "Metropolitan Police", "police", "PC Jane Smith"),
        make_token("screener", name="Sam Screener"),
        make_token("manager", name="Mo Manager"),
    ]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        used = subprocess.run(
            [sys.executable, "use_client.py", f"http://127.0.0.1:{server.server_port}", *tokens, str(EXAMPLE)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        server.shutdown()
        thread.join()
    assert used.returncode == 0, used.stdout + used.stderr
    assert used.stdout.strip() == "ok"


def test_answers_conform_to_the_document_under_schemathesis(
    app: Flask, make_token: Callable[..., str], tmp_path: Path
) -> None:
    token = make_token("screener", name="Sam Screener")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        run = subprocess.run(
            [
                str(BIN / "schemathesis"),
                "run",
                f"{base}/api/v1/openapi.json",
                "--url",
                base,
                "-H",
                f"Authorization: Bearer {token}",
                "--exclude-path",
                "/metrics",
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,"
                "response_headers_conformance",
                "--phases",
                "examples,fuzzing",
                "--max-examples",
                "10",
                "--seed",
                "1",
                "--no-color",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        server.shutdown()
        thread.join()
    assert run.returncode == 0, run.stdout[-5000:]
