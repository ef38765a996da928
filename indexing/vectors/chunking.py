"""Split long texts into overlapping word windows that fit the model's sequence length."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from indexing.schema import Contribution


def chunk_text(text: str, words_per_chunk: int = 160, overlap: int = 32) -> list[str]:
    """Overlapping windows of at most ``words_per_chunk`` words; a short text is one chunk.

    160 words is about 210 word pieces for English prose, inside MiniLM's 256-token window.
    """
    words = text.split()
    if len(words) <= words_per_chunk:
        return [text.strip()] if text.strip() else [""]
    step = max(1, words_per_chunk - min(overlap, words_per_chunk - 1))
    chunks = []
    for start in range(0, len(words), step):
        chunks.append(" ".join(words[start : start + words_per_chunk]))
        if start + words_per_chunk >= len(words):
            break
    return chunks


def contribution_body_chunks(contribution: Contribution, words_per_chunk: int, overlap: int
                             ) -> list[str]:
    """The windows of a contribution's body: what an evidence snippet shows."""
    return chunk_text(contribution.text, words_per_chunk, overlap)


def contribution_chunks(contribution: Contribution, words_per_chunk: int, overlap: int
                        ) -> list[str]:
    """What is embedded for a contribution: its title above each window of its body."""
    return [f"{contribution.title}\n{chunk}".strip()
            for chunk in contribution_body_chunks(contribution, words_per_chunk, overlap)]
