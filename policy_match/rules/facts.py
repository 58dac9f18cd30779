"""The one registry of facts a rule may ask about (design §4).

parse, evaluate, explain, to_q, the profile form, the API's /facts/ and the admin all read this
module; nothing else lists facts. Derived facts are computed here, from other facts and the
evaluation date, never from today().
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .text import Text


class Subject(enum.StrEnum):
    ENTERPRISE = "enterprise"
    PERSON = "person"
    LOAN = "loan"


class Kind(enum.StrEnum):
    BOOL = "bool"
    INT = "int"
    DECIMAL = "decimal"  # money, yuan
    RATIO = "ratio"  # 0.2 = 20 %
    DATE = "date"
    CODE = "code"
    CODES = "codes"  # a list of codes


NUMERIC_KINDS = frozenset({Kind.INT, Kind.DECIMAL, Kind.RATIO})
ORDERED_KINDS = NUMERIC_KINDS | {Kind.DATE}

Values = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Choice:
    code: str
    label: Text


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    subject: Subject
    kind: Kind
    label: Text
    help: Text
    unit: Text | None = None
    choices: tuple[Choice, ...] = ()
    open_choices: bool = False  # codes outside `choices` are allowed (hukou_city)
    # A derived fact has no column: it is computed from `inputs` and the evaluation date.
    inputs: tuple[str, ...] = ()
    # Inputs a user should be asked for when the derived fact is unknown (default: all inputs).
    ask_for: tuple[str, ...] = ()
    compute: Callable[[Values, date], Any] | None = field(default=None, compare=False)
    default: Any = None  # what the profile form pre-fills (policies.md §6a recommendation)
    # A derived fact that a one-off match (POST /match/) may also be given directly, for a
    # subject whose inputs it does not know (an age without a birth date). Never stored.
    accepts_input: bool = False
    # Whether an enterprise can act on it (design §12): "fixed" (a date, a birth), "slow" (a
    # degree, a hukou: possible, not as a next step) or "actionable", with what to do.
    changeability: str = "fixed"
    action: Text | None = None
    # The codes of `choices`, worked out once: every profile value of a code fact checks them.
    choice_codes: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choice_codes", frozenset(c.code for c in self.choices))

    @property
    def derived(self) -> bool:
        return self.compute is not None

    @property
    def orm_field(self) -> str:
        """Column on the subject's model (same as the fact name)."""
        return self.name

    def choice_label(self, code: str) -> Text | None:
        for choice in self.choices:
            if choice.code == code:
                return choice.label
        return None


def _t(zh: str, en: str) -> Text:
    return Text(zh, en)


def _choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(code, Text(zh, en)) for code, zh, en in items)


YUAN = _t("元", "yuan")
PERSONS = _t("人", "persons")
YEARS = _t("年", "years")
AGE_YEARS = _t("岁", "years")  # a person's age: 27 岁, not 27 年
COUNT = _t("项", "items")
SQM = _t("平方米", "m²")

DISTRICTS = _choices(
    ("nanshan", "南山区", "Nanshan"),
    ("futian", "福田区", "Futian"),
    ("luohu", "罗湖区", "Luohu"),
    ("baoan", "宝安区", "Bao'an"),
    ("longgang", "龙岗区", "Longgang"),
    ("longhua", "龙华区", "Longhua"),
    ("pingshan", "坪山区", "Pingshan"),
    ("guangming", "光明区", "Guangming"),
    ("yantian", "盐田区", "Yantian"),
    ("dapeng", "大鹏新区", "Dapeng New District"),
    ("qianhai", "前海", "Qianhai"),
    ("other_shenzhen", "深圳其他地区", "elsewhere in Shenzhen"),
    ("outside_shenzhen", "深圳以外", "outside Shenzhen"),
)

INDUSTRIES = _choices(
    ("ai", "人工智能", "artificial intelligence"),
    ("robotics", "机器人/具身智能", "robotics / embodied AI"),
    ("semiconductor", "半导体与集成电路", "semiconductors and integrated circuits"),
    ("biomedicine", "生物医药与医疗器械", "biomedicine and medical devices"),
    ("new_energy", "新能源", "new energy"),
    ("low_altitude", "低空经济", "low-altitude economy"),
    ("digital_economy", "数字经济/软件与信息服务", "digital economy / software"),
    ("advanced_manufacturing", "高端装备/先进制造", "advanced manufacturing"),
    ("new_materials", "新材料", "new materials"),
    ("marine", "海洋经济", "marine economy"),
    ("gaming", "游戏/数字创意", "gaming / digital creative"),
    ("fintech", "金融科技", "fintech"),
    ("cultural_creative", "文化创意", "cultural and creative (non-gaming)"),
    ("modern_services", "现代服务业", "modern services"),
    ("other", "其他", "other"),
)

