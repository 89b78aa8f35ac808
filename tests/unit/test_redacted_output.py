"""What the command line prints and logs names URLs without their credentials."""

from __future__ import annotations

import logging
import subprocess
import sys

from newsbeam.redacted_logs import RedactingFormatter
from newsbeam.report import print_where


def test_the_output_is_named_without_its_keys(capsys) -> None:
    print_where("s3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/news")
    printed = capsys.readouterr().out
    assert "s3://bucket/news" in printed
    assert "AKIA" not in printed and "wJalr" not in printed
    # `newsbeam query` reads local folders (DuckDB's httpfs is never downloaded): it is not
    # offered on the object store, whose output is copied down first.
    assert "newsbeam query s3://" not in printed and "copy it down" in printed


def test_log_lines_and_their_tracebacks_are_redacted() -> None:
    """Beam, urllib3 or an exception may quote a feed's URL: the line is redacted whole."""
    record = logging.LogRecord(
        "urllib3", logging.WARNING, __file__, 1, "GET %s failed", ("http://u:PW1@h/f?key=K1",), None
    )
    try:
        raise ValueError("cannot parse http://u:PW2@h/f?token=T2")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = RedactingFormatter("%(levelname)s %(message)s").format(record)
    assert line.startswith("WARNING GET http://h/f?key=REDACTED failed")
    assert "ValueError: cannot parse http://h/f?token=REDACTED" in line
    for secret in ("PW1", "K1", "PW2", "T2"):
        assert secret not in line


def test_an_uncaught_exception_is_printed_redacted() -> None:
    code = (
        "import logging\n"
        "from newsbeam.redacted_logs import redact_logs_and_tracebacks\n"
        "redact_logs_and_tracebacks()\n"
        "logging.getLogger('x').warning('polling http://alice:S3cretPW@h/f')\n"
        "raise RuntimeError('window failed on http://h/f?api_key=K3Y')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1
    assert "polling http://h/f" in result.stderr
    assert "RuntimeError: window failed on http://h/f?api_key=REDACTED" in result.stderr
    assert "S3cretPW" not in result.stderr and "K3Y" not in result.stderr
