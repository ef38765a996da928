"""Split long texts into overlapping word windows that fit the model's sequence length."""

from __future__ import annotations


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
