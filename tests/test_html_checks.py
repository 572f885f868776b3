"""The HTML bulletin against real checkers: Nu HTML Checker (vnu) and axe-core in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = REPO / "tests" / "a11y" / "axe.mjs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def need(condition: bool, reason: str) -> None:
    if not condition:
        pytest.skip(reason)


def test_nu_html_checker_finds_no_errors(sample_build):
    need(shutil.which("java") is not None, "Java is not installed (.ci/run installs default-jre-headless)")
    need(VNU.is_file(), "vnu-jar is not installed (run `npm ci` in the repository; .ci/run does)")
    files = [str(sample_build / f"bulletin-2026-02-{lang}.html") for lang in ("ru", "kk", "en")]
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    assert messages == [], messages


AXE_PAGES = [("ru", 360), ("kk", 1280), ("en", 360)]


def run_axe(jobs: list[tuple[Path, int, Path]], home: Path) -> list[dict]:
    """axe-core's result for each (HTML file, viewport width, screenshot), in that order, from one browser."""
    need(CHROMIUM is not None, "Chromium is not installed (.ci/run installs Debian's chromium)")
    need((REPO / "node_modules" / "axe-core").is_dir() and (REPO / "node_modules" / "playwright-core").is_dir(),
         "axe-core / playwright-core are not installed (run `npm ci`; .ci/run does)")
    done = subprocess.run(["node", str(AXE), *(str(part) for job in jobs for part in job)], capture_output=True,
                          text=True, timeout=180 * len(jobs),
                          env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(home), "CHROMIUM": CHROMIUM})
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(jobs), done.stdout
    return results


@pytest.fixture(scope="module")
def axe_results(sample_build, tmp_path_factory):
    """Every page of AXE_PAGES checked in one browser: (lang, width) -> (result, screenshot)."""
    folder = tmp_path_factory.mktemp("axe")
    jobs = [(sample_build / f"bulletin-2026-02-{lang}.html", width, folder / f"{lang}-{width}.png")
            for lang, width in AXE_PAGES]
    return {page: (result, job[2]) for page, result, job in zip(AXE_PAGES, run_axe(jobs, folder), jobs)}


@pytest.mark.parametrize("lang,width", AXE_PAGES)
def test_axe_finds_no_serious_violations_and_no_sideways_scroll(axe_results, lang, width):
    result, shot = axe_results[lang, width]
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert result["overflow"] <= 0, "the page scrolls sideways"
    assert shot.stat().st_size > 1000
