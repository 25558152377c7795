"""Re-encrypt the stored resident and account numbers under the newest key (docs/security.md, key rotation):
``cityhall manage personal_data_rotate`` after putting a new key first in CITYHALL_PERSONAL_DATA_KEYS."""

from django.core.management.base import BaseCommand

from cityhall.core.personal_data import rotate_all


class Command(BaseCommand):
    help = "개인정보 암호화 키 교체: 저장된 고유식별정보·계좌번호를 최신 키로 다시 암호화합니다"

    def handle(self, *args, **options):
        for model, count in rotate_all().items():
            self.stdout.write(f"{model}: {count}건 다시 암호화")
