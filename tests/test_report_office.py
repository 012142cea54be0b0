"""The report as software lays it out: the DOCX through LibreOffice, the HTML through Chromium.

python-docx only writes XML; whether the page numbers are real fields and the
pages come out as expected shows only after a layout engine has run.  The
test renders the Szczecinek 2015 report (the seed) with LibreOffice in
headless mode and reads the PDF back with poppler's ``pdfinfo``/``pdftotext``.
The HTML report is printed to PDF by Chromium, as "Drukuj → Zapisz jako
PDF" does.  It is slow but not flaky: a private LibreOffice profile in the test's own
directory (no lock shared with a running LibreOffice or another test), no
time measured, and a generous timeout only against a hung process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from mapping.report import ReportContent, report_content, write_report
from mapping.seed import load_seed
from mapping.store import open_store

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
#: Only against a hung process: the first start of a fresh profile takes ~10 s.
TIMEOUT_S = 300

needs_office = pytest.mark.skipif(
    SOFFICE is None or not POPPLER,
    reason="LibreOffice (soffice) lub poppler-utils (pdftotext) nie są zainstalowane — "
    "uruchom scripts/install-test-system.sh",
)


def _to_pdf(docx_path: Path, workdir: Path) -> Path:
    profile = (workdir / "lo-profile").as_uri()
    command = [
        str(SOFFICE),
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        "pdf",
        "--outdir",
        str(workdir),
        str(docx_path),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
    pdf = workdir / (docx_path.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), done.stdout + done.stderr
    return pdf


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    count = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))
    pages = []
    for n in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append(text)
    return pages


def _content(tmp_path: Path) -> ReportContent:
    store = open_store(tmp_path / "mapa.gpkg", create=True)
    load_seed(store)
    return report_content(
        store,
        city="Szczecinek",
        year=2015,
        partnership="Partnerstwo Lokalne „Wspólnie”",
        today=date(2016, 1, 15),
    )


def _check_pages(pages: list[str]) -> None:
    assert 2 <= len(pages) <= 6  # the year of one small partnership, with its map
    for number, text in enumerate(pages, start=1):
        flat = " ".join(text.split())
        assert f"Strona {number} z {len(pages)}" in flat, (number, flat[-300:])
        assert "Partnerstwo Lokalne „Wspólnie”" in flat  # the letterhead on every page
    everything = " ".join(" ".join(pages).split())
    assert "6 instytucji i 6 organizacji pozarządowych" in everything
    assert "Piknik sąsiedzki" in everything and "Warsztaty dla mieszkańców" in everything


@pytest.mark.office
@needs_office
def test_docx_renders_to_a_pdf_with_page_numbers(tmp_path):
    pdf = _to_pdf(write_report(_content(tmp_path), tmp_path / "sprawozdanie.docx"), tmp_path)
    _check_pages(_pages(pdf))


@pytest.mark.browser
@pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftotext) nie są zainstalowane")
def test_html_prints_to_a_pdf_with_page_numbers(tmp_path, browser):
    # The session's one browser: Playwright's sync API allows one instance per thread.
    html = write_report(_content(tmp_path), tmp_path / "sprawozdanie.html")
    pdf = tmp_path / "sprawozdanie-html.pdf"
    page = browser.new_page()
    try:
        page.goto(html.as_uri())
        page.pdf(path=str(pdf), prefer_css_page_size=True)
    finally:
        page.close()
    _check_pages(_pages(pdf))
