"""Archive scale: a real Dask LocalCluster, fsspec URLs, streamed and Parquet output, progress."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_cli import HOUSE_RULES, write


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "rules.yaml").write_text(HOUSE_RULES)
    (tmp_path / "copydesk.toml").write_text('rules-dirs = ["house"]\n')
    for i in range(150):
        body = "A very unique e-mail.\n" if i % 3 == 0 else f"Post number {i}, utilize it.\n"
        write(tmp_path / f"posts/{i % 5}/post-{i:03}.md", body)
    write(tmp_path / "posts/notes.py", "print('not an article')\n")
    return tmp_path


def as_json(result) -> list[dict]:
    assert result.returncode in (0, 1), result.stderr.decode()[-2000:]
    return json.loads(result.stdout)


@pytest.mark.slow
def test_dask_local_cluster_finds_what_a_local_run_finds(tree, run_cli):
    pytest.importorskip("distributed")
    local = as_json(run_cli("check", "posts", "--output-format", "json", "--no-cache"))
    dask = as_json(run_cli("check", "posts", "--output-format", "json", "--no-cache",
                           "--executor", "dask", "--jobs", "2"))
    assert dask == local and len(local) == 200


def test_dask_scheduler_needs_the_dask_executor(tree, run_cli):
    result = run_cli("check", "posts", "--dask-scheduler", "tcp://127.0.0.1:1")
    assert result.returncode == 2 and b"--executor dask" in result.stderr


def test_unreachable_dask_scheduler_is_one_clear_error(tree, run_cli):
    pytest.importorskip("distributed")
    result = run_cli("check", "posts", "--executor", "dask", "--dask-scheduler", "tcp://127.0.0.1:9")
    assert result.returncode == 2
    assert b"cannot reach the Dask scheduler" in result.stderr and b"Traceback" not in result.stderr


def test_file_urls_and_globs_match_local_paths(tree, run_cli):
    pytest.importorskip("fsspec")
    local = as_json(run_cli("check", "posts/1", "--output-format", "json"))
    url = (tree / "posts" / "1").as_uri()
    remote = as_json(run_cli("check", url, "--output-format", "json"))
    assert [(Path(f["path"]).name, f["code"], f["line"]) for f in remote] == \
        [(Path(f["path"]).name, f["code"], f["line"]) for f in local]
    assert all(f["path"].startswith("file://") for f in remote)
    globbed = as_json(run_cli("check", url + "/post-00*.md", "--output-format", "json"))
    assert {Path(f["path"]).name for f in globbed} == {"post-001.md", "post-006.md"}
    missing = run_cli("check", (tree / "nowhere").as_uri())
    assert missing.returncode == 2 and b"no such file" in missing.stderr


def test_parquet_table_holds_every_finding(tree, run_cli):
    pq = pytest.importorskip("pyarrow.parquet")
    expected = as_json(run_cli("check", "posts", "--output-format", "json"))
    result = run_cli("check", "posts", "--output-format", "parquet", "-o", "findings.parquet")
    assert result.returncode == 1 and result.stdout == b""
    table = pq.read_table(tree / "findings.parquet").to_pylist()
    assert len(table) == len(expected) == 200
    assert sorted((r["path"], r["line"], r["column"], r["code"], r["message"]) for r in table) == \
        sorted((f["path"], f["line"], f["column"], f["code"], f["message"]) for f in expected)
    assert run_cli("check", "posts", "--output-format", "parquet").returncode == 2  # needs -o


def test_parquet_without_findings_is_a_valid_empty_table(tree, run_cli):
    pq = pytest.importorskip("pyarrow.parquet")
    write(tree / "clean" / "a.md", "A clean story.\n")
    run_cli("check", "clean", "--output-format", "parquet", "-o", "empty.parquet")
    table = pq.read_table(tree / "empty.parquet")
    assert table.num_rows == 0 and "code" in table.column_names


def test_json_lines_stream_to_a_file(tree, run_cli):
    run_cli("check", "posts", "--output-format", "json-lines", "-o", "out.jsonl")
    lines = (tree / "out.jsonl").read_text().splitlines()
    assert len(lines) == 200 and all(json.loads(line)["code"].startswith("HS") for line in lines)


def test_progress_only_on_a_terminal(monkeypatch):
    from lint import cli

    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    def slow(n):
        for i in range(n):
            time.sleep(0.45)
            yield i

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(cli._with_progress(slow(3), 3, quiet=False)) == [0, 1, 2]
    assert "3/3" in terminal.text or "2/3" in terminal.text
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert list(cli._with_progress(slow(3), 3, quiet=True)) == [0, 1, 2]
    assert quiet.text == ""


def test_no_progress_bar_when_stderr_is_not_a_terminal(tree, run_cli):
    result = run_cli("check", "posts")
    assert b"file/s" not in result.stderr and b"it/s" not in result.stderr


def test_a_local_run_imports_no_dask_fsspec_or_pyarrow(tree, run_cli):
    code = ("import sys; from lint.cli import main; main(['check', 'posts', '-q', '--jobs', '1']); "
            "print(sorted(m for m in ('dask', 'distributed', 'fsspec', 'pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tree, capture_output=True, text=True)
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr


@pytest.mark.slow
def test_dask_finds_duplicates_split_across_workers(tmp_path, run_cli):
    pytest.importorskip("distributed")
    story = ("The harbour authority approved a new ferry timetable on Monday after months of "
             "complaints from commuters about late and cancelled crossings. ") * 12
    for i in range(80):  # enough files that both workers get some, duplicates far apart
        text = story if i in (3, 77) else f"Post {i}: " + " ".join(f"word{i}x{j}" for j in range(120))
        write(tmp_path / f"posts/{i:03}.md", text + "\n")
    local = as_json(run_cli("check", "posts", "--output-format", "json", "--no-cache", "--jobs", "1",
                            "--select", "RP106"))
    dask = as_json(run_cli("check", "posts", "--output-format", "json", "--no-cache",
                           "--executor", "dask", "--jobs", "2", "--select", "RP106"))
    assert dask == local
    assert [(f["path"], f["code"]) for f in local] == [("posts/077.md", "RP106")]
