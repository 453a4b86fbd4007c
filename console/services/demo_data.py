"""Deterministic demo workspace: a fictional prefecture-level city with grids, cameras and cases."""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Generic, TypeVar

from console.core import case_flow, deadlines
from console.core.camera_catalog import pinyin_initials
from console.core.codes import (
    CallState,
    CameraStatus,
    CaseSource,
    CaseState,
    Channel,
    DeadlineStatus,
    DisputeCategory,
    EventScale,
    FlowAction,
    GridKind,
    IdType,
    ParticipantRole,
    ParticipantState,
    PartyRole,
    PtzType,
    RegionLevel,
    ResolutionMethod,
    RiskLevel,
    Role,
    RoomState,
    Sex,
    SupervisionLevel,
    Urgency,
)
from console.core.idcard import make_id
from console.core.queue_priority import call_priority

DEMO_DATA_VERSION = 1
"""Bump when the generator changes what a seed produces, so old demo files can be told apart."""
DEFAULT_SEED = 20261126

CITY_NAME = "临江市"
# 3399xx is not allotted in GB/T 2260, so the codes look right without naming a real place.
CITY_CODE = "339900"
CITY_ABBREVIATION = "LJ"
CITY_PHONE_AREA = "0589"
CENTRE_LON, CENTRE_LAT = 120.1, 29.3
# Stored times are naive UTC; people book meetings by the clock on the wall (China Standard Time).
LOCAL_UTC_OFFSET = timedelta(hours=8)

GRID_COUNT = 300
CAMERA_COUNT = 30_000
CASE_COUNT = 2_000
LIVE_SLOTS = 12
HISTORY_DAYS = 180

S = CaseState
A = FlowAction
T = TypeVar("T")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- records: plain values; they point at each other by natural key or by position index


@dataclass(frozen=True, slots=True)
class RegionRecord:
    code: str
    name: str
    level: RegionLevel
    parent_code: str | None
    grid_kind: GridKind | None
    households: int | None
    longitude: float
    latitude: float


@dataclass(frozen=True, slots=True)
class UnitRecord:
    code: str
    name: str
    channel: Channel | None
    region_code: str
    phone: str


@dataclass(frozen=True, slots=True)
class UserRecord:
    username: str
    display_name: str
    role: Role
    unit_code: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CameraRecord:
    device_id: str
    name: str
    name_initials: str
    manufacturer: str
    model: str
    civil_code: str
    address: str
    parent_device_id: str
    grid_code: str
    status: CameraStatus
    longitude: float
    latitude: float
    ptz_type: PtzType
    sensitive: bool
    live_slot: int | None
    """0..11 for the cameras the demo plays live; their stream urls are set by the caller."""


@dataclass(frozen=True, slots=True)
class CaseRecord:
    number: str
    title: str
    occurred_at: datetime
    place: str
    scale: EventScale
    category: DisputeCategory
    people_count: int
    summary: str
    units_involved: str | None
    urgency: Urgency
    deadline: datetime | None
    method: ResolutionMethod | None
    channel: Channel | None
    responsible_unit_code: str | None
    responsible_username: str | None
    success: bool | None
    result_account: str | None
    review_date: datetime | None
    review_opinion: str | None
    longitude: float
    latitude: float
    grid_code: str
    source: CaseSource
    risk_type: str | None
    risk_level: RiskLevel
    state: CaseState
    supervision: SupervisionLevel
    void_reason: str | None
    created_by_username: str
    created_at: datetime
    updated_at: datetime
    accepted_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class FlowStepRecord:
    case_index: int
    action: FlowAction
    from_state: CaseState
    to_state: CaseState
    actor_username: str
    unit_code: str | None
    at: datetime
    opinion: str
    channel: Channel | None
    target_unit_code: str | None
    deadline: datetime | None


@dataclass(frozen=True, slots=True)
class PartyRecord:
    case_index: int
    role: PartyRole
    name: str
    id_type: IdType
    id_number: str
    sex: Sex
    phone: str
    address: str


@dataclass(frozen=True, slots=True)
class CallRecord:
    ticket: str
    caller_name: str
    caller_phone: str
    caller_id_number: str | None
    category: DisputeCategory
    urgency: Urgency
    vulnerable: bool
    priority: int
    state: CallState
    queued_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    officer_username: str | None
    case_index: int | None
    recording_consent: bool
    outcome: str | None


@dataclass(frozen=True, slots=True)
class RoomRecord:
    name: str
    case_index: int
    mediator_username: str
    state: RoomState
    backend: str
    max_publishers: int
    scheduled_at: datetime
    opened_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class RoomSessionRecord:
    room_index: int
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    room_index: int
    party_index: int | None
    username: str | None
    name: str
    role: ParticipantRole
    state: ParticipantState
    recording_consent: bool
    invite_token_hash: str | None
    joined_at: datetime | None
    left_at: datetime | None


@dataclass(frozen=True, slots=True)
class DemoWorkspace:
    seed: int
    now: datetime
    version: int
    city_name: str
    city_code: str
    city_abbreviation: str
    regions: tuple[RegionRecord, ...]
    units: tuple[UnitRecord, ...]
    users: tuple[UserRecord, ...]
    cameras: tuple[CameraRecord, ...]
    cases: tuple[CaseRecord, ...]
    flow_steps: tuple[FlowStepRecord, ...]
    parties: tuple[PartyRecord, ...]
    calls: tuple[CallRecord, ...]
    rooms: tuple[RoomRecord, ...]
    room_sessions: tuple[RoomSessionRecord, ...]
    participants: tuple[ParticipantRecord, ...]

    @property
    def grids(self) -> tuple[RegionRecord, ...]:
        return tuple(r for r in self.regions if r.level is RegionLevel.GRID)

    @property
    def live_cameras(self) -> tuple[CameraRecord, ...]:
        """The demo's live cameras in slot order."""
        live = [c for c in self.cameras if c.live_slot is not None]
        return tuple(sorted(live, key=lambda c: c.live_slot or 0))


# --- the city: fixed geography; the seed decides the finer grain

# (code, name, kind, lon offset, lat offset from the centre)
COUNTIES: tuple[tuple[str, str, str, float, float], ...] = (
    ("339902", "江城区", "district", 0.00, 0.00),
    ("339903", "东湖区", "district", 0.13, 0.05),
    ("339904", "南屏区", "district", -0.06, -0.12),
    ("339905", "新港区", "district", 0.24, -0.07),
    ("339921", "青山县", "county", -0.40, 0.24),
    ("339922", "云溪县", "county", -0.46, -0.26),
    ("339923", "石门县", "county", 0.04, 0.44),
    ("339981", "白沙市", "city", 0.50, 0.21),
    ("339982", "清源市", "city", 0.31, -0.42),
)

_JIEDAO_ROOTS = _words(
    "城东 城西 城南 城北 江滨 新华 解放 北山 望江 临湖 白鹭 青云 文昌 鼓楼 府前 月湖 翠屏 金港 "
    "新港 龙山 凤凰 朝阳 东城 西城 南苑 北苑 湖滨 江南 江北 锦江 桃源 梅园 双龙 清河 仁和 三江 "
    "五里 状元 天宁 长安 滨海 天湖 兴华 新安"
)
_ZHEN_ROOTS = _words(
    "桥头 石塘 白鹤 龙泉 清溪 大溪 马岙 高桥 黄坛 枫桥 横山 双峰 长乐 永安 上塘 下洋 梅岭 竹坑 "
    "洪家 杨村 塘下 新河 沙埠 潘桥 岭口 古城 前仓 花桥 安华 坦头 湖头 水阁 金竹 太平"
)
_XIANG_ROOTS = _words("高坪 竹林 云峰 岭头 溪头 茶园 坪山 石柱 大岚 西坑")
_COMMUNITY_ROOTS = _words(
    "锦绣 和平 翠苑 阳光 文苑 朝晖 景湖 江南 滨江 新华 府前 学院 望江 东园 花园 金桥 青年 丽泽 "
    "紫荆 春晖 明珠 南苑 北苑 钟楼 清波 梅园 银桂 桂苑 康乐 幸福 华庭 云帆 星光 凤栖 映月 龙湖 "
    "西园 秀水 天宁 湖畔 长青 育才 体育场 人民 胜利 解放 建设 东风 新村 光明 红星 向阳 振兴 富春 "
    "丰收 泰安 永宁 宝塔 书院 仓前"
)
_VILLAGE_HEADS = _words("上 下 前 后 东 西 南 北 新 大 小 高 中 里 外")
_VILLAGE_STEMS = _words("王 塘 桥 岭 溪 洋 坑 山 湖 田 林 畈 垄 坞 源 店 埠 宅 岙 岗")
_ESTATE_HEADS = _words(
    "锦绣 翠苑 阳光 金色 绿城 碧水 御景 东方 世纪 紫金 新城 江南 滨江 丽都 金桥 星河 云栖 香樟 "
    "银杏 柳岸"
)
_ESTATE_TAILS = _words("花园 家园 小区 公寓 苑 名邸 新村 嘉园 华庭 雅苑")
_ROADS = _words(
    "解放路 人民路 中山路 建设路 新华路 文化路 胜利路 和平路 东风路 长江路 江滨路 滨江大道 "
    "环城北路 环城南路 环城东路 环城西路 望江路 学府路 振兴路 工业路 迎宾大道 金山路 银湖路 "
    "青年路 健康路 光明路 朝阳路 世纪大道 商城大道 车站路 体育场路 凤凰路 梅林路 桂花路 翠屏路 "
    "龙山路 白云路 清风路 明月路 新港路 海港路 临江大道 湖滨路 东湖路 南屏路 紫金路 天元路 "
    "锦华路 金港路 通惠路 育才路 繁荣路 兴业路 高新路 科技路 创业路"
)
_STREETS = _words(
    "府前街 县前街 鼓楼街 仓前街 书院街 紫薇街 丁香街 桂花街 樱花街 北门街 南门街 东门街 西门街 "
    "后街 横街 直街 中心街 太平街 和平街 状元街 文昌街 打铁街 米市街 菜市街 大井街 小井街 柳营街 "
    "学前街 花园街 河坊街 孝义街 钟楼街"
)
_NUMERALS = _words("一 二 三 四 五 六 七 八 九 十 十一 十二")

# (county index, institution, kind): 专属网格 of hospitals, schools and enterprises.
_DEDICATED: tuple[tuple[int, str, str], ...] = (
    (0, "临江市第一人民医院", "hospital"),
    (0, "临江市第一中学", "school"),
    (0, "江城区实验小学", "school"),
    (1, "临江市中医院", "hospital"),
    (1, "临江学院", "school"),
    (1, "东湖区第二小学", "school"),
    (2, "临江市妇幼保健院", "hospital"),
    (2, "南屏中学", "school"),
    (3, "临江港务集团", "enterprise"),
    (3, "临江化纤股份有限公司", "enterprise"),
    (4, "青山县人民医院", "hospital"),
    (4, "青山中学", "school"),
    (5, "云溪县人民医院", "hospital"),
    (5, "云溪茶业集团", "enterprise"),
    (6, "石门县人民医院", "hospital"),
    (6, "石门县职业技术学校", "school"),
    (7, "白沙市人民医院", "hospital"),
    (7, "白沙电机股份有限公司", "enterprise"),
    (8, "清源市人民医院", "hospital"),
    (8, "清源第一中学", "school"),
)

# (name without the city prefix, channel served)
MEMBER_UNITS: tuple[tuple[str, Channel | None], ...] = (
    ("中级人民法院", Channel.LITIGATION),
    ("人民检察院", None),
    ("公安局", Channel.ADMIN_MEDIATION),
    ("司法局", Channel.PEOPLES_MEDIATION),
    ("信访局", Channel.ADMIN_REVIEW),
    ("人力资源和社会保障局", Channel.ADMIN_MEDIATION),
    ("住房和城乡建设局", Channel.ADMIN_MEDIATION),
    ("自然资源和规划局", Channel.ADMIN_RULING),
    ("卫生健康委员会", Channel.ADMIN_MEDIATION),
    ("市场监督管理局", Channel.ADMIN_MEDIATION),
    ("生态环境局", Channel.ADMIN_MEDIATION),
    ("交通运输局", Channel.ADMIN_MEDIATION),
    ("农业农村局", Channel.ADMIN_MEDIATION),
    ("民政局", Channel.ADMIN_MEDIATION),
    ("教育局", Channel.ADMIN_MEDIATION),
    ("应急管理局", Channel.ADMIN_MEDIATION),
    ("退役军人事务局", Channel.ADMIN_MEDIATION),
    ("总工会", None),
    ("妇女联合会", None),
    ("共青团", None),
    ("残疾人联合会", None),
    ("劳动人事争议仲裁院", Channel.ARBITRATION),
    ("医疗纠纷人民调解委员会", Channel.PEOPLES_MEDIATION),
    ("物业纠纷调解委员会", Channel.PEOPLES_MEDIATION),
    ("道路交通事故纠纷调解委员会", Channel.PEOPLES_MEDIATION),
    ("律师协会", None),
)
_UNIT_INDEX = {name: i for i, (name, _) in enumerate(MEMBER_UNITS)}


