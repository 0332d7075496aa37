"""GPU check for the scorer: the CUDA path loads, bf16 vs fp32 on CUDA, CUDA vs CPU, throughput.

Run on a GPU machine from the repo root; its output from an H200 is docs/gpu-check-h200.log.
"""

import json
import sys
import time

# On the GPU machine the encoder comes from a stand-in package carried in .gpu/site (fp16 copy
# of the MiniLM weights: the 88 MB original does not fit the 64 MiB transfer).
sys.path.insert(0, ".gpu/site")
import torch  # noqa: E402  (after the path set-up above)

from lab.scorer.comparison import max_abs_score_diff  # noqa: E402
from services.scorer.model import EmpathyScorer, ScoreRequest, Turn  # noqa: E402

with open("services/scorer/data/test.jsonl") as lines:
    rows = [json.loads(line) for line in lines]
reqs = [
    ScoreRequest(
        channel=r["channel"],
        customer=r["customer"],
        reply=r["reply"],
        history=tuple(Turn(role=t["role"], text=t["text"]) for t in r.get("history") or []),
    )
    for r in rows
]
print("torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0))
out = {}
for device, dtype in [("cuda", "fp32"), ("cuda", "bf16"), ("cpu", "fp32")]:
    s = EmpathyScorer.load(device=device, dtype=dtype)
    print(device, dtype, s.device_name, s.dtype_name, s.model_version)
    res = []
    for i in range(0, len(reqs), 64):
        res += s.score_batch(reqs[i : i + 64])
    out[(device, dtype)] = res
    if device == "cuda":
        for bs in (64, 256):
            torch.cuda.synchronize()
            t = time.perf_counter()
            n = 0
            for _ in range(3):
                for i in range(0, len(reqs), bs):
                    s.score_batch(reqs[i : i + bs])
                    n += len(reqs[i : i + bs])
            torch.cuda.synchronize()
            dt = time.perf_counter() - t
            print(f"  throughput {device} {dtype} batch {bs}: {n / dt:.0f} msgs/s")
print(
    "max |cuda bf16 - cuda fp32| =",
    round(max_abs_score_diff(out[("cuda", "bf16")], out[("cuda", "fp32")]), 4),
)
print(
    "max |cuda fp32 - cpu fp32|  =",
    round(max_abs_score_diff(out[("cuda", "fp32")], out[("cpu", "fp32")]), 4),
)
