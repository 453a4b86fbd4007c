"""Camera catalogue imports: parse and check CSV or GB/T 28181 Catalog files; credentials apart.

Parsing is pure and happens in full before anything is written: a file either yields rows
(with the bad ones reported by line or item number and left out) or is refused as a whole
with `CatalogFormatError`. Stream credentials found inside an imported URL are moved to
their own fields, so that a URL can be shown or logged as it is; `with_credentials` puts
them back only for connecting.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from pypinyin import Style, lazy_pinyin

from console.core.codes import CameraStatus, PtzType

NAME_MAX = 120
ADDRESS_MAX = 200
MAKER_MAX = 60
URL_MAX = 500
USERNAME_MAX = 64
PASSWORD_MAX = 128
CSV_DEVICE_ID_MAX = 20
INITIALS_MAX = 60

NETWORK_SCHEMES = ("rtsp", "rtsps", "http", "https")
FILE_SCHEME = "file"
# GB/T 28181 device ids: digits 11-13 are the type code; 131 camera, 132 network camera.
CAMERA_TYPE_CODES = ("131", "132")
_LOCAL_DEVICE = re.compile(r"^/dev/video\d+$")
_GB_DEVICE_ID = re.compile(r"^\d{20}$")
_CIVIL_CODE = re.compile(r"^\d{2,24}$")
_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_FORBIDDEN_XML = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

Format = Literal["csv", "gb28181"]
# A row's cell by column key; None when the file has no such column.
_CellFn = Callable[[str], "str | None"]


class CatalogFormatError(ValueError):
    """The file as a whole cannot be read as a camera catalogue; nothing may be imported."""


@dataclass(frozen=True, slots=True)
class CameraImportRow:
    """One camera as a file describes it.

    For the optional fields None means "the file says nothing", so an update keeps what the
    store has (a GB/T 28181 catalogue carries no stream URLs, and must not wipe them); an
    empty string means "the file says empty" and clears the value.
    """

    line: int
    device_id: str
    name: str
    name_initials: str
    address: str | None = None
    civil_code: str | None = None
    parent_device_id: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    status: CameraStatus | None = None
    ptz_type: PtzType | None = None
    longitude: float | None = None
    latitude: float | None = None
    main_url: str | None = None
    sub_url: str | None = None
    sensitive: bool | None = None
    stream_username: str | None = None
    stream_password: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A row or item left out of the import, with what the operator should fix."""

    number: int
    message: str
    unit: Literal["line", "item", "file"] = "line"

    def text(self) -> str:
        if self.unit == "line":
            return f"第 {self.number} 行: {self.message}"
        if self.unit == "item":
            return f"第 {self.number} 项: {self.message}"
        return self.message


@dataclass(frozen=True, slots=True)
class ImportParse:
    format: Format
    rows: tuple[CameraImportRow, ...]
    problems: tuple[ImportProblem, ...] = ()
    skipped_non_camera: int = 0
    """Catalog items that are not cameras (platforms, NVRs, alarm inputs, directories)."""


@dataclass(frozen=True, slots=True)
class ImportCounts:
    created_ids: tuple[int, ...] = ()
    updated_ids: tuple[int, ...] = ()
    unchanged: int = 0

    @property
    def created(self) -> int:
        return len(self.created_ids)

    @property
    def updated(self) -> int:
        return len(self.updated_ids)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, for the operator: counts, the rows left out and why."""

    file_name: str
    format: Format
    created: int
    updated: int
    unchanged: int
    skipped_non_camera: int
    problems: tuple[ImportProblem, ...]

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{self.file_name}: 新增 {self.created}, 更新 {self.updated}, 未变 {self.unchanged}, "
            f"非摄像机跳过 {self.skipped_non_camera}, 问题 {len(self.problems)}"
        )


# --- pinyin initials


@lru_cache(maxsize=65_536)
def pinyin_initials(text: str) -> str:
    """Lower-case pinyin initials of a name, other characters kept ("建国路2号" → "jgl2h").

    Cached: pypinyin takes tens of µs per name and catalogues repeat their name parts.
    """
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()[:INITIALS_MAX]


# --- credentials


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """(url without user:password@, username, password), each credential percent-decoded."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return clean, unquote(user) or None, unquote(password) if sep else None


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """The URL to connect with: credentials percent-encoded into a network URL's authority."""
    parts = urlsplit(url)
    if not username or parts.scheme.lower() not in NETWORK_SCHEMES:
        return url
    hostport = parts.netloc.rpartition("@")[2]
    userinfo = quote(username, safe="")
    if password:
        userinfo += ":" + quote(password, safe="")
    return urlunsplit(
        (parts.scheme, f"{userinfo}@{hostport}", parts.path, parts.query, parts.fragment)
    )


