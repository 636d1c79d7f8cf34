"""Load test for POST /api/ask: N concurrent clients sending the dev questions for a given time.

    python -m eval.load --url http://127.0.0.1:7860 --clients 20 --seconds 30 [QUESTIONS.jsonl]
    python -m eval.load --serve --clients 20 --seconds 30      # starts `budgetqa serve` on a temp data dir
    python -m eval.load --serve --clients 10 --seconds 30 --hostile

First every question is asked once by a single client (the reference answers), then the clients
send the questions round-robin until the time is up. Reports throughput, p50/p95 latency, errors,
and whether every answer is identical to the single-client one. Loopback addresses only.

``--hostile`` runs the load twice: as above, then with one more client sending ``HOSTILE`` (a
500-character question with 10 history entries like it, which once held the engine for a minute)
in a loop, and prints the normal clients' p95 both times and their ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev-questions.jsonl"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_REQUESTS_PER_CLIENT = 100_000       # a bound on every loop, whatever the duration
HOSTILE = {"question": "费" * 500, "history": ["费" * 500] * 10}


@dataclass
class LoadReport:
    clients: int
    seconds: float
    questions: int
    requests: int = 0
    throughput: float = 0.0             # answered requests per second
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    errors: int = 0
    mismatches: int = 0
    identical: bool = True
    error_examples: list[str] = field(default_factory=list)
    mismatch_examples: list[str] = field(default_factory=list)
    hostile: "HostileReport | None" = None

    @property
    def ok(self) -> bool:
        return self.errors == 0 and self.mismatches == 0 and self.requests > 0

    def summary(self) -> str:
        lines = [f"{self.clients} clients × {self.seconds:.0f} s, {self.questions} questions: "
                 f"{self.requests} requests, {self.throughput:.1f} req/s, p50 {self.p50_ms:.1f} ms, "
                 f"p95 {self.p95_ms:.1f} ms, max {self.max_ms:.1f} ms, {self.errors} errors, "
                 f"answers identical to single-client: {'yes' if self.identical else f'no ({self.mismatches})'}"]
        if self.hostile is not None:
            lines.append(f"  beside 1 hostile client: {self.hostile.summary()}")
        lines += [f"  error: {e}" for e in self.error_examples]
        lines += [f"  mismatch: {m}" for m in self.mismatch_examples]
        return "\n".join(lines)


@dataclass
class HostileReport:
    requests: int = 0
    refused: int = 0                    # answered "refused" (the time budget, or the engine itself)
    errors: int = 0
    max_ms: float = 0.0

    def summary(self) -> str:
        return (f"{self.requests} hostile requests ({self.refused} refused, {self.errors} errors, "
                f"longest {self.max_ms / 1000:.1f} s)")


@dataclass
class HostileComparison:
    """The normal clients' figures without and with the hostile client."""
    alone: LoadReport
    beside: LoadReport

    @property
    def ratio(self) -> float:
        return self.beside.p95_ms / self.alone.p95_ms if self.alone.p95_ms else float("inf")

    @property
    def ok(self) -> bool:
        return self.alone.ok and self.beside.ok

    def summary(self) -> str:
        return (f"without the hostile client:\n{self.alone.summary()}\nwith it:\n{self.beside.summary()}\n"
                f"normal clients' p95: {self.alone.p95_ms:.1f} ms alone, {self.beside.p95_ms:.1f} ms beside the "
                f"hostile client (× {self.ratio:.2f})")


