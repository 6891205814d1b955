"""The technical and organisational safeguards in force, read from the running settings."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .document import Item
from .facts import Facts


def safeguards(f: Facts | None = None) -> list[Item]:
    """The technical and organisational safeguards in force, read from the running settings."""
    items: list[Item] = [
        Item(
            _(
                "Pääsy asiakastietoihin vain työtehtävän perusteella: työmuodon jäsenyys, nimetty "
                "työpari, asiakkaan suostumus tai perusteltu, määräaikainen ja esihenkilön "
                "tarkastama hätäpääsy"
            )
        ),
    ]
    atomic = bool(settings.DATABASES["default"].get("ATOMIC_REQUESTS"))
    items.append(
        Item(
            _(
                "Jokaisesta asiakastietojen käsittelystä kirjataan käyttöloki; jos kirjaus "
                "epäonnistuu, tietoja ei näytetä"
            ),
            detail=_("ATOMIC_REQUESTS käytössä") if atomic else _("ATOMIC_REQUESTS EI käytössä"),
            ok=atomic,
        )
    )
    items.append(Item(_("Käyttölokia ja turvallisuustapahtumia ei voi muuttaa eikä poistaa")))
    if settings.TUPA_REQUIRE_2FA:
        items.append(Item(_("Kaksivaiheinen tunnistautuminen kaikille työntekijöille")))
    else:
        items.append(
            Item(
                _("Kaksivaiheinen tunnistautuminen ei ole käytössä (sallittu vain demossa)"),
                ok=False,
            )
        )
    limit = getattr(settings, "AXES_FAILURE_LIMIT", None)
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    items.append(
        Item(
            _("Käyttäjätunnus lukitaan toistuvien epäonnistuneiden kirjautumisten jälkeen"),
            detail=_("%(limit)s yritystä, lukitus %(minutes)s min")
            % {
                "limit": limit,
                "minutes": int(cooloff.total_seconds() // 60) if cooloff else "–",
            },
        )
    )
    items.append(
        Item(
            _("Istunto päättyy käyttämättömänä ja viimeistään enimmäisajan jälkeen"),
            detail=_("%(idle)s min käyttämättömänä, enintään %(hours)s h")
            % {
                "idle": int(settings.TUPA_SESSION_IDLE_TIMEOUT.total_seconds() // 60),
                "hours": int(settings.TUPA_SESSION_ABSOLUTE_TIMEOUT.total_seconds() // 3600),
            },
        )
    )
    tls = bool(
        getattr(settings, "SECURE_SSL_REDIRECT", False)
        and getattr(settings, "SECURE_HSTS_SECONDS", 0)
        and getattr(settings, "SESSION_COOKIE_SECURE", False)
    )
    if tls:
        items.append(Item(_("Tietoliikenne salataan (HTTPS, HSTS, suojatut evästeet)")))
    else:
        items.append(
            Item(
                _(
                    "Sovellus ei itse pakota salattua yhteyttä (kehitysprofiili); tuotannossa "
                    "TUPA_ENV=production ottaa sen käyttöön"
                ),
                ok=False,
            )
        )
    items.append(
        Item(
            _(
                "Turvakiellon alaiset tiedot piilotetaan oletuksena kaikkialla; niiden "
                "näyttäminen vaatii työtehtävän perusteen ja syyn, ja se kirjataan"
            )
        )
    )
    if f is not None and f.victim_side:
        items.append(
            Item(_("Väkivaltaa käyttäneiden työ ei koskaan näe tämän työmuodon asiakkuuksia"))
        )
    if f is not None and f.perpetrator_side:
        items.append(
            Item(
                _(
                    "Työmuodosta ei koskaan näe väkivaltaa kokeneiden työn asiakkuuksia, jaksoja "
                    "eikä olinpaikkoja, vaikka työntekijä kuuluisi myös muihin työmuotoihin"
                )
            )
        )
    if f is not None and f.anonymous:
        items.append(Item(_("Nimettömänä asiointi on mahdollista")))
    items.append(
        Item(
            _(
                "Asiakaskirjauksia ei muuteta jälkikäteen: korjaus on uusi versio ja alkuperäinen "
                "säilyy"
            )
        )
    )
    items.append(
        Item(
            _(
                "Liitteet tallennetaan satunnaisilla nimillä vain palvelimen luettaviksi ja "
                "annetaan vain oikeudet tarkistavan, lokitetun näkymän kautta"
            )
        )
    )
    items.append(
        Item(
            _(
                "Organisaatiotason roolit (pääkäyttäjä, toiminnanjohtaja, talous, "
                "tietosuojavastaava) eivät näe asiakaskirjauksia"
            )
        )
    )
    if settings.PASSWORD_HASHERS and "Argon2" in settings.PASSWORD_HASHERS[0]:
        items.append(Item(_("Salasanat tallennetaan Argon2-tiivisteinä")))
    if "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE:
        items.append(Item(_("Tiukka sisällön suojauskäytäntö (CSP) ja selaimen suojaotsakkeet")))
    items.append(
        Item(
            _(
                "Tallennetun tiedon salaus (levysalaus) ja varmuuskopiointi riippuvat käyttöönotosta"
            ),
            verify=True,
        )
    )
    return items
