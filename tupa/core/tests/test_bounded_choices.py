"""A multiple choice of rows refuses an id beyond the database's integer range with the field's
own message (SQLite raised ``OverflowError`` on an ``IN`` of such an id: a 500)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tupa.core.forms import BoundedModelMultipleChoiceField
from tupa.organisations.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("huge", ["9" * 20, "-" + "9" * 20, str(2**63)])
def test_an_id_out_of_range_is_an_invalid_choice(huge: str) -> None:
    municipality = Municipality.objects.create(
        code="901", name_fi="Testikunta", name_sv="Testkommun"
    )
    field = BoundedModelMultipleChoiceField(queryset=Municipality.objects.all())
    with pytest.raises(ValidationError) as refused:
        field.clean([str(municipality.pk), huge])
    assert refused.value.error_list[0].code == "invalid_choice"


def test_ids_in_range_are_chosen() -> None:
    municipality = Municipality.objects.create(
        code="902", name_fi="Toinen kunta", name_sv="Andra kommun"
    )
    field = BoundedModelMultipleChoiceField(queryset=Municipality.objects.all())
    assert list(field.clean([str(municipality.pk)])) == [municipality]
    with pytest.raises(ValidationError) as refused:
        field.clean([str(2**63 - 1)])  # in range, but no such row
    assert refused.value.error_list[0].code == "invalid_choice"
