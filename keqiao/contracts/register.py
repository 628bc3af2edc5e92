"""Writes and checks of the tamper-evident contract register, and the certificates issued from it.

An entry's canonical form is JSON with sorted keys, no spaces, UTF-8, the time in UTC with microseconds:
{content, contract, key_id, kind, prev_hash, recorded_at, recorded_by, registration_number, sequence}.
`row_hash` is its SM3 digest (hex); `signature` is the office's SM2 signature of the 32 digest bytes.
Appends are serialised by the same per-table lock as the audit tables (`audit.head_for_append`).
"""

from __future__ import annotations

import datetime
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import router, transaction
from django.utils import timezone

from keqiao.common import audit
from keqiao.common.errors import DomainError
from keqiao.common.workflow import clean_text
from keqiao.notifications.text import gettext_lazy as _

from . import choices, signing
from .register_models import Certificate, RegisterEntry

_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical(
    *,
    sequence: int,
    kind: str,
    contract_id: int,
    registration_number: str,
    recorded_at: datetime.datetime,
    recorded_by_id: int | None,
    content: dict,
    prev_hash: str,
    key_id: str,
) -> bytes:
    return _ENCODER.encode(
        {
            "content": content,
            "contract": contract_id,
            "key_id": key_id,
            "kind": kind,
            "prev_hash": prev_hash,
            "recorded_at": recorded_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "recorded_by": recorded_by_id,
            "registration_number": registration_number,
            "sequence": sequence,
        }
    ).encode("utf-8")


def entry_digest(entry: RegisterEntry) -> str:
    """The SM3 digest (hex) of `entry`'s canonical form, recomputed from its stored fields."""
    return signing.sm3(
        canonical(
            sequence=entry.sequence,
            kind=entry.kind,
            contract_id=entry.contract_id,
            registration_number=entry.registration_number,
            recorded_at=entry.recorded_at,
            recorded_by_id=entry.recorded_by_id,
            content=entry.content,
            prev_hash=entry.prev_hash,
            key_id=entry.key_id,
        )
    ).hex()


def _money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def contract_content(contract) -> dict:
    """What the register records of a contract: the registered fields, not its confidential details."""
    from .income import verified_income_total  # income imports the models only

    return {
        "project_name": contract.project_name,
        "contract_type": contract.contract_type,
        "seller_name": contract.seller_name,
        "buyer_name": contract.buyer_name,
        "contract_amount": _money(contract.contract_amount),
        "technology_amount": _money(contract.technology_amount),
        "technology_income": _money(verified_income_total(contract)),
        "signed_on": contract.signed_on.isoformat(),
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "registered_on": contract.registered_on.isoformat() if contract.registered_on else None,
        "status": contract.status,
    }


def register_append(*, contract, kind: str, by=None, content: dict | None = None) -> RegisterEntry:
    """Append an entry for `contract` (inside the caller's transaction): chained, hashed and signed."""
    if kind not in RegisterEntry.Kind.values:
        raise ValueError(kind)
    key = signing.office_key()
    using = router.db_for_write(RegisterEntry)
    with transaction.atomic(using=using, savepoint=False):
        prev_hash = audit.head_for_append(RegisterEntry, using)
        last = (
            RegisterEntry.objects.using(using)
            .order_by("-sequence")
            .values_list("sequence", flat=True)
            .first()
        )
        entry = RegisterEntry(
            sequence=(last or 0) + 1,
            kind=kind,
            contract_id=contract.pk,
            registration_number=contract.registration_number or "",
            recorded_at=timezone.now(),
            recorded_by_id=getattr(by, "pk", None),
            # through JSON and back: the stored form is the hashed form
            content=json.loads(
                _ENCODER.encode(content if content is not None else contract_content(contract))
            ),
            prev_hash=prev_hash,
            key_id=key.key_id,
        )
        entry.row_hash = entry_digest(entry)
        entry.signature = key.sign(bytes.fromhex(entry.row_hash))
        entry.save(using=using)
    return entry


# --- certificates -----------------------------------------------------------------------------------------


def office_name() -> str:
    return settings.KEQIAO["CONTRACT_OFFICE_NAME"]


