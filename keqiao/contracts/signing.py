"""SM3 hashes and SM2 signatures (GB/T 32905, GB/T 32918) of the contract register.

Signing uses gmssl (pure Python, the reference the tests compare against), with the nonce drawn from
`secrets` rather than gmssl's default `random`. SM3 uses OpenSSL's implementation through hashlib when the
OpenSSL build has it (it is ~100 times faster) and gmssl's otherwise; both give the same digest.

Verifying a whole register means one signature check per entry, all under the office's few public keys.
gmssl's generic check takes ~16 ms, so `FastVerifier` precomputes, once per key, the multiples
j·256^i·G and j·256^i·P (i < 32, j < 256) in affine coordinates: a check is then 64 mixed additions and
one inversion, ~50 times faster, and gives the same answer as gmssl (tests compare them on valid and
tampered signatures).

The office key: a text file whose first non-comment line is the 64-hex-digit private key, named by the
setting KEQIAO["REGISTER_KEY_FILE"] (env KEQIAO_REGISTER_KEY_FILE). Retired public keys, still needed to
check the entries they signed, are listed one per line (128 hex digits) in
KEQIAO["REGISTER_RETIRED_KEYS_FILE"]. The private key never leaves the server: only public keys and key ids
are shown.
"""

from __future__ import annotations

import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The SM2 curve (GB/T 32918.5)
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
DEFAULT_ID = b"1234567812345678"  # the signer ID of GB/T 35276 when none is agreed


def _openssl_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


_HAS_OPENSSL_SM3 = _openssl_sm3()


def sm3(data: bytes) -> bytes:
    """The SM3 digest of `data` (32 bytes)."""
    if _HAS_OPENSSL_SM3:
        return hashlib.new("sm3", data).digest()
    return gmssl_sm3(data)


def gmssl_sm3(data: bytes) -> bytes:
    from gmssl import sm3 as gm_sm3  # the reference implementation

    return bytes.fromhex(gm_sm3.sm3_hash(list(data)))


def key_id_of(public_key: str) -> str:
    """A short name of a public key (16 hex digits of its SM3 digest), stored with each signature."""
    return sm3(bytes.fromhex(public_key)).hex()[:16]


def _z(public_key: str) -> bytes:
    """Z_A = SM3(ENTL || ID || a || b || xG || yG || xA || yA)."""
    entl = (len(DEFAULT_ID) * 8).to_bytes(2, "big")
    curve = b"".join(v.to_bytes(32, "big") for v in (A, B, GX, GY))
    return sm3(entl + DEFAULT_ID + curve + bytes.fromhex(public_key))


def message_digest(public_key: str, message: bytes) -> int:
    """e = SM3(Z_A || M) as an integer: what SM2 signs."""
    return int.from_bytes(sm3(_z(public_key) + message), "big")


@dataclass(frozen=True)
class OfficeKey:
    """The registration office's SM2 key pair (hex)."""

    private_key: str
    public_key: str

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    def sign(self, message: bytes) -> str:
        """The SM2 signature (r‖s, 128 hex digits) of `message` with SM3 and the default signer ID."""
        from gmssl import sm2  # the reference implementation

        signer = sm2.CryptSM2(private_key=self.private_key, public_key=self.public_key, mode=1)
        while True:
            nonce = f"{secrets.randbelow(N - 1) + 1:064x}"
            signature = signer.sign_with_sm3(message, nonce)
            if signature:  # gmssl returns None for the rare nonce that gives r = 0 or s = 0
                return signature


def public_key_of(private_key: str) -> str:
    from gmssl import sm2  # gmssl is loaded only when a key is generated or an entry signed

    d = int(private_key, 16)
    signer = sm2.CryptSM2(private_key=private_key, public_key="", mode=1)
    return signer._kg(d, sm2.default_ecc_table["g"])  # noqa: SLF001 - gmssl's scalar multiplication


