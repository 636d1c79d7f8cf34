"""A tiny OpenAI-compatible chat server for the web tests: ``POST /v1/chat/completions`` answers after
``delay`` seconds with the candidate id whose row names a word it was told to pick, or fails with an
HTTP status (a model that is down). No model: the reply is decided by the question's words.

    with FakeLLM(picks={"办公贵": "办公费"}, fails={"公务用车占": 503}, delay=3) as url:
        env BUDGETQA_LLM=openai:fake@{url}
"""
from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLLM:
    def __init__(self, picks: dict[str, str], fails: dict[str, int] | None = None, delay: float = 0.0):
        self.picks, self.fails, self.delay = picks, fails or {}, delay
        self.asked: list[str] = []               # the questions it was shown
        self.server: ThreadingHTTPServer | None = None

    def reply(self, prompt: str) -> tuple[int, str]:
        m = re.search(r"问题：(.+)", prompt)
        question = m.group(1).strip() if m else ""
        self.asked.append(question)
        for words, status in self.fails.items():
            if words in question:
                return status, ""
        for words, row in self.picks.items():
            if words in question:
                ids = re.findall(rf"^(c\d+) \S+ (?:\d+ )?{re.escape(row)} › 合计$", prompt, re.M) or \
                    re.findall(rf"^(c\d+) .*{re.escape(row)}", prompt, re.M)
                return 200, json.dumps({"ids": ids[:1]})
        return 200, json.dumps({"ids": []})

    def __enter__(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                prompt = next((m.get("content", "") for m in reversed(body.get("messages", []))
                               if m.get("role") == "user"), "")
                status, content = fake.reply(str(prompt))
                threading.Event().wait(fake.delay)
                if status != 200:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "unavailable"}}')
                    return
                out = {"id": "fake-1", "object": "chat.completion", "created": 0, "model": body.get("model", "fake"),
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": content}}],
                       "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
                data = json.dumps(out).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __exit__(self, *exc) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
