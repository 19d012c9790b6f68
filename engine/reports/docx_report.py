"""The consolidated report as a Word document in the form of Nghị định 30/2020 (Phụ lục I), ready to sign:
Times New Roman on A4 with ND30's margins; on a portrait page the heading block, "BÁO CÁO" with its trích
yếu and the figures in words; on landscape pages the Biểu tổng hợp with its "Cách tính" and the Phụ lục chi
tiết; then "Nơi nhận:" and the signer. Pure: a ReportDocument in, bytes out.

python-docx lays out everything but the tables' rows. Those are written as text straight into the saved
file's document.xml, row after row, where the tables leave a marker: built as a tree, a province's
100,000-task appendix took 1.5 GB of memory (and, cell by cell through python-docx, minutes)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Mm, Pt
from docx.table import Table
from lxml.etree import Comment

from engine.reports import document, layout, letter
from engine.reports.document import ReportDocument

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"
A4 = (Mm(210), Mm(297))
# ND30: top 20-25 mm, bottom 20-25, left 30-35, right 15-20. A landscape page turns the binding edge (the
# portrait left) to its top, so its top margin is the portrait's left one and its bottom the right one.
PORTRAIT_MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
LANDSCAPE_MARGINS = {"top": Mm(30), "bottom": Mm(15), "left": Mm(20), "right": Mm(20)}
STT_WIDTH, DATE_WIDTH = Mm(9), Mm(19)  # "STT" and dd/mm/yyyy on one line at 10-11 pt
CELL_MARGIN = 57  # twentieths of a point: 1 mm each side of a cell's text (Word's default is 1.9 mm)
CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)
ALIGN_NAMES = {CENTER: "giữa", LEFT: "trái", RIGHT: "phải"}
BODY = "word/document.xml"
ROWS_MARKER = re.compile(r"<!--rows (\d+)-->")
# Characters XML 1.0 cannot carry (control characters a pasted text may hold): left out of the file.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def report_docx(report: ReportDocument) -> bytes:
    """The .docx of `report`: the letter on a portrait page, signed, then its Biểu tổng hợp and Phụ lục chi
    tiết."""
    word, rows = _new_document(), []
    _letterhead(word, report)
    _paragraph(word, "BÁO CÁO", bold=True, size=14, before=18)
    _paragraph(word, report.title, bold=True, size=14)
    _rule(word, Mm(40))
    for text in letter.summary(report):
        _paragraph(word, text, align=JUSTIFY, first_line=Cm(1.27), after=6)
    _closing(word, report)  # Nghị định 30: signed under its text; the Biểu and the Phụ lục follow it

    _landscape(word)
    _paragraph(word, report.summary_name.upper(), bold=True, size=13)
    _paragraph(word, report.title, italic=True, size=13, after=6)
    if report.rows:
        _summary_table(word, report, rows)
    else:
        _paragraph(word, "Không có nhiệm vụ nào trong kỳ báo cáo.", size=13)
    _paragraph(word, "Cách tính", bold=True, italic=True, size=11, align=LEFT, before=6)
    for note in report.notes:
        _paragraph(word, f"- {note}", size=11, align=JUSTIFY)
    if report.detail:
        _landscape(word)
        _appendix(word, report, rows)
    return _saved(word, rows)


def appendix_docx(report: ReportDocument) -> bytes:
    """The .docx of the report's Phụ lục chi tiết alone (a unit's page), under the heading block, on
    landscape pages."""
    word, rows = _new_document(), []
    _turn(word.sections[0])
    _letterhead(word, report)
    _appendix(word, report, rows, before=12)
    _closing(word, report)
    return _saved(word, rows)


def _appendix(word: WordDocument, report: ReportDocument, rows: list, *, before: float = 0) -> None:
    _paragraph(word, "PHỤ LỤC CHI TIẾT", bold=True, size=13, before=before)
    _paragraph(word, report.title, italic=True, size=13, after=6)
    for n, (unit_name, tasks) in enumerate(report.detail, start=1):
        _paragraph(word, f"{n}. {unit_name}", bold=True, size=12, align=LEFT, before=6, after=3)
        _detail_table(word, tasks, rows)


def _saved(word: WordDocument, rows: list[Iterator[str]]) -> bytes:
    """The .docx, the tables' rows (`rows`, one source of row XML per marker) written in place of their
    markers as document.xml is written into the file, a thousand rows at a time."""
    laid_out = io.BytesIO()
    word.save(laid_out)
    body = io.BytesIO()
    with zipfile.ZipFile(laid_out) as source, zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():  # in their order: [Content_Types].xml first
            if item.filename != BODY:
                target.writestr(item, source.read(item))
                continue
            pieces = ROWS_MARKER.split(source.read(item).decode("utf-8"))
            with target.open(BODY, "w") as out:
                out.write(pieces[0].encode("utf-8"))
                for marker, text in zip(pieces[1::2], pieces[2::2], strict=True):
                    batch = []
                    for row in rows[int(marker)]:
                        batch.append(row)
                        if len(batch) == 1000:
                            out.write("".join(batch).encode("utf-8"))
                            batch.clear()
                    out.write("".join(batch).encode("utf-8") + text.encode("utf-8"))
    return body.getvalue()


def _new_document() -> WordDocument:
    """Times New Roman 14 for the text; A4 portrait with ND30's margins; page numbers from page 2."""
    word = Document()
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    section = word.sections[0]
    section.page_width, section.page_height = A4
    section.orientation = WD_ORIENT.PORTRAIT
    _margins(section, PORTRAIT_MARGINS)
    # ND30: the page number centred in the top margin, from the second page on (a different first page).
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number._p.append(field)
    field.append(_run_element("1", size=Pt(13)))
    return word