def certificate_issue(*, contract, entry: RegisterEntry) -> Certificate:
    """Issue the certificate of `entry` (a registration or an amendment); the contract's earlier valid
    certificate is marked superseded by it."""
    content = entry.content
    certificate = Certificate.objects.create(
        code=secrets.token_urlsafe(18),
        contract=contract,
        entry=entry,
        issued_at=entry.recorded_at,
        printed={
            "registration_number": entry.registration_number,
            "project_name": content["project_name"],
            "contract_type": content["contract_type"],
            "seller_name": content["seller_name"],
            "buyer_name": content["buyer_name"],
            "contract_amount": content["contract_amount"],
            "technology_income": content.get("technology_income"),
            "registered_on": content["registered_on"],
            "issued_on": timezone.localdate(entry.recorded_at).isoformat(),
            "office": office_name(),
        },
    )
    Certificate.objects.filter(contract=contract, status=Certificate.Status.VALID).exclude(
        pk=certificate.pk
    ).update(status=Certificate.Status.SUPERSEDED, superseded_by=certificate)
    return certificate


def contract_registered(*, contract, by) -> Certificate:
    """The registration of `contract` enters the register and its certificate is issued."""
    entry = register_append(contract=contract, kind=RegisterEntry.Kind.REGISTRATION, by=by)
    return certificate_issue(contract=contract, entry=entry)


def is_terminated(contract) -> bool:
    return RegisterEntry.objects.filter(contract_id=contract.pk, kind=RegisterEntry.Kind.TERMINATION).exists()


def contract_amended(*, contract, by) -> Certificate:
    """A change to a registered contract enters the register as an amendment with the contract's new
    content; a new certificate is issued and the previous one is marked superseded. Refused (and the
    caller's transaction rolled back) once the contract is terminated."""
    if is_terminated(contract):
        raise DomainError(_("The registration of this contract was terminated; it can no longer be amended."))
    entry = register_append(contract=contract, kind=RegisterEntry.Kind.AMENDMENT, by=by)
    return certificate_issue(contract=contract, entry=entry)


@transaction.atomic
def contract_terminate(*, contract, by, reason: str) -> RegisterEntry:
    """The registration office records the termination of a registered contract (解除、终止): the register
    gets a termination entry and the contract's valid certificate is revoked."""
    from .services import (  # import cycle: services imports this module
        _contract_event,
        _lock_contract,
        _require_office,
    )

    contract = _lock_contract(contract)
    _require_office(by, contract)
    if contract.status != choices.ContractStatus.APPROVED:
        raise DomainError(_("Only a registered contract can be terminated."))
    if is_terminated(contract):
        raise DomainError(_("The registration of this contract was terminated already."))
    reason = clean_text(
        reason, field="reason", max_length=1000, what=_("Give the reason for the termination.")
    )
    entry = register_append(
        contract=contract,
        kind=RegisterEntry.Kind.TERMINATION,
        by=by,
        content={**contract_content(contract), "termination_reason": reason},
    )
    Certificate.objects.filter(contract=contract, status=Certificate.Status.VALID).update(
        status=Certificate.Status.REVOKED
    )
    _contract_event(contract, by=by, action="terminate", from_status=contract.status, note=reason)
    return entry


# --- checking -----------------------------------------------------------------------------------------------


@dataclass
class Problem:
    sequence: int
    message: str


@dataclass
class Report:
    checked: int = 0
    head_hash: str = ""
    problems: list[Problem] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class _Verifiers:
    def __init__(self, keys: dict[str, str]):
        self.keys = keys
        self._made: dict[str, signing.FastVerifier] = {}

    def check(self, key_id: str, message: bytes, signature: str) -> bool | None:
        """True / False, or None when the key is not a trusted one."""
        if key_id not in self.keys:
            return None
        if key_id not in self._made:
            self._made[key_id] = signing.FastVerifier(self.keys[key_id])
        return self._made[key_id].verify(message, signature)


FIELDS = (
    "sequence",
    "kind",
    "contract_id",
    "registration_number",
    "recorded_at",
    "recorded_by_id",
    "content",
    "prev_hash",
    "row_hash",
    "key_id",
    "signature",
)