def generate_key() -> OfficeKey:
    private = f"{secrets.randbelow(N - 2) + 1:064x}"
    return OfficeKey(private_key=private, public_key=public_key_of(private))


def write_key_file(path: Path, key: OfficeKey) -> None:
    """Write `key` to `path`, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write("# SM2 private key of the technology contract register; keep secret\n")
        out.write(key.private_key + "\n")


def _read_key_file(path: Path) -> str:
    for line in path.read_text(encoding="ascii").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            if len(line) != 64:
                break
            try:
                value = int(line, 16)
            except ValueError:
                break
            if 0 < value < N - 1:
                return line.lower()
            break
    raise ImproperlyConfigured(f"{path} does not hold a 64-hex-digit SM2 private key.")


@cache
def _load(path: str, mtime: float) -> OfficeKey:
    private = _read_key_file(Path(path))
    return OfficeKey(private_key=private, public_key=public_key_of(private))


def office_key() -> OfficeKey:
    """The office's current key, from KEQIAO["REGISTER_KEY_FILE"]; generated there when the setting
    KEQIAO["REGISTER_KEY_GENERATE"] allows it (demo and tests) and the file does not exist."""
    name = settings.KEQIAO.get("REGISTER_KEY_FILE") or ""
    if not name:
        raise ImproperlyConfigured(
            "KEQIAO_REGISTER_KEY_FILE is not set: the contract register needs the office's SM2 key "
            "(manage.py register_keygen writes one)."
        )
    path = Path(name)
    if not path.exists() and settings.KEQIAO.get("REGISTER_KEY_GENERATE"):
        try:
            write_key_file(path, generate_key())
        except FileExistsError:  # another process wrote it first
            pass
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise ImproperlyConfigured(f"The register key file {path} cannot be read: {exc}") from exc
    return _load(str(path), mtime)


def trusted_public_keys() -> dict[str, str]:
    """key id → public key of every key whose signatures are accepted: the current one and the retired."""
    keys = {}
    retired = settings.KEQIAO.get("REGISTER_RETIRED_KEYS_FILE") or ""
    if retired:
        for line in Path(retired).read_text(encoding="ascii").splitlines():
            line = line.strip().lower()
            if line.startswith("04") and len(line) == 130:
                line = line[2:]
            if len(line) == 128 and not line.startswith("#"):
                keys[key_id_of(line)] = line
    current = office_key()
    keys[current.key_id] = current.public_key
    return keys


# --- checking signatures ---------------------------------------------------------------------------------


def _mixed_add(x1: int, y1: int, z1: int, x2: int, y2: int) -> tuple[int, int, int]:
    """(X1:Y1:Z1) + (x2, y2): Jacobian plus affine; Z = 0 is the point at infinity."""
    if z1 == 0:
        return x2, y2, 1
    z1z1 = z1 * z1 % P
    h = (x2 * z1z1 - x1) % P
    r = (y2 * z1 * z1z1 - y1) % P
    if h == 0:
        if r == 0:
            return _double(x1, y1, z1)
        return 1, 1, 0
    hh = h * h % P
    hhh = h * hh % P
    v = x1 * hh % P
    x3 = (r * r - hhh - 2 * v) % P
    y3 = (r * (v - x3) - y1 * hhh) % P
    return x3, y3, z1 * h % P


def _double(x1: int, y1: int, z1: int) -> tuple[int, int, int]:
    if z1 == 0 or y1 == 0:
        return 1, 1, 0
    delta = z1 * z1 % P
    gamma = y1 * y1 % P
    beta = x1 * gamma % P
    alpha = 3 * (x1 - delta) * (x1 + delta) % P
    x3 = (alpha * alpha - 8 * beta) % P
    z3 = ((y1 + z1) ** 2 - gamma - delta) % P
    y3 = (alpha * (4 * beta - x3) - 8 * gamma * gamma) % P
    return x3, y3, z3


def _to_affine(points: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Batch conversion with one inversion (Montgomery's trick); no point may be at infinity."""
    prefix = []
    acc = 1
    for _x, _y, z in points:
        prefix.append(acc)
        acc = acc * z % P
    inv = pow(acc, -1, P)
    out: list[tuple[int, int]] = [(0, 0)] * len(points)
    for i in range(len(points) - 1, -1, -1):
        x, y, z = points[i]
        zi = inv * prefix[i] % P
        inv = inv * z % P
        zi2 = zi * zi % P
        out[i] = (x * zi2 % P, y * zi2 * zi % P)
    return out


