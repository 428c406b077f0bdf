"""Fetching a URL someone typed (a calendar feed) without letting it reach our own network.

Server-side request forgery: a member could give http://169.254.169.254/ (cloud metadata),
http://localhost:6379/ or a name that resolves to 10.x. So only http(s); the host is
resolved here, every address it resolves to must be public, and the connection goes to the
address that was checked (a second DNS answer cannot swap it for a private one). Redirects
are followed by hand, at most MAX_REDIRECTS, each target checked again. A timeout bounds
every wait and a size limit the body. Conditional requests (ETag, Last-Modified) let a
feed that did not change answer 304 without its body. No Django imports: callers pass the
settings.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3

MAX_REDIRECTS = 5
USER_AGENT = "Buurtkaart calendar import (+https://github.com/buurtkaart)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """The URL could not be fetched; `code` says why (for a translated message)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 when the validators matched
    body: bytes
    content_type: str
    etag: str
    last_modified: str
    url: str  # after redirects


# IPv6 prefixes that carry an IPv4 address in their last 32 bits and reach it: NAT64's
# well-known prefix (RFC 6052; on an IPv6-only host with DNS64, 64:ff9b::a00:1 is 10.0.0.1)
# and the deprecated IPv4-compatible ::a.b.c.d. Python judges both global whatever they carry.
_EMBEDS_IPV4 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::/96"))
# NAT64 prefixes for local use (RFC 8215): whatever they reach is the operator's network.
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def is_public(address: Address) -> bool:
    """A global unicast address: not private, loopback, link-local, multicast, reserved,
    shared (100.64/10) or unspecified. IPv4-mapped, NAT64 and IPv4-compatible IPv6
    addresses are judged by the IPv4 address they carry."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _LOCAL_NAT64:
            return False
        if address.ipv4_mapped:
            address = address.ipv4_mapped
        elif any(address in prefix for prefix in _EMBEDS_IPV4):
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError("dns", str(error)) from None
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))


def _checked_address(
    url: str, *, allow_private: bool, address_allowed: Callable[[Address], bool] | None
) -> tuple[str, str, int, Address]:
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # "http://[::1": an unclosed or invalid IPv6 address
        raise FetchError("url", url) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("scheme", scheme)
    if not hostname:
        raise FetchError("url", url)
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError("url", url) from None
    addresses = resolve(hostname, port)
    if not addresses:
        raise FetchError("dns", hostname)
    if not allow_private:
        allowed = address_allowed or is_public
        refused = [a for a in addresses if not allowed(a)]
        if refused:
            # Every answer must be public: a name that also resolves to 10.0.0.1 is refused.
            raise FetchError("private_address", str(refused[0]))
    return scheme, hostname, port, addresses[0]


class _Deadline:
    """Mixed into urllib3's connection classes: at `deadline` (time.monotonic()) the socket is
    shut down, whatever it waits for. The read timeout bounds each wait for a byte, so a server
    dripping its status line and headers a byte at a time would otherwise hold us for days."""

    deadline: float

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        remaining = max(0.0, self.deadline - time.monotonic())
        self._cutter = threading.Timer(remaining, self._cut)
        self._cutter.daemon = True
        self._cutter.start()

    def _cut(self) -> None:
        sock = getattr(self, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        cutter = getattr(self, "_cutter", None)
        if cutter is not None:
            cutter.cancel()
        super().close()  # type: ignore[misc]


def _request(
    scheme: str,
    host: str,
    port: int,
    address: Address,
    target: str,
    headers: dict[str, str],
    timeout: float,
    ca_certs: str | None,
    deadline: float,
) -> urllib3.BaseHTTPResponse:
    """One request to the checked `address`, with the host name for Host, SNI and the
    certificate check; its connection is cut at `deadline`."""
    pool_kwargs: dict = {
        "timeout": urllib3.Timeout(connect=timeout, read=timeout),
        "retries": False,
        "maxsize": 1,
    }
    pool: urllib3.HTTPConnectionPool
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            str(address),
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs,
            **pool_kwargs,
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(address), port, **pool_kwargs)
    pool.ConnectionCls = type(  # type: ignore[assignment]
        "DeadlineConnection", (_Deadline, pool.ConnectionCls), {"deadline": deadline}
    )
    host_header = host if port in (80, 443) else f"{host}:{port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if port in (80, 443) else f"[{host}]:{port}"
    try:
        return pool.urlopen(
            "GET",
            target,
            headers={**headers, "Host": host_header},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.TimeoutError as error:
        raise FetchError("timeout", str(error)) from None
    except urllib3.exceptions.HTTPError as error:
        if time.monotonic() >= deadline:
            raise FetchError("timeout", "deadline") from None
        raise FetchError("connection", str(error)) from None


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    allow_private: bool = False,
    address_allowed: Callable[[Address], bool] | None = None,
    accept: str = "*/*",
    extra_headers: dict[str, str] | None = None,
    ca_certs: str | None = None,
) -> Fetched:
    """GET `url` safely (see the module docstring). `timeout` (seconds) bounds the connection,
    each read and the whole download; a body over `max_bytes` is refused. `address_allowed`
    replaces the public-address rule (tests: one local server and nothing else); `ca_certs`
    the system's certificate authorities (tests: their own). `extra_headers` go only to the
    URL's own scheme, host and port, not to another server it redirects to."""
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": USER_AGENT, "Accept": accept, **(extra_headers or {})}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    origin = None
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, address = _checked_address(
            url, allow_private=allow_private, address_allowed=address_allowed
        )
        if origin is None:
            origin = (scheme, host.lower(), port)
        elif (scheme, host.lower(), port) != origin:
            # `extra_headers` are for the URL's own server (an API key): a redirect to another
            # server does not get them.
            headers = {k: v for k, v in headers.items() if k not in (extra_headers or {})}
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        response = _request(
            scheme, host, port, address, target, headers, timeout, ca_certs, deadline
        )
        try:
            if time.monotonic() >= deadline:
                # Cut while the headers came in: what was read of them is not an answer.
                raise FetchError("timeout", "deadline")
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError("status", str(response.status))
                try:
                    url = urljoin(url, location)
                except ValueError:
                    raise FetchError("url", location) from None
                continue
            if response.status == 304:
                return Fetched(
                    304,
                    b"",
                    "",
                    response.headers.get("ETag", etag),
                    response.headers.get("Last-Modified", last_modified),
                    url,
                )
            if response.status != 200:
                raise FetchError("status", str(response.status))
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError("too_large", declared)
            body = bytearray()
            try:
                # read1: whatever has arrived, at most 64 kB. A read of 64 kB waits for all
                # of them, so a server dripping a byte at a time (each within the read
                # timeout) held the reading for hours past the deadline.
                while chunk := response.read1(64 * 1024, decode_content=True):
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchError("too_large", str(len(body)))
                    if time.monotonic() > deadline:
                        raise FetchError("timeout", "download")
                if time.monotonic() >= deadline:
                    raise FetchError("timeout", "download")  # cut: the body is not whole
            except urllib3.exceptions.TimeoutError as error:
                raise FetchError("timeout", str(error)) from None
            except urllib3.exceptions.HTTPError as error:
                if time.monotonic() >= deadline:
                    raise FetchError("timeout", "deadline") from None
                raise FetchError("connection", str(error)) from None
            return Fetched(
                200,
                bytes(body),
                response.headers.get("Content-Type", ""),
                response.headers.get("ETag", ""),
                response.headers.get("Last-Modified", ""),
                url,
            )
        finally:
            response.release_conn()
    raise FetchError("redirects", str(MAX_REDIRECTS))
