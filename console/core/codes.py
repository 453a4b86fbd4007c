"""The code tables of the domain: the one place each code and its Chinese and English labels live.

Each table is an Enum whose value is the stable code stored in the database and sent over
the wire; `label(lang)` gives the text an operator reads. The UI translates through Qt for
its own strings, but code labels come from here so that exports, PDFs and the signalling
server say the same words.
"""

from __future__ import annotations

import enum


class CodeTable(enum.Enum):
    """An enum whose members carry (code, zh label, en label)."""

    # Defaults let type checkers accept the lookup form `Role("mediator")`, which Enum
    # routes to value lookup, never to this constructor.
    def __new__(cls, code: str, zh: str = "", en: str = "") -> CodeTable:
        member = object.__new__(cls)
        member._value_ = code
        member.zh = zh
        member.en = en
        return member

    zh: str
    en: str

    @property
    def code(self) -> str:
        return str(self.value)

    def label(self, lang: str = "zh_CN") -> str:
        return self.zh if lang.startswith("zh") else self.en

    @classmethod
    def from_code(cls, code: str) -> CodeTable:
        try:
            return cls(code)
        except ValueError as exc:
            raise ValueError(f"unknown {cls.__name__} code {code!r}") from exc

    @classmethod
    def codes(cls) -> tuple[str, ...]:
        return tuple(m.value for m in cls)


class DisputeCategory(CodeTable):
    MARRIAGE_FAMILY = ("marriage_family", "婚姻家庭", "Marriage and family")
    NEIGHBOUR = ("neighbour", "邻里纠纷", "Neighbours")
    LABOUR = ("labour", "劳资纠纷", "Labour and wages")
    PROPERTY_MGMT = ("property_mgmt", "物业管理", "Property management")
    MEDICAL = ("medical", "医患纠纷", "Doctor-patient")
    LAND_REQUISITION = ("land_requisition", "征地拆迁", "Land requisition and demolition")
    HOUSING_HOMESTEAD = ("housing_homestead", "房屋和宅基地", "Housing and homestead")
    FOREST_LAND = ("forest_land", "山林土地", "Forest and farmland")
    CONTRACT = ("contract", "合同履行", "Contract performance")
    ENVIRONMENT = ("environment", "环境生态", "Environment and ecology")
    CONSTRUCTION = ("construction", "建筑工程", "Construction works")
    TRAFFIC_SAFETY = ("traffic_safety", "交通及生产安全", "Traffic and work safety")
    COMMUNITY_AFFAIRS = ("community_affairs", "村(社区)务管理", "Village/community affairs")
    ADMIN_ENFORCEMENT = ("admin_enforcement", "行政执法活动", "Administrative enforcement")
    OTHER = ("other", "其他", "Other")


class EventScale(CodeTable):
    INDIVIDUAL = ("individual", "个体", "Individual")
    SMALL_GROUP = ("small_group", "群体(5人以下)", "Small group (under 5)")
    GROUP = ("group", "群体(5-29人)", "Group (5-29)")
    MASS = ("mass", "群体(30人以上)", "Mass (30 or more)")


class ResolutionMethod(CodeTable):
    """化解方式."""

    MEDIATION = ("mediation", "调解", "Mediation")
    CONCILIATION = ("conciliation", "和解", "Conciliation")
    EDUCATION = ("education", "疏导教育", "Guidance and education")
    LEGAL_AID = ("legal_aid", "法律援助", "Legal aid")
    REFERRAL = ("referral", "移交处理", "Referral")
    OTHER = ("other", "其他", "Other")


class Channel(CodeTable):
    """分流 channels of multi-channel dispute resolution."""

    PEOPLES_MEDIATION = ("peoples_mediation", "人民调解", "People's mediation")
    ADMIN_MEDIATION = ("admin_mediation", "行政调解", "Administrative mediation")
    ARBITRATION = ("arbitration", "仲裁", "Arbitration")
    ADMIN_RULING = ("admin_ruling", "行政裁决", "Administrative ruling")
    ADMIN_REVIEW = ("admin_review", "行政复议", "Administrative review")
    LITIGATION = ("litigation", "诉讼", "Litigation")


