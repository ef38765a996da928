"""Imports from the tools communities already use: spreadsheets (csv, xlsx), ORCID, OpenAlex,
BibTeX, RIS and Discourse, each turned into the documented records (indexing/schema.py).

One file per format turns a saved export into ``Work`` items or records (``model.py``);
``matching.py`` links the people they name to members (ORCID iD, forum user name, then
normalised name with rapidfuzz), ``dedup.py`` gives contributions stable ids and merges the same
work seen by several sources, ``pipeline.py`` runs it all through ``indexing.ingest`` (same
all-or-nothing checks, root causes and dry run) and ``report.py`` says what happened.
"""
