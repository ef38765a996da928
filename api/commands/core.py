"""ingest, index, search, stats, serve."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.commands.common import (
    CliError,
    add_key_argument,
    asker_of,
    load_settings,
    match_to_dict,
    open_answers,
    print_json,
)

if TYPE_CHECKING:
    from indexing.settings import Settings


def register(sub: Any) -> None:
    p = sub.add_parser("ingest", help="validate JSONL files and upsert them into the store")
    p.add_argument("paths", nargs="+", type=Path, help="files or folders of *.jsonl")
    p.add_argument("--skip-invalid", action="store_true",
                   help="commit the good records of a file that has bad ones")
    p.add_argument("--dry-run", action="store_true", help="check and count; write nothing")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("index", help="bring the vector index up to date with the store")
    p.add_argument("--rebuild", action="store_true",
                   help="build from the store alone, ignoring (and replacing) the index on disk")
    p.add_argument("--prune-vectors", action="store_true",
                   help="then delete the vectors kept in the store that no index uses (other "
                        "encoders' or settings', texts no record has any more)")
    p.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                   help="first encode the texts the store lacks vectors for on Ray actors: a "
                        "local Ray, or the cluster at ADDRESS (needs the `ray` extra)")
    p.add_argument("--ray-actors", type=int, help="encoder actors (default: setting ray_actors)")
    p.add_argument("--ray-threads", type=int,
                   help="model threads per actor (default: setting ray_threads)")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", help='who knows X: rank members for a need')
    p.add_argument("need")
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--country", action="append", default=[], help="ISO code; repeatable")
    p.add_argument("--organisation", action="append", default=[], help="organisation id")
    p.add_argument("--level", action="append", default=[],
                   choices=["core", "active", "occasional", "peripheral", "transactional"])
    p.add_argument("--type", action="append", default=[], dest="types",
                   help="contribution type; repeatable")
    p.add_argument("--language", action="append", default=[], help="ISO 639-1; repeatable")
    p.add_argument("--since", type=dt.date.fromisoformat, help="YYYY-MM-DD")
    p.add_argument("--places", choices=["boost", "off"], default="boost",
                   help="prefer members working in the places the need names (default), or not")
    p.add_argument("--project", default=None, metavar="ID",
                   help="the caller's project: members declined for it are left out (needs a "
                        "key)")
    p.add_argument("--exposure", choices=["off", "cap"], default="off",
                   help="cap: members over the exposure cap (or busy) come last")
    add_key_argument(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("stats", help="counts of the community in the store")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("migrate", help="copy the SQLite store into an empty PostgreSQL one")
    p.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host:port/db")
    p.add_argument("--source", default="", help="SQLite file (default: the home's store)")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("serve", help="run the HTTP service (and the web page)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="serving processes sharing the port and the home (default: one per "
                        "core on SQLite, one on PostgreSQL); each follows the change feed, so "
                        "a write through any is visible through all (docs/DEPLOYMENT.md)")
    p.set_defaults(func=cmd_serve)


def cmd_ingest(args: argparse.Namespace) -> int:
    from indexing.ingest import ingest_paths
    from indexing.store import open_store
    from indexing.vocabulary import configured_vocabulary

    settings = load_settings()
    started = time.perf_counter()
    try:
        report = ingest_paths(open_store(settings.storage), args.paths, args.skip_invalid,
                              configured_vocabulary(settings.imports.vocabulary), args.dry_run)
    except (FileNotFoundError, ValueError) as exc:
        raise CliError(str(exc)) from exc
    for err in report.errors:
        print(f"invalid: {err}", file=sys.stderr)
    for cause in report.root_causes:  # dependents counted under the record they refer to
        print(f"rejected: {cause}", file=sys.stderr)
    r = report.result
    rejected = [f.path for f in report.files if f.path not in report.committed_files]
    for path in rejected:
        print(f"rejected: {path} (nothing from this file was committed)", file=sys.stderr)
    verb = "would ingest" if report.dry_run else "ingested"
    print(f"{verb} {len(report.committed_files)} file(s): {r.inserted} inserted, "
          f"{r.updated} updated, {r.unchanged} unchanged, {report.refused} invalid "
          f"({time.perf_counter() - started:.1f}s)")
    return 1 if report.errors or report.root_causes else 0


def cmd_index(args: argparse.Namespace) -> int:
    from indexing.community import Community
    from indexing.errors import IndexMismatch

    settings = load_settings()
    started = time.perf_counter()
    rebuild = args.rebuild
    encoders: dict[str, Any] = {}
    if args.ray is not None:
        encoders = ray_encode(args, settings)
    if not rebuild:
        try:
            community, stats = Community.open(settings, show_progress=True, **encoders)
        except IndexMismatch as exc:
            # the service refuses such an index; building is this command's job
            print(f"{exc}\n-> rebuilding the index from the store", file=sys.stderr)
            rebuild = True
    if rebuild:
        community, stats = Community.rebuild(settings, show_progress=True, **encoders)
    index = community.index
    state = "rebuilt" if rebuild else "updated" if stats.changed else "already up to date"
    print(f"index {state}: {index.count()} vectors ({index.factory}), "
          f"+{stats.added_keys} -{stats.removed_keys} records, {stats.encoded_texts} texts "
          f"encoded, {stats.stored_texts} taken from the store, in "
          f"{time.perf_counter() - started:.1f}s; generation {index.generation}")
    if args.prune_vectors:
        print(f"pruned {community.prune_vectors()} stored vectors no index uses")
    return 0


def ray_encode(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """``index --ray``: the missing vectors encoded on Ray and stored; returns the encoders
    loaded here (the index build that follows reuses them)."""
    from indexing.community import load_encoder
    from indexing.store import open_store
    from indexing.vectors.multilingual_index import load_multilingual_encoder

    try:
        from indexing.vectors.ray_encoding import RayPlan, encode_with_ray
    except ImportError as exc:  # pragma: no cover - the extra is installed by setup
        raise CliError(f"--ray needs Ray: pip install -e '.[ray]' ({exc})") from exc
    encoder, ml = load_encoder(settings), load_multilingual_encoder(settings)
    kinds = [("english", encoder)] + ([("multilingual", ml)] if ml is not None else [])
    store = open_store(settings.storage.database_path)
    plan = RayPlan(None if args.ray == "local" else args.ray, args.ray_actors, args.ray_threads)
    reports = encode_with_ray(store, settings, kinds, plan)
    store.close()
    for r in reports:
        print(f"ray {r.index}: {r.encoded} texts encoded by {r.actors} actors "
              f"({r.texts_per_s:.1f} texts/s), {r.stored_before} of {r.texts} already stored, "
              f"{r.requeued_batches} batches requeued, in {r.seconds:.1f}s")
    return {"encoder": encoder, "multilingual_encoder": ml}


def cmd_search(args: argparse.Namespace) -> int:
    from matcher.requests import ExpertsForm, ExpertsRequest

    settings = load_settings()
    answers = open_answers(settings)
    form = ExpertsForm(q=args.need, top=args.top, country=tuple(args.country),
                       organisation=tuple(args.organisation), level=tuple(args.level),
                       type=tuple(args.types), language=tuple(args.language), since=args.since,
                       places=args.places, project_id=args.project, exposure=args.exposure)
    request = ExpertsRequest.of(form, asker_of(args, answers.community_store()), settings)
    started = time.perf_counter()
    found = answers.experts(request).result
    elapsed = (time.perf_counter() - started) * 1000
    matches, language = found.matches, found.language
    by = {"english": "the English index", "multilingual": "the multilingual index",
          "fused": "both indexes, fused"}[language.route]
    note = f"need language: {language.code or 'unknown'}, answered by {by}"
    if language.gloss is not None:
        note += "; read with the glossary as: " + " · ".join(language.gloss.english_terms)
    if not found.places.empty:
        note += "; places: " + " · ".join(
            f"{m.text} ({', '.join(m.place.countries)})" for m in found.places.mentions)
    if args.json:
        print_json([match_to_dict(m) for m in matches])
        print(f"({note})", file=sys.stderr)
        if found.hint:
            print(f"(hint: {found.hint.text})", file=sys.stderr)
        return 0
    print(f"({note})")
    if found.hint:
        print(f"(hint: {found.hint.text})")
    if not matches:
        print("no members match")
    for rank, m in enumerate(matches, start=1):
        mi = m.member
        print(f"{rank:2}. {m.score:.3f}  {mi.name} — {mi.organisation_name}, {mi.country} "
              f"[{mi.level}]  ({mi.id})")
        for e in m.evidence:
            if e.kind == "profile":
                print(f"      {e.score:.3f} {'profile':<18} {'':10}  “{e.snippet}”")
            else:
                print(f"      {e.score:.3f} {e.type:<18} {e.date}  {e.title}")
    print(f"({len(matches)} members, {elapsed:.0f} ms; score: relevance, one scale in every "
          "language)", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from indexing.store import open_store
    from indexing.vocabulary import load_vocabulary, stats_with_vocabulary

    settings = load_settings()
    if not settings.storage.uses_postgres and not settings.storage.database_path.exists():
        raise CliError(f"no store at {settings.storage.database_path}; "
                       "run `wellspring ingest data/`")
    store = open_store(settings.storage)
    stats = stats_with_vocabulary(store.stats(), load_vocabulary(store))
    if args.json:
        print_json(stats)
        return 0
    for key, value in stats.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k} {v}" for k, v in value.items())
            print(f"{key}: {inner}")
        else:
            print(f"{key}: {value}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from pydantic import ValidationError

    from api.logs import configure_logging
    from api.settings import ServiceSettings
    from api.supervisor import default_workers, serve_single, serve_workers

    try:
        settings = ServiceSettings.of(load_settings())
    except ValidationError as exc:  # the HTTP settings (WELLSPRING_LOG_FORMAT, ...)
        first = exc.errors()[0]
        raise CliError(f"setting WELLSPRING_{str(first['loc'][0]).upper()}: "
                       f"{first['msg']}") from exc
    configure_logging(settings.http.log_format, logging.getLogger().level)
    # uvicorn's records go through the same handler; the access lines are api/observe.py's
    workers = default_workers(settings) if args.workers is None else args.workers
    if workers < 1:
        raise CliError("--workers: at least 1")
    if workers == 1:
        return serve_single(settings, args.host, args.port)
    return serve_workers(settings, args.host, args.port, workers)


def cmd_migrate(args: argparse.Namespace) -> int:
    from indexing.store.copy import copy_sqlite_to_postgres
    from indexing.store.postgres import PostgresStore

    settings = load_settings()
    if not args.to.startswith(("postgresql://", "postgres://")):
        raise CliError("--to: must be a postgresql://user@host:port/database URL")
    source = Path(args.source) if args.source else settings.storage.database_path
    started = time.perf_counter()
    copied = copy_sqlite_to_postgres(source, PostgresStore(args.to))
    for table, n in copied.items():
        print(f"{table}: {n}")
    print(f"copied {source} into PostgreSQL in {time.perf_counter() - started:.1f}s; serve it "
          "with WELLSPRING_DATABASE_URL set to that URL (docs/DEPLOYMENT.md)", file=sys.stderr)
    return 0