def _margins(section, margins: dict[str, Length]) -> None:
    for side, value in margins.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance = Mm(10)


def _landscape(word: WordDocument) -> None:
    """A new landscape A4 section (its header, the page number, follows the first section's)."""
    section = word.add_section(WD_SECTION.NEW_PAGE)
    _turn(section)
    section.different_first_page_header_footer = False  # the new section copied the first one's


def _turn(section) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = A4[1], A4[0]
    _margins(section, LANDSCAPE_MARGINS)


def _text_width(section) -> int:
    return section.page_width - section.left_margin - section.right_margin


def _letterhead(word: WordDocument, report: ReportDocument) -> None:
    """ND30's heading block as a borderless table: the issuer under its parent body with the number
    below, left; the nation's name and motto with the place and date below, right."""
    table = word.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = _text_width(word.sections[0])
    _widths(table, [width * 2 // 5, width - width * 2 // 5])
    issuer, nation = table.rows[0].cells
    _paragraph(issuer, document.PROVINCE, size=13, first=True)
    _paragraph(issuer, report.issuer.upper(), bold=True, size=13)
    _rule(issuer, Mm(20))
    _paragraph(issuer, letter.number_line(report), size=13, before=4)
    # The nation's name at 12 pt (ND30 allows 12-13) holds on one line beside the issuer.
    _paragraph(nation, document.NATION, bold=True, size=12, first=True)
    _paragraph(nation, document.MOTTO, bold=True, size=13)
    _rule(nation, Mm(55))
    _paragraph(nation, report.dateline, italic=True, size=14, before=4)


def _closing(word: WordDocument, report: ReportDocument) -> None:
    """ "Nơi nhận:" and its lines on the left, the signer's title on the right with room to sign."""
    word.add_paragraph()
    table = word.add_table(rows=1, cols=2)
    width = _text_width(word.sections[-1])
    _widths(table, [width // 2, width - width // 2])
    recipients, signer = table.rows[0].cells
    _paragraph(recipients, "Nơi nhận:", bold=True, italic=True, size=12, align=LEFT, first=True)
    for line in report.recipients:
        _paragraph(recipients, line, size=11, align=LEFT)
    _paragraph(signer, report.signer_title, bold=True, size=14, first=True, after=84)


def _summary_table(word: WordDocument, report: ReportDocument, rows: list) -> None:
    """The Biểu tổng hợp: the two-level header of layout.header_rows with its merged cells, one row per
    unit (or group), the totals row in bold; counts and rates right-aligned, written the Vietnamese way."""
    columns = report.columns
    table = _table(word, columns, header_rows=2)
    first, second = layout.header_rows(columns)
    at, below = 0, iter(second)
    for title, colspan, rowspan in first:
        cell = table.cell(0, at)
        if rowspan == 2:
            cell = cell.merge(table.cell(1, at))
        elif colspan > 1:
            cell = cell.merge(table.cell(0, at + colspan - 1))
        _cell(cell, title, bold=True, size=10)
        if rowspan == 1:
            for offset in range(colspan):
                _cell(table.cell(1, at + offset), next(below)[0], bold=True, size=10)
        at += colspan
    aligns = [CENTER, *(_align(c) for c in columns)]
    lines = [[str(n), *(_value(row, c) for c in columns)] for n, row in enumerate(report.rows, start=1)]
    _add_rows(table, lines, aligns, rows, size=11)
    _add_rows(table, [["", *(_value(report.total, c) for c in columns)]], aligns, rows, size=11, bold=True)


def _detail_table(word: WordDocument, tasks: list[dict], rows: list) -> None:
    """One unit's tasks by layout.DETAIL_COLUMNS, dates dd/mm/yyyy."""
    columns = layout.DETAIL_COLUMNS
    table = _table(word, columns, header_rows=1)
    for n, title in enumerate(["STT", *(c.title for c in columns)]):
        _cell(table.cell(0, n), title, bold=True, size=10)
    aligns = [CENTER, *(_align(c) for c in columns)]
    lines = ([str(n), *(_value(task, c) for c in columns)] for n, task in enumerate(tasks, start=1))
    _add_rows(table, lines, aligns, rows, size=10)


def _table(word: WordDocument, columns: list[layout.Column], *, header_rows: int) -> Table:
    """A ruled table across the page with STT and `columns`, its first `header_rows` rows repeated at
    the top of every page; narrow cell margins, so that the figures' columns keep whole words."""
    table = word.add_table(rows=header_rows, cols=len(columns) + 1)
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, _column_widths(columns, _text_width(word.sections[-1])))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


def _add_rows(
    table: Table, lines: Iterable[list[str]], aligns, rows: list, *, size: float, bold: bool = False
) -> None:
    """One row per line of texts, each cell a paragraph in a style that carries its alignment, size and
    weight (the fewest elements per cell): a marker at the table's end now, the rows' XML when the file
    is written (_saved), from `lines` as they come."""
    styles = [_cell_style(table.part.styles, align, size, bold).style_id for align in aligns]
    table._tbl.append(Comment(f"rows {len(rows)}"))
    rows.append(_row_xml(texts, styles) for texts in lines)


def _row_xml(texts: list[str], styles: list[str]) -> str:
    """A table row's XML: each text in a paragraph of its style, a line break in it a Word one."""
    cells = []
    for text, style in zip(texts, styles, strict=True):
        lines = escape(NOT_XML.sub("", text)).replace("\n", '</w:t><w:br/><w:t xml:space="preserve">')
        cells.append(
            f'<w:tc><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{lines}</w:t></w:r></w:p></w:tc>'
        )
    return f"<w:tr>{''.join(cells)}</w:tr>"


def _cell_style(styles, align, size: float, bold: bool):
    """The paragraph style of a table cell ("Bảng 10 phải đậm"), added on first use."""
    name = f"Bảng {size:g} {ALIGN_NAMES[align]}{' đậm' if bold else ''}"
    try:
        return styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles["Normal"]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.paragraph_format.alignment = align
    return style


def _column_widths(columns: list[layout.Column], total: int) -> list[int]:
    """STT and dates as wide as their text on one line; the other columns share the rest as their
    Column.width says."""
    fixed = {n: DATE_WIDTH for n, c in enumerate(columns) if c.kind == "date"}
    rest = total - STT_WIDTH - sum(fixed.values())
    weights = sum(c.width for n, c in enumerate(columns) if n not in fixed)
    return [STT_WIDTH, *(fixed.get(n) or rest * c.width // weights for n, c in enumerate(columns))]


def _widths(table: Table, widths: list[int]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _align(column: layout.Column):
    return {"count": RIGHT, "rate": RIGHT, "date": CENTER}.get(column.kind, LEFT)


def _value(row: dict, column: layout.Column) -> str:
    """A cell's text as the page shows it (letter.figure for counts, rates and dates)."""
    value = layout.cell(row, column)
    return letter.figure(value, column.kind) if column.kind in ("count", "rate", "date") else str(value or "")


def _cell(cell, text: str, *, align=CENTER, size: float, bold: bool = False) -> None:
    """A header cell's title, in the cell's empty paragraph."""
    _paragraph(cell, text, align=align, size=size, bold=bold, first=True)


def _paragraph(
    container,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    align=CENTER,
    first: bool = False,
    before: float = 0,
    after: float = 0,
    first_line: Length | None = None,
):
    """A paragraph of one run; `first`: write into the container's empty first paragraph (a new cell's)."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    spacing = paragraph.paragraph_format
    spacing.space_before, spacing.space_after = Pt(before), Pt(after)
    if first_line is not None:
        spacing.first_line_indent = first_line
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


def _rule(container, width: Length) -> None:
    """The short line ND30 draws under the issuer, the motto and the trích yếu: the top border of an
    empty paragraph indented to `width`, centred under the text above it."""
    paragraph = container.add_paragraph()
    available = _available(container)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = (
        available - width
    ) // 2
    paragraph.paragraph_format.line_spacing = Pt(4)
    paragraph.paragraph_format.space_before, paragraph.paragraph_format.space_after = Pt(2), Pt(4)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in {"val": "single", "sz": "6", "space": "1", "color": "000000"}.items():
        top.set(qn(f"w:{name}"), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)


def _available(container) -> int:
    """The width text can take in `container`: a table cell's, or the page's."""
    if hasattr(container, "width") and container.width:
        return container.width
    return _text_width(container.sections[-1])


def _run_element(text: str, *, size: Length):
    """A bare run of `size` (inside a field, where python-docx's Paragraph.add_run cannot reach)."""
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    measure = OxmlElement("w:sz")
    measure.set(qn("w:val"), str(int(size.pt * 2)))
    properties.append(measure)
    run.append(properties)
    piece = OxmlElement("w:t")
    piece.text = text
    run.append(piece)
    return run
