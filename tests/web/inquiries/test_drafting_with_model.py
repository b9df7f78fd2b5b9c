"""Drafting questions one job at a time through the core, with the app's one language-model drafter.

The model is a scripted server on 127.0.0.1 (tests/llm/fake_llm_server.py): the web app talks
to it over real HTTP, as it would to vLLM or llama.cpp.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from drafter.config import LLMSettings, Settings
from drafter.llm import LLMDrafter
from tests.llm.fake_llm_server import FakeLLMServer
from tests.web.conftest import SAMPLE_INQUIRY, login, make_app, post, seed_users, stop_app, wait_for_jobs
from web.database import db
from web.models import Inquiry

MODEL_SENTENCE = "Die Kreisverwaltung bietet ihre Online-Dienste über das Serviceportal an."


@pytest.fixture
def model_app(tmp_path, knowledge_dir, embedder):
    server = FakeLLMServer("openai").start()
    server.reply_with(json.dumps({"saetze": [{"text": MODEL_SENTENCE, "quellen": [1], "zitat": ""}]}))
    settings = replace(
        Settings.from_env(data_dir=Path(knowledge_dir)),
        llm=LLMSettings(url=server.url, provider="openai", model="fake-model", timeout=5.0, retries=0),
    )
    app = make_app(tmp_path / "instance", knowledge_dir, embedder, START_WORKERS=True, DRAFTER_SETTINGS=settings)
    seed_users(app)
    yield app, server
    stop_app(app)
    server.stop()


def test_each_question_is_drafted_by_the_apps_one_model_drafter(model_app):
    app, server = model_app
    staff = login(app, "staff")
    post(staff, "/inquiries/new", {"reference": "M-1", "kind": "council", "text": SAMPLE_INQUIRY.read_text()})
    post(staff, "/inquiries/1/questions/draft")
    wait_for_jobs(app)
    drafter = app.extensions["drafter_llm"]
    with app.app_context():
        drafts = [q.draft for q in db.session.scalar(select(Inquiry)).questions]
        by_model = [d for d in drafts if d.method == "llm"]
        assert by_model, [d.method for d in drafts]
        assert all(MODEL_SENTENCE in d.current.text for d in by_model)
        second = db.session.scalar(select(Inquiry)).questions[1].id
    assert server.attempts == len(by_model)  # one request per question the evidence let the model answer
    post(staff, f"/inquiries/1/questions/{second}/redraft")
    wait_for_jobs(app)
    assert isinstance(drafter, LLMDrafter) and app.extensions["drafter_llm"] is drafter
