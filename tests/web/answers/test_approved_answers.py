"""An answer a reviewer approved earlier is offered to the model when the same question comes again."""

from datetime import date

from sqlalchemy import select

from drafter.models import DraftSentence
from web.answers.approved_answers import approved_context
from web.database import db
from web.models import AnswerStatus, Draft, DraftRevision, Inquiry, Question, User


def _inquiry(question_text: str, answer_text: str, status: AnswerStatus, author: User) -> Inquiry:
    inquiry = Inquiry(
        reference="AZ 1",
        kind="ifg",
        subject="Online-Dienste",
        text=question_text,
        received_on=date(2026, 1, 5),
        deadline=date(2026, 2, 5),
        created_by_id=author.id,
    )
    question = Question(position=0, label="1", text=question_text)
    question.draft = Draft(evidence="drafted", method="extractive", status=status)
    sentences = [[DraftSentence(answer_text, [])]] if answer_text else []
    question.draft.revisions = [DraftRevision(number=1, paragraphs=sentences, origin="edited", author_id=author.id)]
    inquiry.questions.append(question)
    db.session.add(inquiry)
    db.session.flush()
    return inquiry


def test_only_approved_answers_of_other_inquiries_to_similar_questions_are_offered(app):
    with app.app_context():
        author = db.session.scalars(select(User)).first()
        earlier = _inquiry(
            "Wie viele Online-Dienste bietet der Landkreis an?",
            "Der Landkreis bietet derzeit 158 Online-Dienste an.",
            AnswerStatus.APPROVED,
            author,
        )
        _inquiry(
            "Wie viele Online-Dienste bietet der Landkreis an?", "Ungeprüfter Entwurf.", AnswerStatus.DRAFT, author
        )
        new = _inquiry("Wie viele Online-Dienste bietet der Landkreis inzwischen an?", "", AnswerStatus.DRAFT, author)

        context = approved_context(new.questions[0].text, new.id)
        assert context.approved_answers == [
            ("Wie viele Online-Dienste bietet der Landkreis an?", "Der Landkreis bietet derzeit 158 Online-Dienste an.")
        ]
        assert approved_context("Wie hoch sind die Kantinenpreise im Kreishaus?", new.id) is None
        assert approved_context(earlier.questions[0].text, earlier.id) is None  # its own answer is no precedent