FUNDING_STAGES = _choices(
    ("none", "未融资", "no outside funding"),
    ("angel", "天使轮", "angel"),
    ("a", "A轮", "series A"),
    ("b", "B轮", "series B"),
    ("c_plus", "C轮及以后", "series C or later"),
    ("listed", "已上市", "listed"),
)

DEGREES = _choices(
    ("none", "无高等学历", "no higher education"),
    ("associate", "大专", "associate (大专)"),
    ("bachelor", "本科", "bachelor's"),
    ("master", "硕士", "master's"),
    ("phd", "博士", "doctorate"),
)

TALENT_TIERS = _choices(
    ("none", "无", "none"),
    ("core", "核心技术/管理骨干", "core technical or managerial staff"),
    ("nanshan_leading", "南山区领航人才", "Nanshan leading talent"),
    ("shenzhen_high_level", "深圳市高层次人才", "Shenzhen high-level talent"),
    ("national_high_level", "国家级高层次人才", "national high-level talent"),
)

HUKOU_CITIES = _choices(
    ("shenzhen", "深圳", "Shenzhen"),
    ("guangzhou", "广州", "Guangzhou"),
    ("beijing", "北京", "Beijing"),
    ("shanghai", "上海", "Shanghai"),
    ("wuhan", "武汉", "Wuhan"),
    ("changsha", "长沙", "Changsha"),
    ("other", "其他城市", "another city"),
)

LOAN_PRODUCTS = _choices(
    ("incubation_loan", "孵化贷", "incubation loan"),
    ("growth_loan", "成长贷", "growth loan"),
    ("ip_pledge_loan", "知识产权质押贷", "IP-pledge loan"),
    ("rd_loan", "研发贷", "R&D loan"),
    ("working_capital_loan", "流动资金贷款", "working-capital loan"),
    ("ip_securitization", "知识产权证券化", "IP securitisation"),
    ("financial_leasing", "融资租赁", "financial leasing"),
    ("commercial_factoring", "商业保理", "commercial factoring"),
    ("green_loan", "绿色融资（排污权、碳配额、CCER抵押）", "green-collateral financing"),
    ("other", "其他", "other"),
)


def whole_years(start: date | None, as_of: date) -> int | None:
    """Completed years from `start` to `as_of` (a 2022-12-02 firm is 2 on 2025-12-01)."""
    if start is None:
        return None
    before_anniversary = (as_of.month, as_of.day) < (start.month, start.day)
    return as_of.year - start.year - int(before_anniversary)


def _enterprise_age(v: Values, as_of: date) -> int | None:
    return whole_years(v.get("registered_on"), as_of)


def _rd_intensity(v: Values, as_of: date) -> Decimal | None:
    rd, revenue = v.get("rd_expense"), v.get("annual_revenue")
    # Unknown unless revenue is positive (a ratio over no or negative revenue means nothing).
    if rd is None or revenue is None or revenue <= 0:
        return None
    try:
        return Decimal(rd) / Decimal(revenue)
    except InvalidOperation:
        return None


def _years_since_hte(v: Values, as_of: date) -> int | None:
    return whole_years(v.get("high_tech_certified_on"), as_of)


def _hte_last_year(v: Values, as_of: date) -> bool | None:
    certified = v.get("high_tech_certified_on")
    return None if certified is None else certified.year == as_of.year - 1


def _years_since_hukou(v: Values, as_of: date) -> int | None:
    return whole_years(v.get("hukou_transferred_on"), as_of)


def _age(v: Values, as_of: date) -> int | None:
    return whole_years(v.get("born_on"), as_of)


def _interest(v: Values, as_of: date) -> Decimal | None:
    paid = v.get("interest_paid")
    if paid is not None:
        return Decimal(paid)
    amount, rate = v.get("amount"), v.get("rate")
    if amount is None or rate is None:
        return None
    return Decimal(amount) * Decimal(rate)


E, P, L = Subject.ENTERPRISE, Subject.PERSON, Subject.LOAN
B, N, D, R, DT, C = Kind.BOOL, Kind.INT, Kind.DECIMAL, Kind.RATIO, Kind.DATE, Kind.CODE

