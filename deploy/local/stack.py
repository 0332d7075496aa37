"""Runs the whole Rapport stack on one machine: Kafka, ingest, scorer, coach.

    python -m deploy.local.stack up      # start what is not running, wait until ready, replay
    python -m deploy.local.stack down    # stop everything `up` started
    python -m deploy.local.stack status

State lives in ``.run/`` (pid files, logs) and ``.data/`` (the SQLite database). Re-running ``up``
is safe: running parts are left alone. Settings come from the environment (so
``RAPPORT_SCORER_PORT=9002 make up`` style overrides reach the services), then ``dev.env``.

``up`` writes the settings it gives the services (the ``RAPPORT_*``, ``KAFKA_*`` and
``DATABASE_URL`` variables) to ``.run/stack.env``, readable by the owner only; ``down`` removes
it. Tools that talk to the services read it (``shared.local_stack``): ``python -m
services.coach issue-link`` signs with the coach's link secret, ``python -m deploy.sample.replay``
with ingest's webhook secrets. While services from an earlier ``up`` still run, a new ``up`` starts
from that file (under the environment), so whatever it starts agrees with what already runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from deploy.sample.replay import GRATITUDE_TRAFFIC, TEAM_TRAFFIC, TRAFFIC
from shared.local_stack import DEV_ENV, STACK_ENV, is_stack_key, read_env_file, write_env_file

ROOT = Path(__file__).resolve().parents[2]
RUN_DIR = ROOT / ".run"
STACK_ENV_FILE = ROOT / STACK_ENV
PYTHON = sys.executable


@dataclass(frozen=True)
class Service:
    name: str
    default_port: int
    ready_timeout_s: float

    @property
    def port(self) -> int:
        return int(os.environ.get(f"RAPPORT_{self.name.upper()}_PORT", self.default_port))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return RUN_DIR / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return RUN_DIR / f"{self.name}.log"


# The scorer loads a transformer at start, so it gets longer to become ready.
SERVICES = (Service("ingest", 8001, 90), Service("scorer", 8002, 180), Service("coach", 8003, 90))


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def dev_env() -> dict[str, str]:
    """The development-only settings in ``dev.env``."""
    return read_env_file(DEV_ENV)


def load_environment() -> None:
    """The user's environment over the running stack's settings (when services from an earlier
    ``up`` still run) over ``dev.env``."""
    running = [s.name for s in SERVICES if running_pid(s.pid_file) is not None]
    if running and STACK_ENV_FILE.is_file():
        previous = read_env_file(STACK_ENV_FILE)
        # The local broker's address is decided again by start_kafka (which restarts the
        # broker if it stopped); an external cluster's is kept.
        port = os.environ.get("KAFKA_PORT") or previous.get("KAFKA_PORT") or "9092"
        if previous.get("KAFKA_BOOTSTRAP_SERVERS") == f"127.0.0.1:{port}":
            del previous["KAFKA_BOOTSTRAP_SERVERS"]
        say(f"{', '.join(running)} still running: reusing their settings from "
            f"{STACK_ENV} (exported variables win)")
        for key, value in previous.items():
            os.environ.setdefault(key, value)
    for key, value in dev_env().items():
        os.environ.setdefault(key, value)


def local_kafka_address() -> str:
    return f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"


def link_services() -> None:
    """Point the coach at the scorer and its links at itself, wherever the ports were moved."""
    _ingest, scorer, coach = SERVICES
    os.environ.setdefault("RAPPORT_COACH_SCORER_URL", scorer.url)
    os.environ.setdefault("RAPPORT_COACH_PUBLIC_BASE_URL", coach.url)


def write_stack_env() -> None:
    values = {key: value for key, value in os.environ.items() if is_stack_key(key)}
    try:
        write_env_file(STACK_ENV_FILE, values, header=(
            "Written by `make up` (deploy/local/stack.py): the settings the local services run\n"
            "with. Read by `python -m services.coach issue-link` and `python -m\n"
            "deploy.sample.replay`; removed by `make down`. Holds secrets: keep it private."))
    except ValueError as exc:
        raise SystemExit(f"cannot write {STACK_ENV}: {exc}") from None


def running_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, 0)
        return pid
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None


def http_ok(url: str, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def port_taken(port: int) -> bool:
    from deploy.kafka.launcher import port_in_use

    return port_in_use(port)


def start_kafka() -> None:
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        say(f"using the Kafka cluster at {os.environ['KAFKA_BOOTSTRAP_SERVERS']}")
        return
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "deploy.kafka.launcher",
            "start",
            "--background",
            "--data-dir",
            str(RUN_DIR / "kafka"),
        ],
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit("Kafka did not start; see the message above and .run/kafka/kafka.log")
    os.environ["KAFKA_BOOTSTRAP_SERVERS"] = local_kafka_address()


def start_service(service: Service) -> None:
    if (pid := running_pid(service.pid_file)) is not None:
        say(f"{service.name} already running (pid {pid}) on {service.url}")
        return
    if port_taken(service.port):
        raise SystemExit(
            f"port {service.port} for {service.name} is taken by another program: "
            f"stop it or set RAPPORT_{service.name.upper()}_PORT"
        )
    with open(service.log_file, "ab") as log:
        process = subprocess.Popen(
            [PYTHON, "-m", f"services.{service.name}"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service.pid_file.write_text(str(process.pid))
    say(f"started {service.name} (pid {process.pid}), log {service.log_file.relative_to(ROOT)}")


def wait_ready(service: Service) -> None:
    deadline = time.monotonic() + service.ready_timeout_s
    while time.monotonic() < deadline:
        if http_ok(f"{service.url}/readyz"):
            say(f"{service.name} ready at {service.url}")
            return
        if running_pid(service.pid_file) is None:
            break
        time.sleep(0.5)  # polling another process's HTTP endpoint; nothing to wait on
    tail = "\n".join(service.log_file.read_text(errors="replace").splitlines()[-30:])
    raise SystemExit(f"{service.name} did not become ready; last log lines:\n{tail}")


def replay_sample() -> None:
    ingest = SERVICES[0]
    say("replaying the bundled sample of helpdesk traffic")
    # Every provider, then a team with enough replies, then ratings of the team's chats.
    for folder in (TRAFFIC, TEAM_TRAFFIC, GRATITUDE_TRAFFIC):
        result = subprocess.run(
            [PYTHON, "-m", "deploy.sample.replay", "--url", ingest.url, "--traffic",
             str(folder)], cwd=ROOT, check=False
        )
        if result.returncode != 0:
            raise SystemExit("sample replay failed (see above)")
    # Six weeks of dated chats (relative to today) for the team page's before/after experiment.
    result = subprocess.run([PYTHON, "-m", "deploy.sample.history", "--url", ingest.url],
                            cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit("sample history replay failed (see above)")


def wait_for_results(timeout_s: float = 90.0) -> dict[str, object]:
    """Wait until the coach has built profiles from the scorer's output; return its summary."""
    coach = SERVICES[2]
    request = urllib.request.Request(
        f"{coach.url}/v1/admin/summary",
        headers={"Authorization": f"Bearer {os.environ['RAPPORT_ADMIN_TOKEN']}"},
    )
    deadline = time.monotonic() + timeout_s
    summary: dict[str, object] = {}
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                summary = json.loads(response.read())
            if summary.get("agents") and summary.get("assignments_this_week"):
                return summary
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(1.0)  # the pipeline is asynchronous by design; poll its public API
    return summary


