"""A batch's works as records: each person matched (or created, when asked), each work merged
with what the caller may see, then one contributions file per source file so every refusal
names the file and the entry's line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from indexing.errors import RecordError
from indexing.imports.dedup import Deduplicator
from indexing.imports.matching import MemberMatcher, PersonMatch
from indexing.imports.model import ImportOptions, Person, Work, readable_id
from indexing.imports.names import name_tokens
from indexing.imports.report import SkipCode, Skipped
from indexing.ingest import ParsedFile, validation_errors
from indexing.schema import Contribution, Level, Member, Organisation
from indexing.store import Store

IMPORTED_ORGANISATION = Organisation(id="org-imported", name="Imported, to review",
                                     kind="other")


class WorkRecords:
    """Matching and merging of a batch's works into contribution (and created member)
    records; what became of each person and work is kept for the report."""

    def __init__(self, store: Store, fmt: str, path: Path, options: ImportOptions,
                 visible: Callable[[str], bool]) -> None:
        self.store, self.fmt, self.path, self.options = store, fmt, path, options
        self.dedup = Deduplicator(store, visible)
        self.matcher = MemberMatcher(store.members(), options.name_threshold, options.usernames,
                                     self.dedup.coauthors)
        self._decisions: dict[Person, PersonMatch] = {}
        self._created: dict[str, Member] = {}
        self._created_for: dict[Person, PersonMatch] = {}
        self.skipped: list[Skipped] = []
        self.merged: list[str] = []
        self.corporate: list[str] = []

    def decisions(self) -> list[PersonMatch]:
        return list(self._decisions.values())

    def created_ids(self) -> list[str]:
        return list(self._created)

    def keep_created(self, written: set[str]) -> None:
        """Forget created members that were not written (their entries were left out)."""
        for mid in [m for m in self._created if m not in written]:
            del self._created[mid]
        for person, d in list(self._decisions.items()):
            if d.outcome == "created" and d.member_id not in self._created:
                self._decisions[person] = PersonMatch(person, None, d.candidate_id,
                                                      d.candidate_name, d.score, None,
                                                      "unmatched")

    def records(self, works: list[Work]) -> tuple[list[ParsedFile], list[ParsedFile]]:
        """Contribution files (one per source file) and the created organisation and members."""
        first: dict[str, Work] = {}  # contribution id -> the work that brought it
        errors: dict[str, list[RecordError]] = {}
        for work in works:
            self._add(work, first)
        by_file: dict[str, ParsedFile] = {}
        for cid, work in first.items():
            key = work.file or str(self.path)
            parsed = by_file.setdefault(key, ParsedFile(path=Path(key), kind="contributions"))
            line = work.line if work.line is not None else len(parsed.lines) + 1
            try:
                record = Contribution.model_validate(self.dedup.by_id[cid].model_dump(),
                                                     strict=False)
            except ValidationError as exc:
                errors.setdefault(key, []).extend(
                    validation_errors(exc, work.where, work.line, cid))
                continue
            parsed.records.append(record)
            parsed.lines.append(line)
        for key, found in errors.items():
            by_file.setdefault(key, ParsedFile(path=Path(key), kind="contributions")
                               ).errors.extend(found)
        return list(by_file.values()), self._created_files()

    def _created_files(self) -> list[ParsedFile]:
        if not self._created:
            return []
        files = []
        if not self.store.existing_ids("organisations", [IMPORTED_ORGANISATION.id]):
            files.append(ParsedFile(path=Path(f"{self.path} (created organisation)"),
                                    kind="organisations", records=[IMPORTED_ORGANISATION],
                                    lines=[1]))
        created = list(self._created.values())
        files.append(ParsedFile(path=Path(f"{self.path} (created members)"), kind="members",
                                records=list(created), lines=list(range(1, len(created) + 1))))
        return files

    def _add(self, work: Work, first: dict[str, Work]) -> None:
        self.corporate += [c for c in work.corporate if c not in self.corporate]
        matches = self.matcher.confirm_by_coauthors([self.matcher.match(p)
                                                     for p in work.people])
        matches = [self._create_if_asked(m) for m in matches]
        for m in matches:  # a person created once stays reported as created
            if self._decisions.get(m.person, m).outcome != "created":
                self._decisions[m.person] = m
            self._decisions.setdefault(m.person, m)
        result = self.dedup.merge(work, matches)
        if result.merged_into:
            self.merged.append(result.merged_into)
        if not result.contribution.authors and result.contribution.id not in first:
            self.dedup.forget(result.contribution.id)
            code: SkipCode = ("no_member_author" if work.people else
                              "organisations_only" if work.corporate else "no_person")
            self.skipped.append(Skipped(work.where, work.title, code))
            return
        first.setdefault(result.contribution.id, work)

    def _create_if_asked(self, decision: PersonMatch) -> PersonMatch:
        """A person no member is linked to becomes a member when the caller asked, whatever
        the nearest member's score (a near miss stays reported as the candidate to review)."""
        if decision.outcome == "linked" or self.options.create_members is None:
            return decision
        person = decision.person
        if person in self._created_for:
            return self._created_for[person]
        country = person.country or self.options.create_country
        name = person.name or person.username or ""
        if not country or not name:
            return decision
        base = f"m-orcid-{person.orcid}" if person.orcid else \
            readable_id("m", " ".join(name_tokens(name)) or name)
        mid, n = base, 1
        while mid in self.matcher.members:
            n += 1
            mid = f"{base}-{n}"
        member = Member(id=mid, name=name[:300], organisation_id=IMPORTED_ORGANISATION.id,
                        country=country, level=self.options.create_members or Level.peripheral,
                        orcid=person.orcid, imported_from=self.fmt)
        self._created[mid] = member
        self.matcher.add(member)
        if person.username:  # a forum user is then found by their user name
            self.matcher.usernames[person.username.lower()] = mid
        created = PersonMatch(person, mid, decision.candidate_id, decision.candidate_name,
                              decision.score, "created", "created")
        self._created_for[person] = created
        return created
