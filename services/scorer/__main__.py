"""``python -m services.scorer``: run the service; ``train|evaluate|score ...``: the model CLI;
``erase --agent ID | --customer ID``: remove one person's rows (``services.scorer.erasure``)."""

from __future__ import annotations

import os
import sys

MODEL_COMMANDS = frozenset({"train", "evaluate", "score"})


def main(argv: list[str]) -> int:
    if argv[:1] == ["erase"]:
        from services.scorer.erasure import erasure_steps
        from services.scorer.settings import ScorerSettings
        from shared.erasure import erase_main

        return erase_main(argv[1:], service="scorer", settings_class=ScorerSettings,
                          steps=erasure_steps)
    if argv and (argv[0] in MODEL_COMMANDS or argv[0] in ("-h", "--help")):
        from services.scorer.cli import main as model_cli

        return int(model_cli(argv) or 0)
    if argv:
        print(f"unknown command {argv[0]!r}; use no arguments to run the service, or one of "
              f"{', '.join(sorted(MODEL_COMMANDS | {'erase'}))}", file=sys.stderr)
        return 2
    run_service()
    return 0


def run_service() -> None:
    # Before torch loads OpenMP: the service's Python threads (consumer, HTTP, Kafka I/O) share
    # the cores with torch's pool, and workers that spin at every barrier starve them and are
    # preempted mid-barrier themselves: twice the throughput measured with passive waiting.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # torch releases the GIL around every operation; while another thread runs Python (the
    # consumer persisting a batch, Kafka I/O), the inference thread waits up to this interval
    # each time it takes the GIL back, a few hundred times per live request. The default 5 ms
    # made a live reply under stream load take 52 ms at p95 in the model alone; 0.5 ms, 37 ms.
    sys.setswitchinterval(0.0005)
    from services.scorer.app import create_app
    from services.scorer.settings import ScorerSettings
    from shared.logging_setup import configure_logging
    from shared.runtime import serve

    settings = ScorerSettings()
    configure_logging("scorer", settings.log_level)
    serve(create_app(settings), settings)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
