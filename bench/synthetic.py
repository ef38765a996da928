"""Synthetic communities for benchmarks at sizes where encoding is impractical here.

Vectors: clustered and L2-normalised, like sentence embeddings of a corpus with topics and
sub-topics. ``n_topics`` topic centres are random unit vectors; each topic has sub-topic centres
at cosine ~``topic_cos`` to it, and each point lies at cosine ~``point_cos`` to its sub-topic.
Neighbours therefore overlap across sub-topics, which is what makes approximate search miss.

Store rows: organisations, members and contributions written straight into the store's tables
(the same schema, JSON and text hashes as ``Store.write_records``, bulk-inserted because the
per-record write path costs minutes at 1M). The search, aggregation, filtering and HTTP paths that
read them are the real ones; ``Store.write_records`` itself is measured by the write latency.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from indexing.schema import (
    Contribution,
    ContributionType,
    Member,
    Organisation,
    contribution_key,
    member_key,
)
from indexing.store import Store, text_hash

TYPES = ("publication", "forum_post", "project_report", "webinar", "dataset", "case_study")
COUNTRIES = ("KE", "FR", "BR", "IN", "ZA", "PE", "VN", "MA", "US", "DE", "NG", "BD")
LEVELS = ("core", "active", "occasional", "peripheral", "transactional")
LANGS = ("en", "fr", "es", "pt")


@dataclass(frozen=True)
class Shape:
    """How big the community is: members and organisations follow the contributions."""

    contributions: int
    contributions_per_member: int = 20
    members_per_organisation: int = 25
    private_share: float = 0.1  # share of contributions in the private space "utilities"

    @property
    def members(self) -> int:
        return max(12, self.contributions // self.contributions_per_member)

    @property
    def organisations(self) -> int:
        return max(2, self.members // self.members_per_organisation)


class ClusteredVectors:
    """A reproducible stream of clustered unit vectors (see the module docstring)."""

    def __init__(self, dimension: int, n_expected: int, seed: int = 0, topic_cos: float = 0.6,
                 point_cos: float = 0.75) -> None:
        self.dimension = dimension
        rng = np.random.default_rng(seed)
        n_topics = max(8, int(math.sqrt(n_expected) / 4))
        subs_per_topic = 16
        topics = _unit(rng.standard_normal((n_topics, dimension), dtype=np.float32))
        topic_of = np.repeat(np.arange(n_topics), subs_per_topic)
        self.centres = _around(topics[topic_of], topic_cos, rng)
        self.point_cos = point_cos
        self.seed = seed

    def batch(self, n: int, stream: int) -> npt.NDArray[np.float32]:
        """``n`` vectors; ``stream`` (any int) makes batches independent and reproducible."""
        rng = np.random.default_rng([self.seed, stream])
        which = rng.integers(0, len(self.centres), n)
        return _around(self.centres[which], self.point_cos, rng)


def _unit(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(
        np.float32)
    return out


def _around(centres: npt.NDArray[np.float32], cos: float, rng: np.random.Generator
            ) -> npt.NDArray[np.float32]:
    """Unit vectors at cosine ~``cos`` to each row of ``centres`` (which are unit vectors)."""
    noise = _unit(rng.standard_normal(centres.shape, dtype=np.float32))
    return _unit(cos * centres + math.sqrt(1 - cos * cos) * noise)


def contribution_id(i: int) -> str:
    return f"c{i:07d}"


def member_id(i: int) -> str:
    return f"m{i:06d}"


def write_store(store: Store, shape: Shape, seed: int = 0, batch: int = 20_000) -> None:
    """Bulk-insert the rows of a synthetic community (see the module docstring)."""
    rng = np.random.default_rng(seed)
    orgs = [Organisation(id=f"o{i:05d}", name=f"Water organisation {i}", kind="utility",
                         country=COUNTRIES[i % len(COUNTRIES)]) for i in range(shape.organisations)]
    with store.transaction() as conn:
        conn.executemany("INSERT INTO organisations(id, kind, country, data) VALUES (?,?,?,?)",
                         [(o.id, o.kind, o.country, o.model_dump_json()) for o in orgs])
        rows, lex = [], []
        for i in range(shape.members):
            m = _member(i, shape, rng)
            profile = m.profile_text()
            rows.append((m.id, m.organisation_id, m.country, m.level.value, 0, 1,
                         m.model_dump_json(), text_hash(profile)))
            lex.append((member_key(m.id), profile))
        conn.executemany("INSERT INTO members(id, organisation_id, country, level, hidden, "
                         "open_to_invitations, data, text_hash) VALUES (?,?,?,?,?,?,?,?)", rows)
        conn.executemany("INSERT INTO lexical(item_key, body) VALUES (?,?)", lex)
    for start in range(0, shape.contributions, batch):
        with store.transaction() as conn:
            c_rows, a_rows, lex = [], [], []
            for i in range(start, min(start + batch, shape.contributions)):
                c = _contribution(i, shape, rng)
                body = c.index_text()
                c_rows.append((c.id, c.type, c.date.isoformat(), c.language, c.space,
                               c.model_dump_json(), text_hash(body)))
                a_rows.extend((c.id, a, pos) for pos, a in enumerate(c.authors))
                lex.append((contribution_key(c.id), body))
            conn.executemany("INSERT INTO contributions(id, type, date, language, space, data, "
                             "text_hash) VALUES (?,?,?,?,?,?,?)", c_rows)
            conn.executemany("INSERT INTO contribution_authors(contribution_id, member_id, "
                             "position) VALUES (?,?,?)", a_rows)
            conn.executemany("INSERT INTO lexical(item_key, body) VALUES (?,?)", lex)


def _member(i: int, shape: Shape, rng: np.random.Generator) -> Member:
    return Member(
        id=member_id(i), name=f"Member {i}", organisation_id=f"o{i % shape.organisations:05d}",
        country=COUNTRIES[i % len(COUNTRIES)], languages=[LANGS[i % len(LANGS)]],
        level=LEVELS[i % len(LEVELS)], bio=f"Water professional number {i}.",
        topics=[f"topic_{int(rng.integers(0, 50))}"],
    )


def _contribution(i: int, shape: Shape, rng: np.random.Generator) -> Contribution:
    n_authors = 1 + int(rng.integers(0, 3))
    authors = sorted({member_id(int(a)) for a in rng.integers(0, shape.members, n_authors)})
    private = (i % 1000) < shape.private_share * 1000
    return Contribution.model_construct(
        id=contribution_id(i), type=ContributionType(TYPES[i % len(TYPES)]),
        title=f"Contribution {i} on water topic {i % 97}",
        text=f"Synthetic body of contribution {i}: operations, networks and treatment notes.",
        date=dt.date(2015, 1, 1) + dt.timedelta(days=i % 3650),
        language=LANGS[i % len(LANGS)], authors=authors,
        space="utilities" if private else "public",
    )


def vector_batches(store: Store, vectors: ClusteredVectors, batch: int = 20_000
                   ) -> Iterator[tuple[list[str], list[str], npt.NDArray[np.float32]]]:
    """(keys, store text hashes, vectors) for every member and contribution, in batches: the
    input of ``CommunityIndex.add_vectors``. Profiles and contributions share the clusters."""
    conn = store.connection()
    for n, sql in enumerate(("SELECT id, text_hash FROM members ORDER BY id",
                             "SELECT id, text_hash FROM contributions ORDER BY id")):
        prefix = member_key if n == 0 else contribution_key
        cursor = conn.execute(sql)
        part = 0
        while rows := cursor.fetchmany(batch):
            keys = [prefix(r[0]) for r in rows]
            yield keys, [r[1] for r in rows], vectors.batch(len(keys), n * 1_000_000 + part)
            part += 1


def manifest_note(shape: Shape) -> str:
    return json.dumps({"contributions": shape.contributions, "members": shape.members,
                       "organisations": shape.organisations})


# -- reporting, shared by the bench scripts -----------------------------------------------------
NEEDS = (
    "reducing non-revenue water in intermittent supply networks",
    "acoustic leak detection with loggers and correlators",
    "managed aquifer recharge with infiltration basins",
    "brine management for seawater reverse osmosis plants",
    "faecal sludge management in dense informal settlements",
    "tariff design and affordability for low-income households",
    "constructed wetlands for municipal wastewater treatment",
    "flood early warning systems for small river basins",
    "pressure management and district metered areas",
    "chlorine residual monitoring in distribution networks",
    "groundwater arsenic mitigation in rural wells",
    "asset management planning for ageing water mains",
    "smart meters and customer billing data analytics",
    "rainwater harvesting for schools in arid regions",
    "nitrate pollution from agriculture in aquifers",
    "energy efficiency of pumping stations",
    "sewer overflow modelling during heavy rain",
    "water safety plans for small rural utilities",
    "membrane fouling control in ultrafiltration",
    "drought contingency planning for city water supply",
    "performance-based contracts with private operators",
    "climate adaptation of coastal water infrastructure",
    "hydraulic modelling with EPANET for network design",
    "community-managed handpumps and their maintenance",
    "sludge treatment and biogas recovery at treatment plants",
    "irrigation efficiency and water rights allocation",
    "microplastics in drinking water sources",
    "public participation in river basin management",
    "cholera prevention through sanitation in emergencies",
    "remote sensing of evapotranspiration for water accounting",
)


def machine() -> str:
    """One line naming the machine a figure was measured on."""
    import os
    import platform

    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kb = int(fh.readline().split()[1])
        mem = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{os.cpu_count()} CPU cores{mem}, CPU only, Python {platform.python_version()}, "
            f"{platform.machine()}; shared with other developers' jobs")


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    arr = np.asarray(samples_ms, dtype=np.float64)
    return {"p50": round(float(np.percentile(arr, 50)), 2),
            "p95": round(float(np.percentile(arr, 95)), 2),
            "p99": round(float(np.percentile(arr, 99)), 2), "n": len(samples_ms)}


def peak_rss_mib(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MiB."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def append_report(title: str, command: str, table: str, notes: str = "") -> None:
    """Append a dated section (command, machine, table) to docs/BENCHMARKS.md."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "docs" / "BENCHMARKS.md"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = (f"\n### {stamp} — {title}\n\n`{command}`  \nMachine: {machine()}\n\n{table}\n"
             + (f"\n{notes}\n" if notes else ""))
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    marker = "\n## API latency: GET /experts"  # bench/api_latency.py appends rows at the end
    at = text.find(marker)
    text = text.rstrip("\n") + "\n" + block if at < 0 else text[:at] + block + text[at:]
    path.write_text(text, encoding="utf-8")


