"""Task names without the numbering of the table they were imported from ("14. 3.壮大…" → "壮大…"), and
task 11 of the Meishan 2017–2020 plan, which has no name in the published table, named by its content."""

from django.db import migrations

from keqiao.governance.naming import clean_task_name

MEISHAN_2017 = "眉府办发〔2017〕36号"
TASK_11 = "推动创新资源聚集能力强的产业园区建设"


def clean(apps, schema_editor):
    Task = apps.get_model("governance", "Task")
    for task in Task.objects.exclude(title="").only("pk", "title"):
        name = clean_task_name(task.title)
        if name != task.title:
            Task.objects.filter(pk=task.pk).update(title=name)
    Task.objects.filter(plan__document_number=MEISHAN_2017, number=11, title="").update(title=TASK_11)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_meishan_plan")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
