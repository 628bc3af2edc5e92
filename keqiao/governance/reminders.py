"""The governance reminders the hourly maintenance sends: overdue task progress reports and annual reports
due in 30 and 7 days. Both are claimed per recipient and period, so running them hourly sends each once."""


def governance_reminders() -> dict[str, int]:
    from keqiao.annualreports.services import annual_reports_remind
    from keqiao.supervision.services import remind_overdue

    supervision = remind_overdue()
    return {
        "task_reports_reminded": sum(supervision.values())
        if isinstance(supervision, dict)
        else int(supervision),
        "annual_reports_reminded": annual_reports_remind(),
    }
