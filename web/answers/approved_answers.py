"""Earlier approved answers to the same question, handed to the language model as guidance.

A county answers the same questions again and again; an answer a reviewer has already
approved is the best template for the next one. The prompt asks the model to prefer it, while
every statement must still be cited from the knowledge base (drafter.llm verifies that).
Questions count as the same when their words largely agree (rapidfuzz token-set ratio).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from sqlalchemy import select

from web.database import db
from web.models import AnswerStatus, Draft, Question

if TYPE_CHECKING:
    from drafter.llm import DraftContext

SIMILARITY = 85
MAX_ANSWERS = 2
SEARCHED = 1000
"""Only the most recent approved answers are compared; older ones rarely still apply unchanged."""


def approved_context(question_text: str, inquiry_id: int) -> DraftContext | None:
    """Approved answers of other inquiries to questions like `question_text`, most similar first."""
    from drafter.llm import DraftContext

    rows = db.session.execute(
        select(Question.text, Draft.id)
        .join(Draft, Draft.question_id == Question.id)
        .where(Draft.status == AnswerStatus.APPROVED, Question.inquiry_id != inquiry_id)
        .order_by(Draft.id.desc())
        .limit(SEARCHED)
    ).all()
    matches = process.extract(
        question_text,
        [row.text for row in rows],
        scorer=fuzz.token_set_ratio,
        score_cutoff=SIMILARITY,
        limit=MAX_ANSWERS,
    )
    if not matches:
        return None
    answers = [(rows[index].text, db.session.get(Draft, rows[index].id).current.text) for _, _, index in matches]
    return DraftContext(approved_answers=answers)
