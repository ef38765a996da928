"""Unsupervised adaptation of the English model to a community's own texts (`wellspring adapt`).

Opt-in, never the shipped default. Training pairs are each contribution's title and the start of
its body: the title is the anchor, its own body the positive, the other bodies of the batch the
negatives (sentence-transformers' MultipleNegativesRankingLoss, in-batch negatives). No labels are
used. Careful by default, because a naive pass (default learning rate, one epoch) made the
reviewer-expertise loss worse (../shared/ENVIRONMENT.md): a low learning rate, a bounded number
of steps, then the adapted weights interpolated with the original ones ("WiSE-FT":
``alpha * adapted + (1 - alpha) * original``).

The result is a sentence-transformers folder ``<out>/adapted-<digest>`` with ``adaptation.json``
(base model, settings, a digest of the training texts). ``adaptation.json`` is part of the
model's files digest (``model_files_digest``), so an index built with the bundled model refuses
the adapted one and vice versa (``IndexMismatch``). Training runs on the CPU; the loop is written
here over the library's loss module so that it needs neither ``datasets`` nor ``accelerate``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from indexing.encoders.sentence_transformer import model_files_digest

ADAPTATION_FILE = "adaptation.json"
Pair = tuple[str, str]


@dataclass(frozen=True)
class AdaptConfig:
    """How to adapt: the defaults are the careful setting measured in docs/QUALITY.md."""

    learning_rate: float = 5e-6
    max_steps: int = 25  # at most this many optimiser steps (a fraction of an epoch on big ones)
    batch_size: int = 32
    alpha: float = 0.5  # share of the adapted weights in the saved model (1 = adapted only)
    body_words: int = 160  # the positive: the first words of the body (one chunk)
    seed: int = 0


@dataclass(frozen=True)
class AdaptResult:
    path: Path
    pairs: int
    steps: int
    seconds: float
    first_loss: float
    last_loss: float


def title_body_pairs(items: Iterable[tuple[str, str]], body_words: int) -> list[Pair]:
    """(title, first ``body_words`` words of the body) for items with both, deduplicated."""
    seen: set[Pair] = set()
    out: list[Pair] = []
    for title, body in items:
        words = body.split()
        pair = (title.strip(), " ".join(words[:body_words]))
        if pair[0] and len(words) >= 5 and pair not in seen:
            seen.add(pair)
            out.append(pair)
    return out


def texts_digest(pairs: Sequence[Pair]) -> str:
    h = hashlib.sha256()
    for title, body in pairs:
        h.update(title.encode())
        h.update(b"\x00")
        h.update(body.encode())
        h.update(b"\x01")
    return h.hexdigest()[:16]


def adapt_model(base_path: Path, pairs: Sequence[Pair], out_root: Path,
                config: AdaptConfig | None = None, threads: int = 0) -> AdaptResult:
    """Train on ``pairs``, interpolate with the base weights, save ``out_root/adapted-<digest>``
    (an existing folder of the same digest is replaced)."""
    cfg = config or AdaptConfig()
    return adapt_models(base_path, pairs, out_root, cfg, [cfg.alpha], threads)[0]


def adapt_models(base_path: Path, pairs: Sequence[Pair], out_root: Path, config: AdaptConfig,
                 alphas: Sequence[float], threads: int = 0) -> list[AdaptResult]:
    """One training run, saved once per interpolation weight in ``alphas`` (benchmarks)."""
    cfg = config
    if len(pairs) < 2:
        raise ValueError(f"adaptation needs at least 2 title/body pairs, got {len(pairs)}")
    if not alphas or not all(0.0 < a <= 1.0 for a in alphas):
        raise ValueError(f"each alpha must be in (0, 1], got {list(alphas)}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    if threads:
        torch.set_num_threads(threads)
    started = time.perf_counter()
    torch.manual_seed(cfg.seed)
    model = SentenceTransformer(str(base_path), device="cpu")
    original = {k: v.detach().clone() for k, v in model.state_dict().items()}
    loss_fn = MultipleNegativesRankingLoss(model)
    optimiser = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate)
    order = list(pairs)
    random.Random(cfg.seed).shuffle(order)
    batches = [order[i:i + cfg.batch_size] for i in range(0, len(order), cfg.batch_size)]
    batches = [b for b in batches if len(b) >= 2][:cfg.max_steps]
    model.train()
    losses: list[float] = []
    for batch in batches:
        features = [model.preprocess([a for a, _ in batch]),
                    model.preprocess([b for _, b in batch])]
        loss = loss_fn(features, torch.zeros(len(batch)))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    model.eval()
    train_s = time.perf_counter() - started
    adapted = {k: v.detach().clone() for k, v in model.state_dict().items()}
    results = []
    for alpha in alphas:
        t0 = time.perf_counter()
        # WiSE-FT: alpha of the adapted weights, the rest the original ones
        model.load_state_dict({k: (alpha * adapted[k] + (1 - alpha) * v)
                               if v.is_floating_point() else v for k, v in original.items()})
        info: dict[str, Any] = {
            "base_model": base_path.name, "base_digest": model_files_digest(base_path),
            "config": {**asdict(cfg), "alpha": alpha}, "pairs": len(pairs),
            "texts_digest": texts_digest(pairs), "steps": len(losses),
            "objective": "MultipleNegativesRankingLoss title->body, in-batch negatives",
            "train_seconds": round(train_s, 1),
            "first_loss": losses[0] if losses else None,
            "last_loss": losses[-1] if losses else None,
        }
        digest = hashlib.sha256(json.dumps({k: v for k, v in info.items()
                                            if k != "train_seconds"}, sort_keys=True).encode()
                                ).hexdigest()[:12]
        path = _save(model, info, out_root, f"adapted-{digest}")
        results.append(AdaptResult(path, len(pairs), len(losses),
                                   train_s + time.perf_counter() - t0,
                                   losses[0] if losses else float("nan"),
                                   losses[-1] if losses else float("nan")))
    return results


def _save(model: Any, info: dict[str, Any], out_root: Path, name: str) -> Path:
    out_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".adapt-", dir=out_root))
    try:
        model.save(str(tmp))
        (tmp / ADAPTATION_FILE).write_text(json.dumps(info, indent=2, sort_keys=True),
                                           encoding="utf-8")
        final = out_root / name
        if final.exists():
            shutil.rmtree(final)
        tmp.rename(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final
