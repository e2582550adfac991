"""A realistic MASH day over the HTTP API, with the demo contacts screened by a real `mash worker` process."""

from __future__ import annotations

import subprocess
from typing import Any

import requests
from pytest_httpserver import HTTPServer

from mash.settings import Settings
from tests.server import serving
from tests.workers.conftest import MASH, wait_for, worker_env

RAG_RANK = {"red": 0, "amber": 1, "green": 2}


def _demo_tokens(env: dict[str, str]) -> dict[str, str]:
    done = subprocess.run([MASH, "demo"], env=env, capture_output=True, text=True, timeout=120, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("loaded 46 demonstration contacts")
    tokens = lines[1 : next(n for n, line in enumerate(lines) if line.startswith("sign in at"))]
    return dict(line.split() for line in tokens)


def test_a_realistic_day(make_redis_app, redis_url, settings: Settings, start_worker, httpserver: HTTPServer) -> None:
    app = make_redis_app(redis_url)
    env = worker_env(settings, redis_url)
    tokens = _demo_tokens(env)
    start_worker(env)

    def auth(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    httpserver.expect_request("/police-feedback", method="POST").respond_with_data("received")
    register = subprocess.run(
        [MASH, "webhooks", "register", "Metropolitan Police, Lambeth CAIT", httpserver.url_for("/police-feedback")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert register.stdout.strip().splitlines()[-1]

    with serving(app) as base:
        api = f"{base}/api/v1"

        def get(path: str, who: str) -> Any:
            response = requests.get(f"{api}{path}", headers=auth(who), timeout=10)
            assert response.status_code == 200, response.text
            return response.json()

        def post(path: str, who: str, body: dict[str, Any] | None = None) -> requests.Response:
            return requests.post(f"{api}{path}", json=body, headers=auth(who), timeout=10)

        def queue_size() -> int:
            return len(get("/queue?limit=200", "screener")["items"])

        wait_for(lambda: queue_size() == 46, timeout=240, what="all 46 demo contacts screened by the worker")
        items = get("/queue?limit=200", "screener")["items"]
        order = [(RAG_RANK[i["recommendation"]["rag"]], i["recommendation"]["decision_due_by"]) for i in items]
        assert order == sorted(order)
        assert {i["recommendation"]["rag"] for i in items} == {"red", "amber", "green"}

        police = [i for i in items if i["agency_type"] == "police"]
        first, second = police[0]["id"], items[-1]["id"]
        second_screener = requests.post(f"{api}/contacts/{second}/claim", headers=auth("manager"), timeout=10)
        assert post(f"/contacts/{first}/claim", "screener").status_code == 200
        assert second_screener.status_code == 200
        assert post(f"/contacts/{first}/claim", "manager").status_code == 409

        recommendation = get(f"/contacts/{first}", "screener")["recommendation"]
        decided = post(
            f"/contacts/{first}/decision",
            "screener",
            {"outcome": recommendation["outcome"], "rag": recommendation["rag"], "rationale": "As recommended."},
        )
        assert decided.status_code == 201 and decided.json()["override"] is False
        other = "assessment" if items[-1]["recommendation"]["outcome"] != "assessment" else "early_help"
        overridden = post(
            f"/contacts/{second}/decision",
            "manager",
            {"outcome": other, "rag": "amber", "rationale": "Third contact this year: the family needs an assessment."},
        )
        assert overridden.status_code == 201 and overridden.json()["override"] is True

        signed = post(f"/contacts/{first}/oversight", "manager", {"agree": True, "comment": "Agreed."})
        assert signed.status_code == 201
        assert get(f"/contacts/{first}", "screener")["status"] == "closed"

        flag = post(
            f"/contacts/{items[1]['id']}/flags",
            "therapist",
            {"kind": "systemic_consultation", "note": "Repeated contacts: think about the family's story."},
        )
        assert flag.status_code == 201
        assert [i["id"] for i in get("/queue?flagged=true", "screener")["items"]] == [items[1]["id"]]
        resolved = post(f"/flags/{flag.json()['id']}/resolve", "therapist", {"note": "Consultation held; plan agreed."})
        assert resolved.status_code == 200
        assert get("/flags?open=true", "manager")["items"] == []

        wait_for(lambda: len(httpserver.log) >= 1, what="feedback at the partner's webhook")
        delivered = httpserver.log[0][0].get_json()
        assert delivered["contact_id"] == first and delivered["outcome"] == recommendation["outcome"]
        partner_view = get(f"/contacts/{first}", "partner:police")
        assert partner_view["feedback"]["outcome"] == recommendation["outcome"]
