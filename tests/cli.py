"""Running the real `newsbeam` command, and writing feed files, for end-to-end tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape


def newsbeam(*args: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """`newsbeam ARGS` as a user runs it, in a subprocess; fails the test on a non-zero exit."""
    executable = Path(sys.executable).with_name("newsbeam")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "newsbeam.cli"]
    result = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"newsbeam {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def rss(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, link, text) items, all published on 2025-03-04."""
    body = "".join(
        f"<item><title>{escape(t)}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate>"
        f"<description>{escape(text)}</description></item>"
        for t, link, text in items
    )
    return (
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>{escape(title)}</title>"
        f"{body}</channel></rss>"
    )
