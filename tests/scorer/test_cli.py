"""``python -m services.scorer score`` end to end, in a real subprocess.

The CLI loads the model as the service does and batches as its stream does; these tests run it
eager (``--compile off``: compiling is tested in test_compiled.py and costs tens of seconds).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import torch

from services.scorer.app import batch_policy
from services.scorer.cli import score_lines
from services.scorer.inference_scheduler import InferenceScheduler
from services.scorer.model import EmpathyScorer
from services.scorer.model.device import select_dtype
from services.scorer.model.jsonl import parse_request_line
from services.scorer.scoring_model import ScoreRequest, load_scorer, set_intra_op_threads
from services.scorer.service_batches import ServiceBatches
from services.scorer.settings import ScorerSettings

REPO = Path(__file__).resolve().parents[2]
GOOD = {
    "channel": "chat",
    "customer": "My parcel 48213 is a week late and I needed it for Saturday.",
    "reply": "I'm sorry your parcel 48213 is late before Saturday; I've sent a new one by express.",
}
WITH_HISTORY = {
    **GOOD,
    "customer": "Still nothing.",
    "history": [{"role": "customer", "text": GOOD["customer"]},
                {"role": "agent", "text": "We'll look into it."}],
}


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.scorer", *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=300, check=False,
    )


# Replies of very different lengths, so that sorting by length reorders them inside a window.
VARIED = [
    {**GOOD, "reply": "Sorry."},
    {**GOOD, "reply": " ".join([GOOD["reply"]] * 6)},
    WITH_HISTORY,
    {**GOOD, "channel": "email", "reply": "Hello, I'm sorry the parcel is late. " * 3},
    {**GOOD, "reply": "Noted."},
    {**GOOD, "reply": " ".join([GOOD["reply"]] * 3)},
]


def test_score_keeps_order_and_turns_bad_lines_into_error_objects() -> None:
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps({**GOOD, "channel": "carrier pigeon"}),
        json.dumps(WITH_HISTORY),
        json.dumps({"channel": "email", "customer": "hi"}),
        json.dumps({**GOOD, "reply": "Noted."}),
    ]
    completed = _run("score", "--quiet", "--compile", "off", stdin="\n".join(lines) + "\n")
    assert completed.returncode == 0, completed.stderr
    # The precision auto picks on this machine, and the compile choice, said on stderr.
    chosen = select_dtype("auto", "cuda" if torch.cuda.is_available() else "cpu")
    assert f", {chosen}, eager," in completed.stderr
    assert "asked: dtype auto, compile off" in completed.stderr
    outputs = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(outputs) == len(lines)
    assert [("error" in o) for o in outputs] == [False, True, True, False, True, False]
    assert (outputs[1]["line"], outputs[2]["line"], outputs[4]["line"]) == (2, 3, 5)
    assert "invalid JSON" in outputs[1]["error"]
    assert "unknown channel" in outputs[2]["error"]
    assert "missing field(s): reply" in outputs[4]["error"]
    assert outputs[0]["overall"] > outputs[5]["overall"]
    for output in (outputs[0], outputs[3], outputs[5]):
        assert output["model_version"].startswith("rapport-empathy-")
        assert set(output["tone"]) == {"raw", "channel_adjusted"}


def test_score_help_says_what_auto_picks() -> None:
    completed = _run("score", "--help")
    assert completed.returncode == 0
    text = " ".join(completed.stdout.split())
    assert "picks bf16 on a CPU with AMX" in text
    assert "fp32 everywhere else, CUDA included" in text
    assert "printed on stderr at start" in text
    assert "--compile {auto,on,off}" in text


def test_train_refuses_more_layers_than_the_base_encoder_has() -> None:
    completed = _run("train", "--encoder-layers", "7")
    assert completed.returncode == 2
    assert "--encoder-layers: must be between 1 and 6" in completed.stderr


def test_help_lists_the_subcommands() -> None:
    completed = _run("--help")
    assert completed.returncode == 0
    for command in ("train", "evaluate", "score"):
        assert command in completed.stdout


def test_windows_smaller_than_the_input_keep_input_order(fp32_scorer: EmpathyScorer) -> None:
    """Each window is scored shortest first, yet every output stays on its own input's line."""
    lines = [json.dumps(payload) for payload in VARIED]
    lines.insert(3, "[]")
    completed = _run("score", "--quiet", "--dtype", "fp32", "--compile", "off", "--window", "3",
                     stdin="\n".join(lines) + "\n")
    assert completed.returncode == 0, completed.stderr
    outputs = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(outputs) == len(lines)
    assert outputs[3] == {"error": "expected a JSON object, got list", "line": 4}
    for line, output in zip(lines, outputs, strict=True):
        if line == "[]":
            continue
        alone = fp32_scorer.score_batch([parse_request_line(line)])[0].to_dict()
        assert abs(output["overall"] - alone["overall"]) < 1e-3, (line, output, alone)
        assert output["scores"].keys() == alone["scores"].keys()
    overalls = [o["overall"] for o in outputs if "overall" in o]
    assert len(set(overalls)) == len(overalls)  # distinct replies: a swap would be caught


