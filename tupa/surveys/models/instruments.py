"""Questionnaires and their versions (FBK-01, FBK-07, FBK-08).

A :class:`Questionnaire` is the lasting identity ("Ensikoti, palaute jakson lopussa"); its
content lives in :class:`QuestionnaireVersion` rows. A version is a *draft* while it is being
built and becomes *published* once: from then on it never changes (the services refuse every
edit of a published version's texts, sections, items and choices), and an edit makes the next
version as a draft copy. Every response names the version it answers, so results always say which
wording they come from. An item keeps its ``code`` from version to version: that is how results
and imports compare "the same question" across versions.

Texts are stored in Finnish (required), Swedish and English (optional; the answering page falls
back to Finnish).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tupa.core.models import OrganisationScopedModel


class Target(models.TextChoices):
    """Who answers a questionnaire (FBK-01)."""

    ADULT = "adult", _("aikuinen asiakas")
    CHILD = "child", _("lapsi")
    PARENT = "parent", _("vanhempi lapsen työstä")
    REFERRER = "referrer", _("lähettäjä tai yhteistyökumppani")
    VOLUNTEER = "volunteer", _("vapaaehtoinen")
    STAFF = "staff", _("työntekijän itsearviointi")


class ItemKind(models.TextChoices):
    """The kinds of question (issue 13 item 1)."""

    SINGLE = "single", _("yksi vaihtoehto")
    MULTIPLE = "multiple", _("monta vaihtoehtoa")
    SCALE5 = "scale5", _("asteikko 1–5")
    SCALE10 = "scale10", _("asteikko 0–10")
    SMILEY = "smiley", _("hymiöasteikko")
    TEXT = "text", _("vapaa teksti")
    YESNO = "yesno", _("kyllä / ei")


#: The numeric range each numeric kind accepts (inclusive). Smileys are 1 (sad) … 3 (happy).
NUMERIC_RANGES: dict[str, tuple[int, int]] = {
    ItemKind.SCALE5: (1, 5),
    ItemKind.SCALE10: (0, 10),
    ItemKind.SMILEY: (1, 3),
    ItemKind.YESNO: (0, 1),
}

#: Kinds answered by choosing among the item's :class:`Choice` rows.
CHOICE_KINDS = frozenset({ItemKind.SINGLE, ItemKind.MULTIPLE})


class Translated(models.Model):
    """Fields ``<name>_fi``, ``<name>_sv``, ``<name>_en``; :meth:`text` picks the active language."""

    class Meta:
        abstract = True

    def text(self, name: str, language: str | None = None) -> str:
        lang = (language or get_language() or "fi")[:2]
        value = getattr(self, f"{name}_{lang}", "") if lang in ("fi", "sv", "en") else ""
        return str(value or getattr(self, f"{name}_fi"))


class Questionnaire(OrganisationScopedModel):
    """A questionnaire's lasting identity; its wording is in its versions."""

    class Builtin(models.TextChoices):
        VAIKUTTAVUUS_ESIIN = "vaikuttavuus_esiin", _("Vaikuttavuus esiin")

    name = models.CharField(_("nimi"), max_length=200)
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työmuoto"),
        help_text=_("Tyhjä: koko organisaation kysely."),
    )
    target = models.CharField(_("vastaajat"), max_length=20, choices=Target.choices)
    builtin = models.CharField(
        _("sisäänrakennettu mittari"), max_length=30, choices=Builtin.choices, blank=True
    )
    is_outcome_measure = models.BooleanField(
        _("vaikuttavuusmittari"),
        default=False,
        help_text=_(
            "Vastataan mittauspisteissä (alku, väli, loppu, seuranta) asiakkuuteen liittyen."
        ),
    )
    archived = models.BooleanField(_("arkistoitu"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("kysely")
        verbose_name_plural = _("kyselyt")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "builtin"],
                condition=~Q(builtin=""),
                name="surveys_one_builtin_per_org",
            )
        ]

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersion(Translated):
    """One wording of a questionnaire; immutable once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("luonnos")
        PUBLISHED = "published", _("julkaistu")
        RETIRED = "retired", _("poistunut käytöstä")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("versio"))
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    title_fi = models.CharField(_("otsikko suomeksi"), max_length=200)
    title_sv = models.CharField(_("otsikko ruotsiksi"), max_length=200, blank=True)
    title_en = models.CharField(_("otsikko englanniksi"), max_length=200, blank=True)
    intro_fi = models.TextField(_("johdanto suomeksi"), blank=True)
    intro_sv = models.TextField(_("johdanto ruotsiksi"), blank=True)
    intro_en = models.TextField(_("johdanto englanniksi"), blank=True)
    thanks_fi = models.TextField(_("kiitosteksti suomeksi"), blank=True)
    thanks_sv = models.TextField(_("kiitosteksti ruotsiksi"), blank=True)
    thanks_en = models.TextField(_("kiitosteksti englanniksi"), blank=True)
    child_friendly = models.BooleanField(
        _("lapsille sopiva esitys"),
        default=False,
        help_text=_(
            "Isot valinnat ja ääneen luettavat tekstit; täytetään yhdessä työntekijän kanssa."
        ),
    )
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    published_at = models.DateTimeField(_("julkaistu"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = models.Manager()  # scoped through the questionnaire; selectors filter by it

    class Meta:
        verbose_name = _("kyselyn versio")
        verbose_name_plural = _("kyselyn versiot")
        ordering = ["questionnaire", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="surveys_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(status="draft"),
                name="surveys_one_draft_per_questionnaire",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="surveys_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(Translated):
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField(_("järjestys"), default=0)
    title_fi = models.CharField(_("otsikko suomeksi"), max_length=200)
    title_sv = models.CharField(_("otsikko ruotsiksi"), max_length=200, blank=True)
    title_en = models.CharField(_("otsikko englanniksi"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("osio")
        verbose_name_plural = _("osiot")
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.title_fi


class Item(Translated):
    """A question. ``code`` is stable across versions (results and imports match on it)."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="items"
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    order = models.PositiveIntegerField(_("järjestys"), default=0)
    code = models.SlugField(_("tunniste"), max_length=50)
    kind = models.CharField(_("kysymystyyppi"), max_length=20, choices=ItemKind.choices)
    required = models.BooleanField(_("pakollinen"), default=False)
    text_fi = models.TextField(_("kysymys suomeksi"))
    text_sv = models.TextField(_("kysymys ruotsiksi"), blank=True)
    text_en = models.TextField(_("kysymys englanniksi"), blank=True)
    help_fi = models.CharField(_("ohje suomeksi"), max_length=300, blank=True)
    help_sv = models.CharField(_("ohje ruotsiksi"), max_length=300, blank=True)
    help_en = models.CharField(_("ohje englanniksi"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kysymys")
        verbose_name_plural = _("kysymykset")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="surveys_item_code_unique")
        ]

    def __str__(self) -> str:
        return self.text_fi[:80]

    @property
    def numeric_range(self) -> tuple[int, int] | None:
        return NUMERIC_RANGES.get(self.kind)


class Choice(Translated):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(_("järjestys"), default=0)
    value = models.SlugField(_("arvo"), max_length=50)
    label_fi = models.CharField(_("vaihtoehto suomeksi"), max_length=200)
    label_sv = models.CharField(_("vaihtoehto ruotsiksi"), max_length=200, blank=True)
    label_en = models.CharField(_("vaihtoehto englanniksi"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("vaihtoehto")
        verbose_name_plural = _("vaihtoehdot")
        ordering = ["item", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "value"], name="surveys_choice_value_unique")
        ]

    def __str__(self) -> str:
        return self.label_fi
