"""A real Apache Kafka broker without Docker: Maven-resolved jars, KRaft, one combined node.

    python -m deploy.kafka.launcher fetch            # resolve Kafka with Maven into the cache, once
    python -m deploy.kafka.launcher start [--port 9092] [--data-dir .run/kafka] [--background]
    python -m deploy.kafka.launcher topics           # create Rapport's topics (idempotent)
    python -m deploy.kafka.launcher stop | status

The jars live in ``$KAFKA_LIBS_DIR`` or ``~/.cache/rapport/kafka-<version>/libs`` and, once
there, nothing is downloaded again. Tests use ``LocalKafka`` directly with a temporary data dir.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
KAFKA_VERSION = os.environ.get("KAFKA_VERSION", "4.1.2")
LOG4J2_VERSION = "2.25.3"
STARTED_LINE = "Kafka Server started"


class LauncherError(RuntimeError):
    """A problem a person can fix; the message says how."""


def libs_dir(version: str = KAFKA_VERSION) -> Path:
    if os.environ.get("KAFKA_LIBS_DIR"):
        return Path(os.environ["KAFKA_LIBS_DIR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "rapport" / f"kafka-{version}" / "libs"


def is_fetched(version: str = KAFKA_VERSION) -> bool:
    return (libs_dir(version) / f"kafka_2.13-{version}.jar").exists()


def fetch(version: str = KAFKA_VERSION, *, quiet: bool = False) -> Path:
    """Resolve the broker classpath with Maven (online once, then from ~/.m2 or the cache)."""
    target = libs_dir(version)
    if is_fetched(version):
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LauncherError(
            "Maven (mvn) is not on PATH: install it (apt-get install maven) "
            "or point KAFKA_BOOTSTRAP_SERVERS at a running Kafka cluster"
        )
    if not quiet:
        print(
            f"resolving Apache Kafka {version} with Maven into {target} (once)...", file=sys.stderr
        )
    command = [
        mvn,
        "-B",
        "-q",
        "-ntp",
        "-f",
        str(HERE / "pom.xml"),
        "package",
        f"-Dkafka.version={version}",
        f"-Dkafka.libs.dir={target}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not is_fetched(version):
        tail = (result.stdout + result.stderr)[-2000:]
        raise LauncherError(
            "Maven could not resolve Kafka (is Maven Central reachable? a proxy "
            "in ~/.m2/settings.xml?). Or set KAFKA_BOOTSTRAP_SERVERS to use an "
            f"existing cluster.\n{tail}"
        )
    return target


def java_binary() -> str:
    for variable in ("KAFKA_JAVA_HOME", "JAVA_HOME"):
        home = os.environ.get(variable)
        if home and (Path(home) / "bin" / "java").exists():
            return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise LauncherError(
            "Java 17+ is needed to run Kafka: apt-get install openjdk-17-jre-headless"
            " (or set JAVA_HOME), or set KAFKA_BOOTSTRAP_SERVERS"
        )
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def new_cluster_id() -> str:
    """Kafka's format: URL-safe base64 of 16 random bytes, unpadded (22 characters).

    One in 64 of those starts with "-", which StorageTool's argument parser takes for an option;
    draw again rather than depend on how it parses.
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


