"""How fast this machine is right now, in one number, so that runs on a shared VM compare.

The same 2-core VM ran one 160-token request through the compiled bf16 encoder on one thread in
12.9 ms in one hour and in 15-16.5 ms in the next (a busy neighbour), and every figure of a run
moved with it. The benchmark prints this first; compare runs only at similar values.
"""

from __future__ import annotations

import statistics
import threading
import time

CALIBRATION_TOKENS = 160
CALIBRATION_REPEATS = 30


def encoder_ms_per_request() -> float:
    """Median ms of one 160-token request through the eager bf16 encoder, on one torch thread,
    off the main thread (as the service's inference thread runs it)."""
    import torch

    from services.scorer.model.encoder import load_encoder

    encoder = load_encoder("cpu", "bf16")
    ids = torch.randint(1000, 20000, (1, CALIBRATION_TOKENS))
    inputs = {"input_ids": ids, "token_type_ids": torch.zeros_like(ids),
              "attention_mask": torch.ones_like(ids)}
    times: list[float] = []

    def measure() -> None:
        torch.set_num_threads(1)
        with torch.inference_mode():
            for repeat in range(CALIBRATION_REPEATS + 3):
                started = time.perf_counter()
                encoder(**inputs)
                if repeat >= 3:  # the first calls pick oneDNN kernels
                    times.append(time.perf_counter() - started)

    previous = torch.get_num_threads()
    worker = threading.Thread(target=measure, name="calibration")
    worker.start()
    worker.join()
    torch.set_num_threads(previous)
    return statistics.median(times) * 1000
