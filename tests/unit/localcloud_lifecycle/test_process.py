import json
import sys

from localcloud import process


def test_server_command_uses_this_interpreter():
    command = process.server_command("127.0.0.1", 4600, "/tmp/x", 2.0, {"seed": 1})
    assert command[:3] == [sys.executable, "-m", "localcloud"]
    assert command[command.index("--port") + 1] == "4600"
    assert json.loads(command[command.index("--faults") + 1]) == {"seed": 1}
    assert "--faults" not in process.server_command("127.0.0.1", 1, "/tmp/x", 1.0)


def test_stale_instance_file_is_ignored(tmp_path):
    (tmp_path / process.INFO_FILE).write_text(json.dumps(
        {"pid": 999999999, "host": "127.0.0.1", "port": 1, "endpoint": "http://127.0.0.1:1"}))
    assert process.read_instance(tmp_path) is None
    assert process.read_instance(tmp_path / "missing") is None


def test_live_instance_is_found(tmp_path):
    import os

    (tmp_path / process.INFO_FILE).write_text(json.dumps(
        {"pid": os.getpid(), "host": "127.0.0.1", "port": 5, "endpoint": "http://127.0.0.1:5",
         "log_file": "x.log"}))
    assert process.read_instance(tmp_path).port == 5


def test_cli_registers_local_verbs_and_extensions():
    from datalake.cli.main import build_parser

    parser = build_parser()
    args = parser.parse_args(["local", "up", "--port", "4700", "--faults", '{"seed": 3}'])
    assert (args.port, args.host, args.faults) == (4700, "127.0.0.1", {"seed": 3})
    assert parser.parse_args(["local", "status"]).func.__name__ == "run_status"
    verbs = parser._subparsers._group_actions[0].choices
    assert "local_alerts" not in verbs  # local_* modules are not top-level verbs