class LocalKafka:
    """One KRaft node. ``start()`` returns only when the broker logged that it started."""

    def __init__(
        self,
        *,
        data_dir: Path,
        port: int,
        controller_port: int,
        partitions: int = 6,
        heap: str = "512m",
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.controller_port = controller_port
        self.partitions = partitions
        self.heap = heap
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "kafka.log"

    def start(self, timeout_s: float = 120.0) -> str:
        for port in (self.port, self.controller_port):
            if port_in_use(port):
                raise LauncherError(
                    f"port {port} is taken: stop what uses it (`ss -ltnp | grep "
                    f":{port}`) or choose another with --port / KAFKA_PORT"
                )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        if not (self.data_dir / "logs" / "meta.properties").exists():
            self._format(config)
        # The log is appended to across runs: only what this process writes counts, or the
        # line of a run that was killed with -9 would report this one started at once.
        log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*self._java_command(), "kafka.Kafka", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_started(timeout_s, log_start)
        return self.bootstrap

    def stop(self, grace_s: float = 30.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # kafka.Kafka's shutdown hook: clean stop
        try:
            self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _java_command(self) -> list[str]:
        return [
            java_binary(),
            "-Xms128m",
            f"-Xmx{self.heap}",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
            "-Djava.net.preferIPv4Stack=true",
            f"-Dlog4j2.configurationFile={HERE / 'log4j2.properties'}",
            "-cp",
            f"{fetch(quiet=True)}/*",
        ]

    def _write_config(self) -> Path:
        text = (HERE / "server.properties.in").read_text()
        for placeholder, value in {
            "@PORT@": self.port,
            "@CPORT@": self.controller_port,
            "@DATA@": self.data_dir / "logs",
            "@PARTITIONS@": self.partitions,
        }.items():
            text = text.replace(placeholder, str(value))
        path = self.data_dir / "server.properties"
        path.write_text(text)
        return path

    def _format(self, config: Path) -> None:
        result = subprocess.run(
            [
                *self._java_command(),
                "kafka.tools.StorageTool",
                "format",
                "--standalone",
                "-t",
                new_cluster_id(),
                "-c",
                str(config),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise LauncherError(f"formatting KRaft storage failed:\n{result.stdout}{result.stderr}")

    def _wait_started(self, timeout_s: float, log_start: int) -> None:
        deadline = time.monotonic() + timeout_s
        assert self.process is not None
        while time.monotonic() < deadline:
            if STARTED_LINE in self._log_since(log_start) and port_in_use(self.port):
                return
            if self.process.poll() is not None:
                raise LauncherError(f"Kafka exited during start-up:\n{self._log_tail()}")
            time.sleep(0.2)  # polling a log file; there is no event to wait on
        self.stop()
        raise LauncherError(f"Kafka did not start within {timeout_s:.0f}s:\n{self._log_tail()}")

    def _log_since(self, offset: int) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")

    def _log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def temporary_broker(partitions: int = 6) -> tuple[LocalKafka, Path]:
    """A broker on free ports in a fresh temp dir (tests). Caller stops it and removes the dir."""
    data_dir = Path(tempfile.mkdtemp(prefix="rapport-kafka-"))
    return LocalKafka(
        data_dir=data_dir, port=free_port(), controller_port=free_port(), partitions=partitions
    ), data_dir


# --- command line -------------------------------------------------------------------------------


def _pid_file(data_dir: Path) -> Path:
    return data_dir / "kafka.pid"


def _running_pid(data_dir: Path) -> int | None:
    try:
        pid = int(_pid_file(data_dir).read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None


def _cmd_start(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    if (pid := _running_pid(data_dir)) is not None:
        print(f"Kafka already running (pid {pid}) on 127.0.0.1:{args.port}", file=sys.stderr)
        return 0
    broker = LocalKafka(
        data_dir=data_dir,
        port=args.port,
        controller_port=args.controller_port,
        partitions=args.partitions,
    )
    print(
        f"starting Kafka {KAFKA_VERSION} on 127.0.0.1:{args.port} (log: {broker.log_path})",
        file=sys.stderr,
    )
    broker.start()
    assert broker.process is not None
    _pid_file(data_dir).write_text(str(broker.process.pid))
    if args.background:
        print(f"Kafka ready at {broker.bootstrap} (pid {broker.process.pid})", file=sys.stderr)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: broker.stop())
    try:
        broker.process.wait()
    except KeyboardInterrupt:
        broker.stop()
    return 0


def _cmd_stop(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    pid = _running_pid(data_dir)
    if pid is None:
        print("Kafka is not running", file=sys.stderr)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _running_pid(data_dir) is not None:
        time.sleep(0.2)  # waiting for another process to exit; nothing to block on
    if _running_pid(data_dir) is not None:
        os.kill(pid, signal.SIGKILL)
    _pid_file(data_dir).unlink(missing_ok=True)
    print(f"stopped Kafka (pid {pid})", file=sys.stderr)
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    pid = _running_pid(Path(args.data_dir).resolve())
    print(f"running (pid {pid})" if pid else "stopped")
    return 0 if pid else 1


def _cmd_topics(args: argparse.Namespace) -> int:
    from shared.kafka.admin import ensure_topics  # needs the project's venv, unlike start/stop

    created = ensure_topics(args.bootstrap, partitions=args.partitions)
    print(
        f"topics created: {', '.join(created) if created else 'none (all exist)'}", file=sys.stderr
    )
    return 0


def _cmd_fetch(_args: argparse.Namespace) -> int:
    print(fetch())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.kafka.launcher",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("fetch", help="resolve the Kafka jars with Maven").set_defaults(run=_cmd_fetch)
    for name, run in (("start", _cmd_start), ("stop", _cmd_stop), ("status", _cmd_status)):
        command = sub.add_parser(name)
        command.add_argument("--data-dir", default=os.environ.get("KAFKA_DATA_DIR", ".run/kafka"))
        command.add_argument("--port", type=int, default=int(os.environ.get("KAFKA_PORT", 9092)))
        command.add_argument(
            "--controller-port",
            type=int,
            default=int(os.environ.get("KAFKA_CONTROLLER_PORT", 9093)),
        )
        command.add_argument("--partitions", type=int, default=6)
        command.add_argument(
            "--background",
            action="store_true",
            help="return once the broker is ready, leaving it running",
        )
        command.set_defaults(run=run)
    topics = sub.add_parser("topics", help="create Rapport's topics and their DLQs")
    topics.add_argument(
        "--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    )
    topics.add_argument("--partitions", type=int, default=6)
    topics.set_defaults(run=_cmd_topics)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except LauncherError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