def unit_code(index: int) -> str:
    return f"{CITY_CODE}-U{index + 1:02d}"


# (username, display name, role, unit short name)
DEMO_USERS: tuple[tuple[str, str, Role, str | None], ...] = (
    ("duty", "王敏", Role.DUTY_OFFICER, None),
    ("duty2", "赵磊", Role.DUTY_OFFICER, None),
    ("mediator", "李建国", Role.MEDIATOR, "司法局"),
    ("mediator2", "孙丽华", Role.MEDIATOR, "人力资源和社会保障局"),
    ("mediator3", "周海燕", Role.MEDIATOR, "医疗纠纷人民调解委员会"),
    ("supervisor", "陈志远", Role.SUPERVISOR, None),
    ("admin", "系统管理员", Role.ADMIN, None),
)
_DUTY = ("duty", "duty2")
_MEDIATORS = ("mediator", "mediator2", "mediator3")
_SUPERVISOR = "supervisor"

# Who takes each action in the demo history; checked against case_flow.ROLE_ACTIONS.
_ACTION_ROLE: dict[FlowAction, Role] = {
    A.SAVE_DRAFT: Role.DUTY_OFFICER,
    A.REPORT: Role.DUTY_OFFICER,
    A.ACCEPT: Role.DUTY_OFFICER,
    A.REJECT: Role.DUTY_OFFICER,
    A.DIVERT: Role.DUTY_OFFICER,
    A.ASSIGN: Role.DUTY_OFFICER,
    A.START: Role.MEDIATOR,
    A.ASSIST: Role.MEDIATOR,
    A.SUSPEND: Role.MEDIATOR,
    A.RESUME: Role.MEDIATOR,
    A.FEEDBACK: Role.MEDIATOR,
    A.SUBMIT_REVIEW: Role.MEDIATOR,
    A.RETURN: Role.SUPERVISOR,
    A.CLOSE: Role.SUPERVISOR,
    A.EVALUATE: Role.SUPERVISOR,
    A.VOID: Role.SUPERVISOR,
    A.SUPERVISE: Role.SUPERVISOR,
}
_HANDLING_ACTIONS = frozenset({A.START, A.ASSIST, A.SUSPEND, A.RESUME, A.FEEDBACK, A.SUBMIT_REVIEW})

# --- cameras

_MANUFACTURERS: tuple[tuple[str, float], ...] = (
    ("海康威视", 0.42),
    ("大华", 0.30),
    ("宇视", 0.16),
    ("华为", 0.12),
)
_MODELS: dict[str, dict[PtzType, tuple[str, ...]]] = {
    "海康威视": {
        PtzType.DOME: ("iDS-2DE7423MW-AB", "DS-2DE4425IW-DE"),
        PtzType.HALF_DOME: ("DS-2CD3326WDV3-I", "DS-2CD2346FWD-IS"),
        PtzType.FIXED: ("DS-2CD3T46WDV3-I3", "DS-2CD3T87EWDV3-L"),
        PtzType.REMOTE: ("DS-2CD7A47EWD-XZS",),
    },
    "大华": {
        PtzType.DOME: ("DH-SD6C3432XA-HNR", "DH-SD49425XB-HNR"),
        PtzType.HALF_DOME: ("DH-IPC-HDBW4433R-AS",),
        PtzType.FIXED: ("DH-IPC-HFW4433M-I2", "DH-IPC-HFW3441M-AS-I2"),
        PtzType.REMOTE: ("DH-IPC-HFW5442E-Z",),
    },
    "宇视": {
        PtzType.DOME: ("IPC6622SR-X33-VF",),
        PtzType.HALF_DOME: ("IPC3234SR3-DVPF28",),
        PtzType.FIXED: ("IPC2124LB-SF40-A", "IPC2124SB-ADF40KM-I0"),
        PtzType.REMOTE: ("IPC2A24SE-ADZK-I0",),
    },
    "华为": {
        PtzType.DOME: ("X6781-Z37",),
        PtzType.HALF_DOME: ("D2150-10-SIU",),
        PtzType.FIXED: ("C3220-10-I-P", "M2140-10-EI"),
        PtzType.REMOTE: ("M6741-10-Z40-E2",),
    },
}
_PTZ_PROFILES: dict[str, tuple[tuple[PtzType, ...], tuple[float, ...]]] = {
    "road": ((PtzType.DOME, PtzType.FIXED, PtzType.REMOTE), (0.45, 0.35, 0.20)),
    "gate": ((PtzType.FIXED, PtzType.HALF_DOME, PtzType.REMOTE), (0.65, 0.10, 0.25)),
    "indoor": ((PtzType.HALF_DOME, PtzType.FIXED), (0.85, 0.15)),
    "square": ((PtzType.DOME, PtzType.FIXED), (0.70, 0.30)),
}
_STATUSES = (CameraStatus.ONLINE, CameraStatus.OFFLINE, CameraStatus.FAULT)
_STATUS_WEIGHTS = (0.93, 0.05, 0.02)
_DIRS4 = ("东北角", "东南角", "西北角", "西南角")
_GATES = ("南门", "北门", "东门", "西门", "主入口", "地下车库入口", "地下车库出口")
_SIDES = ("东侧", "西侧", "南侧", "北侧", "单元门口")
_DEDICATED_SPOTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (ordinary spots, sensitive spots)
    "hospital": (
        ("停车场入口", "停车场出口", "住院部电梯厅", "后勤通道", "周界", "污物通道"),
        ("正门", "门诊楼大厅", "急诊大厅"),
    ),
    "school": (("操场", "停车场", "周界", "食堂门口", "体育馆入口"), ("校门口", "学生宿舍门口")),
    "enterprise": (("厂区东门", "厂区西门", "仓库", "装卸区", "周界", "办公楼大厅", "停车场"), ()),
}

# --- people

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱"
)
_MALE_GIVEN = _words(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 旭 宁 龙 林 洋 "
    "建国 建华 志强 国强 文斌 海涛 永刚 俊杰 建军 志明 晓东 国平 德明 长春 云飞 家豪 子轩 宇航"
)
_FEMALE_GIVEN = _words(
    "芳 娜 敏 静 丽 艳 娟 霞 婷 雪 琳 晶 燕 红 梅 莉 兰 萍 玲 倩 颖 慧 洁 "
    "秀英 桂英 玉兰 丽华 秀兰 海燕 晓红 美玲 雅琴 欣怡 梓涵 佳怡 雨婷 春梅 淑芬"
)
_MOBILE_PREFIXES = _words(
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "176 177 178 180 181 182 183 186 187 188 189 198 199"
)
_FIRM_NAMES = _words(
    "宏达 鑫源 恒通 华远 永盛 顺发 金鼎 瑞丰 盛世 天成 佳和 博远 通达 新泰 嘉禾 联创 中正 广厦 "
    "鸿运 恒昌 信诚 兴隆 汇通 开元 明辉 润泽"
)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# --- cases

_CATEGORY_WEIGHTS: dict[DisputeCategory, float] = {
    DisputeCategory.NEIGHBOUR: 18,
    DisputeCategory.MARRIAGE_FAMILY: 14,
    DisputeCategory.LABOUR: 12,
    DisputeCategory.PROPERTY_MGMT: 9,
    DisputeCategory.CONTRACT: 8,
    DisputeCategory.HOUSING_HOMESTEAD: 7,
    DisputeCategory.TRAFFIC_SAFETY: 6,
    DisputeCategory.FOREST_LAND: 5,
    DisputeCategory.LAND_REQUISITION: 4,
    DisputeCategory.ENVIRONMENT: 4,
    DisputeCategory.CONSTRUCTION: 4,
    DisputeCategory.MEDICAL: 3,
    DisputeCategory.COMMUNITY_AFFAIRS: 3,
    DisputeCategory.ADMIN_ENFORCEMENT: 2,
    DisputeCategory.OTHER: 1,
}

# Where each category's cases happen: weights over (urban, rural, hospital, enterprise) grids.
_CATEGORY_GRIDS: dict[DisputeCategory, tuple[float, float, float, float]] = {
    DisputeCategory.PROPERTY_MGMT: (1, 0, 0, 0),
    DisputeCategory.FOREST_LAND: (0.1, 0.9, 0, 0),
    DisputeCategory.HOUSING_HOMESTEAD: (0.2, 0.8, 0, 0),
    DisputeCategory.LAND_REQUISITION: (0.2, 0.8, 0, 0),
    DisputeCategory.COMMUNITY_AFFAIRS: (0.3, 0.7, 0, 0),
    DisputeCategory.MEDICAL: (0.25, 0, 0.75, 0),
    DisputeCategory.LABOUR: (0.5, 0.3, 0, 0.2),
}
_DEFAULT_GRIDS = (0.6, 0.4, 0, 0)

# The member units that take each category, by weight (channel follows the unit).
_CATEGORY_UNITS: dict[DisputeCategory, tuple[tuple[str, float], ...]] = {
    DisputeCategory.MARRIAGE_FAMILY: (("司法局", 0.8), ("民政局", 0.2)),
    DisputeCategory.NEIGHBOUR: (("司法局", 0.85), ("公安局", 0.15)),
    DisputeCategory.LABOUR: (("劳动人事争议仲裁院", 0.45), ("人力资源和社会保障局", 0.55)),
    DisputeCategory.PROPERTY_MGMT: (("物业纠纷调解委员会", 0.7), ("住房和城乡建设局", 0.3)),
    DisputeCategory.MEDICAL: (("医疗纠纷人民调解委员会", 0.8), ("卫生健康委员会", 0.2)),
    DisputeCategory.LAND_REQUISITION: (("自然资源和规划局", 0.6), ("信访局", 0.4)),
    DisputeCategory.HOUSING_HOMESTEAD: (("自然资源和规划局", 0.5), ("司法局", 0.5)),
    DisputeCategory.FOREST_LAND: (("自然资源和规划局", 0.6), ("农业农村局", 0.4)),
    DisputeCategory.CONTRACT: (("司法局", 0.5), ("中级人民法院", 0.3), ("市场监督管理局", 0.2)),
    DisputeCategory.ENVIRONMENT: (("生态环境局", 1.0),),
    DisputeCategory.CONSTRUCTION: (("住房和城乡建设局", 0.7), ("中级人民法院", 0.3)),
    DisputeCategory.TRAFFIC_SAFETY: (
        ("道路交通事故纠纷调解委员会", 0.6),
        ("应急管理局", 0.2),
        ("交通运输局", 0.2),
    ),
    DisputeCategory.COMMUNITY_AFFAIRS: (("民政局", 0.6), ("司法局", 0.4)),
    DisputeCategory.ADMIN_ENFORCEMENT: (("信访局", 0.6), ("中级人民法院", 0.4)),
    DisputeCategory.OTHER: (("司法局", 0.6), ("市场监督管理局", 0.4)),
}

_RISK_TYPES: dict[DisputeCategory, str] = {
    DisputeCategory.MARRIAGE_FAMILY: "民转刑风险",
    DisputeCategory.NEIGHBOUR: "民转刑风险",
    DisputeCategory.LABOUR: "群体性上访风险",
    DisputeCategory.PROPERTY_MGMT: "群体性事件风险",
    DisputeCategory.MEDICAL: "医闹风险",
    DisputeCategory.LAND_REQUISITION: "群体性事件风险",
    DisputeCategory.HOUSING_HOMESTEAD: "民转刑风险",
    DisputeCategory.FOREST_LAND: "群体性事件风险",
    DisputeCategory.CONTRACT: "信访风险",
    DisputeCategory.ENVIRONMENT: "群体性事件风险",
    DisputeCategory.CONSTRUCTION: "群体性上访风险",
    DisputeCategory.TRAFFIC_SAFETY: "信访风险",
    DisputeCategory.COMMUNITY_AFFAIRS: "信访风险",
    DisputeCategory.ADMIN_ENFORCEMENT: "舆情风险",
    DisputeCategory.OTHER: "信访风险",
}

