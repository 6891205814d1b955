"""Invoicing: the approved billable basis, invoicing runs, invoices, their lines and payments
(issue 14 items 2–4, docs/finance-invoicing.md).

Money is ``Decimal`` with two decimals. A line's net amount is ``quantity × unit price``
rounded **once**, half up to the cent (:func:`tupa.finance.money.cents`); its VAT is the net
amount × rate, rounded the same way; an invoice's totals are the sums of its lines, stored when
it is sent and never recomputed afterwards.

An invoice is a draft until it is sent. Sending gives it the next number of the organisation's
series (:class:`InvoiceNumberSeries`, taken under a row lock, so numbers are gapless and unique
even when two runs send at once), its Finnish reference number and its due date, and freezes it:
every later change is refused by the services, and a correction is a credit note
(``kind=credit_note``) that points to it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager
from simple_history.models import HistoricalRecords

from tupa.core.dates import fi_date
from tupa.core.models import OrganisationScopedModel


class InvoicingProfile(OrganisationScopedModel):
    """The seller's details printed on every invoice and sent in Finvoice, and the accounts of
    the bookkeeping journal (one per organisation)."""

    street = models.CharField(_("katuosoite"), max_length=200)
    postcode = models.CharField(_("postinumero"), max_length=10)
    town = models.CharField(_("postitoimipaikka"), max_length=100)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    einvoice_address = models.CharField(_("oma verkkolaskuosoite (OVT)"), max_length=17, blank=True)
    einvoice_operator = models.CharField(_("oma välittäjätunnus"), max_length=35, blank=True)
    default_payment_term_days = models.PositiveSmallIntegerField(
        _("maksuaika oletuksena (päivää)"), default=14
    )
    penalty_interest = models.CharField(
        _("viivästyskorko"), max_length=60, default="korkolain mukainen"
    )
    receivables_account = models.CharField(_("myyntisaamisten tili"), max_length=10, default="1700")
    income_account = models.CharField(_("myyntitulojen tili"), max_length=10, default="3000")
    vat_account = models.CharField(_("arvonlisäverovelan tili"), max_length=10, default="2939")
    bank_account = models.CharField(_("pankkitili (kirjanpito)"), max_length=10, default="1910")
    vat_exempt_note = models.CharField(
        _("arvonlisäverottomuuden peruste"),
        max_length=200,
        default="Arvonlisäveroton sosiaalipalvelu, AVL 37 §",
    )

    #: Every change is kept: a sent invoice is reprinted (PDF, Finvoice) with the details as
    #: they were when it was sent (``tupa.finance.documents.selectors.sellers_of``).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("laskutuksen perustiedot")
        verbose_name_plural = _("laskutuksen perustiedot")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="invoicingprofile_one_per_org"),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class InvoiceNumberSeries(OrganisationScopedModel):
    """The organisation's invoice number series: ``next_number`` is taken and incremented in
    the transaction that sends an invoice, under ``select_for_update``."""

    next_number = models.PositiveIntegerField(_("seuraava laskunumero"), default=1000)

    class Meta:
        verbose_name = _("laskunumerosarja")
        verbose_name_plural = _("laskunumerosarjat")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="invoicenumberseries_one"),
        ]

    def __str__(self) -> str:
        return str(self.next_number)


class BasisApproval(OrganisationScopedModel):
    """A service-form lead's approval of the form's billable basis of one period (a month).

    ``fingerprint`` is a digest of the billable items the lead saw; a run compares it with the
    items of the moment and asks for a new approval when the records changed since."""

    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("työmuoto"),
    )
    period_start = models.DateField(_("jakso alkaa"))
    period_end = models.DateField(_("jakso päättyy"))
    fingerprint = models.CharField(_("tarkiste"), max_length=64)
    item_count = models.PositiveIntegerField(_("rivejä"))
    quantity = models.DecimalField(_("määrä yhteensä"), max_digits=12, decimal_places=2)
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("hyväksytty"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("peruttu"), null=True, blank=True)

    class Meta:
        verbose_name = _("laskutusperusteen hyväksyntä")
        verbose_name_plural = _("laskutusperusteen hyväksynnät")
        ordering = ["-period_start", "service_form__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_form", "period_start"],
                condition=Q(withdrawn_at__isnull=True),
                name="basisapproval_one_active",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="basisapproval_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_form_id} {self.period_start:%m/%Y}"


class InvoiceRun(OrganisationScopedModel):
    """One invoicing run: what was billable in ``period_start..period_end`` turned into draft
    invoices per buyer (plus the difference lines of earlier, already invoiced periods)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("luonnos")
        SENT = "sent", _("lähetetty")
        CANCELLED = "cancelled", _("peruttu")

    period_start = models.DateField(_("jakso alkaa"))
    period_end = models.DateField(_("jakso päättyy"))
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    #: What the run could not invoice and why (unpriced items, items without a buyer, forms
    #: without an approved basis): a list of ``{"reason", "source", "service_form",
    #: "case_reference", "quantity"}`` dicts, shown on the run's page.
    problems = models.JSONField(_("huomiot"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)

    class Meta:
        verbose_name = _("laskutusajo")
        verbose_name_plural = _("laskutusajot")
        ordering = ["-period_start", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="invoicerun_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{fi_date(self.period_start)}–{fi_date(self.period_end)}"


class Invoice(OrganisationScopedModel):
    """An invoice or a credit note to one buyer. Buyer details are copied when the invoice is
    made, so a sent invoice prints the same later whatever happens to the partner row."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("lasku")
        CREDIT_NOTE = "credit_note", _("hyvityslasku")

    class Status(models.TextChoices):
        DRAFT = "draft", _("luonnos")
        SENT = "sent", _("lähetetty")
        DISCARDED = "discarded", _("hylätty luonnos")

    kind = models.CharField(_("laji"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(
        _("tila"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    run = models.ForeignKey(
        InvoiceRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("laskutusajo"),
    )
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("hyvitettävä lasku"),
    )
    buyer = models.ForeignKey(
        "organisations.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("ostaja"),
    )
    agreement = models.ForeignKey(
        "finance.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("sopimus"),
    )
    buyer_name = models.CharField(_("ostajan nimi"), max_length=200)
    buyer_business_id = models.CharField(_("ostajan Y-tunnus"), max_length=9, blank=True)
    buyer_street = models.CharField(_("ostajan katuosoite"), max_length=200, blank=True)
    buyer_postcode = models.CharField(_("ostajan postinumero"), max_length=10, blank=True)
    buyer_town = models.CharField(_("ostajan postitoimipaikka"), max_length=100, blank=True)
    buyer_reference = models.CharField(_("ostajan viite"), max_length=70, blank=True)
    einvoice_address = models.CharField(_("verkkolaskuosoite"), max_length=17, blank=True)
    einvoice_operator = models.CharField(_("välittäjän tunnus"), max_length=35, blank=True)
    period_start = models.DateField(_("laskutusjakso alkaa"), null=True, blank=True)
    period_end = models.DateField(_("laskutusjakso päättyy"), null=True, blank=True)
    payment_term_days = models.PositiveSmallIntegerField(_("maksuaika (päivää)"), default=14)
    notes = models.TextField(_("lisätiedot laskulla"), blank=True)

    # Set when sent; never changed afterwards.
    number = models.PositiveIntegerField(_("laskunumero"), null=True, blank=True)
    reference = models.CharField(_("viitenumero"), max_length=25, blank=True)
    invoice_date = models.DateField(_("laskun päivä"), null=True, blank=True)
    due_date = models.DateField(_("eräpäivä"), null=True, blank=True)
    total_net = models.DecimalField(
        _("veroton summa"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    total_vat = models.DecimalField(
        _("arvonlisävero"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    total_gross = models.DecimalField(
        _("summa yhteensä"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)

    class Meta:
        verbose_name = _("lasku")
        verbose_name_plural = _("laskut")
        ordering = ["-number", "-created_at"]
        indexes = [models.Index(fields=["organisation", "status", "due_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                condition=Q(number__isnull=False),
                name="invoice_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", number__isnull=False, due_date__isnull=False)
                | ~Q(status="sent"),
                name="invoice_sent_has_number",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_note", credited_invoice__isnull=False)
                | Q(kind="invoice", credited_invoice__isnull=True),
                name="invoice_credit_note_references_invoice",
            ),
        ]

    def __str__(self) -> str:
        if self.number is None:
            return str(_("Laskuluonnos %(pk)s") % {"pk": self.pk})
        return str(self.number)

    @property
    def is_sent(self) -> bool:
        return self.status == self.Status.SENT


class InvoiceLine(models.Model):
    """One line: a quantity of one priced thing at one unit price, traceable to its records.

    ``source``/``group_key`` identify the record group (``residential.care_days`` /
    ``commitment:12``) and ``billed_period_start``/``billed_period_end`` the days it covers;
    a difference line (``is_difference``) corrects an earlier, sent invoice's quantity.
    """

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("lasku")
    )
    position = models.PositiveSmallIntegerField(_("rivi"))
    service_form = models.ForeignKey(
        "organisations.ServiceForm",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työmuoto (kustannuspaikka)"),
    )
    source = models.CharField(_("lähde"), max_length=60, blank=True)
    group_key = models.CharField(_("tietueryhmä"), max_length=100, blank=True)
    item = models.CharField(_("hinnoiteltava"), max_length=30)
    meeting_type = models.CharField(_("tapaamistyyppi"), max_length=20, blank=True)
    description = models.CharField(_("selite"), max_length=200)
    case_reference = models.CharField(_("asiaviite"), max_length=100, blank=True)
    billed_period_start = models.DateField(_("alkaen"), null=True, blank=True)
    billed_period_end = models.DateField(_("päättyen"), null=True, blank=True)
    quantity = models.DecimalField(_("määrä"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("yksikkö"), max_length=20)
    unit_price = models.DecimalField(_("yksikköhinta"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(
        _("ALV (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    net = models.DecimalField(_("veroton"), max_digits=12, decimal_places=2)
    vat = models.DecimalField(_("vero"), max_digits=12, decimal_places=2)
    gross = models.DecimalField(_("yhteensä"), max_digits=12, decimal_places=2)
    is_difference = models.BooleanField(_("korjausrivi"), default=False)
    price_row = models.ForeignKey(
        "finance.PriceRow",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hintarivi"),
    )
    #: ``[[label, pk], …]`` of the records behind the line (never shown to the buyer).
    records = models.JSONField(_("tietueet"), default=list, blank=True)

    objects = ScopedManager(organisation="invoice__organisation")

    class Meta:
        verbose_name = _("laskurivi")
        verbose_name_plural = _("laskurivit")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position"),
            # Rounded: SQLite compares decimals as floating point (0.05 + 0.01 != 0.06).
            models.CheckConstraint(
                condition=Q(gross=Round(models.F("net") + models.F("vat"), 2)),
                name="invoiceline_gross_is_net_plus_vat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.position} {self.description}"


class PaymentImport(OrganisationScopedModel):
    """One bank statement file imported (CSV or camt.054); the same file twice is refused."""

    file_name = models.CharField(_("tiedosto"), max_length=200)
    file_sha256 = models.CharField(_("tiedoston tarkiste"), max_length=64)
    file_format = models.CharField(_("muoto"), max_length=20)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("tuotu"), default=timezone.now)

    class Meta:
        verbose_name = _("maksuaineisto")
        verbose_name_plural = _("maksuaineistot")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "file_sha256"], name="paymentimport_unique_file"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class Payment(OrganisationScopedModel):
    """A payment received, matched to an invoice by its reference number (or by hand)."""

    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("lasku"),
    )
    source_import = models.ForeignKey(
        PaymentImport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("maksuaineisto"),
    )
    paid_on = models.DateField(_("maksupäivä"))
    amount = models.DecimalField(_("summa"), max_digits=12, decimal_places=2)
    reference = models.CharField(_("viite"), max_length=35, blank=True)
    payer_name = models.CharField(_("maksaja"), max_length=200, blank=True)
    #: The bank's archive id (*arkistointitunnus*): one payment is imported once.
    archive_id = models.CharField(_("arkistointitunnus"), max_length=60, blank=True)
    note = models.CharField(_("lisätieto"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("kirjattu"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suoritus")
        verbose_name_plural = _("suoritukset")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "archive_id"],
                condition=~Q(archive_id=""),
                name="payment_unique_archive_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{fi_date(self.paid_on)} {self.amount} €"
