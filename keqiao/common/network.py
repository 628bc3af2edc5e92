"""The client's address, and address ranges (CIDR lists) given in the settings.

Behind a reverse proxy every request comes from the proxy's address (REMOTE_ADDR); the client's own
address is in X-Forwarded-For, which any client can also send itself. The header is therefore read only
when the request comes from a proxy listed in KEQIAO["TRUSTED_PROXIES"] (environment
KEQIAO_TRUSTED_PROXIES): walking the header from the right, each hop added by a trusted proxy is
skipped, and the first hop that is not a trusted proxy is the client. Without trusted proxies the header
is ignored.

Written here rather than with django-ipware (which django-axes would use if installed): ipware checks
the proxies named inside the X-Forwarded-For chain but never the peer that sent the request, so a client
reaching the application server directly, past the proxy, could choose its own address — and with it
escape the per-address sign-in limits and the admin's network allow-list. Sign-in throttling (django-axes,
through AXES_CLIENT_IP_CALLABLE) and the admin allow-list both use `client_ip`.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(value: str | None) -> Address | None:
    """An address as found in REMOTE_ADDR or one hop of X-Forwarded-For (a port or IPv6 brackets
    allowed), IPv4-mapped IPv6 addresses as IPv4; None when it is not an address."""
    text = (value or "").strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=32)
def parse_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    """CIDR ranges ("10.0.0.0/8", "2001:db8::/32") or single addresses; ValueError names a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an IP address or CIDR range") from exc
    return tuple(networks)


def in_networks(address: Address | None, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def trusted_proxies() -> tuple[Network, ...]:
    return parse_networks(tuple(settings.KEQIAO.get("TRUSTED_PROXIES", ())))


def client_address(request) -> Address | None:
    """The client's address (see the module's docstring), or None when REMOTE_ADDR is missing."""
    peer = parse_address(request.META.get("REMOTE_ADDR"))
    proxies = trusted_proxies()
    if peer is None or not proxies or not in_networks(peer, proxies):
        return peer
    client = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = parse_address(hop)
        if address is None:
            break  # a malformed hop: nothing to its left can be trusted
        client = address
        if not in_networks(address, proxies):
            break
    return client


def client_ip(request) -> str | None:
    """`client_address` as text: django-axes' AXES_CLIENT_IP_CALLABLE."""
    address = client_address(request)
    return str(address) if address is not None else None
