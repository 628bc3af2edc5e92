"""The bid ledger of an auction: each bid hashed with its predecessor, exported, verified and replayed.

The hash of a bid is the SHA-256 of its ledger row (auction, sequence, paddle number, amount, time, the
end after the bid) and the hash of the bid before it, in the canonical JSON of `keqiao.common.audit`. A
verifier needs only the export: it recomputes every hash and follows every link; a replay applies the
auction's rules to the rows in order and must reach the state the platform shows.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from keqiao.common import audit

GENESIS = ""


def bid_hash(row: dict, prev_hash: str) -> str:
    return audit.digest(row, prev_hash)


def export(auction, bids) -> dict:
    """The ledger of `auction` as a JSON-ready document (bidders named only by paddle number)."""
    return {
        "auction": auction.pk,
        "title": auction.achievement.title,
        "starting_price": str(auction.starting_price),
        "increment": str(auction.increment),
        "starts_at": audit._canonical(auction.starts_at),
        "scheduled_ends_at": audit._canonical(auction.scheduled_ends_at),
        "extension_minutes": auction.extension_minutes,
        "head_hash": auction.head_hash,
        "bids": [{**bid.ledger_row(), "prev_hash": bid.prev_hash, "hash": bid.row_hash} for bid in bids],
    }


def verify(document: dict) -> tuple[bool, int | None]:
    """(True, None) if every hash and link of the exported ledger holds and ends at its head; else
    (False, the sequence number of the first bid that does not)."""
    prev = GENESIS
    for expected_seq, entry in enumerate(document.get("bids", []), start=1):
        row = {k: v for k, v in entry.items() if k not in ("prev_hash", "hash")}
        if entry.get("seq") != expected_seq or entry.get("prev_hash") != prev:
            return False, entry.get("seq", expected_seq)
        if bid_hash(row, prev) != entry.get("hash"):
            return False, entry.get("seq", expected_seq)
        prev = entry["hash"]
    if prev != document.get("head_hash", prev):
        return False, None
    return True, None


@dataclass
class Replay:
    price: Decimal | None
    leader: int | None
    ends_at: datetime.datetime
    bids: int
    extensions: int


def replay(document: dict) -> Replay:
    """Apply the auction's rules to the exported bids in order; raise ValueError at the first bid that
    breaks them (below the minimum, after the end, a wrong extension)."""
    increment = Decimal(document["increment"])
    price: Decimal | None = None
    leader = None
    ends_at = datetime.datetime.fromisoformat(document["scheduled_ends_at"])
    window = datetime.timedelta(minutes=document["extension_minutes"])
    extensions = 0
    for entry in document["bids"]:
        amount = Decimal(entry["amount"])
        placed_at = datetime.datetime.fromisoformat(entry["placed_at"])
        minimum = Decimal(document["starting_price"]) if price is None else price + increment
        if amount < minimum:
            raise ValueError(f"bid {entry['seq']}: {amount} below the minimum {minimum}")
        if entry["paddle"] == leader:
            raise ValueError(f"bid {entry['seq']}: the leader outbid itself")
        if placed_at >= ends_at:
            raise ValueError(f"bid {entry['seq']}: placed after the end")
        extend = ends_at - placed_at < window
        if extend:
            ends_at += window
            extensions += 1
        if (
            bool(entry["extended"]) != extend
            or datetime.datetime.fromisoformat(entry["ends_at_after"]) != ends_at
        ):
            raise ValueError(f"bid {entry['seq']}: extension not as the rules say")
        price, leader = amount, entry["paddle"]
    return Replay(
        price=price, leader=leader, ends_at=ends_at, bids=len(document["bids"]), extensions=extensions
    )