def _table(x: int, y: int) -> list[list[tuple[int, int]]]:
    """rows[i][j] = j·256^i·(x, y) in affine coordinates, j = 0..255 (entry 0 unused)."""
    rows = []
    bx, by = x, y
    for _i in range(32):
        jac = [(bx, by, 1)]
        for _j in range(2, 256):
            jac.append(_mixed_add(*jac[-1], bx, by))
        row = [(0, 0), *_to_affine(jac)]
        rows.append(row)
        # the next base: 256·base
        px, py, pz = bx, by, 1
        for _k in range(8):
            px, py, pz = _double(px, py, pz)
        bx, by = _to_affine([(px, py, pz)])[0]
    return rows


@cache
def _g_table():
    return _table(GX, GY)


class FastVerifier:
    """Checks SM2 signatures under one public key with fixed-base tables (built once, ~0.2 s)."""

    def __init__(self, public_key: str):
        self.public_key = public_key
        qx, qy = int(public_key[:64], 16), int(public_key[64:128], 16)
        if (qy * qy - (qx * qx * qx + A * qx + B)) % P:
            raise ValueError("The public key is not a point of the SM2 curve.")
        self._z = _z(public_key)
        self._g = _g_table()
        self._q = _table(qx, qy)

    def verify(self, message: bytes, signature: str) -> bool:
        try:
            r, s = int(signature[:64], 16), int(signature[64:128], 16)
        except ValueError:
            return False
        if len(signature) != 128 or not (0 < r < N and 0 < s < N):
            return False
        t = (r + s) % N
        if t == 0:
            return False
        e = int.from_bytes(sm3(self._z + message), "big")
        x, y, z = 1, 1, 0
        g, q = self._g, self._q
        for i in range(32):
            j = (s >> (8 * i)) & 0xFF
            if j:
                x, y, z = _mixed_add(x, y, z, *g[i][j])
            j = (t >> (8 * i)) & 0xFF
            if j:
                x, y, z = _mixed_add(x, y, z, *q[i][j])
        if z == 0:
            return False
        zi = pow(z, -1, P)
        x1 = x * zi * zi % P
        return (e + x1) % N == r


def table_sign(key: OfficeKey, message: bytes) -> str:
    """The SM2 signature of `message` computed with the fixed-base table of G (~30 times faster than
    gmssl; the same algorithm, checked against gmssl's verification in the tests). For bulk work such as
    building a benchmark register."""
    d = int(key.private_key, 16)
    e = message_digest(key.public_key, message)
    g = _g_table()
    inverse = pow(1 + d, -1, N)
    while True:
        k = secrets.randbelow(N - 1) + 1
        x, y, z = 1, 1, 0
        for i in range(32):
            j = (k >> (8 * i)) & 0xFF
            if j:
                x, y, z = _mixed_add(x, y, z, *g[i][j])
        zi = pow(z, -1, P)
        r = (e + x * zi * zi % P) % N
        if r == 0 or r + k == N:
            continue
        s = inverse * (k - r * d) % N
        if s:
            return f"{r:064x}{s:064x}"


def gmssl_verify(public_key: str, message: bytes, signature: str) -> bool:
    """gmssl's own check (slow; the reference the fast one is tested against)."""
    from gmssl import sm2  # gmssl is loaded only when a key is generated or an entry signed

    try:
        return bool(
            sm2.CryptSM2(private_key="", public_key=public_key, mode=1).verify_with_sm3(signature, message)
        )
    except (ValueError, binascii.Error):
        return False
