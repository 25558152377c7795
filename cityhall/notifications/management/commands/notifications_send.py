"""Retry the outbox: send what is pending or failed in transit (below the attempt limit)."""

from django.core.management.base import BaseCommand

from cityhall.core.audit import Actor
from cityhall.notifications import services


class Command(BaseCommand):
    help = "발송되지 않은 알림을 다시 보냅니다."

    def handle(self, *args, **options):
        rows = services.notifications_send_pending(actor=Actor.system("command:notifications_send"))
        sent = sum(1 for r in rows if r.status == "sent")
        self.stdout.write(f"{sent}/{len(rows)}")
