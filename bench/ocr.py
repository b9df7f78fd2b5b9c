"""Text recognition (OCR): pages per minute on this machine and character accuracy against the known text.

The scans are made here: a German letter with umlauts, ß, amounts and dates drawn with
Pillow at 200 and 300 dpi, once straight and clean, once turned by 1.5° with speckle noise,
each as a PNG and as a PDF without a text layer (fpdf2). Every file goes through
`load_document`, so the figures include the child process, rendering and normalisation.

    .venv/bin/python bench/ocr.py [--pages 2]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.loaders import load_document  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LETTER = """Kreisverwaltung Talbach – Ordnungsamt
Aktenzeichen 32.1-4711/2026, Talbach, den 03.11.2026

Sehr geehrte Frau Müller,

zu Ihrer Anfrage vom 14.10.2026 über die Straßenreinigung in Großenbrück teilen wir mit:
Die Gebühren steigen zum 01.01.2027 von 2,45 € auf 2,79 € je Meter Straßenfront.
Für die Überprüfung der Bescheide sind 3 Stellen vorgesehen; Widersprüche gingen 2025
in 187 Fällen ein, davon wurden 41 ganz oder teilweise abgeholfen.
Die Satzung über die Änderung tritt am 15.12.2026 in Kraft und ist öffentlich ausgelegt.

Mit freundlichen Grüßen
Im Auftrag
Jürgen Weiß"""


def scan(text: str, dpi: int, skew: float = 0.0, noise: float = 0.0, seed: int = 7) -> Image.Image:
    """`text` set in 11 pt on an A4 page at `dpi`, optionally turned by `skew` degrees with a share of speckles."""
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, round(11 / 72 * dpi))
    draw.multiline_text((round(dpi * 0.9), round(dpi * 1.2)), text, font=font, fill=0, spacing=round(dpi * 0.07))
    if skew:
        page = page.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    if noise:
        rng = random.Random(seed)
        pixels = page.load()
        for _ in range(int(width * height * noise)):
            x, y = rng.randrange(width), rng.randrange(height)
            pixels[x, y] = rng.choice((0, 90, 255))
    return page


def as_pdf(image: Image.Image, dpi: int, path: Path) -> Path:
    """A PDF whose one page is `image` and nothing else: no text layer, as a scanner writes it."""
    pdf = FPDF(unit="pt", format=(image.width * 72 / dpi, image.height * 72 / dpi))
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.output(str(path))
    return path


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def accuracy(expected: str, found: str) -> float:
    """1 minus the character error rate (edit distance over the known text's length), whitespace collapsed."""
    expected, found = normalised(expected), normalised(found)
    return max(0.0, 1 - Levenshtein.distance(expected, found) / len(expected))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2, help="pages per variant (each one file)")
    pages = parser.parse_args().pages
    variants = [
        ("200 dpi", 200, 0.0, 0.0),
        ("300 dpi", 300, 0.0, 0.0),
        ("300 dpi, 1,5° schief, Rauschen", 300, 1.5, 0.002),
    ]
    print(f"{'Vorlage':34} {'Format':6} {'Seiten/min':>10} {'Zeichen richtig':>16}")
    with tempfile.TemporaryDirectory() as directory:
        load_document(as_pdf(scan("Aufwärmen", 100), 100, Path(directory) / "warm.pdf"))  # starts the parse server
        for label, dpi, skew, noise in variants:
            image = scan(LETTER, dpi, skew, noise)
            for kind in ("PNG", "PDF"):
                files = []
                for number in range(pages):
                    path = Path(directory) / f"scan-{dpi}-{skew}-{number}.{kind.lower()}"
                    if kind == "PNG":
                        image.save(path, dpi=(dpi, dpi))
                    else:
                        as_pdf(image, dpi, path)
                    files.append(path)
                started = time.perf_counter()
                texts = [load_document(path).text for path in files]
                seconds = time.perf_counter() - started
                score = sum(accuracy(LETTER, text) for text in texts) / len(texts)
                print(f"{label:34} {kind:6} {60 * pages / seconds:10.1f} {100 * score:15.1f} %")


if __name__ == "__main__":
    main()
