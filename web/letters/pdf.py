"""The letter as PDF for the file (e-Akte), converted from its DOCX by LibreOffice without a display.

LibreOffice writes PDF/A-2b when asked through the filter options of its PDF export
(`SelectPdfVersion` 2), which archives and e-Akte systems expect. Each conversion gets a profile
folder of its own: two conversions sharing LibreOffice's user profile block each other.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PDF_A_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
TIMEOUT_SECONDS = 120


class ConversionFailed(RuntimeError):
    """The PDF could not be made; the message says in German what to do."""


def docx_to_pdf(docx: bytes, soffice: str = "soffice") -> bytes:
    """The PDF/A of a DOCX letter, as LibreOffice lays it out."""
    program = shutil.which(soffice)
    if program is None:
        raise ConversionFailed(
            "Für das PDF wird LibreOffice benötigt, das auf dem Server fehlt. Bitte die Administration bitten, "
            "das Paket libreoffice-writer-nogui zu installieren (scripts/setup); bis dahin den Brief als DOCX "
            "herunterladen."
        )
    with tempfile.TemporaryDirectory(prefix="brief-pdf-") as folder:
        work = Path(folder)
        source = work / "brief.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profil').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            PDF_A_FILTER,
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise ConversionFailed(
                f"LibreOffice hat das PDF nicht innerhalb von {TIMEOUT_SECONDS} Sekunden erstellt. Bitte später "
                "erneut versuchen oder den Brief als DOCX herunterladen."
            ) from error
        target = work / "brief.pdf"
        if result.returncode != 0 or not target.exists():
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-300:]
            raise ConversionFailed(
                f"LibreOffice konnte das PDF nicht erstellen (Exit-Status {result.returncode}: "
                f"{detail or 'keine Meldung'}). Bitte den Brief als DOCX herunterladen und die Administration "
                "informieren."
            )
        return target.read_bytes()