# How firms in each category are named (industry words).
_FIRM_TRADES: dict[DisputeCategory, tuple[str, ...]] = {
    DisputeCategory.LABOUR: ("建筑工程", "劳务", "纺织", "机械制造", "服装", "物流"),
    DisputeCategory.PROPERTY_MGMT: ("物业服务",),
    DisputeCategory.CONTRACT: ("建材", "装饰工程", "贸易"),
    DisputeCategory.ENVIRONMENT: ("化工", "印染", "塑料制品"),
    DisputeCategory.CONSTRUCTION: ("建设集团", "建筑工程", "房地产开发"),
    DisputeCategory.TRAFFIC_SAFETY: ("机械制造", "五金制品", "物流"),
    DisputeCategory.ADMIN_ENFORCEMENT: ("贸易", "餐饮管理", "食品"),
    DisputeCategory.OTHER: ("健身服务", "教育咨询", "美容美发"),
}


@dataclass(frozen=True, slots=True)
class _Variant:
    title: str
    summary: str
    respondent: str
    """person / firm / hospital / village / government / none"""
    group: bool


def _v(title: str, summary: str, respondent: str = "person", group: bool = False) -> _Variant:
    return _Variant(title, summary, respondent, group)


_VARIANTS: dict[DisputeCategory, tuple[_Variant, ...]] = {
    DisputeCategory.MARRIAGE_FAMILY: (
        _v(
            "{a}与{b}离婚财产分割纠纷",
            "{place}居民{a}反映，其与配偶{b}协议离婚过程中，因共同购置的住房及存款约{amount}"
            "如何分割产生争议。双方多次协商未果，{date}在家中发生争吵，邻居报警后暂时平息。"
            "{a}请求组织调解。",
        ),
        _v(
            "{a}与{b}赡养纠纷",
            "{place}{age}岁老人{a}反映，其子{b}等{kids}名子女相互推诿，拒不支付赡养费，"
            "老人生活困难。{a}要求子女每月支付赡养费{small_amount}并轮流照料。",
        ),
        _v(
            "{a}与{b}子女抚养费纠纷",
            "{a}与{b}已于三年前离婚，孩子随{a}生活。{b}自去年起未按离婚协议支付抚养费，"
            "累计拖欠约{amount}。{a}多次索要无果，请求协调督促履行。",
        ),
        _v(
            "{a}与{b}彩礼返还纠纷",
            "{place}村民{a}之子与{b}之女订婚时给付彩礼{amount}，后双方解除婚约。"
            "{a}要求返还彩礼，{b}一方仅同意返还部分，两个家庭矛盾较大。",
        ),
    ),
    DisputeCategory.NEIGHBOUR: (
        _v(
            "{a}与{b}相邻通行纠纷",
            "{place}村民{a}与{b}系前后邻居，{b}在自家院前砌筑围墙，堵塞了{a}家多年使用的"
            "通行道路。双方多次争吵，{date}发生推搡，{a}轻微受伤。{a}要求拆除围墙、恢复通行。",
        ),
        _v(
            "{a}与{b}建房采光纠纷",
            "{b}在{place}翻建房屋，加高至四层，{a}认为新房严重影响其住房采光和通风。"
            "双方多次协商未果，{a}阻止施工，矛盾有激化苗头。",
        ),
        _v(
            "{a}与{b}漏水损害赔偿纠纷",
            "{place}居民{a}反映，楼上住户{b}家卫生间漏水，导致其天花板及墙面受损，"
            "维修费用约{small_amount}。{b}不认可损失金额，双方僵持不下。",
        ),
        _v(
            "{a}与{b}噪音扰民纠纷",
            "{place}居民{a}反映，楼上{b}家经常在夜间发出较大噪音，严重影响休息。"
            "{a}多次上门沟通无果，双方关系紧张，{date}曾发生口角。",
        ),
        _v(
            "{a}与{b}犬只伤人赔偿纠纷",
            "{date}，{place}居民{a}在{estate}散步时被{b}饲养的犬只咬伤，花费医疗费"
            "{small_amount}。{b}认为{a}挑逗犬只在先，只愿承担部分费用。",
        ),
    ),
    DisputeCategory.LABOUR: (
        _v(
            "{company}拖欠农民工工资纠纷",
            "{n}名务工人员反映，其在{company}承建的{project}项目务工，被拖欠工资共计约"
            "{amount}，已拖欠{months}个月。工人多次讨要未果，情绪激动，有聚集上访苗头。"
            "要求尽快足额支付工资。",
            "firm",
            True,
        ),
        _v(
            "{a}与{company}工伤赔偿纠纷",
            "{a}在{company}工作期间，{date}操作设备时右手受伤，经鉴定为十级伤残。"
            "{a}要求单位支付一次性伤残补助金等费用约{amount}，单位认为其违规操作，"
            "仅同意部分赔偿。",
            "firm",
        ),
        _v(
            "{a}等{n}人与{company}经济补偿金纠纷",
            "{company}因经营困难停产，与{a}等{n}名职工解除劳动合同，但未支付经济补偿金，"
            "涉及金额约{amount}。职工要求依法支付补偿金并补缴社会保险。",
            "firm",
            True,
        ),
        _v(
            "{a}与{company}未签劳动合同纠纷",
            "{a}在{company}工作已{months}个月，单位一直未与其签订书面劳动合同。"
            "{a}离职后要求支付二倍工资差额约{amount}，单位拒绝。",
            "firm",
        ),
    ),
    DisputeCategory.PROPERTY_MGMT: (
        _v(
            "{estate}业主与物业公司物业费纠纷",
            "{estate}{n}户业主反映，{company}服务质量下降，保洁、安保不到位，却计划上调"
            "物业费。业主集体拒交物业费，物业公司发出催缴通知，双方矛盾加剧。",
            "firm",
            True,
        ),
        _v(
            "{estate}电梯维修资金使用纠纷",
            "{estate}多部电梯频繁故障，{date}发生困人事件。物业公司提出动用专项维修资金约"
            "{amount}更换电梯，部分业主对报价和程序有异议，维修迟迟未能启动。",
            "firm",
            True,
        ),
        _v(
            "{estate}停车位管理纠纷",
            "{estate}业主{a}等反映，{company}将小区公共道路划为收费停车位，收费标准未经"
            "业主大会同意。业主要求公开收支并退还已收费用约{amount}。",
            "firm",
        ),
        _v(
            "{estate}公共收益分配纠纷",
            "{estate}业主委员会反映，{company}多年未公开小区广告位、场地租赁等公共收益，"
            "估算约{amount}。业主要求审计并按规定分配。",
            "firm",
            True,
        ),
    ),
    DisputeCategory.MEDICAL: (
        _v(
            "{a}与{hospital}医疗损害赔偿纠纷",
            "患者{a}于{date}在{hospital}接受手术，术后出现并发症，再次手术治疗。家属认为"
            "医院存在诊疗过错，要求赔偿医疗费、误工费等约{amount}。医院认为已尽到告知义务。",
            "hospital",
        ),
        _v(
            "{a}家属与{hospital}死亡原因异议纠纷",
            "患者{a}在{hospital}住院治疗期间病情突然恶化，经抢救无效死亡。家属对死亡原因"
            "有异议，{n}名家属聚集在医院门诊大厅，情绪激动。",
            "hospital",
            True,
        ),
        _v(
            "{a}与{hospital}诊疗费用纠纷",
            "{a}反映在{hospital}就诊期间被多收检查费用约{small_amount}，且未被告知自费项目，"
            "要求医院退还费用并作出解释。",
            "hospital",
        ),
    ),
    DisputeCategory.LAND_REQUISITION: (
        _v(
            "{village}{project}征地补偿款分配纠纷",
            "{project}建设征收{village}集体土地约{mu}亩，补偿款约{amount}已拨付到村。"
            "部分村民对分配方案有异议，认为外嫁女、新生儿未纳入分配。{n}名村民到镇政府反映。",
            "village",
            True,
        ),
        _v(
            "{a}房屋征收安置纠纷",
            "{village}村民{a}所在片区列入{project}征收范围，{a}对房屋评估价格和安置面积不满，"
            "拒绝签订征收协议。目前项目已进入清表阶段，矛盾较为突出。",
            "government",
        ),
        _v(
            "{road}拓宽工程拆迁补偿纠纷",
            "{road}拓宽改造工程涉及沿街店铺{n}户，{a}等店主认为营业损失补偿标准过低，"
            "要求按实际经营收入补偿，双方差距约{amount}。",
            "government",
            True,
        ),
    ),
    DisputeCategory.HOUSING_HOMESTEAD: (
        _v(
            "{a}与{b}宅基地边界纠纷",
            "{village}村民{a}与{b}宅基地相邻，{b}翻建房屋时地基越过原界址约半米。"
            "{a}要求恢复原界址，双方各执一词，{date}发生争吵。",
        ),
        _v(
            "{a}与{b}祖屋继承纠纷",
            "{village}村民{a}与{b}系兄弟，父母去世后留下老宅一处。因老宅被列入改造范围，"
            "双方对份额分配产生争议，涉及补偿款约{amount}。",
        ),
        _v(
            "{a}与{b}农村房屋买卖纠纷",
            "{a}于五年前购买{b}在{village}的农村房屋，现{b}以买卖违反规定为由要求收回房屋，"
            "{a}要求赔偿装修等损失约{amount}。",
        ),
    ),
    DisputeCategory.FOREST_LAND: (
        _v(
            "{village}与邻村山林权属纠纷",
            "{village}与相邻村对交界处约{mu}亩山林的权属存在争议，双方均持有历史证明材料。"
            "{date}一方组织采伐林木，另一方村民前往阻止，双方{n}余人对峙。",
            "village",
            True,
        ),
        _v(
            "{a}与{b}土地承包经营权流转纠纷",
            "{village}村民{a}将承包地流转给{b}种植苗木，合同约定租金每年{small_amount}。"
            "{b}已连续两年未支付租金，{a}要求解除合同、收回土地。",
        ),
        _v(
            "{a}与{b}林地界址纠纷",
            "{village}村民{a}与{b}承包的林地相邻，因界址不清，{b}采伐时越界砍伐林木约"
            "{trees}株。{a}要求赔偿损失约{small_amount}。",
        ),
    ),
    DisputeCategory.CONTRACT: (
        _v(
            "{a}与{company}买卖合同货款纠纷",
            "{a}向{company}供应建材，累计货款约{amount}，{company}以资金周转困难为由拖欠至今。"
            "{a}多次催收无果，要求对方出具还款计划。",
            "firm",
        ),
        _v(
            "{a}与{b}房屋租赁合同纠纷",
            "{a}租住{b}位于{place}的房屋，租期未满{b}要求提前收回，并拒绝退还押金"
            "{small_amount}。{a}要求退还押金并赔偿搬家损失。",
        ),
        _v(
            "{a}与{company}装修合同纠纷",
            "{a}与{company}签订家装合同，总价约{amount}。入住后发现墙面开裂、地面空鼓，"
            "{a}要求返工并赔偿损失，公司认为属正常沉降。",
            "firm",
        ),
        _v(
            "{a}与{b}民间借贷纠纷",
            "{b}于两年前向{a}借款{amount}用于经营，约定一年内归还。到期后{b}仅归还部分款项，"
            "剩余款项以经营亏损为由拒不归还。",
        ),
    ),
    DisputeCategory.ENVIRONMENT: (
        _v(
            "{company}废气排放扰民纠纷",
            "{place}{n}户居民反映，附近{company}生产过程中排放刺激性气味，夜间尤为明显，"
            "影响居民正常生活。居民要求企业整改并公开检测数据。",
            "firm",
            True,
        ),
        _v(
            "{village}养殖场污水排放纠纷",
            "{village}村民反映，{b}经营的生猪养殖场污水直排附近溪流，造成下游农田受损约"
            "{mu}亩。村民要求停止排放并赔偿损失约{amount}。",
            "person",
            True,
        ),
        _v(
            "{estate}餐饮油烟噪声扰民纠纷",
            "{estate}居民{a}等反映，小区底商餐饮店油烟直排、深夜噪声扰民。多次向经营者{b}"
            "反映无果，居民要求整改。",
        ),
    ),
    DisputeCategory.CONSTRUCTION: (
        _v(
            "{project}工程款结算纠纷",
            "{a}作为分包方承建{project}部分工程，工程已竣工验收，但总包方{company}以审计"
            "未完成为由拖欠工程款约{amount}，导致{a}无法支付{n}名工人工资。",
            "firm",
            True,
        ),
        _v(
            "{estate}房屋质量纠纷",
            "{estate}{n}户业主反映，交房后不到两年即出现外墙渗水、地下室积水等问题。"
            "业主要求开发商{company}全面维修并赔偿损失。",
            "firm",
            True,
        ),
        _v(
            "{project}施工扰民纠纷",
            "{company}承建的{project}夜间施工噪声大、渣土车遗撒严重，周边{n}户居民多次投诉。"
            "居民要求规范施工时间并给予补偿。",
            "firm",
            True,
        ),
    ),
    DisputeCategory.TRAFFIC_SAFETY: (
        _v(
            "{a}与{b}交通事故赔偿纠纷",
            "{date}，{b}驾驶小型轿车在{road}与{a}驾驶的电动自行车发生碰撞，{a}受伤住院，"
            "医疗费用约{amount}。交警认定{b}负主要责任，双方对赔偿金额存在分歧。",
        ),
        _v(
            "{a}与{company}生产安全事故赔偿纠纷",
            "{date}，{company}员工{a}在车间作业时被机械设备夹伤，住院治疗{days}天。"
            "双方对赔偿项目和金额存在较大分歧，{a}家属多次到企业讨说法。",
            "firm",
        ),
        _v(
            "{a}与{b}电动车碰撞赔偿纠纷",
            "{date}，{a}在{road}步行时被{b}驾驶的电动自行车撞倒，造成骨折。{b}经济困难，"
            "仅愿赔偿{small_amount}，{a}要求赔偿全部损失约{amount}。",
        ),
    ),
    DisputeCategory.COMMUNITY_AFFAIRS: (
        _v(
            "{village}集体收益分配纠纷",
            "{village}{n}名村民反映，村集体厂房出租收益约{amount}多年未分配，也未公开收支"
            "明细。村民要求公开账目并按户分配。",
            "village",
            True,
        ),
        _v(
            "{village}村务公开异议",
            "{village}村民{a}等反映，村委会对村道硬化工程的招标和资金使用情况公开不及时、"
            "不完整，怀疑存在违规问题，要求公开并审计。",
            "village",
        ),
        _v(
            "{a}对低保评定结果有异议",
            "{village}村民{a}反映，其家庭符合最低生活保障条件，但在村民代表评议中未通过。"
            "{a}认为评议不公，要求重新评定。",
            "village",
        ),
    ),
    DisputeCategory.ADMIN_ENFORCEMENT: (
        _v(
            "{a}对违法建筑拆除决定有异议",
            "{a}在{place}自建的附属用房被认定为违法建筑，限期{days}日内自行拆除。"
            "{a}认为该房屋建于规划实施前，要求撤销拆除决定。",
            "government",
        ),
        _v(
            "{company}对行政处罚决定有异议",
            "{company}因超范围经营被处以罚款{amount}。企业认为处罚依据不足、金额过高，"
            "申请协调处理。",
            "government",
        ),
        _v(
            "{a}对违停处罚有异议",
            "{a}反映其车辆在{road}被电子警察抓拍违停并罚款，但当时系临时停车装卸货物，"
            "要求撤销处罚。",
            "government",
        ),
    ),
    DisputeCategory.OTHER: (
        _v(
            "{a}等与{company}预付卡退费纠纷",
            "{a}在{company}办理预付费会员卡，充值{small_amount}后商家突然停业，无法继续消费"
            "也无法退费。{a}等{n}名消费者要求退还余额。",
            "firm",
            True,
        ),
        _v(
            "{a}与{b}网络购物退款纠纷",
            "{a}通过网络从{b}处购买家电一台，收货后发现存在质量问题，要求退货退款，"
            "{b}以已安装使用为由拒绝。",
        ),
        _v(
            "{a}与{b}宠物寄养纠纷",
            "{a}将宠物犬寄养在{b}经营的宠物店，领回时发现宠物患病，花费治疗费{small_amount}，"
            "{a}要求宠物店赔偿。",
        ),
    ),
}