def redact_url(url: str) -> str:
    """The URL with any embedded credentials removed, safe for logs and messages."""
    return split_credentials(url)[0]


def check_stream_url(url: str) -> str | None:
    """Why the URL cannot be a stream source, or None when it can.

    The reason never quotes the URL: it may carry a password.
    """
    if len(url) > URL_MAX:
        return f"地址超过 {URL_MAX} 个字符"
    if any(c.isspace() for c in url):
        return "地址含有空白字符"
    if _LOCAL_DEVICE.match(url):
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in NETWORK_SCHEMES:
        if not parts.hostname:
            return f"{scheme} 地址缺少主机"
        try:
            parts.port  # noqa: B018 — raises on a port that is not a number in range
        except ValueError:
            return f"{scheme} 地址的端口无效"
        return None
    if scheme == FILE_SCHEME:
        return None if parts.path else "file 地址缺少路径"
    if url.startswith("/dev/"):
        return "本地设备须为 /dev/videoN"
    shown = f"“{scheme}”" if scheme else "无"
    return f"不支持的协议 {shown}（可用 rtsp、rtsps、http、https、file 或 /dev/videoN）"


# --- decoding


def decode_text(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), else GB18030 (GBK/GB2312 as Excel saves)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise CatalogFormatError("文件编码无法识别（应为 UTF-8 或 GBK/GB2312）") from exc


# --- CSV

_CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "device_id": ("设备编码", "设备编号", "设备id", "国标编码", "device_id", "deviceid", "code"),
    "name": ("名称", "设备名称", "点位名称", "name"),
    "address": ("地址", "安装地址", "address"),
    "civil_code": ("行政区划", "行政区划代码", "civil_code", "civilcode"),
    "parent_device_id": ("上级设备", "父设备", "parent_id", "parentid", "parent_device_id"),
    "longitude": ("经度", "longitude", "lon", "lng"),
    "latitude": ("纬度", "latitude", "lat"),
    "main_url": ("主码流", "主码流地址", "main_url"),
    "sub_url": ("子码流", "子码流地址", "sub_url"),
    "username": ("用户名", "username", "user"),
    "password": ("密码", "password"),
    "sensitive": ("敏感", "敏感点位", "sensitive"),
    "manufacturer": ("厂商", "生产厂商", "manufacturer"),
    "model": ("型号", "model"),
    "status": ("状态", "status"),
    "ptz_type": ("云台类型", "ptz_type", "ptztype"),
}
_CSV_ALIASES = {alias: key for key, aliases in _CSV_COLUMNS.items() for alias in aliases}
_TRUE = {"1", "是", "true", "yes", "y", "敏感"}
_FALSE = {"", "0", "否", "false", "no", "n"}
_STATUS_WORDS = {
    "on": CameraStatus.ONLINE,
    "online": CameraStatus.ONLINE,
    "1": CameraStatus.ONLINE,
    "在线": CameraStatus.ONLINE,
    "off": CameraStatus.OFFLINE,
    "offline": CameraStatus.OFFLINE,
    "0": CameraStatus.OFFLINE,
    "离线": CameraStatus.OFFLINE,
    "fault": CameraStatus.FAULT,
    "故障": CameraStatus.FAULT,
}


class _RowError(Exception):
    """A reason to leave one row out."""


def _column_key(header: str) -> str:
    return header.strip().lower().replace(" ", "")


