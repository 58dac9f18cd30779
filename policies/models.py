from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Category(models.TextChoices):
    TALENT = "talent", _("一个人")
    LODGING = "lodging", _("一间房")
    OFFICE = "office", _("一张桌")
    FUNDING = "funding", _("一笔钱")
    SCENARIO = "scenario", _("一场景")
    LIFECYCLE = "lifecycle", _("一条龙")
    FINANCE = "finance", _("科技金融")
    OTHER = "other", _("其他")


class SubjectType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PERSON = "person", _("人员")
    LOAN = "loan", _("贷款/融资")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被取代")
    RETIRED = "retired", _("已停用")


class BenefitKind(models.TextChoices):
    CASH_SUBSIDY = "cash_subsidy", _("现金补贴")
    RENT_DISCOUNT = "rent_discount", _("租金优惠")
    FREE_LODGING = "free_lodging", _("免租住宿")
    VOUCHER = "voucher", _("体验券")
    LOAN_INTEREST_SUBSIDY = "loan_interest_subsidy", _("贴息")
    GUARANTEE_FEE_SUBSIDY = "guarantee_fee_subsidy", _("贴保")
    GRANT = "grant", _("资助")
    SERVICE = "service", _("服务")
    IN_KIND_SPACE = "in_kind_space", _("空间支持")


class BenefitUnit(models.TextChoices):
    PER_ENTERPRISE = "per_enterprise", _("每家企业")
    PER_ENTERPRISE_PER_YEAR = "per_enterprise_per_year", _("每家企业每年")
    PER_PERSON = "per_person", _("每人")
    PER_LOAN = "per_loan", _("每笔贷款")
    PER_PROJECT = "per_project", _("每个项目")
    PER_TEAM = "per_team", _("每个团队")


class CapScope(models.TextChoices):
    SUBJECT = "subject", _("每个对象")
    ENTERPRISE = "enterprise", _("每家企业合计")


class Jurisdiction(models.TextChoices):
    DISTRICT = "district", _("区级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("国家级")


class ApplyWindow(models.TextChoices):
    DATED = "dated", _("按申报通知的日期")
    ROLLING = "rolling", _("常年受理")
    UNKNOWN = "unknown", _("尚未公布")


class Award(models.TextChoices):
    ENTITLED = "entitled", _("符合条件即可获得（核准类）")
    COMPETITIVE = "competitive", _("择优评审（评审类）")


class AmountKind(models.TextChoices):
    EXACT = "exact", _("按公式计算的金额")
    UP_TO = "up_to", _("最高金额")


class Confidence(models.TextChoices):
    STATED = "stated", _("有原文依据")
    DERIVED = "derived", _("由原文推得")
    ASSUMED = "assumed", _("假定")


class Policy(models.Model):
    """A support measure; its content lives in dated versions. `current_version` is the
    latest published one (the one a new draft copies); which one decides a date is the
    version in force on it (policies.versions.version_in_force)."""

    slug = models.SlugField(_("标识"), max_length=80, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    subject = models.CharField(_("适用对象"), max_length=20, choices=SubjectType.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "PolicyVersion",
        verbose_name=_("当前发布版本"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class PolicyVersion(models.Model):
    """One version of a measure. Published versions are never edited (edits make a new draft),
    but for the end date an amendment sets; a measure's published versions never overlap in
    time (policies.versions; an exclusion constraint on PostgreSQL): `as_of` picks one."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.CharField(_("名称"), max_length=200)  # translated: name_zh_hans, name_en
    summary = models.TextField(_("摘要"), blank=True)
    issuer = models.CharField(_("发布部门"), max_length=200, blank=True)
    # Whose measure it is: the district's own, or the city's, province's or state's (so that
    # measures of several levels can sit side by side and be filtered).
    jurisdiction = models.CharField(
        _("政策层级"), max_length=20, choices=Jurisdiction.choices, default=Jurisdiction.DISTRICT
    )
    jurisdiction_name = models.CharField(_("所属地区"), max_length=100, blank=True)
    rule = models.JSONField(_("申报条件（规则）"))
    benefit_kind = models.CharField(_("扶持方式"), max_length=30, choices=BenefitKind.choices)
    cap = models.DecimalField(
        _("最高金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    cap_scope = models.CharField(
        _("上限口径"), max_length=20, choices=CapScope.choices, default=CapScope.SUBJECT
    )
    cap_per = models.CharField(_("上限按…分别计算"), max_length=40, blank=True)
    unit = models.CharField(_("计量单位"), max_length=30, choices=BenefitUnit.choices)
    formula = models.JSONField(_("金额公式"), null=True, blank=True)
    # Honest money (design §12): whether meeting the conditions gives the benefit or only lets
    # the enterprise compete for it, and whether the amount is worked out or a published maximum.
    award = models.CharField(
        _("获得方式"), max_length=20, choices=Award.choices, default=Award.COMPETITIVE
    )
    amount_kind = models.CharField(
        _("金额性质"), max_length=20, choices=AmountKind.choices, blank=True
    )
    value_note = models.CharField(_("实物/服务说明"), max_length=300, blank=True)
    estimated_value = models.DecimalField(
        _("估算价值（元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    amount_note = models.CharField(_("金额说明"), max_length=300, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    apply_opens = models.DateField(_("申报开始"), null=True, blank=True)
    apply_closes = models.DateField(_("申报截止"), null=True, blank=True)
    # The 申报窗口 (design §14): dated (apply_opens … apply_closes, the last round's when
    # they are past), rolling (any time), or unknown (no source gives it).
    apply_window = models.CharField(
        _("申报方式"), max_length=20, choices=ApplyWindow.choices, default=ApplyWindow.UNKNOWN
    )
    documents = models.JSONField(_("申报材料"), default=list, blank=True)
    dates_note = models.TextField(_("日期说明"), blank=True)
    exclusive_group = models.CharField(_("不重复享受组"), max_length=60, blank=True)
    application_channel = models.CharField(_("申报渠道"), max_length=200, blank=True)
    application_url = models.URLField(_("申报网址"), blank=True)
    sources = models.JSONField(_("政策依据"), default=list, blank=True)
    confidence = models.CharField(
        _("可信度"), max_length=20, choices=Confidence.choices, default=Confidence.STATED
    )
    confidence_note = models.TextField(_("可信度说明"), blank=True)
    # Where the catalogue assumes something outside the rule: {"issuer": "why", "dates": …}.
    assumptions = models.JSONField(_("假定说明"), default=dict, blank=True)
    manual_checks = models.JSONField(_("人工核查事项"), default=list, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    content_hash = models.CharField(max_length=64, editable=False, db_index=True)
    objects: models.Manager["PolicyVersion"] = models.Manager()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Any save, such as a published version's end date set by a later amendment: part of the
    # catalogue stamp, so that every process sees the new dates.
    changed_at = models.DateTimeField(_("修改时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("政策版本")
        verbose_name_plural = _("政策版本")
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="version_number_unique"),
            # Staff edit the one open draft: a second would hide the first's edits.
            models.UniqueConstraint(
                fields=["policy"],
                condition=models.Q(status="draft"),
                name="one_open_draft_per_policy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.slug} v{self.number}"
