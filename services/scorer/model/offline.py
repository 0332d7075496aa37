"""Offline mode for Hugging Face libraries, set before either is imported anywhere.

``huggingface_hub`` reads these flags at import time, so they must be in the environment before
the first ``import transformers``; the package ``__init__`` imports this module first. Nothing in
the scorer may reach a model hub: a missing file must fail loudly instead.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
