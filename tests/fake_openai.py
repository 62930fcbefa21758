"""A fake OpenAI-compatible server on loopback: scripted replies, streamed as server-sent events.

Each POST to ``/v1/chat/completions`` takes the next queued ``Reply`` (``default`` when the queue is
empty) and is recorded as a ``Request``. A reply is text, an HTTP error status, text streamed with
garbage event lines between the good ones, a stream cut off mid-answer, or a function of the request (``quoting`` answers with a
source of the prompt it was sent, so the answer verifies whatever the retrieval numbered it).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes_llm import tokens

__all__ = ["GARBAGE", "FakeOpenAI", "Reply", "Request", "quoting", "serving"]

# Event lines a sloppy server or proxy might send; a client must skip every one of them.
GARBAGE = [
    ": keep-alive comment",
    "event: ping",
    "data: {not json",
    "data: ",
    'data: "a bare string"',
    "data: [1, 2]",
    'data: {"choices": []}',
    'data: {"choices": [{"delta": {}}]}',
    'data: {"choices": [{"delta": {"content": null}}]}',
    'data: {"choices": [{"delta": {"content": 7}}]}',
    'data: {"choices": [{"delta": {"role": "assistant"}}]}',
    'data: {"choices": [{"delta": "not an object"}]}',
    'data: {"choices": [null]}',
    'data: {"error": {"message": "transient"}}',
    "garbage without a field name",
]


@dataclass(frozen=True)
class Request:
    """What the client sent."""

    model: str
    messages: list[dict[str, str]]
    max_tokens: int | None
    temperature: float | None
    stream: bool
    authorization: str | None

    @property
    def system(self) -> str:
        return next((m["content"] for m in self.messages if m["role"] == "system"), "")


@dataclass(frozen=True)
class Reply:
    """One scripted answer: ``text`` (or ``respond(request)``), an HTTP ``status``, ``malformed`` events,
    or a stream ``truncated`` after its first half (the connection closes before the promised length)."""

    text: str = ""
    status: int = 200
    malformed: bool = False
    truncated: bool = False
    respond: Callable[[Request], str] | None = None
    unstreamed: bool = False  # one JSON body even when a stream was asked for (servers that ignore "stream")
    delay: float = 0.0  # seconds before answering (a slow server)

    def body(self, request: Request) -> str:
        return self.respond(request) if self.respond else self.text


_SOURCE = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)


def quoting(phrase: str, suffix: str = "") -> Reply:
    """A reply copying the prompt's source that contains ``phrase``, with that source's number."""

    def respond(request: Request) -> str:
        for number, text in _SOURCE.findall(request.system):
            if phrase in text:
                return f"{text.strip()} [{number}]{suffix}"
        return f"(no source with {phrase!r} in the prompt)"

    return Reply(respond=respond)


class FakeOpenAI:
    """The server; ``url`` is its base URL (``http://127.0.0.1:PORT/v1``)."""

    def __init__(self, default: str = "The article does not say.") -> None:
        self.default = Reply(default)
        self.replies: deque[Reply] = deque()
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def queue(self, *replies: str | Reply) -> None:
        self.replies.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)

    def take(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            return self.replies.popleft() if self.replies else self.default

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def serving(default: str = "The article does not say.") -> Iterator[FakeOpenAI]:
    server = FakeOpenAI(default)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _events(text: str, malformed: bool) -> Iterator[str]:
    for i, token in enumerate(tokens(text)):
        if malformed:
            yield GARBAGE[i % len(GARBAGE)]
        yield "data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": token}}]})
    if malformed:
        yield from GARBAGE
    yield "data: [DONE]"


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            request = Request(
                model=body.get("model", ""),
                messages=body.get("messages", []),
                max_tokens=body.get("max_tokens"),
                temperature=body.get("temperature"),
                stream=bool(body.get("stream")),
                authorization=self.headers.get("Authorization"),
            )
            reply = fake.take(request)
            time.sleep(reply.delay)
            if reply.status >= 400:
                self._json(reply.status, {"error": {"message": f"model {request.model!r} not found"}})
                return
            text = reply.body(request)
            if not request.stream or reply.unstreamed:
                message = {"role": "assistant", "content": text}
                self._json(200, {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]})
                return
            events = list(_events(text, reply.malformed))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            if reply.truncated:  # promise more than is sent, so the client sees the connection drop
                events = events[: len(events) // 2]
                self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                for event in events:
                    self.wfile.write(f"{event}\n\n".encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (the repetition guard does that)

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