_FACTS: tuple[Fact, ...] = (
    # --- enterprise -------------------------------------------------------------------------
    Fact(
        "registered_district",
        E,
        C,
        _t("注册地（区）", "District of registration"),
        _t(
            "营业执照上的注册地址所在区",
            "District of the registered address on the business licence",
        ),
        choices=DISTRICTS,
    ),
    Fact(
        "registered_on",
        E,
        DT,
        _t("成立日期", "Date of incorporation"),
        _t(
            "营业执照上的成立日期（不晚于评估日期）",
            "Date of establishment on the business licence (not after the evaluation date)",
        ),
    ),
    Fact(
        "registered_capital",
        E,
        D,
        _t("注册资本", "Registered capital"),
        _t("营业执照上的注册资本", "Registered capital on the business licence"),
        unit=YUAN,
    ),
    Fact(
        "employee_count",
        E,
        N,
        _t("员工人数", "Number of employees"),
        _t(
            "目前在职（缴纳社保）的员工人数",
            "Employees currently on the payroll (social insurance)",
        ),
        unit=PERSONS,
    ),
    Fact(
        "annual_revenue",
        E,
        D,
        _t("上年度营业收入", "Revenue last year"),
        _t("上一个完整会计年度的营业收入", "Operating revenue of the last complete financial year"),
        unit=YUAN,
    ),
    Fact(
        "revenue_growth_rate",
        E,
        R,
        _t("上年度营业收入增长率", "Revenue growth last year"),
        _t(
            "（上年度收入−前年收入）÷前年收入，0.2 表示 20%",
            "(last year − the year before) ÷ the year before; 0.2 means 20%",
        ),
    ),
    Fact(
        "rd_expense",
        E,
        D,
        _t("上年度研发费用", "R&D expense last year"),
        _t("上一个完整会计年度的研发费用", "R&D expense of the last complete financial year"),
        unit=YUAN,
    ),
    Fact(
        "industry",
        E,
        C,
        _t("所属行业", "Industry"),
        _t("企业主营业务所属行业", "The industry of the main business"),
        choices=INDUSTRIES,
    ),
    Fact(
        "is_strategic_emerging",
        E,
        B,
        _t("是否属于战略性新兴产业", "Strategic emerging industry"),
        _t(
            "企业自报或按区分类属于战略性新兴产业",
            "Self-declared or per the district's classification",
        ),
    ),
    Fact(
        "is_future_industry",
        E,
        B,
        _t("是否属于未来产业", "Future industry"),
        _t("企业自报或按区分类属于未来产业", "Self-declared or per the district's classification"),
    ),
    Fact(
        "is_high_tech_enterprise",
        E,
        B,
        _t("是否国家高新技术企业", "National high-tech enterprise"),
        _t(
            "持有有效的国家高新技术企业证书",
            "Holds a valid national high-tech enterprise certificate",
        ),
    ),
    Fact(
        "in_hte_cultivation_pool",
        E,
        B,
        _t("是否纳入国家高新技术企业培育库", "In the high-tech enterprise cultivation pool"),
        _t(
            "已入选南山区（或深圳市）国家高新技术企业培育库",
            "Selected for the district's (or city's) pool of high-tech enterprise candidates",
        ),
    ),
    Fact(
        "high_tech_certified_on",
        E,
        DT,
        _t("国高认定（证书）日期", "High-tech certificate date"),
        _t("当前国家高新技术企业证书上的日期", "Date on the current high-tech certificate"),
    ),
    Fact(
        "is_specialized_sme",
        E,
        B,
        _t("是否专精特新中小企业", "Specialised SME (专精特新)"),
        _t("省级或市级专精特新中小企业", "Provincial or municipal 专精特新 SME"),
    ),
    Fact(
        "is_little_giant",
        E,
        B,
        _t("是否国家级专精特新“小巨人”", "National 'little giant'"),
        _t("国家级专精特新“小巨人”企业", "National 专精特新 'little giant' enterprise"),
    ),
    Fact(
        "invention_patents",
        E,
        N,
        _t("发明专利数", "Invention patents"),
        _t("拥有的有效发明专利数量", "Valid invention patents owned"),
        unit=COUNT,
    ),
    Fact(
        "ip_count",
        E,
        N,
        _t("知识产权数量", "Intellectual property items"),
        _t(
            "各类专利、软件著作权及商业秘密合计",
            "Patents of all kinds, software copyrights and trade secrets",
        ),
        unit=COUNT,
    ),
    Fact(
        "has_bad_credit",
        E,
        B,
        _t("是否有失信/不良信用记录", "Bad-credit record"),
        _t("被列为失信主体或有不良信用记录", "Listed as untrustworthy or with a bad-credit record"),
    ),
    Fact(
        "tax_registered_in_nanshan",
        E,
        B,
        _t("是否在南山区纳税", "Pays tax in Nanshan"),
        _t(
            "税务登记及地方财力贡献在南山区",
            "Tax registration and local fiscal contribution in Nanshan",
        ),
    ),
    Fact(
        "is_in_sme_tech_database",
        E,
        B,
        _t("是否纳入全国科技型中小企业信息库", "In the national tech-SME database"),
        _t("今年或去年入库", "Listed this year or last year"),
    ),
    Fact(
        "office_area_sqm",
        E,
        D,
        _t("办公面积", "Office area"),
        _t("目前使用的办公面积", "Office area currently used"),
        unit=SQM,
    ),
    Fact(
        "funding_stage",
        E,
        C,
        _t("融资阶段", "Funding stage"),
        _t("最近一轮股权融资", "The latest equity round"),
        choices=FUNDING_STAGES,
    ),
    Fact(
        "participates_open_source",
        E,
        B,
        _t("是否参与开源生态", "Takes part in open source"),
        _t("企业自报", "Self-declared"),
        default=False,
    ),
    Fact(
        "is_scenario_publisher",
        E,
        B,
        _t("是否拟作为揭榜挂帅发榜方", "Publishes a scenario need"),
        _t(
            "发布（或拟发布）人工智能或机器人应用场景需求",
            "Publishes (or will publish) an AI or robotics application scenario",
        ),
        default=False,
    ),
    Fact(
        "is_scenario_solver",
        E,
        B,
        _t("是否拟作为揭榜挂帅揭榜方", "Bids to solve a scenario"),
        _t(
            "解决（或拟投标解决）已发布的应用场景需求",
            "Solves (or will bid to solve) a published scenario",
        ),
        default=False,
    ),
    Fact(
        "is_space_operator",
        E,
        B,
        _t("是否为模力营系列空间运营方", "Operates a 模力营 space"),
        _t(
            "运营已认定（或申请认定）的模力营系列空间",
            "Operates a space recognised (or applying) as 模力营",
        ),
        default=False,
    ),
    Fact(
        "is_vc_institution",
        E,
        B,
        _t("是否为创投/投资机构", "Venture investor"),
        _t("企业本身是创投或投资机构", "The enterprise is a venture or investment institution"),
        default=False,
    ),
    Fact(
        "vc_investment_last_year",
        E,
        D,
        _t("上年度投资南山科技企业金额", "Invested in Nanshan tech firms last year"),
        _t(
            "上一年度对南山区科技企业的实际投资额",
            "Actual investment in Nanshan tech enterprises last year",
        ),
        unit=YUAN,
    ),
    # --- person -----------------------------------------------------------------------------
    Fact(
        "degree",
        P,
        C,
        _t("最高学历", "Highest degree"),
        _t("已取得的最高学历", "The highest degree obtained"),
        choices=DEGREES,
    ),
    Fact(
        "graduated_on",
        P,
        DT,
        _t("毕业日期", "Graduation date"),
        _t("最高学历的毕业日期", "Graduation date of the highest degree"),
    ),
    Fact(
        "is_fresh_graduate",
        P,
        B,
        _t("是否应届毕业生", "Fresh graduate"),
        _t("毕业当年或择业期内", "Within the graduation year or the job-seeking period"),
    ),
    Fact(
        "hukou_city",
        P,
        C,
        _t("户籍所在城市", "City of household registration (hukou)"),
        _t("户口所在城市", "City where the hukou is registered"),
        choices=HUKOU_CITIES,
        open_choices=True,
    ),
    Fact(
        "hukou_district",
        P,
        C,
        _t("户籍所在区（深圳）", "Hukou district (Shenzhen)"),
        _t("深圳户籍所在区；非深户留空", "District of a Shenzhen hukou; empty otherwise"),
        choices=DISTRICTS,
    ),
    Fact(
        "hukou_transferred_on",
        P,
        DT,
        _t("迁入深圳户籍日期", "Date the hukou moved to Shenzhen"),
        _t("户口迁入深圳的日期", "Date the hukou was transferred to Shenzhen"),
    ),
    Fact(
        "born_on",
        P,
        DT,
        _t("出生日期", "Date of birth"),
        _t(
            "用于按评估日期计算年龄；可只填年月",
            "Gives the age on the evaluation date; the year and month are enough",
        ),
    ),
    Fact(
        "is_founder",
        P,
        B,
        _t("是否创始人/联合创始人", "Founder or co-founder"),
        _t("企业的创始人或联合创始人", "A founder or co-founder of the enterprise"),
    ),
    Fact(
        "talent_tier",
        P,
        C,
        _t("人才层次", "Talent tier"),
        _t(
            "已认定的人才层次；核心骨干为自报",
            "Recognised talent tier; 'core staff' is self-declared",
        ),
        choices=TALENT_TIERS,
    ),
    Fact(
        "works_for_enterprise_since",
        P,
        DT,
        _t("入职日期", "Employed since"),
        _t("在本企业的入职日期", "Date joined the enterprise"),
    ),
    Fact(
        "is_student",
        P,
        B,
        _t("是否在校大学生", "University student"),
        _t("目前在高校就读", "Currently enrolled at a university"),
    ),
    Fact(
        "owns_home_in_shenzhen",
        P,
        B,
        _t("在深圳是否有自有住房", "Owns a home in Shenzhen"),
        _t("本人在深圳拥有住房", "Owns a flat or house in Shenzhen"),
    ),
    # --- loan -------------------------------------------------------------------------------
    Fact(
        "product",
        L,
        C,
        _t("产品/融资方式", "Product / financing type"),
        _t("贷款或融资的类型", "Type of loan or financing"),
        choices=LOAN_PRODUCTS,
    ),
    Fact(
        "amount",
        L,
        D,
        _t("金额", "Amount"),
        _t(
            "本金（证券化：企业在发行中的份额）",
            "Principal (securitisation: the enterprise's share)",
        ),
        unit=YUAN,
    ),
    Fact(
        "rate",
        L,
        R,
        _t("年利率", "Annual interest rate"),
        _t("名义年利率，0.035 表示 3.5%", "Nominal annual rate; 0.035 means 3.5%"),
    ),
    Fact(
        "interest_paid",
        L,
        D,
        _t("实际支付利息", "Interest actually paid"),
        _t("选填；填写后代替“金额×年利率”", "Optional; replaces amount × rate when given"),
        unit=YUAN,
    ),
    Fact(
        "guarantee_fee",
        L,
        D,
        _t("担保费", "Guarantee fee"),
        _t("无担保填 0", "0 when there is no guarantee"),
        unit=YUAN,
        default=Decimal("0"),
    ),
    Fact(
        "other_fees",
        L,
        D,
        _t("其他融资费用", "Other financing fees"),
        _t(
            "保险、评估、租赁或保理服务费等；无则填 0",
            "Insurance, valuation, leasing or factoring fees; 0 when none",
        ),
        unit=YUAN,
        default=Decimal("0"),
    ),
    # --- derived ----------------------------------------------------------------------------
    Fact(
        "enterprise_age_years",
        E,
        N,
        _t("成立年限", "Years since incorporation"),
        _t("由成立日期计算", "From the date of incorporation"),
        unit=YEARS,
        inputs=("registered_on",),
        compute=_enterprise_age,
    ),
    Fact(
        "rd_intensity",
        E,
        R,
        _t("研发投入占营业收入比例", "R&D intensity"),
        _t("研发费用÷营业收入", "R&D expense ÷ revenue"),
        inputs=("rd_expense", "annual_revenue"),
        compute=_rd_intensity,
    ),
    Fact(
        "years_since_hte_certified",
        E,
        N,
        _t("国高认定年限", "Years since high-tech certification"),
        _t("由国高证书日期计算", "From the certificate date"),
        unit=YEARS,
        inputs=("high_tech_certified_on",),
        compute=_years_since_hte,
    ),
    Fact(
        "hte_certified_last_calendar_year",
        E,
        B,
        _t("上一年度通过国高认定", "Certified high-tech last calendar year"),
        _t("由国高证书日期计算", "From the certificate date"),
        inputs=("high_tech_certified_on",),
        compute=_hte_last_year,
    ),
    Fact(
        "age",
        P,
        N,
        _t("年龄", "Age"),
        _t("周岁，由出生日期计算", "Completed years, from the date of birth"),
        unit=AGE_YEARS,
        inputs=("born_on",),
        compute=_age,
        accepts_input=True,
    ),
    Fact(
        "years_since_hukou_transfer",
        P,
        N,
        _t("迁入深圳户籍年限", "Years since the hukou moved"),
        _t("由迁户日期计算", "From the hukou transfer date"),
        unit=YEARS,
        inputs=("hukou_transferred_on",),
        compute=_years_since_hukou,
    ),
    Fact(
        "interest",
        L,
        D,
        _t("利息", "Interest"),
        _t(
            "实际支付利息；未填时按金额×年利率（一年）",
            "Interest paid, else amount × rate for one year",
        ),
        unit=YUAN,
        inputs=("interest_paid", "amount", "rate"),
        ask_for=("amount", "rate"),
        compute=_interest,
    ),
)

