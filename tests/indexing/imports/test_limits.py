"""#26 item 6: a workbook is refused by what it would inflate to, before its XML is parsed, and
a sheet or CSV by its rows; each refusal names the file."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from indexing.errors import ImportTooLarge
from indexing.imports import tabular
from indexing.imports.model import ImportOptions

ROW = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{text}</t></is></c></row>'


def bomb(path: Path, rows: int, text: str = "x" * 200) -> Path:
    """A valid workbook whose one sheet holds many identical rows: a few KB compressed, MBs
    inflated (as the 187 KB file of the issue inflated to ~60 MB)."""
    book = openpyxl.Workbook()
    book.active.append(["Full name", "Country"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = "".join(ROW.format(n=n, text=text) for n in range(1, rows + 1))
                xml = data.decode()
                start, end = xml.index("<sheetData"), xml.index("</sheetData>")
                data = (xml[:start] + f"<sheetData>{body}" + xml[end:]).encode()
            out.writestr(item, data)
    return path


def test_a_workbook_that_inflates_past_the_cap_is_refused_unparsed(tmp_path: Path) -> None:
    path = bomb(tmp_path / "crm.xlsx", rows=40_000)  # ~11 MB of XML
    inflated = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert path.stat().st_size < 300_000 and inflated > 30 * path.stat().st_size
    options = ImportOptions(max_uncompressed_bytes=2_000_000)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ImportTooLarge) as exc:
        tabular.read_xlsx(path, options)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "crm.xlsx" in str(exc.value) and exc.value.field == "file"
    assert "import_max_uncompressed_bytes" in str(exc.value)
    assert seconds < 2 and peak < 20_000_000  # refused from the zip directory, not parsed


def test_declared_sizes_are_checked_then_the_bytes_themselves(tmp_path: Path) -> None:
    path = bomb(tmp_path / "crm.xlsx", rows=2_000)
    declared = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    with pytest.raises(ImportTooLarge, match="inflates to"):
        tabular.check_workbook(path, declared - 1)
    tabular.check_workbook(path, declared)  # at the cap: read


def test_rows_past_the_cap_are_refused_naming_the_file(tmp_path: Path) -> None:
    path = bomb(tmp_path / "members.xlsx", rows=300)
    with pytest.raises(ImportTooLarge, match=r"members\.xlsx.*more than 100 rows"):
        tabular.read_xlsx(path, ImportOptions(max_rows=100))
    csv = tmp_path / "members.csv"
    csv.write_text("Full name,Country\n" + "Ana,KE\n" * 150)
    with pytest.raises(ImportTooLarge, match=r"members\.csv"):
        tabular.read_csv(csv, ImportOptions(max_rows=100))
    assert len(tabular.read_csv(csv, ImportOptions(max_rows=200)).tables[0].rows) == 151


def test_a_damaged_zip_is_a_named_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "crm.xlsx"
    good = bomb(tmp_path / "good.xlsx", rows=10).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    batch = tabular.read_xlsx(path, ImportOptions())
    (error,) = batch.errors
    assert error.field == "file" and "not a readable .xlsx" in error.message


def test_every_row_is_read_whatever_range_the_sheet_declares(tmp_path: Path) -> None:
    path = bomb(tmp_path / "members.xlsx", rows=300)  # its <dimension> still says A1:B1
    assert len(tabular.read_xlsx(path, ImportOptions(max_rows=1000)).tables[0].rows) == 300
