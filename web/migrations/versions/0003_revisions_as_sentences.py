"""A revision stores its answer as paragraphs of sentences (text, markers, verified) instead of rendered text.

The core drafts in sentences; the web app used to store them rendered into one string with
„[n]“ and „[unbelegt]“ and read them back with regular expressions. Existing revisions are
converted here once: each stretch of text up to its markers becomes one sentence, „[unbelegt]“
after it (or the sentence listed in the old `unverified` column) marks it as unverified.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import json
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_MARKS = re.compile(r"(?:\s*(?:\[\d{1,3}\]|\[unbelegt\]))+")


def _paragraphs(text: str, unverified: list[str]) -> list:
    """The conversion of one old revision; kept here, not imported, so that later code cannot change it."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        sentences, position = [], 0
        for marks in _MARKS.finditer(block):
            piece = block[position : marks.start()].strip()
            numbers = [int(n) for n in re.findall(r"\[(\d{1,3})\]", marks.group(0))]
            flagged = "[unbelegt]" in marks.group(0) or piece in unverified
            if piece or not sentences:
                sentences.append({"text": piece, "markers": numbers, "verified": not flagged})
            else:
                sentences[-1]["markers"].extend(numbers)
            position = marks.end()
        rest = block[position:].strip()
        if rest:
            sentences.append({"text": rest, "markers": [], "verified": rest not in unverified})
        if sentences:
            paragraphs.append(sentences)
    return paragraphs


def upgrade():
    with op.batch_alter_table("draft_revisions") as batch_op:
        batch_op.add_column(sa.Column("paragraphs", sa.JSON(), nullable=True))
    connection = op.get_bind()
    revisions = sa.table(
        "draft_revisions", sa.column("id"), sa.column("text"), sa.column("unverified"), sa.column("paragraphs")
    )
    for row in connection.execute(sa.select(revisions.c.id, revisions.c.text, revisions.c.unverified)).all():
        unverified = row.unverified if isinstance(row.unverified, list) else json.loads(row.unverified or "[]")
        connection.execute(
            revisions.update()
            .where(revisions.c.id == row.id)
            .values(paragraphs=json.dumps(_paragraphs(row.text, unverified), ensure_ascii=False))
        )
    with op.batch_alter_table("draft_revisions") as batch_op:
        batch_op.alter_column("paragraphs", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("text")
        batch_op.drop_column("unverified")


def downgrade():
    with op.batch_alter_table("draft_revisions") as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("unverified", sa.JSON(), nullable=True))
    connection = op.get_bind()
    revisions = sa.table(
        "draft_revisions", sa.column("id"), sa.column("text"), sa.column("unverified"), sa.column("paragraphs")
    )
    for row in connection.execute(sa.select(revisions.c.id, revisions.c.paragraphs)).all():
        paragraphs = row.paragraphs if isinstance(row.paragraphs, list) else json.loads(row.paragraphs or "[]")
        text = "\n\n".join(
            " ".join(
                f"{s['text']} {''.join(f'[{m}]' for m in s['markers'])}{'' if s['verified'] else ' [unbelegt]'}".strip()
                for s in paragraph
            )
            for paragraph in paragraphs
        )
        unverified = [s["text"] for paragraph in paragraphs for s in paragraph if not s["verified"]]
        connection.execute(
            revisions.update().where(revisions.c.id == row.id).values(text=text, unverified=json.dumps(unverified))
        )
    with op.batch_alter_table("draft_revisions") as batch_op:
        batch_op.alter_column("text", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("unverified", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("paragraphs")
