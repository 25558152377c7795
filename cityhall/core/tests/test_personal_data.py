"""Encryption at rest of resident and account numbers (core.personal_data): nothing readable in the
table, key rotation without losing a record, and the one daily erasure job over every app."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from cityhall.core import personal_data
from cityhall.core.masking import mask_account, mask_resident_number
from cityhall.military.models import NoiseApplication
from cityhall.military.services import samples_load

RRN = "800101-1234567"


def test_a_token_hides_the_number_and_decrypts_back(settings):
    settings.CITYHALL_PERSONAL_DATA_KEYS = []
    token = personal_data.encrypt(RRN)
    assert "800101" not in token and "1234567" not in token
    assert personal_data.decrypt(token) == RRN
    assert personal_data.encrypt("") == "" and personal_data.decrypt("") == ""


def test_keys_rotate_without_losing_a_number(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CITYHALL_PERSONAL_DATA_KEYS = [old]
    token = personal_data.encrypt(RRN)
    settings.CITYHALL_PERSONAL_DATA_KEYS = [new, old]  # the new key first, the old one kept to read
    rotated = personal_data.rotate(token)
    settings.CITYHALL_PERSONAL_DATA_KEYS = [new]  # the old key removed
    assert personal_data.decrypt(rotated) == RRN
    with pytest.raises(personal_data.PersonalDataError, match="복호화할 수 없습니다"):
        personal_data.decrypt(token)


def test_numbers_stored_before_keys_were_set_still_read(settings):
    settings.CITYHALL_PERSONAL_DATA_KEYS = []
    token = personal_data.encrypt(RRN)  # the key derived from SECRET_KEY (the embedded default)
    settings.CITYHALL_PERSONAL_DATA_KEYS = [Fernet.generate_key().decode()]
    assert personal_data.decrypt(token) == RRN


def test_the_rotation_command_reencrypts_every_stored_number(db, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CITYHALL_PERSONAL_DATA_KEYS = [old]
    samples_load()
    before = {a.pk: personal_data.decrypt(a.resident_number) for a in NoiseApplication.objects.all()}
    assert len(before) == 150
    raw = NoiseApplication.objects.values_list("resident_number", "account_number").first()
    assert all(value.startswith("gAAAA") for value in raw)  # Fernet tokens, not numbers
    settings.CITYHALL_PERSONAL_DATA_KEYS = [new, old]
    out = StringIO()
    call_command("personal_data_rotate", stdout=out)
    assert "military.NoiseApplication: 150건 다시 암호화" in out.getvalue()
    settings.CITYHALL_PERSONAL_DATA_KEYS = [new]
    after = {a.pk: personal_data.decrypt(a.resident_number) for a in NoiseApplication.objects.all()}
    assert after == before


def test_masks_for_lists_and_exports():
    assert mask_resident_number(RRN) == "800101-1******"
    assert mask_account("12345678901") == "123*****901"


def test_one_daily_job_erases_in_every_app_that_keeps_citizens_data(db):
    assert sorted(personal_data.retention_jobs()) == [
        "cctv.video_requests",
        "it.destruction",
        "it.education",
        "legal.consultation",
        "military.compensation",
        "notifications.outbox",
        "traffic.detectors",
    ]
    out = StringIO()
    call_command("personal_data_purge", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "cctv.video_requests",
        "it.destruction",
        "it.education",
        "legal.consultation",
        "military.compensation",
        "notifications.outbox",
        "traffic.detectors",
    ]