def sample_agent(summary: dict[str, object]) -> str | None:
    """An agent from the replayed sample, one with drills this week when there is one."""
    agents = summary.get("agents")
    if not isinstance(agents, list):
        return None
    listed = [a for a in agents if isinstance(a, dict) and a.get("agent_id")]
    with_drills = [a for a in listed if a.get("drills")]
    chosen = (with_drills or listed)[:1]
    return str(chosen[0]["agent_id"]) if chosen else None


def issue_link(agent_id: str) -> str | None:
    """The sign-in link ``issue-link`` prints, run exactly as the summary tells the user to."""
    result = subprocess.run(
        [PYTHON, "-m", "services.coach", "issue-link", "--agent", agent_id],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )
    if result.returncode != 0:
        say(f"issue-link failed for {agent_id}: {result.stderr.strip()}")
        return None
    return result.stdout.strip()


def sign_in_lines(summary: dict[str, object]) -> str:
    agent = sample_agent(summary)
    if agent is None:
        return ("  (no agent profiles yet: once the summary lists agents,\n"
                "   .venv/bin/python -m services.coach issue-link --agent AGENT_ID "
                "prints one's sign-in link)")
    command = f"  .venv/bin/python -m services.coach issue-link --agent {shlex.quote(agent)}"
    link = issue_link(agent)
    if link is None:
        return command
    hours = os.environ.get("RAPPORT_COACH_LINK_TTL_HOURS", "72")
    return (f"{command}\n\nSign in as the sample agent {agent} (link valid for {hours} hours):\n"
            f"  {link}")


