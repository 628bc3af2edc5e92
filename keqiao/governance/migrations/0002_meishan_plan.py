"""The Meishan 2017–2020 action plan (眉府办发〔2017〕36号): its targets and the 14 rows of its annex table,
reproduced from keqiao/governance/data/meishan_2017_2020.json, and the departments the table names."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "meishan_2017_2020.json"
KINDS = {"各县(区)政府": "counties", "市级园区管委会": "parks", "相关园区管委会": "parks"}


def load(apps, schema_editor):
    Department = apps.get_model("governance", "Department")
    ActionPlan = apps.get_model("governance", "ActionPlan")
    Indicator = apps.get_model("governance", "Indicator")
    Task = apps.get_model("governance", "Task")
    TaskAssignment = apps.get_model("governance", "TaskAssignment")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    names = []
    for task in data["tasks"]:
        for name in task["departments"]:
            if name not in names:
                names.append(name)
    departments = {}
    for i, name in enumerate(names):
        departments[name], _ = Department.objects.get_or_create(
            name=name, defaults={"kind": KINDS.get(name, "city"), "sort_order": i}
        )
    plan = ActionPlan.objects.create(
        title=data["title"],
        document_number=data["document_number"],
        issuing_body=data["issuing_body"],
        starts_on=datetime.date.fromisoformat(data["starts_on"]),
        ends_on=datetime.date.fromisoformat(data["ends_on"]),
    )
    for row in data["indicators"]:
        Indicator.objects.create(
            plan=plan,
            number=row["number"],
            name=row["name"],
            target_value=Decimal(row["target"]),
            unit=row["unit"],
            deadline=datetime.date.fromisoformat(row["deadline"]),
            source=row["source"],
            query=row.get("query", ""),
            cumulative=row["cumulative"],
            department=departments.get(row.get("department")),
        )
    for row in data["tasks"]:
        task = Task.objects.create(
            plan=plan,
            number=row["number"],
            work_area=row["work_area"],
            title=row["title"],
            content=row["content"],
            schedule=row["schedule"],
        )
        for position, name in enumerate(row["departments"]):
            TaskAssignment.objects.create(task=task, department=departments[name], position=position)


def unload(apps, schema_editor):
    apps.get_model("governance", "ActionPlan").objects.filter(document_number="眉府办发〔2017〕36号").delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
