"""Drafting with an on-premise language model: every sentence cited, every citation verified.

`LLMDrafter` is the entry point; without a configured model the pipeline uses the extractive
drafter instead.
"""

from drafter.llm.client import build_chat_model
from drafter.llm.generation import LLMDrafter
from drafter.llm.prompting import ABSTENTION_SENTENCE, DraftContext

__all__ = ["ABSTENTION_SENTENCE", "DraftContext", "LLMDrafter", "build_chat_model"]