# What an enterprise can do about each fact (design §12); facts not named are fixed.
_SLOW = (
    "registered_capital", "employee_count", "annual_revenue", "revenue_growth_rate",
    "rd_expense", "is_strategic_emerging", "is_future_industry", "is_little_giant",
    "invention_patents", "ip_count", "has_bad_credit", "office_area_sqm", "funding_stage",
    "is_space_operator", "vc_investment_last_year", "degree", "hukou_city", "hukou_district",
    "talent_tier", "owns_home_in_shenzhen",
)  # fmt: skip
_ACTIONS: dict[str, Text] = {
    "registered_district": _t("将企业注册地迁入南山区", "register the enterprise in Nanshan"),
    "tax_registered_in_nanshan": _t(
        "在南山区办理税务登记并纳税", "register for tax and pay it in Nanshan"
    ),
    "is_in_sme_tech_database": _t(
        "申请纳入全国科技型中小企业信息库",
        "apply to be listed in the national tech-SME database (科技型中小企业信息库)",
    ),
    "is_high_tech_enterprise": _t(
        "申请国家高新技术企业认定", "apply for national high-tech enterprise (国高) certification"
    ),
    "is_specialized_sme": _t(
        "申请专精特新中小企业认定", "apply for recognition as a specialised SME (专精特新)"
    ),
    "in_hte_cultivation_pool": _t(
        "申请纳入国家高新技术企业培育库",
        "apply to join the high-tech enterprise cultivation pool (国高培育库)",
    ),
    "participates_open_source": _t("参与开源生态建设", "take part in an open-source ecosystem"),
    "is_scenario_publisher": _t(
        "发布人工智能或机器人应用场景需求（揭榜挂帅）",
        "publish an AI or robotics application scenario (揭榜挂帅)",
    ),
    "is_scenario_solver": _t(
        "投标解决已发布的应用场景需求（揭榜挂帅）", "bid to solve a published scenario (揭榜挂帅)"
    ),
    "rd_intensity": _t("提高研发投入占营业收入的比例", "raise R&D spending as a share of revenue"),
    "product": _t("申请这一类贷款或融资", "take a loan or financing of this kind"),
}
_FACTS = tuple(
    replace(fact, changeability="actionable", action=_ACTIONS[fact.name])
    if fact.name in _ACTIONS
    else replace(fact, changeability="slow")
    if fact.name in _SLOW
    else fact
    for fact in _FACTS
)

