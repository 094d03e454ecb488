from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sync', '0003_synccursor_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='synccursor',
            name='account',
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
