"""The default service task (Act 703/2023) of a service form's episodes becomes configuration.

It was a table keyed by the service form's slug in ``tupa/episodes/services.py`` (issue 10): a
renamed slug or a new form silently fell back to the default. The same mapping is written into
the existing rows once here; from now on the administrator sets it on the service form.
"""

from django.db import migrations, models

CHOICES = [
    ("child_family", "lapsiperheiden palvelut"),
    ("child_welfare", "lastensuojelu"),
    ("working_age", "työikäisten palvelut"),
    ("family_law", "perheoikeudelliset palvelut"),
    ("own_activity", "yhdistyksen oma toiminta"),
]

#: The former slug table (adult, child), finnish-requirements §5 [verify].
FORMER_TABLE = {
    "turvakoti": ("working_age", "child_family"),
    "ensikoti": ("child_family", "child_family"),
    "tapaamispaikka": ("family_law", "family_law"),
    "jussi-tyo": ("working_age", "working_age"),
    "avokriisityo": ("working_age", "child_family"),
    "lapsityo": ("child_family", "child_family"),
    "baby-blues": ("child_family", "child_family"),
    "peukaloinen": ("child_family", "child_family"),
    "alvari": ("child_family", "child_family"),
    "ero-lapsiperheessa": ("child_family", "child_family"),
}


ADULT = {
    "blank": True,
    "choices": CHOICES,
    "max_length": 20,
    "verbose_name": "palvelutehtävä (aikuiset)",
    "help_text": (
        "Lain 703/2023 palvelutehtävä, jonka aikuisen asiakkuus saa oletuksena; asiakirjojen "
        "säilytysaika määräytyy siitä. Tyhjä: lapsiperheiden palvelut."
    ),
}
CHILD = {
    "blank": True,
    "choices": CHOICES,
    "max_length": 20,
    "verbose_name": "palvelutehtävä (lapset)",
    "help_text": "Lapsen asiakkuuden oletuspalvelutehtävä. Tyhjä: sama kuin aikuisilla.",
}


def copy_former_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    ServiceForm = apps.get_model("organisations", "ServiceForm")
    for slug, (adult, child) in FORMER_TABLE.items():
        ServiceForm.objects.filter(slug=slug).update(
            adult_service_task=adult, child_service_task=child
        )


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_data_protection")]

    operations = [
        migrations.AddField(
            model_name="serviceform",
            name="adult_service_task",
            field=models.CharField(**ADULT),
        ),
        migrations.AddField(
            model_name="serviceform",
            name="child_service_task",
            field=models.CharField(**CHILD),
        ),
        migrations.AddField(
            model_name="historicalserviceform",
            name="adult_service_task",
            field=models.CharField(**ADULT),
        ),
        migrations.AddField(
            model_name="historicalserviceform",
            name="child_service_task",
            field=models.CharField(**CHILD),
        ),
        migrations.RunPython(copy_former_table, migrations.RunPython.noop),
    ]
