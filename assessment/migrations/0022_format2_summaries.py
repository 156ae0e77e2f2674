"""Format 2 in the stored summaries: the team's answered tags, its agency-owned questions' answers and
agency-wide steps, and their division tallies (issue 27).

No data step: the tables start empty and `manage.py recompute_summaries` fills them (a format 2
assessment submitted before this migration also had its summary computed without its profile, so
it needs counting again anyway). Format 1 summaries gain no row.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0021_crosswalks'),
    ]

    operations = [
        migrations.AddField(
            model_name='divisiontally',
            name='answer',
            field=models.CharField(blank=True, default='', max_length=20),
        ),
        migrations.AlterField(
            model_name='divisiontally',
            name='kind',
            field=models.CharField(choices=[('area', 'Area'), ('step', 'Now step'), ('question', 'Question in Now'), ('practice', 'Practice'), ('tag', 'Tag'), ('agency', "Agency-owned question's answer")], max_length=10),
        ),
        migrations.CreateModel(
            name='SummaryAgencyAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('question_key', models.CharField(max_length=100)),
                ('answer', models.CharField(choices=[('level', 'A level'), ('not_sure', 'Not sure'), ('not_applicable', 'Not applicable'), ('unanswered', 'Unanswered'), ('out_of_scope', 'Out of scope')], max_length=20)),
                ('level', models.IntegerField(null=True)),
                ('agency_step', models.BooleanField()),
                ('is_latest', models.BooleanField(default=False)),
                ('summary', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agency_answers', to='assessment.assessmentsummary')),
            ],
            options={
                'indexes': [models.Index(fields=['is_latest', 'summary'], name='assessment__is_late_fd395e_idx')],
                'constraints': [models.UniqueConstraint(fields=('summary', 'question_key'), name='unique_summary_agency_answer')],
            },
        ),
        migrations.CreateModel(
            name='SummaryTag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tag', models.CharField(max_length=100)),
                ('is_latest', models.BooleanField(default=False)),
                ('summary', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tags', to='assessment.assessmentsummary')),
            ],
            options={
                'indexes': [models.Index(fields=['is_latest', 'summary'], name='assessment__is_late_3f3e65_idx'), models.Index(fields=['tag', 'summary'], name='assessment__tag_5920c8_idx')],
                'constraints': [models.UniqueConstraint(fields=('summary', 'tag'), name='unique_summary_tag')],
            },
        ),
    ]
