"""Topic labels: the most distinctive terms of each topic's texts, by class-based TF-IDF.

c-TF-IDF (Grootendorst 2022, BERTopic): the texts of one topic are one class; a term's weight in
class c is ``tf(t, c) / |c| · log(1 + A / f(t))``, with ``A`` the mean number of term occurrences
per class and ``f(t)`` the term's frequency over all classes. Terms (words and two-word phrases,
stop words of English and the sample's other languages left out) must occur in at least two
texts. Only the texts passed in are read: the map passes those the caller may see, so no term
held only by texts hidden from them can appear.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w\-]{2,}\b"  # words of 3+ characters starting with a letter
# the commonest function words of the sample's other languages (French, Spanish, Portuguese,
# Arabic): without them a topic of French texts is labelled "des, les, eau"
_OTHER_STOP_TEXT = """
les des une est pour que qui dans par sur avec aux plus pas ces son ses sont été être leur
leurs nous vous ont mais comme cette tout tous entre sans sous chez afin ainsi donc
los las del una por con para que más como sus pero sobre este esta entre cuando sin desde
ser son han hay muy también fue nos les todo todos ese esa estos estas
uma por com para que mais como seus suas mas sobre este esta entre quando sem desde ser
são foi nos não dos das pelo pela pelos pelas num numa isso ele ela eles elas tem
في من على إلى عن مع هذا هذه التي الذي التي كان كانت بين أو ثم قد لا ما هو هي تم عند كل
"""
OTHER_STOP_WORDS = frozenset(_OTHER_STOP_TEXT.split())


def topic_terms(texts_by_topic: Mapping[str, Sequence[str]], top: int = 8
                ) -> dict[str, list[str]]:
    """The ``top`` most distinctive terms of each topic, best first."""
    from sklearn.feature_extraction.text import CountVectorizer

    topics = [t for t, texts in texts_by_topic.items() if texts]
    texts = [text for t in topics for text in texts_by_topic[t]]
    if len(texts) < 2:
        return {t: [] for t in texts_by_topic}
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    vectorizer = CountVectorizer(stop_words=sorted(ENGLISH_STOP_WORDS | OTHER_STOP_WORDS),
                                 ngram_range=(1, 2), min_df=2,
                                 token_pattern=TOKEN_PATTERN, max_features=100_000)
    try:
        counts = vectorizer.fit_transform(texts)
    except ValueError:  # nothing left after stop words and min_df
        return {t: [] for t in texts_by_topic}
    vocabulary = vectorizer.get_feature_names_out()
    owner = np.repeat(np.arange(len(topics)), [len(texts_by_topic[t]) for t in topics])
    from scipy import sparse

    membership = sparse.csr_matrix(
        (np.ones(len(texts)), (owner, np.arange(len(texts)))), shape=(len(topics), len(texts)))
    tf = np.asarray((membership @ counts).todense(), dtype=np.float64)  # topics × terms
    per_class = tf.sum(axis=1, keepdims=True)
    freq = tf.sum(axis=0)
    mean_words = per_class.mean()
    weights = (tf / np.maximum(per_class, 1)) * np.log1p(mean_words / np.maximum(freq, 1))
    out: dict[str, list[str]] = {t: [] for t in texts_by_topic}
    for row, topic in enumerate(topics):
        order = np.argsort(-weights[row], kind="stable")
        out[topic] = _distinct([str(vocabulary[i]) for i in order[: top * 4]
                                if weights[row, i] > 0], top)
    return out


def _distinct(terms: list[str], top: int) -> list[str]:
    """Best terms, a phrase standing for its own words: "reverse osmosis" replaces "reverse" and
    "osmosis" kept before it, and a word already inside a kept phrase is left out."""
    kept: list[str] = []
    for term in terms:
        words = term.split()
        if len(words) == 1 and any(term in k.split() for k in kept):
            continue
        if len(words) > 1:
            at = [i for i, k in enumerate(kept) if k in words]
            if at:
                kept[at[0]] = term
                kept = [k for i, k in enumerate(kept) if i not in at[1:]]
                continue
        kept.append(term)
        if len(kept) == top:
            break
    return kept[:top]
