"""The 人民调解协议书 as a PDF: every field, every signature with its hashes, text extractable.

fpdf2 embeds OpenType CFF fonts (Noto CJK) with widths keyed by the wrong CIDs, so text
extraction and some viewers misplace glyphs. We therefore subset the CJK face to the
characters used and convert its outlines to TrueType first; fpdf2's TrueType path is sound.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fpdf import FPDF

from console.core.agreement import AgreementRecord, expected_signers
from console.core.clock import to_local

FONT_CANDIDATES = (
    # (file, face index in the collection): Simplified Chinese first.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)


class FontMissing(RuntimeError):
    """No CJK font to embed: the PDF would show no Chinese."""


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    size: float = 11.0
    align: str = "L"
    gap: float = 0.0


def _font_file() -> tuple[str, int]:
    for path, index in FONT_CANDIDATES:
        if os.path.exists(path):
            return path, index
    raise FontMissing("找不到中文字体 (fonts-noto-cjk is not installed)")


def truetype_subset(text: str) -> bytes:
    """The CJK face cut to `text`'s characters, with quadratic (TrueType) outlines."""
    path, index = _font_file()
    font = TTFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    options.desubroutinize = True
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text + " "))))
    subsetter.subset(font)
    if "glyf" in font:
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name in order:
        g = glyf[name]
        hmtx[name] = (hmtx[name][0], g.xMin if g.numberOfContours else 0)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None
    font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _when(t: datetime | None) -> str:
    return f"{to_local(t):%Y-%m-%d %H:%M:%S} (UTC+8)" if t else "—"


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _lines(record: AgreementRecord) -> list[Line]:
    c = record.content
    out = [
        Line("人民调解协议书", 20, "C", 4),
        Line(f"编号：{c.number}", 11, "R"),
        Line(f"调解委员会：{c.committee}"),
        Line(
            f"案件编号：{c.case_number}"
            + (f"（{record.category_zh}）" if record.category_zh else "")
        ),
        Line(
            f"视频调解室：{record.room_name or '—'}"
            + (f"（房间号 {c.room_id}）" if c.room_id is not None else ""),
            gap=3,
        ),
        Line("当事人", 13, gap=1),
    ]
    for p in c.parties:
        out.append(
            Line(
                f"{p.side.zh}：{p.name}，{p.id_type.zh}：{p.id_number}，"
                f"住址：{p.address or '—'}，电话：{p.phone or '—'}"
            )
        )
    out.append(Line("调解员：" + "、".join(m.name for m in c.mediators), gap=3))
    for title, body in (
        ("纠纷事实", c.facts),
        ("争议事项", c.disputed_matters),
        ("各方责任", c.responsibilities),
        ("经调解，当事人自愿达成如下协议", c.agreed_terms),
    ):
        out += [Line(title, 13, gap=1), Line(body or "—", gap=3)]
    out += [
        Line("履行", 13, gap=1),
        Line(f"履行方式：{c.performance_manner or '—'}"),
        Line(f"履行地点：{c.performance_place or '—'}"),
        Line(f"履行期限：{_day(c.performance_deadline)}", gap=3),
        Line(
            f"本协议书一式{c.copies}份，当事人各执一份，{c.committee}留存一份。"
            "自各方当事人签名、调解员签名并加盖调解委员会印章之日起生效。",
            gap=3,
        ),
        Line(f"协议内容SHA-256：{record.content_sha256}", 8, gap=3),
    ]
    return out


def _signature_lines(record: AgreementRecord, images: dict[str, bytes]) -> list[Line | bytes]:
    """The signing section: each expected signer, with picture and hashes once signed."""
    signed = {s.signer_key: s for s in record.signatures}
    names = {p.key: (p.side.zh, p.name) for p in record.content.parties}
    names.update({m.key: ("调解员", m.name) for m in record.content.mediators})
    out: list[Line | bytes] = [Line("签署", 13, gap=1)]
    for key in expected_signers(record.content):
        label, name = names[key]
        sig = signed.get(key)
        if sig is None:
            out.append(Line(f"{label}：{name}（未签署）", gap=1))
            continue
        out.append(Line(f"{label}：{sig.signer_name}　签署时间：{_when(sig.signed_at)}"))
        if images.get(key):
            out.append(images[key])
        out += [
            Line(f"签名图像SHA-256：{sig.image_sha256}", 8),
            Line(f"所签协议内容SHA-256：{sig.content_sha256}", 8, gap=2),
        ]
    return out


def _tail_lines(record: AgreementRecord) -> list[Line]:
    c = record.content
    out = [
        Line(f"{c.committee}（印）", 12, "R", 1),
        Line(f"生效日期：{_when(record.signed_at)}", 11, "R", 4),
        Line("司法确认", 13, gap=1),
        Line(
            "当事人可自协议生效之日起三十日内共同向人民法院申请司法确认。"
            f"申请期限：{_when(record.judicial_deadline)}；"
            f"状态：{record.judicial_state.zh if record.judicial_state else '—'}",
            gap=3,
        ),
        Line("回访", 13, gap=1),
    ]
    if not record.follow_ups:
        out.append(Line("协议生效后安排回访。"))
    for i, f in enumerate(record.follow_ups, 1):
        done = f"已回访 {_when(f.done_at)} {f.note}" if f.done_at else "待回访"
        out.append(Line(f"第{i}次回访：{_when(f.due_at)}　{done}"))
    if record.outcome is not None:
        channel = f"，移交{record.outcome_channel.zh}" if record.outcome_channel else ""
        out.append(Line(f"调解结果：{record.outcome.zh}{channel}。{record.outcome_note}", gap=2))
    return out


def render(record: AgreementRecord, images: dict[str, bytes]) -> bytes:
    """The PDF's bytes; `images` are the signature PNGs by signer key."""
    items = [*_lines(record), *_signature_lines(record, images), *_tail_lines(record)]
    text = "".join(i.text for i in items if isinstance(i, Line))
    family = "cjk"
    pdf = FPDF(format="A4")
    pdf.set_title(f"人民调解协议书 {record.content.number}")
    pdf.set_creator("四频合一 console")
    pdf.set_auto_page_break(True, margin=18)
    # fpdf2 loads fonts from files only; the subset lives as long as this rendering.
    with tempfile.TemporaryDirectory(prefix="agreement-font-") as tmp:
        font_path = Path(tmp) / "cjk.ttf"
        font_path.write_bytes(truetype_subset(text))
        pdf.add_font(family, fname=font_path)
        pdf.add_page()
        for item in items:
            if isinstance(item, bytes):
                if pdf.will_page_break(20):
                    pdf.add_page()
                pdf.image(io.BytesIO(item), h=18)
                continue
            pdf.set_font(family, size=item.size)
            pdf.multi_cell(
                0, item.size * 0.55, item.text, align=item.align, new_x="LMARGIN", new_y="NEXT"
            )
            if item.gap:
                pdf.ln(item.gap)
        return bytes(pdf.output())


def write_pdf(record: AgreementRecord, images: dict[str, bytes], path: Path) -> str:
    """Write the PDF to `path` (through a temporary file, so no half file stays); its sha256."""
    data = render(record, images)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()