class CaseState(CodeTable):
    DRAFT = ("draft", "草稿", "Draft")
    REPORTED = ("reported", "上报", "Reported")
    ACCEPTED = ("accepted", "受理", "Accepted")
    REJECTED = ("rejected", "不予受理", "Not accepted")
    DIVERTED = ("diverted", "分流", "Diverted")
    ASSIGNED = ("assigned", "交办", "Assigned")
    IN_PROGRESS = ("in_progress", "办理", "In progress")
    SUSPENDED = ("suspended", "挂起", "Suspended")
    FEEDBACK = ("feedback", "反馈", "Feedback given")
    REVIEW = ("review", "审核", "Under review")
    CLOSED = ("closed", "办结", "Closed")
    EVALUATED = ("evaluated", "评价", "Evaluated")
    VOIDED = ("voided", "作废", "Voided")


class FlowAction(CodeTable):
    """One step of the case flow; each becomes a flow-log row."""

    SAVE_DRAFT = ("save_draft", "保存草稿", "Save draft")
    REPORT = ("report", "上报", "Report")
    ACCEPT = ("accept", "受理", "Accept")
    REJECT = ("reject", "不予受理", "Decline")
    DIVERT = ("divert", "分流", "Divert")
    ASSIGN = ("assign", "交办", "Assign")
    START = ("start", "办理", "Start handling")
    SUSPEND = ("suspend", "挂起", "Suspend")
    RESUME = ("resume", "恢复办理", "Resume")
    ASSIST = ("assist", "协办", "Request assistance")
    FEEDBACK = ("feedback", "反馈", "Give feedback")
    SUBMIT_REVIEW = ("submit_review", "提交审核", "Submit for review")
    RETURN = ("return", "回退", "Return for rework")
    CLOSE = ("close", "办结", "Close")
    EVALUATE = ("evaluate", "评价", "Evaluate")
    VOID = ("void", "作废", "Void")
    SUPERVISE = ("supervise", "督办", "Supervise")


class SupervisionLevel(CodeTable):
    """督办 flags."""

    NONE = ("none", "无", "None")
    NORMAL = ("normal", "普通", "Normal")
    YELLOW = ("yellow", "黄牌", "Yellow card")
    RED = ("red", "红牌", "Red card")


class DeadlineStatus(CodeTable):
    NORMAL = ("normal", "正常", "On time")
    DUE_SOON = ("due_soon", "将到期", "Due soon")
    OVERDUE = ("overdue", "已超期", "Overdue")
    DONE = ("done", "已办结", "Done")


class RiskLevel(CodeTable):
    LOW = ("low", "低", "Low")
    MEDIUM = ("medium", "中", "Medium")
    HIGH = ("high", "高", "High")
    CRITICAL = ("critical", "重大", "Critical")


class Urgency(CodeTable):
    NORMAL = ("normal", "一般", "Normal")
    URGENT = ("urgent", "紧急", "Urgent")
    VERY_URGENT = ("very_urgent", "特急", "Very urgent")


class CaseSource(CodeTable):
    VIDEO_PETITION = ("video_petition", "视频接访", "Video petition")
    WALK_IN = ("walk_in", "来访", "Walk-in")
    HOTLINE = ("hotline", "热线", "Hotline")
    GRID_PATROL = ("grid_patrol", "网格巡查", "Grid patrol")
    REFERRED = ("referred", "部门移交", "Referred by a unit")
    ONLINE = ("online", "网上信访", "Online")


class IdType(CodeTable):
    RESIDENT_ID = ("resident_id", "居民身份证", "Resident ID card")
    PASSPORT = ("passport", "护照", "Passport")
    HK_MACAO_PERMIT = ("hk_macao_permit", "港澳居民来往内地通行证", "Home Return Permit")
    TAIWAN_PERMIT = ("taiwan_permit", "台湾居民来往大陆通行证", "Taiwan Compatriot Permit")
    USCC = ("uscc", "统一社会信用代码", "Unified social credit code")
    OTHER = ("other", "其他证件", "Other document")


