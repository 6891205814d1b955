"""Frozen submissions: the hash, what may change a sent return, who sees it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_scopes import scopes_disabled

from tupa.core.tests.helpers import login_verified
from tupa.statistics import engine, services
from tupa.statistics.indicators.base import Params
from tupa.statistics.models import Submission
from tupa.statistics.returns import registry as returns

from .support import YEAR, hidden_hash

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("returns_due")]

TEMPLATE = "stea.outpatient"


def _params(world: dict[str, Any]) -> Params:
    form = world["crisis"]
    return Params(form.organisation_id, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), (form.pk,))


def _hash_in(language: str, world: dict[str, Any]) -> str:
    with translation.override(language):
        return engine.run(returns.get(TEMPLATE), _params(world)).content_hash()


def test_the_hash_is_the_same_in_every_language(world: dict[str, Any]) -> None:
    """The same data give the same hash whether the page is in Finnish, Swedish or English."""
    hashes = {lang: _hash_in(lang, world) for lang in ("fi", "sv", "en")}
    assert len(set(hashes.values())) == 1, hashes


def _send(world: dict[str, Any], note: str = "") -> Submission:
    computed = engine.run(returns.get(TEMPLATE), _params(world))
    with scopes_disabled():
        return services.submit(
            user=world["lead"],
            computed=computed,
            service_form=world["crisis"],
            municipality=None,
            title="STEA 2025",
            note=note,
        )


def test_a_return_sent_in_finnish_reproduces_when_viewed_in_swedish(world: dict[str, Any]) -> None:
    """Nothing changed since sending: the sent return's page (in any language) recomputes the
    same hash, so it says the figures are exactly those sent."""
    with translation.override("fi"):
        sent = _send(world)
    with translation.override("sv"), scopes_disabled():
        assert services.recompute(sent).content_hash() == sent.content_hash


def _reordered(figures: dict[str, Any]) -> dict[str, Any]:
    """The same figures with every table's rows, columns and parts listed in reverse order."""
    out = {}
    for index, line in figures.items():
        table = dict(line["table"])
        table["rows"] = list(reversed(table["rows"]))
        table["cols"] = list(reversed(table["cols"]))
        table["values"] = list(reversed(table["values"]))
        out[index] = {**line, "table": table}
    return out


def test_the_hash_does_not_depend_on_the_order_the_database_gives_rows(
    world: dict[str, Any],
) -> None:
    """Rows come in the database's order of names (``order_by("name_fi")``, ``("name")``),
    which differs between SQLite (binary) and PostgreSQL (the locale's collation), and between
    two forms of the same name is not defined at all. The same figures listed in another order
    must hash the same."""
    template = returns.get(TEMPLATE)
    computed = engine.run(template, _params(world))
    figures = computed.figures_json()
    assert any(len(line["table"]["rows"]) > 1 for line in figures.values())
    again = engine.restore(template, computed.params, _reordered(figures))
    assert [cl.table.values for cl in again.lines()] == [cl.table.values for cl in computed.lines()]
    assert again.content_hash() == computed.content_hash()


def test_a_double_click_on_send_freezes_the_return_once(
    client: Client, world: dict[str, Any]
) -> None:
    """The same form posted twice (a double click, a reload of the POST) with the same figures
    makes one submission, and both requests land on it."""
    send = reverse("statistics:send", args=[TEMPLATE, YEAR, "avokriisityo"])
    login_verified(client, world["lead"])
    first = client.post(send, {"note": "STEA:n asiointipalvelu"})
    second = client.post(send, {"note": "STEA:n asiointipalvelu"})
    with scopes_disabled():
        sent = list(Submission.objects.all())
    assert len(sent) == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


