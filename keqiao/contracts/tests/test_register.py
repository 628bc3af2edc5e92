"""The tamper-evident register: chained SM3 hashes, SM2 signatures, `manage.py verify_register`."""

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from keqiao.contracts import register, signing
from keqiao.contracts.models import Certificate, RegisterEntry
from keqiao.contracts.register_models import AppendOnlyError

pytestmark = pytest.mark.django_db


def _verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_register", "--workers", "1", stdout=out)
    except CommandError as exc:
        return 1, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_registration_appends_a_signed_chained_entry_and_issues_a_certificate(make_contract):
    first = make_contract("approved")
    second = make_contract("approved", project_name="东坡泡菜发酵菌种技术许可")
    one, two = RegisterEntry.objects.order_by("sequence")
    assert (one.sequence, one.contract_id, one.kind) == (1, first.pk, "registration")
    assert one.registration_number == first.registration_number
    assert one.prev_hash == "" and two.prev_hash == one.row_hash and two.contract_id == second.pk
    assert register.entry_digest(two) == two.row_hash
    key = signing.office_key()
    assert one.key_id == key.key_id
    # the reference implementation agrees with the signature
    assert signing.gmssl_verify(key.public_key, bytes.fromhex(two.row_hash), two.signature)
    assert two.content["project_name"] == "东坡泡菜发酵菌种技术许可"
    certificate = Certificate.objects.get(contract=second)
    assert certificate.entry == two and certificate.status == "valid" and len(certificate.code) >= 24
    assert _verify()[0] == 0


def test_only_registration_enters_the_register(make_contract):
    make_contract("submitted")
    make_contract("returned")
    assert not RegisterEntry.objects.exists() and not Certificate.objects.exists()


def test_orm_refuses_changes_and_deletes(make_contract):
    make_contract("approved")
    entry = RegisterEntry.objects.get()
    entry.kind = "termination"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        RegisterEntry.objects.update(kind="termination")
    with pytest.raises(AppendOnlyError):
        RegisterEntry.objects.all().delete()