class Sex(CodeTable):
    MALE = ("male", "男", "Male")
    FEMALE = ("female", "女", "Female")
    UNKNOWN = ("unknown", "未说明", "Not stated")


class PartyRole(CodeTable):
    APPLICANT = ("applicant", "申请人", "Applicant")
    RESPONDENT = ("respondent", "被申请人", "Respondent")
    THIRD_PARTY = ("third_party", "第三人", "Third party")
    AGENT = ("agent", "代理人", "Agent")


class Role(CodeTable):
    DUTY_OFFICER = ("duty_officer", "值班员", "Duty officer")
    MEDIATOR = ("mediator", "调解员", "Mediator")
    SUPERVISOR = ("supervisor", "督导", "Supervisor")
    ADMIN = ("admin", "系统管理员", "Administrator")


class RegionLevel(CodeTable):
    CITY = ("city", "市", "City")
    COUNTY = ("county", "县(市、区)", "County/district")
    TOWN = ("town", "乡镇(街道)", "Town/subdistrict")
    VILLAGE = ("village", "村(社区)", "Village/community")
    GRID = ("grid", "网格", "Grid")


class GridKind(CodeTable):
    URBAN = ("urban", "城市网格", "Urban grid")
    RURAL = ("rural", "农村网格", "Rural grid")
    DEDICATED = ("dedicated", "专属网格", "Dedicated grid")


class CallState(CodeTable):
    """A video petition call from queueing to its end."""

    QUEUED = ("queued", "排队中", "Queued")
    RINGING = ("ringing", "振铃", "Ringing")
    IN_CALL = ("in_call", "通话中", "In call")
    ON_HOLD = ("on_hold", "保持", "On hold")
    TRANSFERRED = ("transferred", "已转接", "Transferred")
    COMPLETED = ("completed", "已结束", "Completed")
    ABANDONED = ("abandoned", "放弃", "Abandoned")
    CALLED_BACK = ("called_back", "已回拨", "Called back")


class RoomState(CodeTable):
    SCHEDULED = ("scheduled", "已预约", "Scheduled")
    OPEN = ("open", "进行中", "In session")
    CAUCUS = ("caucus", "背靠背", "Caucus")
    CLOSED = ("closed", "已结束", "Closed")
    CANCELLED = ("cancelled", "已取消", "Cancelled")


class ParticipantRole(CodeTable):
    MEDIATOR = ("mediator", "调解员", "Mediator")
    PARTY = ("party", "当事人", "Party")
    LAWYER = ("lawyer", "律师", "Lawyer")
    UNIT_REP = ("unit_rep", "单位代表", "Unit representative")
    OBSERVER = ("observer", "旁听", "Observer")


class ParticipantState(CodeTable):
    INVITED = ("invited", "已邀请", "Invited")
    LOBBY = ("lobby", "等候室", "In lobby")
    ADMITTED = ("admitted", "已入会", "Admitted")
    LEFT = ("left", "已离开", "Left")
    REMOVED = ("removed", "已移出", "Removed")


class AgreementState(CodeTable):
    DRAFT = ("draft", "草拟", "Draft")
    SIGNING = ("signing", "签署中", "Signing")
    SIGNED = ("signed", "已签署", "Signed")
    CONFIRMED = ("confirmed", "已司法确认", "Judicially confirmed")
    VOIDED = ("voided", "作废", "Voided")


class MediaKind(CodeTable):
    INTAKE_RECORDING = ("intake_recording", "接访录像", "Intake recording")
    MEDIATION_RECORDING = ("mediation_recording", "调解录像", "Mediation recording")
    CAMERA_CLIP = ("camera_clip", "监控片段", "Camera clip")
    SNAPSHOT = ("snapshot", "截图", "Snapshot")
    DOCUMENT = ("document", "文书", "Document")


class CameraStatus(CodeTable):
    ONLINE = ("online", "在线", "Online")
    OFFLINE = ("offline", "离线", "Offline")
    FAULT = ("fault", "故障", "Fault")


class PtzType(CodeTable):
    """PTZ type as in the GB/T 28181 catalogue (1 dome, 2 half dome, 3 fixed, 4 PTZ bullet)."""

    DOME = ("1", "球机", "Dome")
    HALF_DOME = ("2", "半球", "Half dome")
    FIXED = ("3", "固定枪机", "Fixed bullet")
    REMOTE = ("4", "遥控枪机", "PTZ bullet")