def parse_csv(text: str) -> ImportParse:
    """Rows of a CSV catalogue whose header names the columns in Chinese or English."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise CatalogFormatError("不是 CSV 文本文件")
    header_line = text.split("\n", 1)[0]
    # The header tells the delimiter: Excel in a Chinese locale writes commas, some tools tabs.
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CatalogFormatError("CSV 文件为空") from None
    except csv.Error as exc:
        raise CatalogFormatError(f"CSV 格式错误: {exc}") from None
    index: dict[str, int] = {}
    for i, heading in enumerate(header):
        key = _CSV_ALIASES.get(_column_key(heading))
        if key is not None and key not in index:
            index[key] = i
    missing = [c for c in ("device_id", "name") if c not in index]
    if missing:
        names = "、".join(f"{_CSV_COLUMNS[c][0]}/{c}" for c in missing)
        raise CatalogFormatError(f"CSV 表头缺少列: {names}")

    rows: list[CameraImportRow] = []
    problems: list[ImportProblem] = []
    first_line: dict[str, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue

            def cell(key: str, cells: list[str] = cells) -> str | None:
                i = index.get(key)
                if i is None:
                    return None
                return cells[i].strip() if i < len(cells) else ""

            try:
                row = _csv_row(line, cell)
            except _RowError as exc:
                problems.append(ImportProblem(line, str(exc)))
                continue
            if row.device_id in first_line:
                problems.append(
                    ImportProblem(
                        line, f"设备编码 {row.device_id} 与第 {first_line[row.device_id]} 行重复"
                    )
                )
                continue
            first_line[row.device_id] = line
            rows.append(row)
    except csv.Error as exc:
        problems.append(ImportProblem(reader.line_num, f"CSV 格式错误，其后各行未读: {exc}"))
    return ImportParse("csv", tuple(rows), tuple(problems))


def _csv_row(line: int, cell: _CellFn) -> CameraImportRow:
    device_id = cell("device_id") or ""
    if not device_id:
        raise _RowError("缺少设备编码")
    if len(device_id) > CSV_DEVICE_ID_MAX:
        raise _RowError(f"设备编码超过 {CSV_DEVICE_ID_MAX} 个字符")
    name = _name(cell("name") or "")
    main_url, main_user, main_pass = _url(cell("main_url"), "主码流")
    sub_url, sub_user, sub_pass = _url(cell("sub_url"), "子码流")
    username, password = cell("username"), cell("password")
    embedded = {(u, p) for u, p in ((main_user, main_pass), (sub_user, sub_pass)) if u or p}
    if len(embedded) > 1:
        raise _RowError("主码流与子码流地址中的用户名密码不一致")
    if embedded and not username and not password:
        username, password = embedded.pop()
    if username is not None and len(username) > USERNAME_MAX:
        raise _RowError(f"用户名超过 {USERNAME_MAX} 个字符")
    if password is not None and len(password) > PASSWORD_MAX:
        raise _RowError(f"密码超过 {PASSWORD_MAX} 个字符")
    longitude, latitude = _coordinates(cell("longitude"), cell("latitude"))
    return CameraImportRow(
        line=line,
        device_id=device_id,
        name=name,
        name_initials=pinyin_initials(name),
        address=_clip(cell("address"), ADDRESS_MAX),
        civil_code=_civil_code(cell("civil_code")),
        parent_device_id=_clip(cell("parent_device_id"), CSV_DEVICE_ID_MAX),
        manufacturer=_clip(cell("manufacturer"), MAKER_MAX),
        model=_clip(cell("model"), MAKER_MAX),
        status=_status(cell("status")),
        ptz_type=_ptz(cell("ptz_type"), strict=True),
        longitude=longitude,
        latitude=latitude,
        main_url=main_url,
        sub_url=sub_url,
        sensitive=_flag(cell("sensitive")),
        stream_username=username,
        stream_password=password,
    )


def _name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise _RowError("缺少名称")
    if len(name) > NAME_MAX:
        raise _RowError(f"名称超过 {NAME_MAX} 个字符")
    return name


def _clip(value: str | None, limit: int) -> str | None:
    # Descriptive fields are cut to their column size rather than losing the camera.
    return None if value is None else value.strip()[:limit]


def _url(raw: str | None, what: str) -> tuple[str | None, str | None, str | None]:
    if raw is None or raw == "":
        return raw, None, None
    reason = check_stream_url(raw)
    if reason is not None:
        raise _RowError(f"{what}: {reason}")
    return split_credentials(raw)


def _coordinates(lon_raw: str | None, lat_raw: str | None) -> tuple[float | None, float | None]:
    lon = _number(lon_raw, "经度")
    lat = _number(lat_raw, "纬度")
    if lon is not None and not -180.0 <= lon <= 180.0:
        raise _RowError(f"经度 {lon} 超出范围 -180 ~ 180")
    if lat is not None and not -90.0 <= lat <= 90.0:
        raise _RowError(f"纬度 {lat} 超出范围 -90 ~ 90")
    if lon == 0.0 and lat == 0.0:
        # Platforms send 0/0 for "not surveyed"; it is not a place in the Gulf of Guinea.
        return None, None
    return lon, lat


def _number(raw: str | None, what: str) -> float | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _RowError(f"{what}“{raw.strip()[:20]}”不是数字") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _RowError(f"{what}不是有限数字")
    return value


def _civil_code(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return raw
    if not _CIVIL_CODE.match(raw):
        raise _RowError("行政区划代码应为 2 到 24 位数字")
    return raw


def _status(raw: str | None) -> CameraStatus | None:
    if raw is None or raw == "":
        return None
    status = _STATUS_WORDS.get(raw.strip().lower())
    if status is None:
        raise _RowError(f"状态“{raw[:20]}”无法识别（在线/离线/故障 或 ON/OFF）")
    return status


def _ptz(raw: str | None, *, strict: bool) -> PtzType | None:
    if raw is None or raw.strip() in ("", "0"):
        return None
    value = raw.strip()
    for ptz in PtzType:
        if value in (ptz.code, ptz.zh):
            return ptz
    if strict:
        raise _RowError(f"云台类型“{value[:20]}”无法识别（1 球机、2 半球、3 固定枪机、4 遥控枪机）")
    return None


def _flag(raw: str | None) -> bool | None:
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _RowError(f"敏感标志“{raw[:20]}”无法识别（是/否）")


# --- GB/T 28181 Catalog


def parse_gb28181_catalog(data: bytes) -> ImportParse:
    """Cameras of a GB/T 28181 Catalog response (MANSCDP XML), in any declared encoding."""
    root = _xml_root(data)
    if root.tag != "Response" or (root.findtext("CmdType") or "").strip() != "Catalog":
        raise CatalogFormatError("不是 GB/T 28181 目录查询应答（应为 <Response><CmdType>Catalog）")
    device_list = root.find("DeviceList")
    items = device_list.findall("Item") if device_list is not None else []
    rows: list[CameraImportRow] = []
    problems: list[ImportProblem] = []
    skipped = 0
    first_item: dict[str, int] = {}
    declared = device_list.get("Num") if device_list is not None else None
    if declared is not None and declared.strip().isdigit() and int(declared) != len(items):
        problems.append(
            ImportProblem(0, f"DeviceList 声明 {declared.strip()} 项，实际 {len(items)} 项", "file")
        )
    for number, item in enumerate(items, 1):
        device_id = (item.findtext("DeviceID") or "").strip()
        if not _GB_DEVICE_ID.match(device_id):
            problems.append(ImportProblem(number, "DeviceID 应为 20 位数字", "item"))
            continue
        if device_id[10:13] not in CAMERA_TYPE_CODES:
            skipped += 1
            continue
        try:
            row = _gb_row(number, device_id, item)
        except _RowError as exc:
            problems.append(ImportProblem(number, f"{device_id} {exc}", "item"))
            continue
        if device_id in first_item:
            problems.append(
                ImportProblem(
                    number, f"DeviceID {device_id} 与第 {first_item[device_id]} 项重复", "item"
                )
            )
            continue
        first_item[device_id] = number
        rows.append(row)
    return ImportParse("gb28181", tuple(rows), tuple(problems), skipped)


def _gb_row(number: int, device_id: str, item: ET.Element) -> CameraImportRow:
    def text(tag: str) -> str | None:
        value = item.findtext(tag)
        return None if value is None else value.strip()

    name = _name(text("Name") or "")
    longitude, latitude = _coordinates(text("Longitude"), text("Latitude"))
    civil = text("CivilCode")
    parent = text("ParentID")
    status = (text("Status") or "").upper()
    secrecy = text("Secrecy")
    return CameraImportRow(
        line=number,
        device_id=device_id,
        name=name,
        name_initials=pinyin_initials(name),
        address=_clip(text("Address"), ADDRESS_MAX),
        civil_code=civil if civil and _CIVIL_CODE.match(civil) else None,
        parent_device_id=parent if parent and _GB_DEVICE_ID.match(parent) else None,
        manufacturer=_clip(text("Manufacturer"), MAKER_MAX),
        model=_clip(text("Model"), MAKER_MAX),
        status={"ON": CameraStatus.ONLINE, "ONLINE": CameraStatus.ONLINE}.get(
            status, CameraStatus.OFFLINE if status in ("OFF", "OFFLINE") else None
        ),
        ptz_type=_ptz(item.findtext("Info/PTZType"), strict=False),
        longitude=longitude,
        latitude=latitude,
        # Secrecy 1 is the catalogue's own "restricted" flag: treat such cameras as sensitive.
        sensitive=True if secrecy == "1" else None,
    )


def _xml_root(data: bytes) -> ET.Element:
    text = _xml_text(data)
    if _FORBIDDEN_XML.search(text):
        # Entities are how XML bombs and external-entity reads work; a catalogue needs none.
        raise CatalogFormatError("XML 含有 DOCTYPE 或实体声明，已拒绝")
    try:
        return ET.fromstring(_XML_DECL.sub("", text, count=1))
    except ET.ParseError as exc:
        raise CatalogFormatError(f"XML 格式错误: {exc}") from None


def _xml_text(data: bytes) -> str:
    # expat reads only UTF-8/16 and Latin-1 itself, while platforms send GB2312: decode here,
    # with GB18030 standing in for GB2312 and GBK, which it contains.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        declared = _XML_DECL_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
        encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
        if encoding in ("gb2312", "gbk", "gb18030", "gb_2312-80", "cp936"):
            encoding = "gb18030"
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except LookupError:
        raise CatalogFormatError(f"XML 声明了未知编码 {encoding}") from None
    except UnicodeDecodeError:
        if encoding not in ("utf-8", "utf8"):
            raise CatalogFormatError(f"XML 内容不是有效的 {encoding} 编码") from None
    # Some platforms declare (or omit) UTF-8 and still send GBK.
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise CatalogFormatError("XML 内容既不是有效的 UTF-8 也不是 GBK 编码") from None


# --- either format


def sniff_format(file_name: str, data: bytes) -> Format:
    """csv or gb28181 by the file name's extension, else by the content."""
    lower = file_name.lower()
    if lower.endswith(".xml"):
        return "gb28181"
    if lower.endswith((".csv", ".txt")):
        return "csv"
    head = data[:512].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n")
    if head.startswith(b"<"):
        return "gb28181"
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CatalogFormatError("不是 CSV 或 XML 文件")
    try:
        text = decode_text(data[:4096])
    except CatalogFormatError:
        raise CatalogFormatError("不是 CSV 或 XML 文件") from None
    first = text.splitlines()[0] if text.strip() else ""
    if any(_CSV_ALIASES.get(_column_key(c)) for c in re.split(r"[,;\t]", first)):
        return "csv"
    raise CatalogFormatError("不是 CSV 或 XML 文件（CSV 须有表头，XML 须为 GB/T 28181 目录应答）")


def parse_file(file_name: str, data: bytes) -> ImportParse:
    """Parse a whole catalogue file; raises CatalogFormatError when it is neither format."""
    if sniff_format(file_name, data) == "gb28181":
        return parse_gb28181_catalog(data)
    text = decode_text(data)
    return parse_csv(text)
