"""The committed artifact: head weights + IDF table (safetensors) and a JSON manifest.

safetensors holds plain tensors only, so loading never unpickles code. The heads are an ensemble
(``ensemble.py``): the manifest says how many members, their weights are ``members.<i>.*``. The
model version is the semantic version plus the first 8 hex digits of the weights file's sha256:
any retrain that changes a single weight changes the version every score carries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file

from services.scorer.model.ensemble import HeadEnsemble
from services.scorer.model.heads import HeadConfig
from services.scorer.model.top_layer import DELTA_PREFIX

ARTIFACT_DIR = Path(__file__).resolve().parents[1] / "artifacts"
WEIGHTS_FILE = "heads.safetensors"
MANIFEST_FILE = "manifest.json"
MODEL_SEMVER = "1.0.0"
_IDF_KEY = "echo.idf"
# Head weights are stored in half precision: three members take 5 MB instead of 10 (the budget
# for a committed artifact), and rounding weights to 11 significant bits moves held-out scores by
# at most 4e-4, far inside the 0.02 that bf16 inference is allowed. Loading widens them to float32.
STORED_WEIGHT_DTYPE = torch.float16


@dataclass(frozen=True)
class LoadedArtifact:
    heads: HeadEnsemble
    idf: torch.Tensor
    top_layer_delta: dict[str, torch.Tensor]  # empty when the encoder is used as shipped
    model_version: str
    manifest: dict[str, Any]

    @property
    def encoder_layers(self) -> int | None:
        """How many of the base encoder's layers the heads were trained on (None: all)."""
        layers = self.manifest.get("encoder_layers")
        return None if layers is None else int(layers)


def model_version_for(weights_path: Path) -> str:
    digest = hashlib.sha256(weights_path.read_bytes()).hexdigest()
    return f"rapport-empathy-{MODEL_SEMVER}+{digest[:8]}"


def save_artifact(
    directory: Path,
    heads: HeadEnsemble,
    idf: torch.Tensor,
    manifest: dict[str, Any],
    top_layer_delta: dict[str, torch.Tensor] | None = None,
) -> str:
    """Write weights and manifest; returns the model version."""
    directory.mkdir(parents=True, exist_ok=True)
    tensors = {name: _stored(value.detach()).cpu() for name, value in heads.state_dict().items()}
    tensors[_IDF_KEY] = idf.detach().contiguous().cpu()
    for name, value in (top_layer_delta or {}).items():
        tensors[name] = value.contiguous().cpu()
    weights_path = directory / WEIGHTS_FILE
    save_file(tensors, str(weights_path))
    version = model_version_for(weights_path)
    full_manifest = {
        "model_version": version,
        "head_config": heads.config.as_dict(),
        "ensemble_size": len(heads),
        **manifest,
    }
    write_manifest(directory, full_manifest)
    return version


def _stored(tensor: torch.Tensor) -> torch.Tensor:
    stored = tensor.to(STORED_WEIGHT_DTYPE) if tensor.is_floating_point() else tensor
    return stored.contiguous()


def write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    (directory / MANIFEST_FILE).write_text(text, encoding="utf-8")


def load_artifact(directory: Path | None = None) -> LoadedArtifact:
    directory = directory or ARTIFACT_DIR
    weights_path = directory / WEIGHTS_FILE
    if not weights_path.is_file():
        raise FileNotFoundError(
            f"no trained scorer at {weights_path}; run `python -m services.scorer train`"
        )
    manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    # JSON stores every width as a float; dropouts stay floats, the rest become ints.
    head_kwargs: dict[str, Any] = {
        key: (float(value) if key.endswith("dropout") else int(value))
        for key, value in manifest["head_config"].items()
    }
    config = HeadConfig(**head_kwargs)
    tensors = load_file(str(weights_path))
    idf = tensors.pop(_IDF_KEY)
    delta = {name: tensors.pop(name) for name in list(tensors) if name.startswith(DELTA_PREFIX)}
    heads = HeadEnsemble.untrained(int(manifest["ensemble_size"]), config)
    heads.load_state_dict(tensors, strict=True)
    heads.eval()
    return LoadedArtifact(
        heads=heads,
        idf=idf,
        top_layer_delta=delta,
        model_version=model_version_for(weights_path),
        manifest=manifest,
    )