def append_to_docs(text: str, docs: tuple[str, ...] = ("BENCHMARKS.md", "RELIABILITY.md")
                   ) -> None:
    """Append a finished section to the end of these docs/ files."""
    from pathlib import Path

    for doc in docs:
        path = Path(__file__).resolve().parents[1] / "docs" / doc
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text,
                        encoding="utf-8")


def real_corpus(folder: Path, n_contributions: int, source: Path | None = None) -> Path:
    """The first ``n_contributions`` of data/contributions.jsonl with their authors and their
    organisations, as a JSONL folder ready for ``ingest_paths`` (real texts, for encoding)."""
    source = source or Path(__file__).resolve().parents[1] / "data"
    folder.mkdir(parents=True, exist_ok=True)
    with (source / "contributions.jsonl").open(encoding="utf-8") as fh:
        contribs = [json.loads(line) for _, line in zip(range(n_contributions), fh, strict=False)]
    authors = {a for c in contribs for a in c["authors"]}
    members = [m for m in _jsonl(source / "members.jsonl") if m["id"] in authors]
    orgs = {m["organisation_id"] for m in members}
    organisations = [o for o in _jsonl(source / "organisations.jsonl") if o["id"] in orgs]
    for name, rows in (("organisations", organisations), ("members", members),
                       ("contributions", contribs)):
        (folder / f"{name}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def _jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
