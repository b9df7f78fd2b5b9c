"""What every browser test needs: Debian chromium, the axe-core accessibility scan and a signed-in page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.web.conftest import PASSWORD, USERS

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 60_000

requires_browser = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian-Chromium fehlt (apt-get install -y chromium)"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core fehlt (npm install --no-save axe-core)"),
]


def signed_in(browser, base: str, role: str):
    context = browser.new_context(bypass_csp=True, accept_downloads=True, locale="de-DE")  # CSP would block axe
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#username", USERS[role][0])
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Anmelden')")
    page.wait_for_url(re.compile(r".*/(tasks|knowledge|admin)/.*"))
    return page


def axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
