"""Annex A guidance is data, one file a year: a period is written with the guidance in force on its last day."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from mash.enums import CIN_REFERRAL_SOURCE, ETHNICITY_CODES, GENDERS
from mash.services.reports.guidance import GUIDANCE_DIR, all_guidance, guidance_for


def test_the_latest_guidance_in_force_on_a_day_is_used(tmp_path: Path) -> None:
    current = yaml.safe_load((GUIDANCE_DIR / "2023.yaml").read_text())
    (tmp_path / "2023.yaml").write_text(yaml.safe_dump(current))
    later = {**current, "version": "A later year", "applies_from": date(2027, 4, 1)}
    later["source"] = {**current["source"], "5D": "v) 5D: LA early help"}
    (tmp_path / "2027.yaml").write_text(yaml.safe_dump(later))
    assert guidance_for(date(2027, 3, 31), tmp_path).source_of("5D") == "o) 5B: LA services"
    assert guidance_for(date(2027, 4, 1), tmp_path).source_of("5D") == "v) 5D: LA early help"
    assert guidance_for(date(2020, 1, 1), tmp_path).version == current["version"]


def test_every_code_we_take_has_a_category_in_every_year() -> None:
    for guidance in all_guidance():
        assert set(CIN_REFERRAL_SOURCE.values()) <= set(guidance.source)
        assert set(ETHNICITY_CODES) <= set(guidance.ethnicity)
        assert set(GENDERS) <= set(guidance.gender)
