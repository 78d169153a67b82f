# A round's languages (existing rounds get every registered language: each publication still writes those its
# catalogue has, as before); every model and field named in the reader's language in the back office
# (the names are English here: Django stores the msgid, the admin translates it when shown).

import assessment.server.models
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('smartcity', '0003_round_catalogue'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='answerfile',
            options={'ordering': ['created', 'id'], 'verbose_name': 'answered query workbook', 'verbose_name_plural': 'answered query workbooks'},
        ),
        migrations.AlterModelOptions(
            name='auditrecord',
            options={'ordering': ['when', 'id'], 'verbose_name': 'audit record', 'verbose_name_plural': 'audit records'},
        ),
        migrations.AlterModelOptions(
            name='city',
            options={'ordering': ['name'], 'verbose_name': 'city', 'verbose_name_plural': 'cities'},
        ),
        migrations.AlterModelOptions(
            name='invitation',
            options={'verbose_name': 'invitation', 'verbose_name_plural': 'invitations'},
        ),
        migrations.AlterModelOptions(
            name='membership',
            options={'verbose_name': 'role of a person', 'verbose_name_plural': 'roles of people'},
        ),
        migrations.AlterModelOptions(
            name='publication',
            options={'verbose_name': 'publication', 'verbose_name_plural': 'publications'},
        ),
        migrations.AlterModelOptions(
            name='query',
            options={'ordering': ['created', 'id'], 'verbose_name': 'query', 'verbose_name_plural': 'queries'},
        ),
        migrations.AlterModelOptions(
            name='round',
            options={'verbose_name': 'round', 'verbose_name_plural': 'rounds'},
        ),
        migrations.AlterModelOptions(
            name='upload',
            options={'ordering': ['city', 'number'], 'verbose_name': 'version', 'verbose_name_plural': 'versions'},
        ),
        migrations.AddField(
            model_name='round',
            name='languages',
            field=models.JSONField(default=assessment.server.models.every_language, verbose_name='languages'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='answered',
            field=models.PositiveIntegerField(default=0, verbose_name='questions answered'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='city',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='answer_files', to='smartcity.city', verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='correction',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='smartcity.upload', verbose_name='version of the correction'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='created',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='filename',
            field=models.CharField(max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='problems',
            field=models.JSONField(default=list, verbose_name='problems'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='sha256',
            field=models.CharField(max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='size',
            field=models.PositiveBigIntegerField(verbose_name='size (bytes)'),
        ),
        migrations.AlterField(
            model_name='answerfile',
            name='uploaded_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='uploaded by'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='action',
            field=models.CharField(max_length=40, verbose_name='action'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='detail',
            field=models.TextField(blank=True, default='', verbose_name='detail'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='object_id',
            field=models.CharField(blank=True, default='', max_length=40, verbose_name='object id'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='object_type',
            field=models.CharField(blank=True, default='', max_length=40, verbose_name='object type'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='sha256',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='user',
            field=models.CharField(blank=True, default='', max_length=150, verbose_name='who'),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='when',
            field=models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='when'),
        ),
        migrations.AlterField(
            model_name='city',
            name='accepted',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='smartcity.upload', verbose_name='accepted version'),
        ),
        migrations.AlterField(
            model_name='city',
            name='contact',
            field=models.EmailField(blank=True, default='', max_length=254, verbose_name='contact e-mail'),
        ),
        migrations.AlterField(
            model_name='city',
            name='country',
            field=models.CharField(blank=True, default='', max_length=2, verbose_name='country'),
        ),
        migrations.AlterField(
            model_name='city',
            name='language',
            field=models.CharField(default='en', max_length=5, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='city',
            name='last_activity',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last activity'),
        ),
        migrations.AlterField(
            model_name='city',
            name='name',
            field=models.CharField(max_length=200, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='city',
            name='note',
            field=models.TextField(blank=True, default='', verbose_name="reviewer's note"),
        ),
        migrations.AlterField(
            model_name='city',
            name='revision',
            field=models.PositiveIntegerField(default=0, verbose_name='revision'),
        ),
        migrations.AlterField(
            model_name='city',
            name='round',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cities', to='smartcity.round', verbose_name='round'),
        ),
        migrations.AlterField(
            model_name='city',
            name='status',
            field=models.CharField(choices=[('invited', 'invited'), ('opened', 'opened'), ('draft', 'draft'), ('submitted', 'submitted'), ('sent_back', 'sent back'), ('accepted', 'accepted')], default='invited', max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='city',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='smartcity.city', verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='created',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='email',
            field=models.EmailField(max_length=254, verbose_name='e-mail address'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='expires',
            field=models.DateTimeField(verbose_name='expires'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='nonce',
            field=models.CharField(max_length=64, unique=True, verbose_name='link secret'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='role',
            field=models.CharField(choices=[('organiser', 'organiser'), ('reviewer', 'reviewer'), ('city', 'city member')], max_length=10, verbose_name='role'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='used',
            field=models.DateTimeField(blank=True, null=True, verbose_name='used'),
        ),
        migrations.AlterField(
            model_name='invitation',
            name='user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL, verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='city',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='members', to='smartcity.city', verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='role',
            field=models.CharField(choices=[('organiser', 'organiser'), ('reviewer', 'reviewer'), ('city', 'city member')], max_length=10, verbose_name='role'),
        ),
        migrations.AlterField(
            model_name='membership',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='account'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='created',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='created_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='published by'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='error',
            field=models.TextField(blank=True, default='', verbose_name='error'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='manifest',
            field=models.JSONField(default=dict, verbose_name='manifest'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='number',
            field=models.PositiveIntegerField(verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='round',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='smartcity.round', verbose_name='round'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='state',
            field=models.CharField(default='pending', max_length=8, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='publication',
            name='zip_sha256',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='zip SHA-256'),
        ),
        migrations.AlterField(
            model_name='query',
            name='answer',
            field=models.TextField(blank=True, default='', verbose_name='answer'),
        ),
        migrations.AlterField(
            model_name='query',
            name='answered',
            field=models.DateTimeField(blank=True, null=True, verbose_name='answered'),
        ),
        migrations.AlterField(
            model_name='query',
            name='answered_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by'),
        ),
        migrations.AlterField(
            model_name='query',
            name='asked_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='asked by'),
        ),
        migrations.AlterField(
            model_name='query',
            name='city',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='queries', to='smartcity.city', verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='query',
            name='corrected',
            field=models.FloatField(blank=True, null=True, verbose_name='corrected value'),
        ),
        migrations.AlterField(
            model_name='query',
            name='correction',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='smartcity.upload', verbose_name='version of the correction'),
        ),
        migrations.AlterField(
            model_name='query',
            name='created',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='query',
            name='key',
            field=models.CharField(max_length=200, verbose_name='question key'),
        ),
        migrations.AlterField(
            model_name='query',
            name='problem',
            field=models.JSONField(default=dict, verbose_name='question'),
        ),
        migrations.AlterField(
            model_name='query',
            name='upload',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='queries', to='smartcity.upload', verbose_name='version'),
        ),
        migrations.AlterField(
            model_name='round',
            name='catalogue_name',
            field=models.CharField(blank=True, default='', max_length=255, verbose_name='catalogue file'),
        ),
        migrations.AlterField(
            model_name='round',
            name='catalogue_sha256',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='catalogue SHA-256'),
        ),
        migrations.AlterField(
            model_name='round',
            name='created',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='round',
            name='deadline',
            field=models.DateField(blank=True, null=True, verbose_name='deadline'),
        ),
        migrations.AlterField(
            model_name='round',
            name='method',
            field=models.TextField(blank=True, default='', verbose_name='method file'),
        ),
        migrations.AlterField(
            model_name='round',
            name='name',
            field=models.CharField(max_length=200, verbose_name='name'),
        ),
        migrations.AlterField(
            model_name='round',
            name='previous',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='smartcity.round', verbose_name='previous round'),
        ),
        migrations.AlterField(
            model_name='round',
            name='public',
            field=models.BooleanField(default=True, verbose_name='publications are public'),
        ),
        migrations.AlterField(
            model_name='round',
            name='robustness',
            field=models.TextField(blank=True, default='', verbose_name='robustness spec'),
        ),
        migrations.AlterField(
            model_name='round',
            name='slug',
            field=models.SlugField(unique=True, verbose_name='short name (in addresses)'),
        ),
        migrations.AlterField(
            model_name='round',
            name='year',
            field=models.PositiveIntegerField(verbose_name='year'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='city',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='uploads', to='smartcity.city', verbose_name='city'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='created',
            field=models.DateTimeField(auto_now_add=True, verbose_name='created'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='errors',
            field=models.PositiveIntegerField(default=0, verbose_name='errors'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='expected',
            field=models.PositiveIntegerField(default=0, verbose_name='values expected'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='filename',
            field=models.CharField(max_length=255, verbose_name='file name'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='number',
            field=models.PositiveIntegerField(verbose_name='number'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='problems',
            field=models.JSONField(default=list, verbose_name='problems'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='reported',
            field=models.PositiveIntegerField(default=0, verbose_name='values reported'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='sha256',
            field=models.CharField(max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='size',
            field=models.PositiveBigIntegerField(verbose_name='size (bytes)'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='state',
            field=models.CharField(choices=[('pending', 'being checked'), ('checked', 'checked'), ('failed', 'could not be checked')], default='pending', max_length=8, verbose_name='check'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='uploaded_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='uploaded by'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='values',
            field=models.JSONField(default=dict, verbose_name='values'),
        ),
        migrations.AlterField(
            model_name='upload',
            name='warnings',
            field=models.PositiveIntegerField(default=0, verbose_name='warnings'),
        ),
    ]
