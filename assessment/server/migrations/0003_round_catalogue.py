# A round's custom catalogue (a zip kept by its SHA-256 with the uploads; empty: the built-in one).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('smartcity', '0002_answers'),
    ]

    operations = [
        migrations.AddField(
            model_name='round',
            name='catalogue_sha256',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='round',
            name='catalogue_name',
            field=models.CharField(blank=True, default='', max_length=255),
        ),
    ]
