"""The repository stands on its own: nothing a user reads points outside it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_BY_USERS = (
    "README.md",
    "docs",
    "mash",
    "schemas",
    "workers",
    "integrations",
    "benchmarks",
    "compose.yaml",
    "Dockerfile",
)


def test_no_file_users_read_points_outside_the_repository() -> None:
    offenders = []
    for name in READ_BY_USERS:
        path = ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and p.suffix != ".pyc"]
        for file in files:
            text = file.read_text(encoding="utf-8", errors="ignore")
            if "../shared" in text or "/work/shared" in text or "CONTRACT.md" in text:
                offenders.append(str(file.relative_to(ROOT)))
    assert offenders == []


def test_the_readme_links_to_the_guides_it_promises() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for guide in ("api", "glossary", "clock", "configuration", "operations", "cli", "problems"):
        assert f"(docs/{guide}.md)" in readme
        assert (ROOT / "docs" / f"{guide}.md").is_file()
