# A city's contacts become a list (its one address, when it had one, is the first) and it gains the profile
# values the organiser gives (existing cities: none). Going back keeps the first address of each city.

from django.db import migrations, models


def to_list(apps, _schema_editor):
    City = apps.get_model("smartcity", "City")
    for city in City.objects.exclude(contact=""):
        city.contacts = [city.contact]
        city.save(update_fields=["contacts"])


def to_one(apps, _schema_editor):
    City = apps.get_model("smartcity", "City")
    for city in City.objects.all():
        city.contact = city.contacts[0] if city.contacts else ""
        city.save(update_fields=["contact"])


class Migration(migrations.Migration):

    dependencies = [
        ('smartcity', '0004_round_languages_and_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='city',
            name='contacts',
            field=models.JSONField(blank=True, default=list, verbose_name='contact e-mails'),
        ),
        migrations.AddField(
            model_name='city',
            name='profile',
            field=models.JSONField(blank=True, default=dict, verbose_name='city profile'),
        ),
        migrations.RunPython(to_list, to_one),
        migrations.RemoveField(
            model_name='city',
            name='contact',
        ),
    ]