def print_where_to_look(summary: dict[str, object]) -> None:
    ingest, scorer, coach = SERVICES
    token = os.environ["RAPPORT_ADMIN_TOKEN"]
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    pipeline = json.dumps(summary, indent=2) if summary else "(still working: watch .run/*.log)"
    sample_line = json.dumps({"channel": "chat", "customer": "I was charged twice!",
                              "reply": "Sorry for any inconvenience."})
    admin_header = shlex.quote(f"Authorization: Bearer {token}")
    print(f"""
Rapport is running.
  ingest   {ingest.url}   webhooks: POST /webhooks/{{provider}}   docs: {ingest.url}/docs
  scorer   {scorer.url}   live scoring: POST /v1/score            docs: {scorer.url}/docs
  coach    {coach.url}   profiles, drills, practice page          docs: {coach.url}/docs
  metrics  {ingest.url}/metrics  {scorer.url}/metrics  {coach.url}/metrics
  logs     .run/*.log      database .data/rapport.db      Kafka {kafka}

Pipeline after the sample replay: {pipeline}

Try (from {ROOT}):
  curl -s -H {admin_header} {coach.url}/v1/admin/summary
  echo '{sample_line}' | .venv/bin/python -m services.scorer score
  .venv/bin/python -m deploy.sample.replay
{sign_in_lines(summary)}

The sample team's lead (team view, before/after experiments over six weeks of history):
  .venv/bin/python -m services.coach issue-link --lead generic:sample-chat-team:lead-1 \\
      --team generic:sample-chat-team
Its calibration circles and disputes: /team/calibration and /team/disputes with that link's
token; lines waiting for approval into the team phrasebook: /lines; customers' thanks for the
team's retro: /gratitude (an agent's link opens the same two pages for that agent).
Two reviewers to name in a circle, each with a link of their own:
  .venv/bin/python -m services.coach issue-link --reviewer generic:sample-chat-team:reviewer-1 \\
      --team generic:sample-chat-team
  .venv/bin/python -m services.coach issue-link --reviewer generic:sample-chat-team:reviewer-2 \\
      --team generic:sample-chat-team

Stop everything with: make down
""")


def up() -> None:
    RUN_DIR.mkdir(exist_ok=True)
    load_environment()
    start_kafka()
    link_services()
    write_stack_env()
    subprocess.run(
        [
            PYTHON,
            "-m",
            "deploy.kafka.launcher",
            "topics",
            "--bootstrap",
            os.environ["KAFKA_BOOTSTRAP_SERVERS"],
        ],
        cwd=ROOT,
        check=True,
    )
    for service in SERVICES:
        start_service(service)
    for service in SERVICES:
        wait_ready(service)
    replay_sample()
    print_where_to_look(wait_for_results())


def stop_pid(name: str, pid_file: Path, grace_s: float = 30.0) -> None:
    pid = running_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and running_pid(pid_file) is not None:
        time.sleep(0.2)  # waiting for another process to exit
    if running_pid(pid_file) is not None:
        os.killpg(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    say(f"stopped {name} (pid {pid})")


def down() -> None:
    for service in reversed(SERVICES):
        stop_pid(service.name, service.pid_file)
    subprocess.run(
        [PYTHON, "-m", "deploy.kafka.launcher", "stop", "--data-dir", str(RUN_DIR / "kafka")],
        cwd=ROOT,
        check=False,
    )
    STACK_ENV_FILE.unlink(missing_ok=True)


def status() -> int:
    healthy = True
    for service in SERVICES:
        pid = running_pid(service.pid_file)
        ready = pid is not None and http_ok(f"{service.url}/readyz")
        healthy &= ready
        print(
            f"{service.name:7} {'ready' if ready else 'running' if pid else 'stopped':8} "
            f"{service.url}"
        )
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.local.stack",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["up", "down", "status"])
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.command == "up":
        up()
        return 0
    if args.command == "down":
        down()
        return 0
    return status()


if __name__ == "__main__":
    sys.exit(main())
