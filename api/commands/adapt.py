"""adapt: opt-in unsupervised adaptation of the English model to the community's own texts
(indexing/encoders/adapt.py; never the shipped default; docs/QUALITY.md, #18 round 2)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from api.commands.common import load_settings
from indexing.encoders.adapt import AdaptConfig


def register(sub: Any) -> None:
    d = AdaptConfig()
    p = sub.add_parser("adapt", help="adapt the English model to this community's texts (no "
                       "labels) into <home>/models/adapted-<digest>; opt-in")
    p.add_argument("--out", type=Path, help="folder to write the model folder into "
                   "(default <home>/models)")
    p.add_argument("--lr", type=float, default=d.learning_rate, help="learning rate")
    p.add_argument("--steps", type=int, default=d.max_steps, help="at most this many steps")
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--alpha", type=float, default=d.alpha, help="share of the adapted weights "
                   "(WiSE-FT interpolation with the original; 1 = adapted only)")
    p.set_defaults(func=cmd_adapt)


def cmd_adapt(args: argparse.Namespace) -> int:
    from indexing.encoders.adapt import adapt_model, title_body_pairs
    from indexing.store import open_store

    settings = load_settings()
    cfg = AdaptConfig(learning_rate=args.lr, max_steps=args.steps, batch_size=args.batch_size,
                      alpha=args.alpha)
    store = open_store(settings.storage)
    try:
        pairs = title_body_pairs(((c.title, c.text) for c in store.iter_contributions()),
                                 cfg.body_words)
    finally:
        store.close()
    cpu0 = time.process_time()
    result = adapt_model(Path(settings.encoding.resolved_model_path()), pairs,
                         args.out or settings.storage.home / "models", cfg,
                         settings.encoding.torch_threads)
    print(f"adapted model written to {result.path}: {result.pairs} title/body pairs, "
          f"{result.steps} steps, loss {result.first_loss:.3f} -> {result.last_loss:.3f}, "
          f"{result.seconds:.1f} s ({time.process_time() - cpu0:.1f} s CPU)")
    print(f"to use it: WELLSPRING_MODEL={result.path} wellspring index --rebuild "
          "(an index built with another model refuses it)")
    return 0