class ZoneKind(CodeTable):
    """A polygon drawn on a camera's picture."""

    PRIVACY_MASK = ("privacy_mask", "隐私遮挡", "Privacy mask")
    MOTION_ZONE = ("motion_zone", "移动侦测区域", "Motion zone")


class AlertKind(CodeTable):
    MOTION = ("motion", "移动侦测", "Motion detected")
    VIDEO_LOSS = ("video_loss", "视频丢失", "Video lost")


class AnnotationShape(CodeTable):
    BOX = ("box", "框选", "Box")
    ARROW = ("arrow", "箭头", "Arrow")
    TEXT = ("text", "文字", "Text")


class AuditAction(CodeTable):
    SIGN_IN = ("sign_in", "登录", "Signed in")
    SIGN_IN_FAILED = ("sign_in_failed", "登录失败", "Sign-in failed")
    SIGN_OUT = ("sign_out", "退出", "Signed out")
    USER_CREATED = ("user_created", "创建用户", "User created")
    VIEW_LIVE = ("view_live", "查看实时视频", "Viewed live video")
    VIEW_REPLAY = ("view_replay", "查看回放", "Viewed replay")
    RECORD = ("record", "录像", "Recorded")
    EXPORT = ("export", "导出", "Exported")
    SNAPSHOT = ("snapshot", "截图", "Took snapshot")
    CASE_CHANGED = ("case_changed", "案件变更", "Changed a case")
    MASK_LIFTED = ("mask_lifted", "解除隐私遮挡", "Lifted privacy mask")
    MASK_CHANGED = ("mask_changed", "修改隐私遮挡", "Changed a privacy mask")
    CAMERAS_IMPORTED = ("cameras_imported", "导入监控点位", "Imported cameras")
    ALERT_ACKNOWLEDGED = ("alert_acknowledged", "确认告警", "Acknowledged an alert")
    DB_UPGRADED = ("db_upgraded", "数据库升级", "Database upgraded")
    AGREEMENT_SIGNED = ("agreement_signed", "签署调解协议", "Signed an agreement")
    AGREEMENT_CHANGED = ("agreement_changed", "修改调解协议", "Changed an agreement")
    MEDIATION_OUTCOME = ("mediation_outcome", "登记调解结果", "Recorded a mediation outcome")
    ANNOTATION_ADDED = ("annotation_added", "添加证据标注", "Added an evidence annotation")
    ANNOTATION_DELETED = ("annotation_deleted", "删除证据标注", "Deleted an evidence annotation")


class SignerRole(CodeTable):
    """Who signs a 人民调解协议书: each party, and the mediator for the committee."""

    PARTY = ("party", "当事人", "Party")
    MEDIATOR = ("mediator", "调解员", "Mediator")


class MediationOutcome(CodeTable):
    SUCCESS = ("success", "调解成功", "Mediation succeeded")
    FAILED = ("failed", "调解不成", "Mediation failed")


class JudicialConfirmState(CodeTable):
    """司法确认: the parties may apply to the court within 30 days of signing."""

    PENDING = ("pending", "待申请", "Not yet applied for")
    APPLIED = ("applied", "已申请", "Applied for")
    CONFIRMED = ("confirmed", "已确认", "Confirmed")
    LAPSED = ("lapsed", "已逾期", "Deadline passed")


class Satisfaction(CodeTable):
    """评价: how satisfied the parties are with a closed case."""

    SATISFIED = ("satisfied", "满意", "Satisfied")
    FAIRLY_SATISFIED = ("fairly_satisfied", "基本满意", "Fairly satisfied")
    DISSATISFIED = ("dissatisfied", "不满意", "Dissatisfied")


class IntegrityStatus(CodeTable):
    """An evidence file re-hashed against the sha256 the store kept when it was made."""

    VERIFIED = ("verified", "校验一致", "Verified")
    ALTERED = ("altered", "已被改动", "Altered")
    MISSING = ("missing", "文件缺失", "Missing")
