"""Test helpers shared across apps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from tupa.accounts.models import User


def login_verified(client: Client, user: User) -> TOTPDevice:
    """Log ``user`` in as if they had passed both the password and the TOTP step."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="test", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def refetched(value: Any) -> Any:
    """``value`` (a model instance, or a dict, list or tuple of them) read again from the
    database as new instances: the objects of a module-scoped test world are shared by its
    tests, and a test may change one in memory (a login sets ``last_login``); the database
    itself is rolled back after each test."""
    if isinstance(value, Model):
        with scopes_disabled():
            return type(value)._base_manager.get(pk=value.pk)
    if isinstance(value, dict):
        return {key: refetched(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(refetched(item) for item in value)
    return value


@contextmanager
def rolled_back_world(django_db_blocker: Any) -> Iterator[None]:
    """The database work of a module- or package-scoped test world: allowed outside any test,
    inside one transaction rolled back when the block ends. Each test of the module runs in a
    savepoint inside it, so whatever a test writes is rolled back before the next one::

        @pytest.fixture(scope="module")
        def built_world(django_db_setup, django_db_blocker):
            with rolled_back_world(django_db_blocker):
                yield make_world()
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def module_world(build: Callable[[], Any]) -> tuple[Any, Any]:
    """The two fixtures of a module-scoped test world whose builder needs nothing else:
    ``built_world`` (``build()`` run once for the module, in :func:`rolled_back_world`) and
    ``world`` (its objects :func:`refetched` for each test). Bind both at module level::

        built_world, world = module_world(_build_world)
    """

    @pytest.fixture(scope="module")
    def built_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Any]:
        with rolled_back_world(django_db_blocker):
            yield build()

    @pytest.fixture
    def world(built_world: Any) -> Any:
        return refetched(built_world)

    return built_world, world


def assert_collect_narrows_to_forms(collect: Callable[..., list[Any]], form: Any) -> None:
    """The billable sources' contract (``registry.BillableSource``): ``collect(**narrowed)``
    gives every item of ``form``'s world; narrowed to ``form`` the same items, to no form none.
    The leads' dashboard panel asks only for the lead's forms."""
    everything = collect()
    assert everything
    assert collect(service_form_ids={form.pk}) == everything
    assert collect(service_form_ids=set()) == []


def assert_append_only(row: Model, **changes: Any) -> None:
    """``row`` (an ``AppendOnlyModel``) refuses every change from Python: ``save`` with
    ``changes`` set, ``delete``, and its queryset's ``update(**changes)`` and ``delete`` each
    raise the model's ``append_only_error`` (the caller has the organisation scope active)."""
    error = type(row).append_only_error  # type: ignore[attr-defined]
    for name, value in changes.items():
        setattr(row, name, value)
    with pytest.raises(error):
        row.save()
    with pytest.raises(error):
        row.delete()
    same = type(row).objects.filter(pk=row.pk)  # type: ignore[attr-defined]
    with pytest.raises(error):
        same.update(**changes)
    with pytest.raises(error):
        same.delete()


def refused_by_the_database(sql: str, params: list[Any], message: str) -> None:
    """Raw ``sql`` is refused by an append-only table's triggers with ``message`` (in a savepoint
    of its own, so the test's transaction goes on)."""
    with (
        pytest.raises(DatabaseError, match=message),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def pdf_text(data: bytes) -> str:
    """The text of a PDF the product wrote (read with pypdf), its whitespace folded to single
    spaces so that a test looks for a line as it reads: ``"Avopalvelujen asiakkaat 4 1"``."""
    from io import BytesIO

    from pypdf import PdfReader

    assert data.startswith(b"%PDF"), data[:20]
    pages = PdfReader(BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@dataclass(frozen=True)
class PdfStructure:
    """What assistive technology reads of a PDF (:func:`pdf_structure`)."""

    #: The catalog's ``/MarkInfo /Marked`` (a tagged PDF) and whether it has a structure tree.
    tagged: bool
    #: The document language (``/Lang``; "" without one).
    lang: str
    #: The structure elements' types, depth first: ``["Document", "H1", "Table", …]``.
    tags: list[str]
    #: The text alternative (``/Alt``) of each ``Figure``, in reading order ("" without one).
    figures: list[str]


def pdf_structure(data: bytes) -> PdfStructure:
    """The tags of a PDF the product wrote (read with pypdf): an untagged PDF has none."""
    from io import BytesIO

    from pypdf import PdfReader

    catalog = PdfReader(BytesIO(data)).trailer["/Root"]
    elements: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not isinstance(node, dict):  # a marked-content id
            return
        if "/S" in node:
            elements.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids]:
            if kid is not None:
                walk(kid)

    root = catalog.get("/StructTreeRoot")
    if root is not None:
        walk(root)
    mark = catalog.get("/MarkInfo", {}).get("/Marked")
    return PdfStructure(
        # pypdf's BooleanObject(False) is truthy: compare its value.
        tagged=getattr(mark, "value", False) is True and root is not None,
        lang=str(catalog.get("/Lang", "")),
        tags=[str(e["/S"]).lstrip("/") for e in elements],
        figures=[str(e.get("/Alt", "")) for e in elements if e["/S"] == "/Figure"],
    )
