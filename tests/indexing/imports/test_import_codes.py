"""What an import file or its options get wrong is said as a code with its figures, beside the
English message, so the page can say it in its own language (indexing.errors.IMPORT_CODES):
each reader's refusals on broken files, the options' refusals, every code the readers write
listed, and every listed code said in the five catalogues with exactly its figures."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from api.routes import page
from indexing.errors import IMPORT_CODES, RecordError, ValidationFailed
from indexing.imports.options import ImportForm, make_options
from indexing.imports.pipeline import read_source
from indexing.settings import Settings
from tests.code_scan import coded_calls, literal

ROOT = Path(__file__).resolve().parents[3]
BROKEN = ROOT / "tests" / "data" / "imports"
# codes of the request's checks an import reuses (their sentences exist for the requests)
REUSED = {"one_of", "between", "not_found", "not_country_name", "missing"}


def _errors(fmt: str, path: Path) -> list[RecordError]:
    try:
        return list(read_source(fmt, path, make_options(Settings(), ImportForm())).errors)
    except ValidationFailed as exc:
        return exc.errors


def _one(errors: list[RecordError], code: str) -> RecordError:
    found = [e for e in errors if e.code == code]
    assert len(found) == 1, [(e.code, e.message) for e in errors]
    return found[0]


def _write(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def test_a_broken_file_of_each_format_gives_its_code(tmp_path: Path) -> None:
    ris = _errors("ris", BROKEN / "ris" / "broken.ris")
    assert _one(ris, "not_closed").params == {"closer": "ER  - "}
    assert _one(ris, "not_closed").line == 7
    assert _one(ris, "outside_record").params == {"opener": "TY  - "}
    bib = _write(tmp_path, "a.bib", b"@article{ok,\n title={Fine},\n year={2020}\n}\n\n"
                 b"@article{bad,\n title={Never closed,\n year={2021}\n")
    assert _one(_errors("bibtex", bib), "unreadable_entry").field == "entry"
    assert _one(_errors("openalex", _write(tmp_path, "a.json", b"{bad")), "bad_json").line == 1
    page_shape = _one(_errors("openalex", _write(tmp_path, "b.json", b"[1, 2]")),
                      "unexpected_shape")
    assert page_shape.params == {"expected": '{"results": [...]}'}
    assert _one(_errors("openalex", _write(tmp_path, "c.json", b'{"results": [1]}')),
                "unexpected_shape").field == "record"
    assert _one(_errors("orcid", _write(tmp_path, "d.json", b"[]")), "unexpected_shape")
    assert _one(_errors("orcid", _write(tmp_path, "e.json", b"{}")), "no_orcid_id")
    forum = _one(_errors("discourse", _write(tmp_path, "f.json", b'{"x": 1}')),
                 "unexpected_shape")
    assert forum.params == {"expected": "categories.json, /t/{id}.json"}
    assert _one(_errors("xlsx", _write(tmp_path, "g.xlsx", b"not a zip")),
                "unreadable_workbook")
    latin = _write(tmp_path, "h.csv", bytes([0x80, 0x81, 0xFE, 0xFF, 0x00, 0x9D]) * 40)
    assert _one(_errors("csv", latin), "not_utf8").params == {"byte": "0x80"}
    unknown = _one(_errors("marc", tmp_path), "one_of")
    assert "ris" in unknown.params["allowed"]  # type: ignore[operator]


def test_real_exports_cut_short_give_the_codes_of_their_format(tmp_path: Path) -> None:
    """A download that stopped half-way (the real exports of tests/data/imports/real, cut
    before their end) is said by its format's code, at the record it cut."""
    real = BROKEN / "real"
    ris = (real / "scopus-woodpeckers.ris").read_bytes()
    cut = _write(tmp_path, "cut.ris", ris[: ris.rindex(b"ER  -")])
    assert _one(_errors("ris", cut), "not_closed").params == {"closer": "ER  - "}
    bib = (real / "zotero-earthcube.bib").read_bytes()
    cut = _write(tmp_path, "cut.bib", bib[: bib.rindex(b"}", 0, len(bib) - 2)])
    assert _one(_errors("bibtex", cut), "unreadable_entry")
    page_json = (real / "openalex-shm-page.json").read_bytes()
    cut = _write(tmp_path, "cut.json", page_json[: len(page_json) // 2])
    assert _one(_errors("openalex", cut), "bad_json").line


@pytest.mark.parametrize(("form", "field", "code", "params"), [
    (ImportForm(records="people"), "records", "one_of",
     {"allowed": ["members", "organisations"]}),
    (ImportForm(create_members="boss", country="KE"), "create_members", "one_of", None),
    (ImportForm(country="Atlantide"), "country", "not_country_name", {"value": "Atlantide"}),
    (ImportForm(create_members="occasional"), "country", "country_needed", {}),
    (ImportForm(default_space="Team Space"), "default_space", "not_space_name",
     {"value": "Team Space"}),
    (ImportForm(name_threshold=20), "name_threshold", "between", {"low": 50, "high": 100}),
    (ImportForm(map_pairs=("Name",)), "map", "not_column_field", {"pair": "Name"}),
    (ImportForm(users_text="alice"), "users", "unexpected_shape",
     {"expected": "username,member_id"}),
])
def test_an_options_refusal_gives_its_code(form: ImportForm, field: str, code: str,
                                           params: dict[str, object] | None) -> None:
    with pytest.raises(ValidationFailed) as caught:
        make_options(Settings(), form)
    (error,) = caught.value.errors
    assert (error.field, error.code) == (field, code), error
    if params is not None:
        assert dict(error.params) == params
    assert error.message  # the English stays, for the CLI and the API's detail


def _written_codes() -> list[tuple[Path, int, str, set[str] | None]]:
    """Each ``RecordError(...)`` (and options' ``_refuse(...)``) in indexing/ with a literal
    code: (file, line, code, the names of a literal params dict)."""
    return [(path, line, str(literal(code)), None if not isinstance(params, ast.Dict) else {
                str(literal(k)) for k in params.keys if isinstance(k, ast.Constant)})
            for path, line, code, params in coded_calls({"RecordError": 5, "_refuse": 2},
                                                        ("indexing",))
            if isinstance(literal(code), str)]


def test_every_code_the_readers_write_is_listed_with_its_figures() -> None:
    written = _written_codes()
    for path, line, code, names in written:
        assert code in IMPORT_CODES or code in REUSED, f"{path}:{line}: {code!r}"
        if code in IMPORT_CODES:
            assert (names or set()) == set(IMPORT_CODES[code]), f"{path}:{line}: {names}"
    assert {code for *_, code, _ in written} >= set(IMPORT_CODES)  # none listed for nothing


@pytest.mark.parametrize("language", ["en", "fr", "es", "pt", "ar"])
def test_every_import_code_is_said_in_each_language_with_its_figures(language: str) -> None:
    catalogue = json.loads((Path(page.STATIC_DIR) / "i18n" / f"{language}.json")
                           .read_text("utf-8"))
    for code, names in IMPORT_CODES.items():
        sentence = catalogue.get(f"error.code.{code}")
        assert isinstance(sentence, str), (language, code)
        assert set(re.findall(r"\{(\w+)\}", sentence)) == set(names), (language, code)
    for code in REUSED:
        assert f"error.code.{code}" in catalogue, (language, code)