_RESULTS_OK = (
    "经调解，双方自愿达成调解协议，{b}同意于{days}日内支付{small_amount}，当事人表示满意，"
    "息诉罢访。",
    "经多次上门做工作，双方达成和解，已当场履行完毕，矛盾得到化解。",
    "经释法明理、耐心疏导，当事人认可处理意见，签订人民调解协议书并申请司法确认。",
    "责任单位依法作出处理，当事人对处理结果无异议，案件化解。",
)
_RESULTS_FAILED = (
    "经多次调解未能达成一致，已引导当事人通过诉讼途径解决，并做好稳控工作。",
    "双方分歧较大，调解不成，已告知当事人申请仲裁的权利和期限。",
)
_REVIEW_OPINIONS = (
    "化解及时，程序规范，当事人满意。",
    "办理认真，材料齐全，群众评价满意。",
    "基本满意，建议加强回访。",
    "化解效果较好，同意结案。",
)
_REJECT_REASONS = (
    "反映事项已进入诉讼程序，依法不予受理，已告知当事人。",
    "不属于矛盾纠纷受理范围，已引导当事人向有关部门反映。",
    "反映事项已有处理结论，未提出新的事实和理由，不予受理。",
)
_VOID_REASONS = (
    "重复登记，与已有案件为同一事项。",
    "当事人已自行和解并撤回申请。",
    "登记信息有误，已重新登记。",
)
_SUSPEND_REASONS = (
    "当事人外出务工暂无法联系，申请挂起。",
    "等待伤残等级鉴定结论，申请挂起。",
    "涉及司法鉴定，待鉴定结论作出后恢复办理。",
)
_STATE_WEIGHTS: dict[CaseState, float] = {
    S.DRAFT: 1.5,
    S.REPORTED: 3,
    S.ACCEPTED: 3,
    S.REJECTED: 3,
    S.DIVERTED: 3,
    S.ASSIGNED: 5,
    S.IN_PROGRESS: 14,
    S.SUSPENDED: 2,
    S.FEEDBACK: 3.5,
    S.REVIEW: 3,
    S.CLOSED: 18,
    S.EVALUATED: 39,
    S.VOIDED: 2,
}
# Today's video petitions: the intake screen shows the calls that registered these cases.
_TODAY_INTAKE_STATES = (S.REPORTED, S.REPORTED, S.ACCEPTED, S.REPORTED, S.DIVERTED, S.ACCEPTED)

_SOURCES = (
    CaseSource.VIDEO_PETITION,
    CaseSource.WALK_IN,
    CaseSource.HOTLINE,
    CaseSource.GRID_PATROL,
    CaseSource.REFERRED,
    CaseSource.ONLINE,
)
_SOURCE_WEIGHTS = (0.34, 0.24, 0.18, 0.16, 0.05, 0.03)
_URGENCIES = (Urgency.NORMAL, Urgency.URGENT, Urgency.VERY_URGENT)
_URGENCY_WEIGHTS = (0.8, 0.15, 0.05)
_RISKS = (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL)
_PEOPLE_BY_SCALE: dict[EventScale, tuple[int, int]] = {
    EventScale.INDIVIDUAL: (1, 2),
    EventScale.SMALL_GROUP: (3, 4),
    EventScale.GROUP: (5, 29),
    EventScale.MASS: (30, 120),
}


# --- small helpers