FACTS: dict[str, Fact] = {fact.name: fact for fact in _FACTS}
assert len(FACTS) == len(_FACTS), "fact names must be unique across subjects"


def missing_inputs(fact: Fact, values: Values) -> list[str]:
    """The facts to ask for when `fact` is unknown in `values`."""
    if not fact.derived:
        return [fact.name]
    asked = fact.ask_for or fact.inputs
    unknown = [name for name in asked if values.get(name) is None]
    return unknown or list(asked)


def facts_for(subject: Subject, *, derived: bool | None = None) -> list[Fact]:
    """Facts that live on one subject, in registry order."""
    return [f for f in _FACTS if f.subject == subject and (derived is None or f.derived == derived)]


DERIVED: dict[Subject, tuple[Fact, ...]] = {s: tuple(facts_for(s, derived=True)) for s in Subject}


def with_derived(subject: Subject, values: dict[str, Any], as_of: date) -> dict[str, Any]:
    """Add the subject's derived facts to `values` (in place) and return it."""
    for fact in DERIVED[subject]:
        assert fact.compute is not None
        value = fact.compute(values, as_of)
        # A value given directly (an age for a one-off match) stands when the inputs are unknown.
        if value is not None or not fact.accepts_input or fact.name not in values:
            values[fact.name] = value
    return values
