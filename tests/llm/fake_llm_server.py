"""A scripted stand-in for an LLM server, reached over real HTTP on 127.0.0.1.

langchain-openai and the ollama client both talk through httpx, so the fake sits at the socket:
it answers `/v1/chat/completions` (OpenAI-compatible, as vLLM and llama.cpp) or `/api/chat`
(Ollama), records every request body and counts requests in flight at the same time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One scripted response: the model's text, or an HTTP error status, after an optional delay."""

    content: str = ""
    status: int = 200
    delay: float = 0.0


Script = Callable[[dict], Reply]


class FakeLLMServer:
    def __init__(self, flavour: str, model: str = "fake-model") -> None:
        assert flavour in ("openai", "ollama")
        self.flavour = flavour
        self.model = model
        self.script: Script = lambda body: Reply(status=500)
        self.requests: list[dict] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1" if self.flavour == "openai" else f"http://{host}:{port}"

    @property
    def attempts(self) -> int:
        return len(self.requests)

    def reply_with(self, *replies: Reply | str) -> None:
        """Answer requests with these replies in turn; the last one repeats."""
        queue = [Reply(content=r) if isinstance(r, str) else r for r in replies]

        def script(body: dict) -> Reply:
            with self._lock:
                return queue.pop(0) if len(queue) > 1 else queue[0]

        self.script = script

    def start(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _chat(self, body: dict) -> tuple[int, bytes, str]:
        with self._lock:
            self.requests.append(body)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            reply = self.script(body)
            time.sleep(reply.delay)
        finally:
            with self._lock:
                self._in_flight -= 1
        if reply.status != 200:
            return reply.status, json.dumps({"error": {"message": "scripted failure"}}).encode(), "application/json"
        if self.flavour == "openai":
            return 200, json.dumps(self._openai_body(reply.content)).encode(), "application/json"
        if body.get("stream", True):
            lines = [self._ollama_body(reply.content, done=False), self._ollama_body("", done=True)]
            return 200, "".join(json.dumps(line) + "\n" for line in lines).encode(), "application/x-ndjson"
        return 200, json.dumps(self._ollama_body(reply.content, done=True)).encode(), "application/json"

    def _openai_body(self, content: str) -> dict:
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }

    def _ollama_body(self, content: str, done: bool) -> dict:
        body = {
            "model": self.model,
            "created_at": "2024-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": content},
            "done": done,
        }
        if done:
            body.update(done_reason="stop", prompt_eval_count=10, eval_count=10, total_duration=1)
        return body

    def _models(self) -> dict:
        if self.flavour == "openai":
            return {"object": "list", "data": [{"id": self.model, "object": "model"}]}
        return {"models": [{"name": self.model, "model": self.model}]}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self
        chat_path = "/v1/chat/completions" if self.flavour == "openai" else "/api/chat"
        models_path = "/v1/models" if self.flavour == "openai" else "/api/tags"

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path != chat_path:
                    self._send(404, b'{"error": "not found"}', "application/json")
                    return
                self._send(*server._chat(body))

            def do_GET(self) -> None:
                if self.path != models_path:
                    self._send(404, b'{"error": "not found"}', "application/json")
                    return
                self._send(200, json.dumps(server._models()).encode(), "application/json")

            def _send(self, status: int, payload: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test); nothing left to answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
