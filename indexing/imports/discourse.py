"""Discourse JSON saved from a forum: ``/categories.json`` (``category_list.categories[]``;
a ``read_restricted`` category becomes a private space named by its slug) and topics
``/t/{id}.json`` whose ``post_stream.posts[]`` each become a forum post, ``cooked`` HTML
stripped to text. Users are linked to members through a user-name map (the public JSON holds
no e-mail): a JSON object ``{"username": "member-id"}`` or a two-column CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from indexing.errors import RecordError, ValidationFailed
from indexing.imports.model import (
    ImportOptions,
    Person,
    SourceBatch,
    Work,
    first_text,
    html_to_text,
    input_files,
    parse_iso_date,
    read_json,
)
from indexing.schema import PUBLIC_SPACE

REGULAR_POST = 1  # post_type: 1 regular, 2 moderator action, 3 small action, 4 whisper
# the shapes a refusal names, as written in any language
_EXPORT = "categories.json, /t/{id}.json"
_USERS_JSON = '{"username": "member id"}'
_USERS_CSV = "username,member_id"


def read_username_map(text: str, source: str = "users") -> dict[str, str]:
    """User name -> member id from a JSON object or CSV rows (``username,member_id``)."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValidationFailed([RecordError(source, exc.lineno, None, "users",
                                                f"bad JSON: {exc.msg}", "bad_json")]) from exc
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise ValidationFailed([RecordError(source, None, None, "users",
                                                f"expected {_USERS_JSON}", "unexpected_shape",
                                                {"expected": _USERS_JSON})])
        return dict(data)
    out: dict[str, str] = {}
    for number, row in enumerate(csv.reader(io.StringIO(stripped)), start=1):
        if not row or (number == 1 and row[0].strip().lower() in ("username", "user")):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise ValidationFailed([RecordError(source, number, None, "users",
                                                f"expected '{_USERS_CSV}'", "unexpected_shape",
                                                {"expected": _USERS_CSV})])
        out[row[0].strip()] = row[1].strip()
    return out


def _categories(data: dict[str, Any]) -> dict[int, dict[str, Any]]:
    listing: dict[str, Any] = data["category_list"] \
        if isinstance(data.get("category_list"), dict) else {}
    found: dict[int, dict[str, Any]] = {}
    for cat in listing.get("categories") or []:
        if isinstance(cat, dict) and isinstance(cat.get("id"), int):
            found[cat["id"]] = cat
            for sub in cat.get("subcategory_list") or []:
                if isinstance(sub, dict) and isinstance(sub.get("id"), int):
                    found[sub["id"]] = {**sub, "read_restricted": bool(
                        sub.get("read_restricted") or cat.get("read_restricted"))}
    return found


def _space(category: dict[str, Any]) -> str:
    if not category.get("read_restricted"):
        return PUBLIC_SPACE
    slug = re.sub(r"[^a-z0-9_\-]+", "-", str(category.get("slug") or category["id"]).lower())
    return slug.strip("-")[:64] or f"category-{category['id']}"


def read(path: Path, options: ImportOptions) -> SourceBatch:
    """Forum posts of the topics in a folder (with its categories.json) or one topic file;
    topics of a category the archive does not describe go to ``options.default_space`` when
    the caller chose one, else are refused (a private category must not become public)."""
    batch = SourceBatch()
    categories: dict[int, dict[str, Any]] = {}
    topics: list[tuple[Path, dict[str, Any]]] = []
    files = input_files(path, (".json",))
    if path.is_file() and (path.parent / "categories.json").is_file():
        files.insert(0, path.parent / "categories.json")
    for file in files:
        data = read_json(file, batch.errors)
        if isinstance(data, dict) and "category_list" in data:
            categories.update(_categories(data))
        elif isinstance(data, dict) and "post_stream" in data:
            topics.append((file, data))
        elif data is not None:
            batch.errors.append(RecordError(str(file), None, None, "file", "neither a "
                                            "categories.json nor a topic (/t/{id}.json)",
                                            "unexpected_shape", {"expected": _EXPORT}))
    for file, topic in topics:
        _topic(batch, file, topic, categories, options.default_space)
    return batch


def _topic(batch: SourceBatch, file: Path, topic: dict[str, Any],
           categories: dict[int, dict[str, Any]], default_space: str | None) -> None:
    tid = topic.get("id")
    title = first_text(topic.get("title"), topic.get("fancy_title"))
    category = categories.get(topic.get("category_id"))  # type: ignore[arg-type]
    if category is None and default_space is None:
        batch.errors.append(RecordError(str(file), None, str(tid), "category_id",
                                        f"category {topic.get('category_id')!r} is not in "
                                        "a categories.json (needed to keep private ones "
                                        "private); upload it, or choose a default space",
                                        "unknown_category",
                                        {"value": str(topic.get("category_id"))}))
        return
    space = _space(category) if category is not None else str(default_space)
    if not title or not isinstance(tid, int):
        batch.errors.append(RecordError(str(file), None, str(tid), "title" if isinstance(
            tid, int) else "id", "missing", "missing"))
        return
    stream = topic["post_stream"] if isinstance(topic["post_stream"], dict) else {}
    for n, post in enumerate(stream.get("posts") or []):
        entry = f"{file}: post_stream.posts[{n}]"
        if not isinstance(post, dict) or post.get("deleted_at") or post.get("hidden") or \
                post.get("post_type", REGULAR_POST) != REGULAR_POST:
            continue
        text = html_to_text(str(post.get("cooked") or ""))
        date = parse_iso_date(post.get("created_at"))
        username = first_text(post.get("username"))
        for name, missing in (("username", not username), ("created_at", date is None),
                              ("id", not isinstance(post.get("id"), int))):
            if missing:
                batch.errors.append(RecordError(entry, None, str(post.get("id")), name,
                                                "missing", "missing"))
        if not username or date is None or not isinstance(post.get("id"), int) or not text:
            continue
        number = post.get("post_number", n + 1)
        batch.works.append(Work(
            source="discourse", source_id=f"post-{post['id']}", file=str(file),
            where=f"{file.name}: topic {tid} post {number}",
            title=title if number == 1 else f"Re: {title}", date=date, type="forum_post",
            people=[Person(name=first_text(post.get("name")), username=username)], text=text,
            space=space))
