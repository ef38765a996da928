"""Each source's record types mapped to the default contribution types."""

from __future__ import annotations

PUBLICATION_TYPES = {
    # ORCID v3.0 work types
    "journal-article": "publication", "book": "publication", "book-chapter": "publication",
    "edited-book": "publication", "conference-paper": "publication", "preprint": "publication",
    "dissertation-thesis": "publication", "dissertation": "publication",
    "review": "publication", "book-review": "publication", "encyclopedia-entry": "publication",
    "magazine-article": "newsletter_article", "newsletter-article": "newsletter_article",
    "newspaper-article": "newsletter_article", "report": "project_report",
    "working-paper": "project_report", "data-set": "dataset", "dataset": "dataset",
    "conference-poster": "presentation", "conference-abstract": "presentation",
    "conference-presentation": "presentation", "lecture-speech": "presentation",
    "public-speech": "presentation", "manual": "training_material",
    "supervised-student-publication": "publication", "standards-and-policy": "policy_brief",
    "technical-standard": "policy_brief",
    # OpenAlex work types
    "article": "publication", "paratext": "other", "editorial": "publication",
    "letter": "publication", "standard": "policy_brief", "peer-review": "publication",
    "supplementary-materials": "dataset", "libguides": "training_material",
    # BibTeX entry types
    "inproceedings": "publication", "incollection": "publication", "inbook": "publication",
    "phdthesis": "publication", "mastersthesis": "publication", "techreport": "project_report",
    "proceedings": "publication", "unpublished": "publication", "misc": "other",
    "online": "other", "presentation": "presentation",
    # RIS reference types
    "JOUR": "publication", "EJOUR": "publication", "BOOK": "publication",
    "CHAP": "publication", "CONF": "publication", "CPAPER": "publication",
    "THES": "publication", "RPRT": "project_report", "GOVDOC": "policy_brief",
    "DATA": "dataset", "SLIDE": "presentation", "NEWS": "newsletter_article",
    "MGZN": "newsletter_article", "ELEC": "other", "WEB": "other", "GEN": "other",
}


def contribution_type(source_type: object) -> str:
    """The contribution type for a source's record type ('other' when unknown)."""
    if not isinstance(source_type, str):
        return "publication"
    key = source_type.strip()
    dashed = key.lower().replace("_", "-")  # ORCID v2 writes JOURNAL_ARTICLE
    return PUBLICATION_TYPES.get(key) or PUBLICATION_TYPES.get(key.lower()) or \
        PUBLICATION_TYPES.get(dashed) or PUBLICATION_TYPES.get(key.upper(), "other")
