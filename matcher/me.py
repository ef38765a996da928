"""What Wellspring knows about a member, and the member's say over it (issue #29).

``MemberSay`` answers the member's own routes (``GET /me`` and its corrections): the topics the
knowledge map infers for them from their own contributions (in any space: they are theirs),
each with its evidence and status; how often they were suggested, shown and marked contacted;
their choices. Every write commits with a change-feed row (``indexing/store/say.py``), so the
indexes of this process follow at once (``Community.apply``) and every replica's follow.

Statuses: ``inferred`` (the map's reading, unchallenged), ``confirmed`` or ``rejected`` (the
member's word on a map topic), ``pending`` (a topic in their own words that none of their
contributions supports yet). An own topic becomes ``confirmed`` once a contribution they count
for matching is close to it (cosine of the label and the contribution at least
``OWN_TOPIC_SUPPORT``, the bar a map topic meets to be mapped to a taxonomy label); it then joins
their profile's topics, which the ranking reads.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from indexing.errors import NotFound
from indexing.schema import Contribution, Member, contribution_key
from indexing.store.choices import MemberChoices, TopicCorrection, TopicStatus
from indexing.store.keys import KeyStore
from indexing.store.protocol import SqlStore
from indexing.store.records import WriteResult
from indexing.store.say import SayStore
from indexing.store.topics import StoredTopics
from matcher.errors import InvalidRequest, one_of
from matcher.experts import Matcher
from matcher.filters import Access
from matcher.knowledge_map import KnowledgeMapper, Topic
from matcher.knowledge_map.service import TAXONOMY_MIN_COS
from matcher.topic_say import current_topic

OWN_TOPIC_SUPPORT = TAXONOMY_MIN_COS
EXPOSURE_DAYS = 90
MAX_OWN_TOPICS = 50


@dataclass(frozen=True)
class OwnContribution:
    id: str
    title: str
    type: str
    space: str
    date: str
    used: bool  # counted for matching


@dataclass(frozen=True)
class MyTopic:
    topic_id: str | None
    label: str
    search_query: str
    status: TopicStatus | str
    evidence: tuple[OwnContribution, ...]
    correction_id: str | None = None


@dataclass(frozen=True)
class Exposure:
    """The last ``days`` days: suggestions naming them, times shown to a person, times a
    coordinator marked them contacted (never the needs or briefs themselves)."""

    days: int
    suggested: int
    shown: int
    contacted: int
    by_kind: Mapping[str, int]
    by_topic: Mapping[str, int]  # topic id -> suggestions whose first evidence lies in it


@dataclass(frozen=True)
class MyProfile:
    member: Member
    spaces: tuple[str, ...]
    topics: tuple[MyTopic, ...]
    contributions: tuple[OwnContribution, ...]
    choices: MemberChoices
    consent_policy: str
    suggested_to_others: bool
    exposure: Exposure


@dataclass(frozen=True)
class Me:
    """Who asks for a member's own answers: the member, and the key (or session) they ask
    with, which the audit log records."""

    member_id: str
    key_id: str


class MemberSay:
    """The member's own view and corrections, called alike by the routes (``api/routes/me.py``)
    and the CLI (``wellspring me``); every change is audited here (what changed, never values).
    One per process."""

    def __init__(self, matcher: Matcher, mapper: KnowledgeMapper, store: SqlStore) -> None:
        self.matcher = matcher
        self.mapper = mapper
        self.store = store
        self.say = SayStore(store)
        self.keys = KeyStore(store)  # the audit log

    @property
    def community_store(self) -> SqlStore:
        return self.store

    # -- reads ------------------------------------------------------------------------------
    def member(self, member_id: str) -> Member:
        return self.store.get_member(member_id)  # NotFound when erased or unknown

    def profile(self, member_id: str) -> MyProfile:
        member = self.member(member_id)
        if self._promote_supported(member):
            member = self.member(member_id)  # its topics were just written
        own = self._contributions(member_id)
        model, public = self._model()
        corrections = self.say.corrections(member_id)
        topics = _inferred(own, model, public, corrections)
        topics += [MyTopic(None, c.label, c.label, c.status, (), c.correction_id)
                   for c in corrections if c.topic_id is None]
        choices = self.say.choices(member_id)
        policy = self.matcher.settings.matching.consent
        return MyProfile(
            member=member, spaces=tuple(sorted({c.space for c in own})), topics=tuple(topics),
            contributions=tuple(own), choices=choices, consent_policy=policy,
            suggested_to_others=(choices.consent == "in"
                                 or (policy == "opt_out" and choices.consent != "out")),
            exposure=self._exposure(member_id, model))

    def _contributions(self, member_id: str) -> list[OwnContribution]:
        ids = self.store.contributions_of(member_id)
        excluded = self.say.excluded(member_id)
        found = self.store.get_contributions(ids)
        return sorted((_own(found[c], c not in excluded) for c in ids if c in found),
                      key=lambda c: (c.date, c.id), reverse=True)

    def _model(self) -> tuple[StoredTopics | None, Mapping[str, tuple[str, str]]]:
        """The topic model (computed if need be) and the public map's label and search query
        of each topic."""
        public = self.mapper.build(Access.public())
        labels = {t.id: (_named(t), t.search_query) for t in public.topics}
        return self.store.topic_model(), labels

    def _exposure(self, member_id: str, model: StoredTopics | None) -> Exposure:
        """The last 90 days; each suggestion counted for the topic of the contribution the
        answer showed first for them (by the current topic model)."""
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=EXPOSURE_DAYS)).isoformat(
            timespec="seconds")
        by_kind, shown, contacted, first = self.say.exposure_since(member_id, since)
        assignments = model.assignments if model is not None else {}
        by_topic = Counter(assignments[c] for c in first if c in assignments)
        return Exposure(EXPOSURE_DAYS, sum(by_kind.values()), shown, contacted, by_kind,
                        dict(by_topic))

    # -- corrections ------------------------------------------------------------------------
    def choose(self, me: Me, changes: Mapping[str, object]) -> MyProfile:
        member_id = me.member_id
        self.member(member_id)
        self._commit(lambda: self.say.set_choices(member_id, changes), {member_id})
        self.keys.audit(me.key_id, "choose", "member", [member_id], {"fields": sorted(changes)})
        return self.profile(member_id)

    def use_for_matching(self, me: Me, contribution_id: str, used: bool) -> bool:
        member_id = me.member_id
        if contribution_id not in self.store.contributions_of(member_id):
            raise NotFound("contribution", contribution_id, field="contribution_id")
        changed = self._commit(lambda: self.say.set_matching(member_id, contribution_id, used),
                               {member_id}, (contribution_id,))
        if changed:
            self.keys.audit(me.key_id, "matching", "member", [member_id],
                            {"contribution_id": contribution_id, "used": used})
        return changed

    def mark_topic(self, me: Me, topic_id: str, status: TopicStatus) -> MyTopic:
        """Confirm or reject one of the member's inferred topics (NotFound for any other)."""
        member_id = me.member_id
        if status not in ("confirmed", "rejected"):
            raise one_of("status", ("confirmed", "rejected"))
        profile = self.profile(member_id)
        topic = next((t for t in profile.topics if t.topic_id == topic_id), None)
        model = self.store.topic_model()
        if topic is None or model is None or topic_id not in model.centroids:
            raise NotFound("topic", topic_id, field="topic_id")
        centre = model.centroids[topic_id].tolist()
        self._commit(lambda: self.say.mark_topic(member_id, topic_id, topic.label, status,
                                                 centre), {member_id})
        self.keys.audit(me.key_id, "topic", "member", [member_id],
                        {"topic_id": topic_id, "status": status})
        return next(t for t in self.profile(member_id).topics if t.topic_id == topic_id)

    def add_topic(self, me: Me, label: str) -> MyTopic:
        member_id = me.member_id
        text = " ".join(label.split())
        if not text or len(text) > 100:
            raise InvalidRequest("label", "a topic is 1 to 100 characters", "length_between",
                                 {"low": 1, "high": 100})
        if sum(1 for c in self.say.corrections(member_id) if c.topic_id is None) >= \
                MAX_OWN_TOPICS:
            raise InvalidRequest("label", f"at most {MAX_OWN_TOPICS} topics of your own",
                                 "too_many", {"limit": MAX_OWN_TOPICS})
        self.member(member_id)
        added = self.say.add_topic(member_id, text)
        topics = self.profile(member_id).topics
        topic = next(t for t in topics if t.correction_id == added.correction_id)
        self.keys.audit(me.key_id, "topic", "member", [member_id], {"status": topic.status})
        return topic

    def _promote_supported(self, member: Member) -> bool:
        """Own topics a counted contribution now supports: confirmed, and added to the
        profile's topics (a record write: the profile is encoded again). Whether the member's
        record was written."""
        pending = [c for c in self.say.corrections(member.id)
                   if c.topic_id is None and c.status == "pending"]
        if not pending:
            return False
        supported = _supported(self.matcher, member.id, pending)
        if not supported:
            return False
        for c in supported:
            self.say.set_own_status(c.correction_id, "confirmed")
        added = [c.label for c in supported if c.label not in member.topics][
            : max(0, 50 - len(member.topics))]
        if not added:
            return False
        fresh = member.model_copy(update={"topics": [*member.topics, *added]})
        self.matcher.community.write([Member.model_validate(fresh.model_dump())],
                                     mode="replace")
        return True

    def _commit(self, write: Callable[[], object], members: set[str],
                contributions: Sequence[str] = ()) -> bool:
        """Run a say write under the community's write lock; the indexes follow the members
        (and contributions) it touched."""
        outcome = self.matcher.community.apply(
            lambda _store: write(),
            lambda _o: WriteResult(changed_members=set(members),
                                   changed_contributions=set(contributions)))
        return bool(outcome)

    # -- export and erasure -----------------------------------------------------------------
    def export(self, me: Me) -> dict[str, object]:
        """Everything stored about the member: record, contributions (whole), their say,
        and every row naming them."""
        member_id = me.member_id
        member = self.member(member_id)
        self.keys.audit(me.key_id, "export", "member", [member_id])
        ids = self.store.contributions_of(member_id)
        contributions = self.store.get_contributions(ids)
        excluded = self.say.excluded(member_id)
        return {
            "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "member": member.model_dump(mode="json"),
            "contributions": [dict(contributions[c].model_dump(mode="json"),
                                   used_for_matching=c not in excluded)
                              for c in ids if c in contributions],
            "corrections": [_correction_row(c) for c in self.say.corrections(member_id)],
            **self.say.rows_about(member_id),
        }

    def erase(self, me: Me) -> dict[str, int]:
        """The member's record and every personal row go in one transaction (their
        sole-authored contributions with them, co-authored ones stay with the co-authors); the
        indexes follow, then stored vectors no index uses any more are pruned. The audit log
        keeps that an erasure happened, not whose."""
        member_id = me.member_id
        self.member(member_id)
        theirs = set(self.store.contributions_of(member_id))
        counts: dict[str, int] = {}

        def commit(_store: object) -> WriteResult:
            with self.store.transaction() as conn:
                counts.update(self.say.erase_rows(conn, member_id))
                orphans = self.store.delete_member(conn, member_id)
            counts["contributions_deleted"] = len(orphans)
            return WriteResult(deleted=1, deleted_members={member_id},
                               deleted_contributions=set(orphans),
                               changed_contributions=theirs - set(orphans))

        self.matcher.community.apply(commit, lambda result: result)
        counts["vectors_pruned"] = self.matcher.community.prune_vectors()
        self.keys.audit("erased", "erase", "member", [], {"rows": sum(counts.values())})
        return counts


