"""Which of a person's texts may carry another person's data — one rule for the DPO's data
extract (:mod:`.data`) and the access request's draft
(:mod:`tupa.dataprotection.access_requests.draft`).

A text that may describe someone else (the other parent, the victim, the one who used violence,
a child) is never copied into the person's extract unreviewed: the data extract leaves it out,
and the access request withholds it until a reviewer of the unit decides (GDPR art. 15(4);
1050/2018 §34).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from tupa.episodes.models import Participant
from tupa.people.models import Person, Relationship

#: Name parts shorter than this are not searched for (too many false alarms: "Ari" in "Arin").
MIN_NAME_LENGTH = 3


def name_tokens(*names: str) -> set[str]:
    return {
        t.lower() for n in names for t in re.split(r"[\s\-]+", n or "") if len(t) >= MIN_NAME_LENGTH
    }


def mentions(text: str, pattern: re.Pattern[str] | None) -> bool:
    return bool(pattern and text and pattern.search(text))


def third_party_pattern(person: Person, others: Iterable[Participant]) -> re.Pattern[str] | None:
    """A pattern of the names of the other participants of the person's episodes (``others``,
    with ``person`` and ``alias`` loaded) and of the person's relatives, less the person's own
    name parts; ``None`` when there is no name to look for."""
    others = list(others)
    relatives = Person.objects.filter(
        Q(pk__in=Relationship.objects.filter(person=person).values("relative_id"))
        | Q(pk__in=Relationship.objects.filter(relative=person).values("person_id"))
    )
    third = name_tokens(
        *[f"{o.person.first_names} {o.person.last_name}" for o in others if o.person],
        *[o.alias.label for o in others if o.alias],
        *[f"{r.first_names} {r.last_name}" for r in relatives],
    ) - name_tokens(person.first_names, person.last_name)
    if not third:
        return None
    return re.compile(
        r"\b(" + "|".join(re.escape(t) for t in sorted(third, key=len, reverse=True)) + r")",
        re.IGNORECASE,
    )


def named_reason() -> str:
    return _("Tekstissä mainitaan toinen henkilö.")


def episode_reasons(own: Participant, others: Iterable[Participant]) -> list[str]:
    """Why the person's episode (their participation ``own``) is someone else's as well:
    they used violence against another participant, or they take part as a partner or close
    person in another person's client episode."""
    others = list(others)
    if own.violence_role == Participant.ViolenceRole.USED and others:
        return [_("Asiakkuus koskee väkivaltaa kokenutta henkilöä.")]
    if own.role in {Participant.Role.PARTNER, Participant.Role.CLOSE_PERSON} and any(
        o.role == Participant.Role.CLIENT for o in others
    ):
        return [_("Henkilö on asiakkuudessa läheisenä; asiakkuus on toisen henkilön.")]
    return []


def entry_reasons(
    *,
    text: str,
    other_participants: bool,
    perpetrator_work: bool,
    pattern: re.Pattern[str] | None,
) -> list[str]:
    """Why a journal entry's text may describe another person (empty: it is the person's own)."""
    reasons = []
    if other_participants:
        reasons.append(_("Kirjauksessa on muita osallistujia."))
    if mentions(text, pattern):
        reasons.append(named_reason())
    if perpetrator_work:  # the victim may be named without being in the data
        reasons.append(
            _("Väkivaltaa käyttäneiden työn kirjaus voi sisältää väkivaltaa kokeneen tietoja.")
        )
    return reasons