class _Weighted(Generic[T]):
    """A weighted choice with its cumulative weights worked out once (for the hot loops)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]


_STATUS_PICK = _Weighted(_STATUSES, _STATUS_WEIGHTS)
_PTZ_PICK = {name: _Weighted(*profile) for name, profile in _PTZ_PROFILES.items()}
_MAKER_PICK = _Weighted([m for m, _ in _MANUFACTURERS], [w for _, w in _MANUFACTURERS])


def _pick(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights)[0]


def _pick_map(rng: random.Random, table: dict[T, float]) -> T:
    return rng.choices(list(table), list(table.values()))[0]


@cache
def _shortest_path(state: CaseState) -> tuple[FlowAction, ...]:
    return case_flow.path_to(state)


def name_initials(parts: Sequence[str]) -> str:
    """Pinyin initials of a name given as its parts ("解放路", "南门" → "jflnm")."""
    # Per part: pinyin_initials caches, and the parts (roads, estates, spots) repeat endlessly.
    return "".join(pinyin_initials(p) for p in parts)[:60]


def _uscc(rng: random.Random, region6: str, kind: str) -> str:
    """A unified social credit code (GB 32100) with valid check characters."""
    body = "".join(str(rng.randrange(10)) for _ in range(8))
    total = sum(int(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = kind + region6 + org
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + _USCC_CHARS[(31 - total % 31) % 31]


def _money(rng: random.Random, low_wan: float, high_wan: float) -> str:
    value = rng.uniform(low_wan, high_wan)
    return f"{value:.1f}".rstrip("0").rstrip(".") + "万元"


def _small_money(rng: random.Random) -> str:
    return f"{rng.randrange(8, 200) * 100}元"


def _round6(x: float) -> float:
    return round(x, 6)


def _seconds(td: timedelta) -> int:
    return int(td.total_seconds())


# --- the geography being built


@dataclass(slots=True)
class _Town:
    code: str
    name: str
    root: str
    kind: str  # jiedao / zhen / xiang
    county: int
    ordinal: int
    lon: float
    lat: float
    roads: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)
    highways: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Village:
    code: str
    name: str
    urban: bool
    town: _Town
    lon: float
    lat: float
    estates: list[str] = field(default_factory=list)
    grids: int = 1


@dataclass(slots=True)
class _Grid:
    code: str
    name: str
    kind: GridKind
    village: _Village
    lon: float
    lat: float
    institution: str | None = None
    institution_kind: str | None = None
    households: int | None = None


@dataclass(slots=True)
class _PersonDraft:
    name: str
    sex: Sex
    id_number: str
    phone: str
    address: str


# add(grid, name parts, address detail, PTZ profile, GB/T 28181 industry code, sensitive)
# Industry codes: 00 road, 01 community, 02 inside premises, 03 other (rural).
_AddCamera = Callable[[_Grid, tuple[str, ...], str, str, str, bool], None]


class _Builder:
    def __init__(self, now: datetime, seed: int) -> None:
        self.now = now
        self.seed = seed
        self.rng = random.Random(seed)
        self.regions: list[RegionRecord] = []
        self.villages: list[_Village] = []
        self.grids: list[_Grid] = []
        self.county_towns: list[list[_Town]] = [[] for _ in COUNTIES]

    # --- regions

    def build_regions(self) -> None:
        rng = self.rng
        self.regions.append(
            RegionRecord(
                CITY_CODE, CITY_NAME, RegionLevel.CITY, None, None, None, CENTRE_LON, CENTRE_LAT
            )
        )
        jiedao = rng.sample(_JIEDAO_ROOTS, len(_JIEDAO_ROOTS))
        zhen = rng.sample(_ZHEN_ROOTS, len(_ZHEN_ROOTS))
        xiang = rng.sample(_XIANG_ROOTS, len(_XIANG_ROOTS))
        villages = rng.sample(
            [h + s for h in _VILLAGE_HEADS for s in _VILLAGE_STEMS],
            len(_VILLAGE_HEADS) * len(_VILLAGE_STEMS),
        )
        estates_all = [h + t for h in _ESTATE_HEADS for t in _ESTATE_TAILS]
        for ci, (code, name, kind, dlon, dlat) in enumerate(COUNTIES):
            lon, lat = CENTRE_LON + dlon, CENTRE_LAT + dlat
            self.regions.append(
                RegionRecord(
                    code,
                    name,
                    RegionLevel.COUNTY,
                    CITY_CODE,
                    None,
                    None,
                    _round6(lon),
                    _round6(lat),
                )
            )
            kinds = self._town_kinds(ci, kind)
            roads = rng.sample(_ROADS, len(_ROADS))
            streets = rng.sample(_STREETS, len(_STREETS))
            communities = rng.sample(_COMMUNITY_ROOTS, len(_COMMUNITY_ROOTS))
            estates = rng.sample(estates_all, len(estates_all))
            counters = {"jiedao": 0, "zhen": 100, "xiang": 200}
            for ti, tkind in enumerate(kinds):
                counters[tkind] += 1
                root = {"jiedao": jiedao, "zhen": zhen, "xiang": xiang}[tkind].pop()
                suffix = {"jiedao": "街道", "zhen": "镇", "xiang": "乡"}[tkind]
                # The county seat sits at the county centre; the others around it.
                spread = 0.0 if ti == 0 else 0.07
                town = _Town(
                    code=f"{code}{counters[tkind]:03d}",
                    name=root + suffix,
                    root=root,
                    kind=tkind,
                    county=ci,
                    ordinal=ti + 1,
                    lon=lon + rng.uniform(-spread, spread),
                    lat=lat + rng.uniform(-spread, spread),
                )
                if tkind == "jiedao":
                    town.roads = [roads.pop() for _ in range(5)]
                    town.streets = [streets.pop() for _ in range(3)]
                elif tkind == "zhen":
                    town.roads = [roads.pop() for _ in range(2)]
                    town.streets = [root + "大街"]
                else:
                    town.streets = [root + "街"]
                if tkind != "jiedao":
                    county_root = name[0]
                    town.highways = [
                        f"{county_root}{root[0]}线",
                        f"S2{rng.randrange(10, 99)}省道",
                        f"X{rng.randrange(101, 399)}县道",
                    ]
                self.county_towns[ci].append(town)
                self.regions.append(
                    RegionRecord(
                        town.code,
                        town.name,
                        RegionLevel.TOWN,
                        code,
                        None,
                        None,
                        _round6(town.lon),
                        _round6(town.lat),
                    )
                )
                self._villages_of(town, communities, villages, estates, central=ci == 0)
        self._grids()

    def _town_kinds(self, county: int, kind: str) -> list[str]:
        rng = self.rng
        if county == 0:
            return ["jiedao"] * rng.randint(6, 8)
        if kind == "district":
            n = rng.randint(4, 7)
            return ["jiedao"] * (n - 1) + ["zhen"]
        if kind == "county":
            n = rng.randint(5, 8)
            j, x = rng.randint(1, 2), rng.randint(1, 2)
            return ["jiedao"] * j + ["zhen"] * (n - j - x) + ["xiang"] * x
        n = rng.randint(5, 8)
        j = rng.randint(2, 3)
        return ["jiedao"] * j + ["zhen"] * (n - j)

    def _villages_of(
        self,
        town: _Town,
        communities: list[str],
        villages: list[str],
        estates: list[str],
        *,
        central: bool,
    ) -> None:
        rng = self.rng
        if town.kind == "jiedao":
            plan = [True] * (rng.randint(3, 4) if central else rng.randint(2, 3))
        elif town.kind == "zhen":
            plan = [True] + [False] * rng.randint(2, 4)
        else:
            plan = [False] * rng.randint(3, 4)
        n_comm = n_vill = 0
        for urban in plan:
            if urban:
                n_comm += 1
                code, name = f"{town.code}{n_comm:03d}", communities.pop() + "社区"
            else:
                n_vill += 1
                code, name = f"{town.code}{200 + n_vill:03d}", villages.pop() + "村"
            v = _Village(
                code=code,
                name=name,
                urban=urban,
                town=town,
                lon=town.lon + rng.uniform(-0.025, 0.025),
                lat=town.lat + rng.uniform(-0.025, 0.025),
            )
            if urban:
                v.estates = [estates.pop() for _ in range(rng.randint(2, 3))]
            self.villages.append(v)

    def _grids(self) -> None:
        rng = self.rng
        dedicated_hosts: dict[int, list[tuple[str, str]]] = {}
        for county, institution, institution_kind in _DEDICATED:
            dedicated_hosts.setdefault(county, []).append((institution, institution_kind))
        # Every village gets one grid; the rest go mostly to the denser urban communities.
        ordinary = GRID_COUNT - len(_DEDICATED)
        extra = ordinary - len(self.villages)
        if extra < 0:
            raise ValueError("more villages than grids")
        caps = [6 if v.urban else 5 for v in self.villages]
        weights = [2.0 if v.urban else 1.5 for v in self.villages]
        while extra:
            i = _pick(rng, range(len(self.villages)), weights)
            if self.villages[i].grids < caps[i]:
                self.villages[i].grids += 1
                extra -= 1
                if self.villages[i].grids == caps[i]:
                    weights[i] = 0.0
        # Dedicated grids hang under the first communities of the county seat.
        hosts: dict[str, list[tuple[str, str]]] = {}
        for ci, insts in dedicated_hosts.items():
            seat = self.county_towns[ci][0]
            comms = [v for v in self.villages if v.town is seat and v.urban]
            for k, host in enumerate(insts):
                hosts.setdefault(comms[k % len(comms)].code, []).append(host)
        for v in self.villages:
            self.regions.append(
                RegionRecord(
                    v.code,
                    v.name,
                    RegionLevel.VILLAGE,
                    v.town.code,
                    None,
                    None,
                    _round6(v.lon),
                    _round6(v.lat),
                )
            )
            for g in range(v.grids):
                if v.urban:
                    kind, name = GridKind.URBAN, f"{v.name}第{_NUMERALS[g]}网格"
                    households: int | None = rng.randint(250, 350)
                else:
                    kind, name = GridKind.RURAL, f"{v.name}第{_NUMERALS[g]}村民小组"
                    households = rng.randint(40, 130)
                self._add_grid(
                    _Grid(f"{v.code}{g + 1:03d}", name, kind, v, 0, 0, households=households)
                )
            for k, (inst, ikind) in enumerate(hosts.get(v.code, [])):
                self._add_grid(
                    _Grid(
                        f"{v.code}{901 + k:03d}",
                        f"{inst}专属网格",
                        GridKind.DEDICATED,
                        v,
                        0,
                        0,
                        institution=inst,
                        institution_kind=ikind,
                    )
                )

    def _add_grid(self, grid: _Grid) -> None:
        rng = self.rng
        grid.lon = grid.village.lon + rng.uniform(-0.006, 0.006)
        grid.lat = grid.village.lat + rng.uniform(-0.006, 0.006)
        self.grids.append(grid)
        self.regions.append(
            RegionRecord(
                grid.code,
                grid.name,
                RegionLevel.GRID,
                grid.village.code,
                grid.kind,
                grid.households,
                _round6(grid.lon),
                _round6(grid.lat),
            )
        )

    # --- units and users

    def build_units(self) -> list[UnitRecord]:
        rng = self.rng
        return [
            UnitRecord(
                unit_code(i),
                CITY_NAME + name,
                channel,
                CITY_CODE,
                f"{CITY_PHONE_AREA}-8{rng.randrange(10**6, 10**7)}",
            )
            for i, (name, channel) in enumerate(MEMBER_UNITS)
        ]

    def build_users(self) -> list[UserRecord]:
        created = self.now - timedelta(days=400)
        users = []
        for k, (username, display, role, unit) in enumerate(DEMO_USERS):
            code = None if unit is None else unit_code(_UNIT_INDEX[unit])
            users.append(UserRecord(username, display, role, code, created + timedelta(days=k)))
        return users

    # --- cameras

    def build_cameras(self) -> list[CameraRecord]:
        rng = self.rng
        serials: dict[str, int] = {}
        seen: dict[str, int] = {}
        cams: list[CameraRecord] = []

        def add(
            grid: _Grid,
            parts: tuple[str, ...],
            detail: str,
            profile: str,
            industry: str,
            sensitive: bool,
            live_slot: int | None = None,
        ) -> None:
            town = grid.village.town
            county_code, county_name = COUNTIES[town.county][0], COUNTIES[town.county][1]
            prefix = f"{county_code}{town.ordinal:02d}"
            serial = serials.get(prefix, 0) + 1
            serials[prefix] = serial
            name = "".join(parts)
            count = seen.get(name, 0) + 1
            seen[name] = count
            if count > 1:
                # Real catalogues number repeated spots; it also keeps search results distinct.
                parts = (*parts, str(count))
                name += str(count)
            if live_slot is None:
                status = _STATUS_PICK.pick(rng)
                ptz = _PTZ_PICK[profile].pick(rng)
                maker = _MAKER_PICK.pick(rng)
                camera_type = "131" if rng.random() < 0.08 else "132"
            else:
                status, ptz, maker, camera_type = (
                    CameraStatus.ONLINE,
                    PtzType.DOME,
                    "海康威视",
                    "132",
                )
            cams.append(
                CameraRecord(
                    device_id=f"{prefix}{industry}{camera_type}0{serial:06d}",
                    name=name,
                    name_initials=name_initials(parts),
                    manufacturer=maker,
                    model=rng.choice(_MODELS[maker][ptz]),
                    civil_code=prefix,
                    address=f"{CITY_NAME}{county_name}{town.name}{detail}",
                    # The town's NVR (GB/T 28181 type 118) the camera records to.
                    parent_device_id=f"{prefix}{industry}1180000001",
                    grid_code=grid.code,
                    status=status,
                    longitude=_round6(grid.lon + rng.uniform(-0.004, 0.004)),
                    latitude=_round6(grid.lat + rng.uniform(-0.004, 0.004)),
                    ptz_type=ptz,
                    sensitive=sensitive,
                    live_slot=live_slot,
                )
            )

        # The live cameras come first: one at each county seat's busiest crossing, and three
        # city-centre landmarks, so the wall opens on places a visitor recognises.
        slot = 0
        for towns in self.county_towns:
            seat = towns[0]
            grid = next(g for g in self.grids if g.village.town is seat)
            road, street = seat.roads[0], seat.streets[0]
            add(
                grid,
                (road, "与", street, "交叉口", "东北角"),
                road + "1号",
                "road",
                "00",
                False,
                slot,
            )
            slot += 1
        centre = next(g for g in self.grids if g.village.town is self.county_towns[0][0])
        for landmark in (
            ("人民广场", "东北角"),
            ("临江火车站", "南广场出站口"),
            ("滨江公园", "南入口"),
        ):
            add(centre, landmark, landmark[0], "square", "00", False, slot)
            slot += 1
        assert slot == LIVE_SLOTS

        weights = [
            2.0 if g.kind is GridKind.DEDICATED else 1.5 if g.kind is GridKind.URBAN else 0.45
            for g in self.grids
        ]
        counts = [0] * len(self.grids)
        for i in rng.choices(range(len(self.grids)), weights, k=CAMERA_COUNT - len(cams)):
            counts[i] += 1
        for grid, n in zip(self.grids, counts, strict=True):
            for _ in range(n):
                if grid.kind is GridKind.DEDICATED:
                    self._dedicated_camera(grid, add)
                elif grid.kind is GridKind.URBAN:
                    self._urban_camera(grid, add)
                else:
                    self._rural_camera(grid, add)
        return cams

    def _urban_camera(self, grid: _Grid, add: _AddCamera) -> None:
        rng = self.rng
        v, town = grid.village, grid.village.town
        roads = town.roads or town.highways
        road = rng.choice(roads)
        num = f"{rng.randrange(1, 400)}号"
        if rng.random() < 0.012:
            spot = rng.randrange(3)
            if spot == 0:
                add(grid, (town.root, "小学", "门口"), road + num, "gate", "01", True)
            elif spot == 1:
                office = "办事处" if town.kind == "jiedao" else "人民政府"
                add(grid, (town.name, office, "大门"), road + num, "gate", "01", True)
            else:
                add(grid, (v.name, "卫生服务站", "门口"), road + num, "gate", "01", True)
            return
        r = rng.random()
        if r < 0.28:
            street = rng.choice(town.streets)
            parts: tuple[str, ...] = (road, "与", street, "交叉口", rng.choice(_DIRS4))
            add(grid, parts, road + num, "road", "00", False)
        elif r < 0.48:
            estate = rng.choice(v.estates)
            add(grid, (estate, rng.choice(_GATES)), road + num + estate, "gate", "01", False)
        elif r < 0.66:
            estate = rng.choice(v.estates)
            parts = (estate, f"{rng.randrange(1, 31)}号楼", rng.choice(_SIDES))
            add(grid, parts, road + num + estate, "gate", "01", False)
        elif r < 0.78:
            add(grid, (road, num, "门前"), road + num, "road", "00", False)
        elif r < 0.86:
            add(grid, (road, "公交站"), road, "road", "00", False)
        elif r < 0.91:
            add(grid, (v.name, "党群服务中心", "门口"), road + num, "gate", "01", False)
        elif r < 0.95:
            street = rng.choice(town.streets)
            add(grid, (street, "农贸市场", "入口"), street, "gate", "00", False)
        else:
            add(grid, (road, "人行天桥"), road, "road", "00", False)

    def _rural_camera(self, grid: _Grid, add: _AddCamera) -> None:
        rng = self.rng
        v, town = grid.village, grid.village.town
        here = v.name
        if rng.random() < 0.012:
            spot = rng.randrange(3)
            if spot == 0:
                add(grid, (v.name[:-1], "小学", "门口"), here, "gate", "03", True)
            elif spot == 1:
                office = "办事处" if town.kind == "jiedao" else "人民政府"
                add(grid, (town.name, office, "大门"), town.streets[0], "gate", "03", True)
            else:
                add(grid, (v.name, "卫生室", "门口"), here, "gate", "03", True)
            return
        r = rng.random()
        if r < 0.16:
            add(grid, (v.name, "村委会广场"), here, "square", "03", False)
        elif r < 0.28:
            add(grid, (v.name, "文化礼堂", "门口"), here, "gate", "03", False)
        elif r < 0.42:
            add(grid, (v.name, "村口"), here, "road", "03", False)
        elif r < 0.58:
            group = f"第{_NUMERALS[rng.randrange(min(v.grids + 2, 12))]}村民小组"
            add(grid, (v.name, group, "路口"), here, "road", "03", False)
        elif r < 0.74:
            highway = rng.choice(town.highways or town.roads)
            add(grid, (highway, v.name, "段"), highway + v.name + "段", "road", "00", False)
        elif r < 0.82:
            add(grid, (v.name, "老年活动中心"), here, "indoor", "03", False)
        elif r < 0.88:
            add(grid, (v.name, "垃圾分类亭"), here, "gate", "03", False)
        elif r < 0.94:
            add(grid, (v.name, "桥头"), here, "road", "03", False)
        else:
            add(grid, (v.name, "停车场"), here, "gate", "03", False)

    def _dedicated_camera(self, grid: _Grid, add: _AddCamera) -> None:
        rng = self.rng
        assert grid.institution is not None and grid.institution_kind is not None
        ordinary, sensitive = _DEDICATED_SPOTS[grid.institution_kind]
        road = grid.village.town.roads[0] if grid.village.town.roads else grid.village.name
        detail = f"{road}{(grid.village.town.ordinal * 37) % 300 + 1}号{grid.institution}"
        if sensitive and rng.random() < 0.2:
            spot = rng.choice(sensitive)
            add(grid, (grid.institution, spot), detail, "gate", "02", True)
        else:
            spot = rng.choice(ordinary)
            profile = "indoor" if spot.endswith(("厅", "梯厅")) else "gate"
            add(grid, (grid.institution, spot), detail, profile, "02", False)

    # --- people

    def person(self, county: int, village: _Village) -> _PersonDraft:
        rng = self.rng
        male = rng.random() < 0.55
        given = rng.choice(_MALE_GIVEN if male else _FEMALE_GIVEN)
        name = rng.choice(_SURNAMES) + given
        age = rng.randint(22, 78)
        born = date(self.now.year - age, rng.randint(1, 12), rng.randint(1, 28))
        serial = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd = male (GB 11643)
        id_number = make_id(COUNTIES[county][0], born, serial)
        phone = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        return _PersonDraft(
            name, Sex.MALE if male else Sex.FEMALE, id_number, phone, self.address(village)
        )

    def address(self, village: _Village) -> str:
        rng = self.rng
        town = village.town
        head = f"{CITY_NAME}{COUNTIES[town.county][1]}{town.name}{village.name}"
        if village.estates:
            estate = rng.choice(village.estates)
            return (
                f"{head}{estate}{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元"
                f"{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
            )
        return f"{head}{rng.randint(1, 250)}号"

    def firm(self, category: DisputeCategory, town: _Town) -> str:
        rng = self.rng
        trade = rng.choice(_FIRM_TRADES.get(category, ("贸易",)))
        place = rng.choice((CITY_NAME[:2], COUNTIES[town.county][1][:2], town.root))
        return f"{place}{rng.choice(_FIRM_NAMES)}{trade}有限公司"


@dataclass(slots=True)
class _CasePlan:
    """A case being generated: its facts and the history that led to its state."""

    category: DisputeCategory
    grid: _Grid
    state: CaseState
    urgency: Urgency
    today: bool
    duty: str
    actions: tuple[FlowAction, ...]
    created_at: datetime
    times: list[datetime]
    deadline: datetime | None
    accepted_at: datetime | None
    supervision: SupervisionLevel
    supervise_at: datetime | None
    unit_code: str | None = None
    unit_name: str = ""
    channel: Channel | None = None
    mediator: str | None = None
    result: str | None = None
    review: str | None = None
    void_reason: str | None = None
    parties: list[PartyRecord] = field(default_factory=list)


class _CaseMaker:
    def __init__(self, b: _Builder) -> None:
        self.b = b
        self.rng = b.rng
        self.now = b.now
        grids = b.grids
        self.pools: tuple[list[_Grid], ...] = (
            [g for g in grids if g.kind is GridKind.URBAN],
            [g for g in grids if g.kind is GridKind.RURAL],
            [g for g in grids if g.institution_kind == "hospital"],
            [g for g in grids if g.institution_kind == "enterprise"],
        )
        self.hospitals = [g.institution or "" for g in self.pools[2]]

    def make(self) -> tuple[list[CaseRecord], list[FlowStepRecord], list[PartyRecord], list[int]]:
        """The cases in registration order, their steps and parties, and today's intake cases."""
        rng = self.rng
        plans = [self._plan(state, today=True) for state in _TODAY_INTAKE_STATES]
        # Every state at least once whatever the seed: the ledger demo shows all of them.
        plans += [self._plan(state) for state in CaseState]
        states, weights = list(_STATE_WEIGHTS), list(_STATE_WEIGHTS.values())
        while len(plans) < CASE_COUNT:
            plans.append(self._plan(rng.choices(states, weights)[0]))
        # Numbers follow registration order, as a real ledger's would.
        plans.sort(key=lambda p: p.created_at)
        cases: list[CaseRecord] = []
        steps: list[FlowStepRecord] = []
        parties: list[PartyRecord] = []
        today: list[int] = []
        per_year: dict[int, int] = {}
        for index, plan in enumerate(plans):
            year = plan.created_at.year
            per_year[year] = per_year.get(year, 0) + 1
            cases.append(self._fill(plan, f"{CITY_ABBREVIATION}-{year}-{per_year[year]:06d}"))
            steps.extend(self._steps(plan, index))
            parties.extend(dataclasses.replace(p, case_index=index) for p in plan.parties)
            if plan.today:
                today.append(index)
        return cases, steps, parties, today

    # --- the history

    def _path(self, state: CaseState) -> tuple[FlowAction, ...]:
        rng = self.rng
        if state is S.DRAFT:
            return (A.SAVE_DRAFT,)
        if state is S.VOIDED:
            prefix = _pick(rng, [(), (A.REPORT,), (A.REPORT, A.ACCEPT)], [0.2, 0.5, 0.3])
            return (*prefix, A.VOID)
        path = list(_shortest_path(state))
        if A.ASSIGN in path and rng.random() < 0.85:
            # Most cases pass through 分流 before 交办; path_to gives only the shortest path.
            path.insert(path.index(A.ASSIGN), A.DIVERT)
        if A.START in path:
            extras: list[FlowAction] = []
            if rng.random() < 0.12:
                extras.append(A.ASSIST)
            if state is not S.SUSPENDED and rng.random() < 0.06:
                extras += [A.SUSPEND, A.RESUME]
            at = path.index(A.START) + 1
            path[at:at] = extras
        if A.CLOSE in path and rng.random() < 0.07:
            at = path.index(A.CLOSE)
            path[at:at] = [A.RETURN, A.FEEDBACK, A.SUBMIT_REVIEW]
        return tuple(path)

    def _plan(self, state: CaseState, *, today: bool = False) -> _CasePlan:
        rng, now = self.rng, self.now
        category = _pick_map(rng, _CATEGORY_WEIGHTS)
        pool = _pick(rng, self.pools, _CATEGORY_GRIDS.get(category, _DEFAULT_GRIDS))
        grid = rng.choice(pool)
        urgency = _pick(rng, _URGENCIES, _URGENCY_WEIGHTS)
        actions = self._path(state)
        days = deadlines.resolution_deadline(category, urgency, now) - now
        minute, hour = timedelta(minutes=1), timedelta(hours=1)
        accepted_at: datetime | None = None
        deadline: datetime | None = None
        supervision = SupervisionLevel.NONE
        accepts = A.ACCEPT in actions

        if today:
            created = now - timedelta(seconds=rng.randint(40 * 60, 6 * 3600))
            if accepts:
                accepted_at = created + timedelta(seconds=rng.randint(10 * 60, 30 * 60))
            end = now - 5 * minute
        elif not accepts:
            if state is S.DRAFT:
                created = now - timedelta(seconds=rng.randint(600, 3 * 86400))
            elif state is S.REPORTED:
                created = now - timedelta(seconds=rng.randint(2400, 4 * 86400))
            else:
                created = now - timedelta(seconds=rng.randint(2 * 86400, HISTORY_DAYS * 86400))
            end = min(now - 5 * minute, created + timedelta(days=rng.uniform(0.1, 5)))
        elif state not in deadlines.DONE_STATES:
            # Open cases: pick the deadline status first, then the acceptance time that gives it.
            status = self._target_status(days)
            if status is DeadlineStatus.OVERDUE:
                deadline = now - timedelta(seconds=rng.randint(2 * 3600, 20 * 86400))
            elif status is DeadlineStatus.DUE_SOON:
                latest = min(deadlines.DUE_SOON_WITHIN, days) - hour
                deadline = now + timedelta(seconds=rng.randint(3600, _seconds(latest)))
            else:
                earliest = deadlines.DUE_SOON_WITHIN + hour
                deadline = now + timedelta(
                    seconds=rng.randint(_seconds(earliest), _seconds(days - hour))
                )
            accepted_at = deadline - days
            created = accepted_at - timedelta(seconds=rng.randint(20 * 60, 30 * 3600))
            end = now - 5 * minute
            if status is DeadlineStatus.OVERDUE:
                supervision = _pick(rng, list(SupervisionLevel), [0.25, 0.35, 0.25, 0.15])
            elif status is DeadlineStatus.DUE_SOON and rng.random() < 0.1:
                supervision = SupervisionLevel.NORMAL
        else:
            # Finished cases: anywhere in the last half year, mostly closed within the deadline.
            oldest = now - timedelta(days=HISTORY_DAYS)
            newest = now - days - timedelta(days=20)
            created = oldest + timedelta(seconds=rng.randint(0, _seconds(newest - oldest)))
            accepted_at = created + timedelta(seconds=rng.randint(20 * 60, 30 * 3600))
            if state is S.VOIDED:
                end = accepted_at + days * rng.uniform(0.05, 0.5)
            elif rng.random() < 0.88:
                end = accepted_at + days * rng.uniform(0.2, 0.98)
            else:
                end = accepted_at + days + timedelta(seconds=rng.randint(3600, 10 * 86400))
        if accepted_at is not None:
            deadline = deadlines.resolution_deadline(category, urgency, accepted_at)

        times = self._times(actions, created, accepted_at, end)
        supervise_at = None
        if supervision is not SupervisionLevel.NONE:
            assert deadline is not None
            low = max(times[-1], deadline) + minute
            high = now - minute
            supervise_at = low + (high - low) * rng.random() if high > low else times[-1] + minute
            supervise_at = supervise_at.replace(microsecond=0)
        return _CasePlan(
            category=category,
            grid=grid,
            state=state,
            urgency=urgency,
            today=today,
            duty=rng.choice(_DUTY),
            actions=actions,
            created_at=created,
            times=times,
            deadline=deadline,
            accepted_at=accepted_at,
            supervision=supervision,
            supervise_at=supervise_at,
        )

    def _target_status(self, days: timedelta) -> DeadlineStatus:
        rng = self.rng
        if days <= deadlines.DUE_SOON_WITHIN + timedelta(hours=2):
            # A three-day deadline is due soon from the moment the case is accepted.
            return _pick(rng, [DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON], [0.4, 0.6])
        return _pick(
            rng,
            [DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON, DeadlineStatus.NORMAL],
            [0.14, 0.14, 0.72],
        )

    def _times(
        self,
        actions: tuple[FlowAction, ...],
        created: datetime,
        accepted_at: datetime | None,
        end: datetime,
    ) -> list[datetime]:
        """Increasing step times: registration steps at once, the rest spread until `end`."""
        rng = self.rng
        times: list[datetime] = []
        i = 0
        if actions[i] is A.SAVE_DRAFT:
            times.append(created)
            i += 1
        if i < len(actions) and actions[i] is A.REPORT:
            limit = 1800
            if accepted_at is not None:
                limit = max(61, min(limit, _seconds(accepted_at - created) // 2))
            times.append(created + timedelta(seconds=rng.randint(60, limit)))
            i += 1
        if i < len(actions) and actions[i] is A.ACCEPT:
            assert accepted_at is not None
            times.append(accepted_at)
            i += 1
        rest = actions[i:]
        if not rest:
            return times
        evaluate = rest[-1] is A.EVALUATE
        body = rest[:-1] if evaluate else rest
        low = times[-1] if times else created
        span = max(_seconds(end - low), 2 * len(body) + 2)
        offsets = sorted(rng.sample(range(1, span), len(body)))
        times.extend(low + timedelta(seconds=o) for o in offsets)
        if evaluate:
            # 评价 comes days after 办结, and never in the future.
            later = times[-1] + timedelta(seconds=rng.randint(86400, 7 * 86400))
            latest = self.now - timedelta(minutes=30)
            times.append(min(later, max(latest, times[-1] + timedelta(minutes=5))))
        return times

    # --- the record

    def _fill(self, plan: _CasePlan, number: str) -> CaseRecord:
        rng, b = self.rng, self.b
        grid, category = plan.grid, plan.category
        village, town = grid.village, grid.village.town
        county_code, county_name = COUNTIES[town.county][0], COUNTIES[town.county][1]
        variant = rng.choice(_VARIANTS[category])
        estate = rng.choice(village.estates) if village.estates else town.root + "新村"
        company = b.firm(category, town)
        hospital = (
            grid.institution
            if grid.institution_kind == "hospital" and grid.institution
            else rng.choice(self.hospitals)
        )
        road = rng.choice(town.roads or town.highways)

        applicant = b.person(town.county, village)
        parties = [_person_party(PartyRole.APPLICANT, applicant)]
        if variant.respondent == "person":
            other = b.person(town.county, village)
            parties.append(_person_party(PartyRole.RESPONDENT, other))
            respondent = _masked(other.name, applicant.name)
        else:
            respondent = {
                "firm": company,
                "hospital": hospital,
                "village": village.name + ("居民委员会" if village.urban else "村民委员会"),
                "government": county_name + "综合行政执法局",
            }[variant.respondent]
            # GB 32100 registration kinds: 91 enterprise, 12 public institution,
            # 54 villagers' committee, 11 government organ.
            kind = {"hospital": "12", "village": "54", "government": "11"}.get(
                variant.respondent, "91"
            )
            parties.append(
                PartyRecord(
                    case_index=0,
                    role=PartyRole.RESPONDENT,
                    name=respondent,
                    id_type=IdType.USCC,
                    id_number=_uscc(rng, county_code, kind),
                    sex=Sex.UNKNOWN,
                    phone=f"{CITY_PHONE_AREA}-8{rng.randrange(10**6, 10**7)}",
                    address=f"{CITY_NAME}{county_name}{town.name}{road}{rng.randint(1, 400)}号",
                )
            )
        if rng.random() < 0.12:
            third = b.person(town.county, village)
            parties.append(_person_party(PartyRole.THIRD_PARTY, third))
        plan.parties = parties

        if variant.group:
            scale = _pick(
                rng,
                [EventScale.SMALL_GROUP, EventScale.GROUP, EventScale.MASS],
                [0.3, 0.55, 0.15],
            )
        else:
            scale = _pick(rng, [EventScale.INDIVIDUAL, EventScale.SMALL_GROUP], [0.85, 0.15])
        persons = sum(1 for p in parties if p.id_type is IdType.RESIDENT_ID)
        people = max(rng.randint(*_PEOPLE_BY_SCALE[scale]), persons)
        if scale is EventScale.INDIVIDUAL and people > _PEOPLE_BY_SCALE[scale][1]:
            scale = EventScale.SMALL_GROUP
        risk = self._risk(scale)

        if grid.institution:
            place = f"{town.name}{grid.institution}"
        elif village.urban:
            place = f"{town.name}{village.name}{estate}"
        else:
            place = f"{town.name}{village.name}"
        occurred = plan.created_at - timedelta(seconds=rng.randint(3600, 20 * 86400))
        projects = (
            f"{town.root}安置房",
            f"{road}改造工程",
            f"{village.name}美丽乡村建设",
            f"{estate}二期",
            f"{county_name}人民医院新院区",
            "临江高铁站配套道路",
        )
        values: dict[str, object] = {
            "a": _masked(applicant.name),
            "b": respondent,
            "company": company,
            "estate": estate,
            "hospital": hospital,
            "place": place,
            "village": village.name,
            "road": road,
            "project": rng.choice(projects),
            "amount": _money(rng, *_AMOUNT_RANGES.get(category, (0.5, 60))),
            "small_amount": _small_money(rng),
            "n": people,
            "months": rng.randint(2, 11),
            "date": f"{occurred.month}月{occurred.day}日",
            "age": rng.randint(68, 89),
            "kids": rng.randint(2, 4),
            "mu": rng.randint(3, 260),
            "trees": rng.randint(20, 400),
            "days": rng.choice((7, 10, 15, 30)),
        }

        reached = set(plan.actions)
        unit_name = _pick_map(rng, dict(_CATEGORY_UNITS[category]))
        unit_index = _UNIT_INDEX[unit_name]
        plan.unit_name = CITY_NAME + unit_name
        plan.unit_code = unit_code(unit_index) if A.ASSIGN in reached else None
        plan.channel = MEMBER_UNITS[unit_index][1] if A.DIVERT in reached else None
        plan.mediator = rng.choice(_MEDIATORS) if A.START in reached else None
        involved = [plan.unit_name]
        if rng.random() < 0.4:
            involved.append(town.name + ("办事处" if town.kind == "jiedao" else "人民政府"))
        success: bool | None = None
        method: ResolutionMethod | None = None
        if A.CLOSE in reached:
            success = rng.random() < 0.9
            plan.result = rng.choice(_RESULTS_OK if success else _RESULTS_FAILED).format(**values)
            method = _pick(rng, _METHODS, _METHOD_WEIGHTS) if success else ResolutionMethod.REFERRAL
        if A.EVALUATE in reached:
            plan.review = rng.choice(_REVIEW_OPINIONS)
        if plan.state is S.VOIDED:
            plan.void_reason = rng.choice(_VOID_REASONS)

        at = dict(zip(plan.actions, plan.times, strict=True))
        updated = max(plan.times[-1], plan.supervise_at or plan.times[-1])
        finished = next((at[a] for a in (A.CLOSE, A.REJECT, A.VOID) if a in at), None)
        source = CaseSource.VIDEO_PETITION if plan.today else _pick(rng, _SOURCES, _SOURCE_WEIGHTS)
        return CaseRecord(
            number=number,
            title=variant.title.format(**values),
            occurred_at=occurred,
            place=place,
            scale=scale,
            category=category,
            people_count=people,
            summary=variant.summary.format(**values),
            units_involved="、".join(involved),
            urgency=plan.urgency,
            deadline=plan.deadline,
            method=method,
            channel=plan.channel,
            responsible_unit_code=plan.unit_code,
            responsible_username=plan.mediator,
            success=success,
            result_account=plan.result,
            review_date=at.get(A.EVALUATE),
            review_opinion=plan.review,
            longitude=_round6(grid.lon + rng.uniform(-0.004, 0.004)),
            latitude=_round6(grid.lat + rng.uniform(-0.004, 0.004)),
            grid_code=grid.code,
            source=source,
            risk_type=_RISK_TYPES[category] if risk is not RiskLevel.LOW else None,
            risk_level=risk,
            state=plan.state,
            supervision=plan.supervision,
            void_reason=plan.void_reason,
            created_by_username=plan.duty,
            created_at=plan.created_at,
            updated_at=updated,
            accepted_at=plan.accepted_at,
            closed_at=finished,
        )

    def _risk(self, scale: EventScale) -> RiskLevel:
        return _pick(self.rng, _RISKS, _RISK_WEIGHTS[scale])

    def _steps(self, plan: _CasePlan, index: int) -> list[FlowStepRecord]:
        actors = {
            Role.DUTY_OFFICER: plan.duty,
            Role.MEDIATOR: plan.mediator or _MEDIATORS[0],
            Role.SUPERVISOR: _SUPERVISOR,
        }
        history = list(zip(plan.actions, plan.times, strict=True))
        if plan.supervise_at is not None:
            history.append((A.SUPERVISE, plan.supervise_at))
        steps: list[FlowStepRecord] = []
        state = S.DRAFT
        for action, at in history:
            role = _ACTION_ROLE[action]
            opinion = self._opinion(action, plan)
            # Through the real state machine, so a demo history is a legal history.
            step = case_flow.next_state(state, action, role, opinion)
            steps.append(
                FlowStepRecord(
                    case_index=index,
                    action=action,
                    from_state=step.before,
                    to_state=step.after,
                    actor_username=actors[role],
                    unit_code=plan.unit_code if action in _HANDLING_ACTIONS else None,
                    at=at,
                    opinion=opinion,
                    channel=plan.channel if action is A.DIVERT else None,
                    target_unit_code=plan.unit_code if action is A.ASSIGN else None,
                    deadline=plan.deadline if action is A.ASSIGN else None,
                )
            )
            state = step.after
        if state is not plan.state:
            raise AssertionError(f"demo history ends in {state}, not {plan.state}")
        return steps

    def _opinion(self, action: FlowAction, plan: _CasePlan) -> str:
        rng = self.rng
        if action is A.REJECT:
            return rng.choice(_REJECT_REASONS)
        if action is A.DIVERT:
            return f"分流至{plan.channel.zh if plan.channel else '相关'}渠道办理。"
        if action is A.ASSIGN:
            due = f"{plan.deadline.month}月{plan.deadline.day}日" if plan.deadline else "期限"
            return f"交{plan.unit_name}办理，请于{due}前化解并反馈。"
        if action is A.SUSPEND:
            return rng.choice(_SUSPEND_REASONS)
        if action is A.FEEDBACK:
            return plan.result or "已开展调解工作，双方分歧逐步缩小，继续跟进。"
        if action is A.EVALUATE:
            return plan.review or ""
        if action is A.VOID:
            return plan.void_reason or "登记信息有误。"
        if action is A.SUPERVISE:
            level = plan.supervision.zh
            if plan.deadline is not None and plan.deadline < self.now:
                late = (self.now - plan.deadline).days + 1
                return f"{level}督办：该案已超过化解时限{late}天，请责任单位3个工作日内化解并反馈。"
            return f"{level}督办：该案即将到期，请抓紧化解。"
        return _FIXED_OPINIONS.get(action, "")


_FIXED_OPINIONS: dict[FlowAction, str] = {
    A.ACCEPT: "经审查，符合受理条件，予以受理。",
    A.START: "已联系双方当事人，开始办理。",
    A.ASSIST: "需属地街道（乡镇）协助核实相关情况。",
    A.RESUME: "挂起事由已消除，恢复办理。",
    A.SUBMIT_REVIEW: "化解工作已完成，提请审核。",
    A.RETURN: "反馈材料不完整，缺少调解协议书及当事人签字，请补充后重新提交。",
    A.CLOSE: "同意办结。",
}
_AMOUNT_RANGES: dict[DisputeCategory, tuple[float, float]] = {
    DisputeCategory.LAND_REQUISITION: (20, 600),
    DisputeCategory.CONSTRUCTION: (20, 600),
    DisputeCategory.LABOUR: (3, 120),
    DisputeCategory.MEDICAL: (3, 120),
}
_METHODS = (
    ResolutionMethod.MEDIATION,
    ResolutionMethod.CONCILIATION,
    ResolutionMethod.EDUCATION,
    ResolutionMethod.LEGAL_AID,
    ResolutionMethod.OTHER,
)
_METHOD_WEIGHTS = (0.62, 0.18, 0.12, 0.05, 0.03)
_RISK_WEIGHTS: dict[EventScale, tuple[float, ...]] = {
    EventScale.INDIVIDUAL: (0.7, 0.25, 0.05, 0.0),
    EventScale.SMALL_GROUP: (0.5, 0.35, 0.13, 0.02),
    EventScale.GROUP: (0.25, 0.4, 0.28, 0.07),
    EventScale.MASS: (0.05, 0.3, 0.4, 0.25),
}


def _person_party(role: PartyRole, p: _PersonDraft) -> PartyRecord:
    return PartyRecord(0, role, p.name, IdType.RESIDENT_ID, p.id_number, p.sex, p.phone, p.address)


def _masked(name: str, other: str | None = None) -> str:
    """How a ledger title names a person: surname and 某 (某某 when the surnames clash)."""
    if other is not None and other[0] == name[0]:
        return name[0] + "某某"
    return name[0] + "某"


# --- the intake queue and the mediation rooms


def _build_calls(
    b: _Builder,
    cases: Sequence[CaseRecord],
    steps: Sequence[FlowStepRecord],
    parties: Sequence[PartyRecord],
    today: Sequence[int],
) -> list[CallRecord]:
    rng, now = b.rng, b.now
    minute = timedelta(minutes=1)
    applicants = {p.case_index: p for p in reversed(parties) if p.role is PartyRole.APPLICANT}
    reported = {s.case_index: s.at for s in steps if s.action is A.REPORT}
    calls: list[CallRecord] = []
    # Calls already handled today: each registered one of today's video-petition cases.
    for index in today:
        case, caller = cases[index], applicants[index]
        talk_from = case.created_at - rng.randint(2, 8) * minute
        # A staffed centre answers most video calls within a minute; a few wait longer.
        queued = talk_from - timedelta(seconds=rng.choice((15, 25, 35, 45, 50, 70, 150)))
        talk_to = min(reported.get(index, case.created_at) + rng.randint(1, 5) * minute, now)
        vulnerable = rng.random() < 0.2
        calls.append(
            CallRecord(
                ticket="",
                caller_name=caller.name,
                caller_phone=caller.phone,
                caller_id_number=caller.id_number,
                category=case.category,
                urgency=case.urgency,
                vulnerable=vulnerable,
                priority=call_priority(case.urgency, vulnerable),
                state=CallState.COMPLETED,
                queued_at=queued,
                answered_at=talk_from,
                ended_at=talk_to,
                officer_username=case.created_by_username,
                case_index=index,
                recording_consent=rng.random() < 0.9,
                outcome=f"已登记为矛盾纠纷案件（{case.number}）",
            )
        )
    # Waiting right now, and a few that ended without a case.
    villages = b.villages
    others = (
        [(CallState.QUEUED, rng.randint(1, 25) * 60) for _ in range(5)]
        + [(CallState.ABANDONED, rng.randint(3600, 5 * 3600)) for _ in range(2)]
        + [(CallState.CALLED_BACK, rng.randint(2 * 3600, 5 * 3600))]
        + [(CallState.TRANSFERRED, rng.randint(3600, 4 * 3600))]
    )
    for state, ago in others:
        village = rng.choice(villages)
        person = b.person(village.town.county, village)
        urgency = _pick(rng, _URGENCIES, _URGENCY_WEIGHTS)
        vulnerable = rng.random() < 0.25
        queued = now - timedelta(seconds=ago)
        answered: datetime | None = None
        ended: datetime | None = None
        officer: str | None = None
        outcome: str | None = None
        if state is CallState.ABANDONED:
            ended = queued + rng.randint(1, 6) * minute
            outcome = "来电人排队时挂断"
        elif state is CallState.CALLED_BACK:
            answered = queued + rng.randint(15, 40) * minute
            ended = answered + rng.randint(3, 9) * minute
            officer = "duty2"
            outcome = "来电人排队时挂断，已回拨并解答政策咨询"
        elif state is CallState.TRANSFERRED:
            answered = queued + rng.randint(1, 6) * minute
            ended = answered + rng.randint(5, 15) * minute
            officer = "duty"
            outcome = "已转接调解员李建国"
        calls.append(
            CallRecord(
                ticket="",
                caller_name=person.name,
                caller_phone=person.phone,
                caller_id_number=person.id_number if rng.random() < 0.7 else None,
                category=_pick_map(rng, _CATEGORY_WEIGHTS),
                urgency=urgency,
                vulnerable=vulnerable,
                priority=call_priority(urgency, vulnerable),
                state=state,
                queued_at=queued,
                answered_at=answered,
                ended_at=ended,
                officer_username=officer,
                case_index=None,
                recording_consent=state is CallState.TRANSFERRED,
                outcome=outcome,
            )
        )
    calls.sort(key=lambda c: c.queued_at)
    per_day: dict[date, int] = {}
    numbered = []
    for call in calls:
        day = call.queued_at.date()
        per_day[day] = per_day.get(day, 0) + 1
        ticket = f"JF-{day:%Y%m%d}-{per_day[day]:04d}"
        numbered.append(dataclasses.replace(call, ticket=ticket))
    return numbered


def _office_slot(
    rng: random.Random, low: datetime, high: datetime, taken: list[datetime]
) -> datetime:
    """A half-hour booking in local office hours (09:00-16:30) between low and high, naive UTC.

    Keeps clear of the mediator's other bookings (`taken`, updated); falls back to any half
    hour in the window when it holds no free office hours.
    """
    slots = []
    day = (low + LOCAL_UTC_OFFSET).date()
    while day <= (high + LOCAL_UTC_OFFSET).date():
        for half in range(18, 34):  # 09:00 .. 16:30 local
            at = datetime(day.year, day.month, day.day) + half * timedelta(minutes=30)
            at -= LOCAL_UTC_OFFSET
            if low <= at <= high and all(abs(at - t) >= timedelta(hours=3) for t in taken):
                slots.append(at)
        day += timedelta(days=1)
    if slots:
        at = rng.choice(slots)
    else:
        at = low + (high - low) * rng.random()
        at = at.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=30)
    taken.append(at)
    return at


def _build_rooms(
    b: _Builder,
    cases: Sequence[CaseRecord],
    steps: Sequence[FlowStepRecord],
    parties: Sequence[PartyRecord],
) -> tuple[list[RoomRecord], list[RoomSessionRecord], list[ParticipantRecord]]:
    rng, now = b.rng, b.now
    minute = timedelta(minutes=1)
    started = {s.case_index: s.at for s in steps if s.action is A.START}
    by_case: dict[int, list[int]] = {}
    for i, p in enumerate(parties):
        by_case.setdefault(p.case_index, []).append(i)
    candidates = [
        i
        for i, c in enumerate(cases)
        if c.state is S.IN_PROGRESS
        and c.responsible_username
        and len(by_case.get(i, ())) >= 2
        # Handled long enough for a past sitting to fit between 办理 and now.
        and started[i] < now - timedelta(hours=8)
    ]
    chosen = rng.sample(candidates, 12)
    # One open room per mediator: nobody runs two sessions at once.
    open_cases: list[int] = []
    for mediator in _MEDIATORS:
        pick = next(i for i in chosen if cases[i].responsible_username == mediator)
        chosen.remove(pick)
        open_cases.append(pick)
    plan = (
        [(RoomState.OPEN, i) for i in open_cases]
        + [(RoomState.SCHEDULED, i) for i in chosen[:4]]
        + [(RoomState.CLOSED, i) for i in chosen[4:9]]
    )
    rooms: list[RoomRecord] = []
    sessions: list[RoomSessionRecord] = []
    people: list[ParticipantRecord] = []
    display = {u[0]: u[1] for u in DEMO_USERS}
    bookings: dict[str, list[datetime]] = {}
    for room_index, (state, case_index) in enumerate(plan):
        case = cases[case_index]
        mediator = case.responsible_username or _MEDIATORS[0]
        busy = bookings.setdefault(mediator, [])
        opened: datetime | None = None
        closed: datetime | None = None
        if state is RoomState.SCHEDULED:
            scheduled = _office_slot(rng, now + timedelta(hours=1), now + timedelta(days=3), busy)
        elif state is RoomState.OPEN:
            scheduled = (now - rng.randint(15, 50) * minute).replace(second=0)
            opened = scheduled + rng.randint(0, 5) * minute
            busy.append(scheduled)
        else:
            low, high = started[case_index] + timedelta(hours=1), now - timedelta(hours=5)
            scheduled = _office_slot(rng, low, high, busy)
            opened = scheduled + rng.randint(0, 10) * minute
            closed = min(opened + rng.randint(30, 120) * minute, now - 10 * minute)
        rooms.append(
            RoomRecord(
                name=f"调解：{case.title}"[:120],
                case_index=case_index,
                mediator_username=mediator,
                state=state,
                backend="mesh",
                max_publishers=4,
                scheduled_at=scheduled,
                opened_at=opened,
                closed_at=closed,
            )
        )
        if opened is not None:
            sessions.append(RoomSessionRecord(room_index, opened, closed))
        joined_state = {
            RoomState.SCHEDULED: ParticipantState.INVITED,
            RoomState.OPEN: ParticipantState.ADMITTED,
            RoomState.CLOSED: ParticipantState.LEFT,
        }[state]
        people.append(
            ParticipantRecord(
                room_index=room_index,
                party_index=None,
                username=mediator,
                name=display[mediator],
                role=ParticipantRole.MEDIATOR,
                state=joined_state,
                recording_consent=state is not RoomState.SCHEDULED,
                invite_token_hash=None,
                joined_at=opened,
                left_at=closed,
            )
        )
        guests: list[tuple[int | None, str, ParticipantRole]] = []
        for pi in by_case[case_index][:2]:
            party = parties[pi]
            role = (
                ParticipantRole.PARTY
                if party.id_type is IdType.RESIDENT_ID
                else ParticipantRole.UNIT_REP
            )
            guests.append((pi, party.name, role))
        if rng.random() < 0.35:
            guests.append(
                (None, rng.choice(_SURNAMES) + rng.choice(_MALE_GIVEN), ParticipantRole.LAWYER)
            )
        for k, (party_index, name, role) in enumerate(guests):
            token = f"demo-invite:{b.seed}:{room_index}:{k}"
            pstate = joined_state
            joined = None if opened is None else opened + rng.randint(1, 6) * minute
            if state is RoomState.OPEN and k == len(guests) - 1 and rng.random() < 0.5:
                # Someone still waiting in the lobby gives the mediator something to admit.
                pstate, joined = ParticipantState.LOBBY, None
            people.append(
                ParticipantRecord(
                    room_index=room_index,
                    party_index=party_index,
                    username=None,
                    name=name,
                    role=role,
                    state=pstate,
                    recording_consent=pstate is not ParticipantState.INVITED
                    and pstate is not ParticipantState.LOBBY,
                    invite_token_hash=hashlib.sha256(token.encode()).hexdigest(),
                    joined_at=joined,
                    left_at=closed if joined is not None else None,
                )
            )
    return rooms, sessions, people


# --- the entry point


def build_demo_workspace(now: datetime, seed: int = DEFAULT_SEED) -> DemoWorkspace:
    """The whole demo city as of `now` (naive UTC); the same seed and now give the same city."""
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    now = now.replace(microsecond=0)
    b = _Builder(now, seed)
    b.build_regions()
    units = b.build_units()
    users = b.build_users()
    cameras = b.build_cameras()
    cases, steps, parties, today = _CaseMaker(b).make()
    calls = _build_calls(b, cases, steps, parties, today)
    rooms, sessions, participants = _build_rooms(b, cases, steps, parties)
    return DemoWorkspace(
        seed=seed,
        now=now,
        version=DEMO_DATA_VERSION,
        city_name=CITY_NAME,
        city_code=CITY_CODE,
        city_abbreviation=CITY_ABBREVIATION,
        regions=tuple(b.regions),
        units=tuple(units),
        users=tuple(users),
        cameras=tuple(cameras),
        cases=tuple(cases),
        flow_steps=tuple(steps),
        parties=tuple(parties),
        calls=tuple(calls),
        rooms=tuple(rooms),
        room_sessions=tuple(sessions),
        participants=tuple(participants),
    )
