"""Files of events: a participant's .ics calendar (icalendar), the check-in QR code (qrcode, inline SVG),
and the attendance certificate of a training (PDF through keqiao.common.pdf)."""

import io
import re
from xml.sax.saxutils import escape  # nosec B406  # escapes output for reportlab; parses no XML

import qrcode
import qrcode.image.svg
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from keqiao.common import pdf

from .models import Event, MeetingRequest, Participant


def ics(event: Event, participant: Participant, meetings: list[MeetingRequest], *, base_url: str) -> bytes:
    """The event and the participant's confirmed meetings, each with its slot, table and partner."""
    cal = Calendar()
    cal.add("prodid", "-//Keqiao//events//ZH")
    cal.add("version", "2.0")
    main = CalendarEvent()
    main.add("uid", f"event-{event.pk}@keqiao")
    main.add("summary", event.title)
    main.add("dtstart", event.starts_at)
    main.add("dtend", event.ends_at)
    main.add("dtstamp", timezone.now())
    main.add("location", event.place or event.online_url)
    main.add("description", event.summary)
    main.add("url", base_url + event.get_absolute_url())
    cal.add_component(main)
    slots = event.slot_times()
    for m in meetings:
        if not (m.confirmed and m.placed) or m.slot >= len(slots):
            continue
        other = m.invitee if m.requester_id == participant.pk else m.requester
        item = CalendarEvent()
        item.add("uid", f"event-{event.pk}-meeting-{m.pk}@keqiao")
        item.add("summary", _("Meeting with %(org)s") % {"org": other.organization.name})
        item.add("dtstart", slots[m.slot][0])
        item.add("dtend", slots[m.slot][1])
        item.add("dtstamp", timezone.now())
        item.add("location", _("%(place)s, table %(table)d") % {"place": event.place, "table": m.table + 1})
        cal.add_component(item)
    return cal.to_ical()


def qr_svg(payload: str) -> SafeString:
    """The check-in token as an inline SVG QR code: plain <path> markup, no script, so it passes the
    Content-Security-Policy; the token is signed data, turned into black and white squares."""
    image = qrcode.make(payload, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="100%" height="100%" role="img"',
        image.to_string(encoding="unicode"),
    )
    return mark_safe(svg)  # noqa: S308 - generated markup, see the docstring


def certificate_pdf(event: Event, participant: Participant) -> bytes:
    """A one-page attendance certificate (培训证明) for a participant who checked in at a training."""
    # heavy (~150 ms to import): reportlab is loaded only when a PDF is made
    from reportlab.lib.pagesizes import A4  # reportlab: PDF only
    from reportlab.lib.styles import ParagraphStyle  # reportlab: PDF only
    from reportlab.lib.units import mm  # reportlab: PDF only
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # reportlab: PDF only

    font = pdf.cjk_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, topMargin=40 * mm, leftMargin=25 * mm, rightMargin=25 * mm)
    title = ParagraphStyle("t", fontName=font, fontSize=22, leading=30, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=13, leading=22)
    name = participant.user.full_name or participant.user.username
    story = [
        Paragraph(escape(_("Certificate of attendance")), title),
        Spacer(1, 18 * mm),
        Paragraph(
            escape(
                _(
                    "%(name)s of %(org)s attended the training “%(title)s” held by %(organiser)s on %(date)s at %(place)s."
                )
                % {
                    "name": name,
                    "org": participant.organization.name,
                    "title": event.title,
                    "organiser": event.organization.name,
                    "date": timezone.localtime(event.starts_at).strftime("%Y-%m-%d"),
                    "place": event.place or event.online_url,
                }
            ),
            body,
        ),
        Spacer(1, 10 * mm),
        Paragraph(
            escape(
                _("Checked in at %(when)s. Certificate number %(code)s.")
                % {
                    "when": timezone.localtime(participant.checked_in_at).strftime("%Y-%m-%d %H:%M"),
                    "code": participant.code,
                }
            ),
            body,
        ),
        Spacer(1, 20 * mm),
        Paragraph(escape(event.organization.name), ParagraphStyle("s", parent=body, alignment=2)),
    ]
    doc.build(story, canvasmaker=pdf.numbered_canvas(font))
    return buffer.getvalue()