def _named(topic: Topic) -> str:
    """A topic as a person names it: the community taxonomy's entry it maps to (its terms
    after it), else its terms."""
    match = topic.taxonomy
    if match is None:
        return topic.label
    return f"{match.subtopic_label or match.topic_label} ({topic.label})"


def _own(c: Contribution, used: bool) -> OwnContribution:
    return OwnContribution(c.id, c.title, c.type, c.space, str(c.date), used)


def _correction_row(c: TopicCorrection) -> dict[str, object]:
    return {"correction_id": c.correction_id, "topic_id": c.topic_id, "label": c.label,
            "status": c.status, "at": c.at}


def _inferred(own: Sequence[OwnContribution], model: StoredTopics | None,
              public: Mapping[str, tuple[str, str]], corrections: Sequence[TopicCorrection]
              ) -> list[MyTopic]:
    """The map topics the member's contributions fall in, most evidence first."""
    if model is None:
        return []
    by_topic: dict[str, list[OwnContribution]] = {}
    for c in own:
        topic = model.assignments.get(c.id)
        if topic is not None:
            by_topic.setdefault(topic, []).append(c)
    words: dict[str, TopicCorrection] = {}
    for mark in corrections:
        if mark.topic_id is not None and (named := current_topic(mark, model)) is not None:
            words[named] = mark
    out = []
    for topic, evidence in sorted(by_topic.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        label, query = public.get(topic, (evidence[0].title, evidence[0].title))
        word = words.get(topic)
        out.append(MyTopic(topic, label, query, word.status if word else "inferred",
                           tuple(evidence), word.correction_id if word else None))
    return out


def own_work_closeness(matcher: Matcher, member_id: str, texts: Sequence[str],
                       may_see: Callable[[str], bool] = lambda _space: True
                       ) -> tuple[list[str], npt.NDArray[np.float32]]:
    """The member's contributions counted for matching (in spaces ``may_see`` allows), and the
    cosine of each text to each of them (English model; texts × contributions)."""
    vectors = matcher.community.encoder.encode_queries(list(texts))
    with matcher.snapshot() as snap:
        catalog = snap.catalog
        own = sorted(c for c in catalog.member_contributions.get(member_id, ())
                     if (meta := catalog.contributions.get(c)) is not None
                     and may_see(meta.space))
        keys, docs = snap.english.document_vectors([contribution_key(c) for c in own])
    ids = [k.record_id for k in keys]
    if not ids:
        return [], np.zeros((len(texts), 0), np.float32)
    return ids, np.asarray(vectors) @ np.asarray(docs).T


def _supported(matcher: Matcher, member_id: str, pending: Sequence[TopicCorrection]
               ) -> list[TopicCorrection]:
    """The pending own topics that a contribution the member counts for matching supports."""
    ids, sims = own_work_closeness(matcher, member_id, [c.label for c in pending])
    if not ids:
        return []
    best = sims.max(axis=1)
    return [c for c, b in zip(pending, best.tolist(), strict=True) if b >= OWN_TOPIC_SUPPORT]