def _sql(statement: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_an_edited_entry_is_reported(make_contract):
    make_contract("approved")
    make_contract("approved", project_name="第二份合同")
    entry = RegisterEntry.objects.order_by("sequence").first()
    _sql(
        "UPDATE contracts_registerentry SET content = %s WHERE id = %s",
        ['{"contract_amount": "1.00"}', entry.pk],
    )
    status, out = _verify()
    assert status == 1
    assert "entry 1: the content does not match its SM3 hash (edited)" in out


def test_a_recomputed_hash_breaks_the_signature(make_contract):
    make_contract("approved")
    entry = RegisterEntry.objects.get()
    forged = RegisterEntry(
        **{f.attname: getattr(entry, f.attname) for f in RegisterEntry._meta.concrete_fields}
    )
    forged.content = {**entry.content, "contract_amount": "1.00"}
    new_hash = register.entry_digest(forged)
    _sql(
        "UPDATE contracts_registerentry SET content = %s, row_hash = %s WHERE id = %s",
        [json.dumps(forged.content), new_hash, entry.pk],
    )
    status, out = _verify()
    assert status == 1
    assert "entry 1: the SM2 signature does not match the entry hash" in out
    assert "edited" not in out


def test_a_deleted_entry_is_reported(make_contract):
    for name in ("甲", "乙", "丙"):
        make_contract("approved", project_name=f"合同{name}")
    middle = RegisterEntry.objects.get(sequence=2)
    _sql("DELETE FROM contracts_certificate WHERE entry_id = %s", [middle.pk])
    _sql("DELETE FROM contracts_registerentry WHERE id = %s", [middle.pk])
    status, out = _verify()
    assert status == 1
    assert "entry 3: entries 2–2 are missing" in out
    assert "entry 3: the link to the previous entry is broken" in out


def test_an_untrusted_key_is_reported(make_contract, settings, tmp_path):
    make_contract("approved")
    old_key_file = settings.KEQIAO["REGISTER_KEY_FILE"]
    old_public = signing.office_key().public_key
    settings.KEQIAO = {**settings.KEQIAO, "REGISTER_KEY_FILE": str(tmp_path / "new.key")}
    make_contract("approved", project_name="轮换后登记的合同")
    status, out = _verify()
    assert status == 1
    assert f"entry 1: signed with key {signing.key_id_of(old_public)}, which is not a trusted key" in out
    # listing the retired key restores trust in what it signed
    retired = tmp_path / "retired.txt"
    retired.write_text(f"# retired\n{old_public}\n", encoding="ascii")
    settings.KEQIAO = {**settings.KEQIAO, "REGISTER_RETIRED_KEYS_FILE": str(retired)}
    assert _verify()[0] == 0
    assert old_key_file != settings.KEQIAO["REGISTER_KEY_FILE"]


def test_an_empty_register_holds():
    status, out = _verify()
    assert status == 0 and "0 entries checked" in out


def test_key_configuration_errors(settings, tmp_path):
    settings.KEQIAO = {**settings.KEQIAO, "REGISTER_KEY_FILE": ""}
    with pytest.raises(ImproperlyConfigured, match="KEQIAO_REGISTER_KEY_FILE"):
        signing.office_key()
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n", encoding="ascii")
    settings.KEQIAO = {**settings.KEQIAO, "REGISTER_KEY_FILE": str(bad), "REGISTER_KEY_GENERATE": False}
    with pytest.raises(ImproperlyConfigured, match="64-hex-digit"):
        signing.office_key()
    settings.KEQIAO = {**settings.KEQIAO, "REGISTER_KEY_FILE": str(tmp_path / "missing.key")}
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        signing.office_key()


def test_keygen_writes_a_private_file(tmp_path):
    path = tmp_path / "office.key"
    out = io.StringIO()
    call_command("register_keygen", str(path), stdout=out)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    public = out.getvalue().split("public key ")[1].strip()
    key = signing._read_key_file(path)
    assert signing.public_key_of(key) == public
    with pytest.raises(CommandError, match="exists already"):
        call_command("register_keygen", str(path), stdout=io.StringIO())


def test_fast_verifier_agrees_with_gmssl():
    key = signing.generate_key()
    verifier = signing.FastVerifier(key.public_key)
    for i in range(8):
        message = signing.sm3(bytes([i]) * 40)
        signature = key.sign(message)
        assert verifier.verify(message, signature)
        assert signing.gmssl_verify(key.public_key, message, signature)
        flipped = signature[:70] + ("1" if signature[70] != "1" else "2") + signature[71:]
        assert not verifier.verify(message, flipped)
        assert not signing.gmssl_verify(key.public_key, message, flipped)
        assert not verifier.verify(message + b"x", signature)
    assert not verifier.verify(b"m", "0" * 128)
    assert not verifier.verify(b"m", "zz")
    with pytest.raises(ValueError, match="curve"):
        signing.FastVerifier("1" * 128)


def test_sm3_matches_the_reference():
    assert signing.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert signing.sm3(b"abc" * 100) == signing.gmssl_sm3(b"abc" * 100)


def test_table_signatures_verify_with_gmssl():
    key = signing.generate_key()
    for i in range(4):
        message = signing.sm3(bytes([i]))
        signature = signing.table_sign(key, message)
        assert signing.gmssl_verify(key.public_key, message, signature)
        assert signing.FastVerifier(key.public_key).verify(message, signature)


def test_workers_check_the_same_as_one_process(make_contract):
    for name in ("甲", "乙", "丙"):
        make_contract("approved", project_name=f"合同{name}")
    entry = RegisterEntry.objects.get(sequence=2)
    _sql(
        "UPDATE contracts_registerentry SET signature = %s WHERE id = %s",
        [entry.signature[:-1] + ("0" if entry.signature[-1] != "0" else "1"), entry.pk],
    )
    single = register.register_verify(chunk_size=1, workers=1)
    several = register.register_verify(chunk_size=1, workers=2)
    assert single.checked == several.checked == 3
    assert (
        [(p.sequence, p.message) for p in several.problems]
        == [(p.sequence, p.message) for p in single.problems]
        == [(2, "the SM2 signature does not match the entry hash")]
    )