def test_a_correction_sent_later_is_a_new_submission_and_the_first_stays(
    client: Client, world: dict[str, Any]
) -> None:
    """Sending again after the data changed is a correction: a second submission with the new
    figures, the first one unchanged (pins the append-only rule next to the double-click guard)."""
    from .support import client_since

    send = reverse("statistics:send", args=[TEMPLATE, YEAR, "avokriisityo"])
    login_verified(client, world["lead"])
    client.post(send, {"note": "ensimmäinen"})
    with scopes_disabled():
        first = Submission.objects.get()
    client_since(world["crisis"], dt.date(YEAR, 12, 1), municipality=world["lahti"])
    client.post(send, {"note": "korjaus"})
    with scopes_disabled():
        both = list(Submission.objects.order_by("pk"))
    assert [s.note for s in both] == ["ensimmäinen", "korjaus"]
    assert both[0].content_hash == first.content_hash and both[0].figures == first.figures
    assert both[1].content_hash != first.content_hash


def test_a_sent_return_cannot_be_deleted_by_any_path(world: dict[str, Any]) -> None:
    """Not the instance, not a queryset, not raw SQL, and not by removing its sender."""
    from django.db import connection, transaction
    from django.db.models import ProtectedError

    from tupa.statistics.models import SubmissionFrozenError

    sent = _send(world)
    with scopes_disabled():
        with pytest.raises(SubmissionFrozenError):
            sent.delete()
        with pytest.raises(SubmissionFrozenError):
            Submission.objects.filter(pk=sent.pk).delete()
        with pytest.raises(ProtectedError), transaction.atomic():
            world["lead"].delete()
    with (
        pytest.raises(Exception, match="frozen"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM statistics_submission")
    with scopes_disabled():
        assert Submission.objects.get(pk=sent.pk).content_hash == sent.content_hash


def test_a_newer_indicator_version_leaves_a_sent_return_as_it_was(world: dict[str, Any]) -> None:
    """A rule changed later (a new version of an indicator the return used) changes neither
    the frozen figures nor their recomputation: the return keeps the versions it was sent with."""
    from dataclasses import replace

    from tupa.statistics.indicators import registry as indicators

    sent = _send(world)
    old = indicators.get("outpatient.clients", 1)
    newer = replace(old, version=old.version + 50, units=lambda params: [])
    indicators.register(newer)
    try:
        assert indicators.get("outpatient.clients") is newer
        with scopes_disabled():
            frozen = services.frozen(sent)
            now = services.recompute(sent)
        used = {cl.indicator.key for cl in frozen.lines()} | {
            cl.indicator.key for cl in now.lines()
        }
        assert newer.key not in used and old.key in used
        assert now.content_hash() == sent.content_hash
        assert services.changes(frozen, now) == []
    finally:
        del indicators._items[(newer.id, newer.version)]


def test_a_return_is_frozen_only_as_the_sender_saw_it(
    client: Client, world: dict[str, Any]
) -> None:
    """The page's send form carries the hash of the figures it showed. A correction made while
    the lead reviewed (and exported) the return refuses the send, says why, shows the new
    figures and freezes nothing; sent again from that page (its new hash), it is frozen with
    the new figures."""
    from .support import client_since

    page = reverse("statistics:return", args=[TEMPLATE, YEAR, "avokriisityo"])
    send = reverse("statistics:send", args=[TEMPLATE, YEAR, "avokriisityo"])
    login_verified(client, world["lead"])
    body = client.get(page).content.decode()
    seen = hidden_hash(body, "seen")
    client_since(world["crisis"], dt.date(YEAR, 12, 1), municipality=world["lahti"])
    refused = client.post(send, {"note": "STEA", "seen": seen})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Luvut ovat muuttuneet sen jälkeen, kun avasit sivun" in text
    assert 'value="STEA"' in text  # the note typed is kept
    with scopes_disabled():
        assert not Submission.objects.exists()
    again = hidden_hash(text, "seen")
    assert again != seen
    sent = client.post(send, {"note": "STEA", "seen": again})
    assert sent.status_code == 302
    with scopes_disabled():
        assert Submission.objects.get().content_hash == again