def test_the_cli_scores_exactly_as_the_service_does() -> None:
    """Same loader, same precision choice, same batching: bit-identical results."""
    lines = [json.dumps(payload) for payload in VARIED]
    completed = _run("score", "--quiet", "--compile", "off", "--threads", "1",
                     stdin="\n".join(lines) + "\n")
    assert completed.returncode == 0, completed.stderr
    cli_outputs = [json.loads(line) for line in completed.stdout.splitlines()]

    settings = ScorerSettings(environment="development", artifact_dir=None, device=None,
                             dtype="auto", compile="off", torch_threads=1)
    threads_before = torch.get_num_threads()
    try:
        service_model = load_scorer(settings)
        scheduler = InferenceScheduler(service_model, batch_policy(settings),
                                       set_threads=set_intra_op_threads)
        scheduler.start()
        try:
            futures = scheduler.submit_stream([parse_request_line(line) for line in lines])
            service_outputs = [future.result(120).to_dict() for future in futures]
        finally:
            scheduler.stop()
    finally:
        torch.set_num_threads(threads_before)
    assert service_model.dtype_name in completed.stderr
    # Through JSON as the CLI writes them, so float formatting is compared like for like.
    assert cli_outputs == json.loads(json.dumps(service_outputs, ensure_ascii=False))


class _FailsOnBoom:
    """A stand-in model: fails any batch holding the reply "boom", echoes the reply otherwise."""

    model_version, dtype_name, device_name, compiled = "stand-in", "fp32", "cpu", False

    def score_batch(self, requests: Sequence[ScoreRequest], timings: dict[str, float] | None = None,
                    pause: object = None) -> list[SimpleNamespace]:
        if any(request.reply == "boom" for request in requests):
            raise RuntimeError("the model broke")
        return [SimpleNamespace(to_dict=lambda r=request: {"reply": r.reply})
                for request in requests]


def test_a_line_the_model_fails_on_gets_an_error_object_and_the_rest_are_scored() -> None:
    replies = ["first reply", "boom", "a much longer third reply than the others", "4th"]
    lines = [json.dumps({**GOOD, "reply": reply}) for reply in replies] + ["{oops"]
    with ServiceBatches(_FailsOnBoom(), torch_threads=1) as batches:  # type: ignore[arg-type]
        outputs = list(score_lines(batches, lines, window=2))
    assert outputs == [
        {"reply": "first reply"},
        {"error": "scoring failed: the model broke", "line": 2},
        {"reply": "a much longer third reply than the others"},
        {"reply": "4th"},
        {"error": "invalid JSON: Expecting property name enclosed in double quotes at column 2",
         "line": 5},
    ]