def _chunks(chunk_size: int, using: str) -> Iterator[list[tuple]]:
    """The register in order, as plain tuples of FIELDS, `chunk_size` entries at a time."""
    last = 0
    qs = RegisterEntry.objects.using(using).order_by("sequence").values_list(*FIELDS)
    while True:
        page = list(qs.filter(sequence__gt=last)[:chunk_size])
        if not page:
            return
        yield page
        last = page[-1][0]


def _check_rows(rows: list[tuple], keys: dict[str, str]) -> list[Problem]:
    """Each entry's SM3 hash recomputed from its content and its SM2 signature checked."""
    verifiers = _Verifiers(keys)
    problems = []
    for sequence, kind, contract_id, number, recorded_at, by_id, content, prev, row_hash, key_id, sig in rows:
        digest = signing.sm3(
            canonical(
                sequence=sequence,
                kind=kind,
                contract_id=contract_id,
                registration_number=number,
                recorded_at=recorded_at,
                recorded_by_id=by_id,
                content=content,
                prev_hash=prev,
                key_id=key_id,
            )
        ).hex()
        if digest != row_hash:
            problems.append(Problem(sequence, "the content does not match its SM3 hash (edited)"))
        result = verifiers.check(key_id, bytes.fromhex(row_hash), sig)
        if result is None:
            problems.append(Problem(sequence, f"signed with key {key_id}, which is not a trusted key"))
        elif not result:
            problems.append(Problem(sequence, "the SM2 signature does not match the entry hash"))
    return problems


def _check_chunk(args) -> list[Problem]:  # top level: a worker process runs it
    rows, keys = args
    return _check_rows(rows, keys)


def register_verify(*, chunk_size: int = 5000, workers: int = 1, using: str = "default") -> Report:
    """Walk the whole register: every hash recomputed, every link followed, every signature checked.

    The links are followed here, in order; hashes and signatures are checked chunk by chunk, by `workers`
    processes when there are more than one (the signature checks are what costs)."""
    keys = signing.trusted_public_keys()
    report = Report(problems=[])
    state = {"prev": audit.GENESIS, "expected": 1}

    def links(rows):
        for row in rows:
            sequence, prev_hash, row_hash = row[0], row[7], row[8]
            report.checked += 1
            if sequence != state["expected"]:
                report.problems.append(
                    Problem(sequence, f"entries {state['expected']}–{sequence - 1} are missing")
                )
            if prev_hash != state["prev"]:
                report.problems.append(Problem(sequence, "the link to the previous entry is broken"))
            state["prev"], state["expected"] = row_hash, sequence + 1
        return rows, keys

    tasks = (links(rows) for rows in _chunks(chunk_size, using))
    if workers <= 1:
        for task in tasks:
            report.problems.extend(_check_chunk(task))
    else:
        import multiprocessing  # only a large register is worth the workers' start

        # The chunks are read here, in this thread (its database connection); a few wait in the queue.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending = []
            for task in tasks:
                pending.append(pool.apply_async(_check_chunk, (task,)))
                if len(pending) > 2 * workers:
                    report.problems.extend(pending.pop(0).get())
            for result in pending:
                report.problems.extend(result.get())
    report.head_hash = state["prev"]
    report.problems.sort(key=lambda p: p.sequence)
    return report


def entry_holds(entry: RegisterEntry) -> tuple[bool, bool]:
    """(the hash holds, the signature holds) for one entry, as the verification page shows them."""
    hash_ok = entry_digest(entry) == entry.row_hash
    keys = signing.trusted_public_keys()
    public = keys.get(entry.key_id)
    signature_ok = bool(public) and _verifier(public).verify(bytes.fromhex(entry.row_hash), entry.signature)
    return hash_ok, signature_ok


_VERIFIER_CACHE: dict[str, signing.FastVerifier] = {}


def _verifier(public_key: str) -> signing.FastVerifier:
    if public_key not in _VERIFIER_CACHE:
        _VERIFIER_CACHE[public_key] = signing.FastVerifier(public_key)
    return _VERIFIER_CACHE[public_key]
