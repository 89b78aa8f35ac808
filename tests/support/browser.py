"""Headless Chromium (Debian's `chromium`, which `make test` installs) loading a page the
way a reader's browser does, for tests of what newsbeam writes as HTML.

Started with a new empty profile and no background networking, so it asks no other host
for anything; what a page's scripts print to the console comes back with the page."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
_CONSOLE = re.compile(r":INFO:CONSOLE[^\]]*\] (.*)$", re.MULTILINE)
_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
)  # fmt: skip


@dataclass(frozen=True)
class RenderedPage:
    dom: str  # the document after its scripts ran
    console: list[str]  # every console message, errors ("Uncaught ...") among them


def render(page: Path, budget_ms: int = 15_000, screenshot: Path | None = None) -> RenderedPage:
    """Loads `page` from disk, lets its scripts run for up to `budget_ms` of virtual time."""
    if not Path(CHROMIUM).exists():
        raise AssertionError(
            "Debian's chromium is not installed: `make test` installs it "
            "(apt-get install chromium), or install it yourself"
        )
    with tempfile.TemporaryDirectory() as profile:
        command = [CHROMIUM, *_FLAGS, f"--user-data-dir={profile}",
                   f"--virtual-time-budget={budget_ms}"]  # fmt: skip
        if screenshot is not None:
            command += [
                "--hide-scrollbars",
                "--window-size=1200,2600",
                f"--screenshot={screenshot}",
            ]
        else:
            command.append("--dump-dom")
        # A session of its own: on a timeout its renderer and GPU processes go too.
        with subprocess.Popen(
            [*command, page.resolve().as_uri()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        ) as browser:
            try:
                dom, log = browser.communicate(timeout=180)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(browser.pid, signal.SIGKILL)
    assert browser.returncode == 0, log[-2000:]
    return RenderedPage(dom, _CONSOLE.findall(log))
