"""The HTML bulletin against real checkers: Nu HTML Checker (vnu) and axe-core in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess

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


@pytest.mark.parametrize("lang,width", [("ru", 360), ("kk", 1280), ("en", 360)])
def test_axe_finds_no_serious_violations_and_no_sideways_scroll(sample_build, lang, width, tmp_path):
    need(CHROMIUM is not None, "Chromium is not installed (.ci/run installs Debian's chromium)")
    need((REPO / "node_modules" / "axe-core").is_dir() and (REPO / "node_modules" / "playwright-core").is_dir(),
         "axe-core / playwright-core are not installed (run `npm ci`; .ci/run does)")
    done = subprocess.run(["node", str(AXE), str(sample_build / f"bulletin-2026-02-{lang}.html"), str(width),
                           str(tmp_path / "shot.png")], capture_output=True, text=True, timeout=180,
                          env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(tmp_path), "CHROMIUM": CHROMIUM})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert result["overflow"] <= 0, "the page scrolls sideways"
    assert (tmp_path / "shot.png").stat().st_size > 1000