def read_questions(path: str | Path) -> list[dict]:
    """[{"question", "doc"?}] from a JSONL question file (one object a line, like shared/eval/*.jsonl)."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise ValueError(f"{path}:{n}: each line needs a \"question\" string")
        out.append({"question": item["question"], **({"doc": item["doc"]} if item.get("doc") else {})})
    if not out:
        raise ValueError(f"{path}: no questions")
    return out


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK:
        raise ValueError(f"{url}: the load script only talks to loopback addresses (127.0.0.1, localhost)")


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def run_load(url: str, questions: list[dict], clients: int = 20, seconds: float = 30.0,
             timeout: float = 30.0, hostile: bool = False) -> LoadReport:
    """``clients`` clients for ``seconds``; ``hostile``: one more client sending HOSTILE meanwhile
    (its requests are not in the figures, but in ``report.hostile``)."""
    import httpx
    check_loopback(url)
    if clients < 1 or seconds <= 0:
        raise ValueError("clients must be ≥ 1 and seconds > 0")
    endpoint = url.rstrip("/") + "/api/ask"
    with httpx.Client(timeout=timeout) as http:
        reference = []
        for q in questions:
            r = http.post(endpoint, json=q)
            r.raise_for_status()
            reference.append(r.json())

    report = LoadReport(clients=clients, seconds=seconds, questions=len(questions))
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(k: int) -> None:
        mine, errors, mismatches = [], [], []
        with httpx.Client(timeout=timeout) as http:
            for i in range(MAX_REQUESTS_PER_CLIENT):
                if time.monotonic() >= deadline:
                    break
                n = (k + i) % len(questions)
                start = time.perf_counter()
                try:
                    r = http.post(endpoint, json=questions[n])
                    elapsed = (time.perf_counter() - start) * 1000
                    if r.status_code != 200:
                        errors.append(f"{questions[n]['question']}: HTTP {r.status_code} {r.text[:120]}")
                        continue
                    mine.append(elapsed)
                    if r.json() != reference[n]:
                        mismatches.append(f"{questions[n]['question']}: {r.text[:160]}")
                except httpx.HTTPError as e:
                    errors.append(f"{questions[n]['question']}: {type(e).__name__} {e}")
        with lock:
            latencies.extend(mine)
            report.errors += len(errors)
            report.mismatches += len(mismatches)
            report.error_examples = (report.error_examples + errors)[:3]
            report.mismatch_examples = (report.mismatch_examples + mismatches)[:3]

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    if hostile:
        report.hostile = HostileReport()
        threads.insert(0, threading.Thread(target=_hostile_client, daemon=True,
                                           args=(endpoint, deadline, timeout, report.hostile)))
    for t in threads:
        t.start()
    for t in threads[1 if hostile else 0:]:
        t.join(seconds + timeout + 5)
    wall = time.monotonic() - started
    threads[0].join(seconds + timeout + 5)      # the hostile client's last request
    latencies.sort()
    report.requests = len(latencies) + report.errors
    report.throughput = len(latencies) / wall if wall else 0.0
    report.p50_ms, report.p95_ms = _percentile(latencies, 0.50), _percentile(latencies, 0.95)
    report.max_ms = latencies[-1] if latencies else 0.0
    report.identical = report.mismatches == 0
    return report


def _hostile_client(endpoint: str, deadline: float, timeout: float, out: HostileReport) -> None:
    import httpx
    with httpx.Client(timeout=timeout) as http:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            start = time.perf_counter()
            try:
                r = http.post(endpoint, json=HOSTILE)
                out.refused += r.status_code == 200 and r.json().get("status") == "refused"
                out.errors += r.status_code != 200
            except httpx.HTTPError:
                out.errors += 1
            out.requests += 1
            out.max_ms = max(out.max_ms, (time.perf_counter() - start) * 1000)


def compare_hostile(url: str, questions: list[dict], clients: int = 10, seconds: float = 30.0,
                    timeout: float = 90.0) -> HostileComparison:
    """The same load without, then with, one hostile client beside it."""
    alone = run_load(url, questions, clients, seconds, timeout)
    return HostileComparison(alone, run_load(url, questions, clients, seconds, timeout, hostile=True))


class LocalServer:
    """`budgetqa serve` on a free loopback port with a temporary data dir (the built-in sample)."""

    def __init__(self, data_dir: str | None = None, startup_timeout: float = 300, log_path: str | None = None,
                 serve_args: tuple[str, ...] = ()):
        self.data_dir = data_dir
        self.serve_args = tuple(serve_args)          # e.g. ("--answer-seconds", "1")
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> str:
        import httpx
        if self.data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="budgetqa-load-")
            self.data_dir = self._tmp.name
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(self.log_path, "w") if self.log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--data-dir", self.data_dir, "serve",
                                      "--port", str(port), *self.serve_args], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)})
        if log is not subprocess.DEVNULL:
            log.close()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"budgetqa serve exited with {self.proc.returncode}{self._log_tail()}")
            try:
                r = httpx.get(url + "/api/health", timeout=2)
                # answers are compared with each other: wait until the background index is built, since a
                # question the rules cannot link is answered differently once the search can help
                if r.status_code == 200 and r.json().get("index", {}).get("state") not in ("idle", "running"):
                    return url
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"budgetqa serve did not answer within {self.startup_timeout:.0f} s{self._log_tail()}")

    def _log_tail(self) -> str:
        if not self.log_path or not Path(self.log_path).exists():
            return ""
        return ": " + Path(self.log_path).read_text(errors="replace")[-1500:]

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self._tmp is not None:
            self._tmp.cleanup()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n\n")[0])
    p.add_argument("questions", nargs="?", default=str(DEFAULT_QUESTIONS), help="JSONL question file")
    p.add_argument("--url", default="http://127.0.0.1:7860", help="a running budgetqa serve (loopback only)")
    p.add_argument("--serve", action="store_true", help="start budgetqa serve on a temp data dir instead")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--hostile", action="store_true", help="run twice: alone, then beside one client sending "
                   "a 500-character question with 10 like it as history in a loop; print both p95")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    args = p.parse_args(argv)
    if args.questions == str(DEFAULT_QUESTIONS) and not DEFAULT_QUESTIONS.exists():
        from app.web.page import EXAMPLES
        print(f"{DEFAULT_QUESTIONS} not found: using the page's example questions", file=sys.stderr)
        questions = [{"question": q} for q in EXAMPLES]
    else:
        questions = read_questions(args.questions)
    def run(url: str):
        if args.hostile:
            return compare_hostile(url, questions, args.clients, args.seconds)
        return run_load(url, questions, args.clients, args.seconds)
    if args.serve:
        with LocalServer() as url:
            report = run(url)
    else:
        report = run(args.url)
    extra = {"p95_ratio": report.ratio} if args.hostile else {}
    print(json.dumps({**asdict(report), **extra, "ok": report.ok}, ensure_ascii=False, indent=1) if args.json
          else report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
