"""The one HTTP request of a webhook delivery, made safe against server-side request forgery.

A partner chooses the URL, so the server would POST wherever it is told: to 127.0.0.1, to the
cloud's metadata address, to a database on the private network. So the URL must be HTTPS
(WEBHOOK_ALLOW_HTTP for local receivers), its host must resolve only to public addresses
(WEBHOOK_ALLOW_PRIVATE for tests), and the connection goes to the address that was checked,
not to a second lookup an attacker's DNS could answer differently (rebinding). Redirects are
not followed. Written on http.client rather than requests: pinning the checked address while
keeping the host name for TLS (SNI, certificate) is a few lines here and a transport adapter
there.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_URL = 500
READ_LIMIT = 64 * 1024  # what is read of a response: the status is what counts


class UnsafeUrl(ValueError):
    """A URL no delivery may go to; the message is for the partner (active language)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line


def parse(url: str) -> Target:
    """The URL's parts, if its form is acceptable (no lookup)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        raise UnsafeUrl(_("网址不能为空，最长 500 个字符"))
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise UnsafeUrl(_("网址不能包含空格或控制字符"))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl(_("不是有效的网址")) from None
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed:
        raise UnsafeUrl(_("只接受 https:// 网址"))
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl(_("网址不能包含用户名或密码"))
    if not parts.hostname:
        raise UnsafeUrl(_("网址缺少主机名"))
    if parts.fragment:
        raise UnsafeUrl(_("网址不能包含 # 片段"))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(
        parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path
    )


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(target: Target) -> str:
    """The address to connect to: the first the host resolves to, if every one it resolves
    to is public (a name with one private address is refused: which one is used is not ours
    to choose)."""
    try:
        found = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(_("找不到这个主机名")) from None
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise UnsafeUrl(_("找不到这个主机名"))
    if not settings.WEBHOOK_ALLOW_PRIVATE and not all(_public(a) for a in addresses):
        raise UnsafeUrl(_("网址指向本机、内网或保留地址，不能使用"))
    return addresses[0]


def check(url: str) -> Target:
    """Refuse a URL no delivery may go to (form, scheme, and where its host points now)."""
    target = parse(url)
    resolve(target)
    return target


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, address: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, address: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url` (checked again now, and pinned to the checked address)."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = parse(url)
        address = resolve(target)
    except UnsafeUrl as exc:
        return Outcome(None, str(exc), took())
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        context = ssl.create_default_context()
        connection = _PinnedHTTPS(
            address, target.host, target.port, timeout=timeout, context=context
        )
    else:
        connection = _PinnedHTTP(address, target.host, target.port, timeout=timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(READ_LIMIT)
        return Outcome(response.status, "", took())
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500], took())
    finally:
        connection.close()
