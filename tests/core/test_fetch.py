"""core.fetch refuses what a member's URL must not reach (server-side request forgery): other
schemes, loopback, private and link-local addresses, after DNS and again on every redirect."""

from __future__ import annotations

import ipaddress

import pytest

from activities import subscriptions
from core import fetch
from tests.factories import OrganisationFactory
from tests.http_files import File, HttpFiles


@pytest.fixture
def server():
    with HttpFiles() as files:
        files.files["/feed.ics"] = File(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        yield files


def _only(server_address: str):
    """The public-address rule, plus exactly the test server's address."""
    return lambda address: str(address) == server_address or fetch.is_public(address)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "scheme"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "scheme"),
        ("ftp://example.org/feed.ics", "scheme"),
        ("http://127.0.0.1:{port}/feed.ics", "private_address"),
        ("http://localhost:{port}/feed.ics", "private_address"),  # loopback after DNS
        ("http://[::1]:{port}/feed.ics", "private_address"),
        ("http://[::ffff:127.0.0.1]:{port}/feed.ics", "private_address"),
        ("http://10.1.2.3/feed.ics", "private_address"),
        ("http://192.168.1.1/feed.ics", "private_address"),
        ("http://172.16.0.1/feed.ics", "private_address"),
        ("http://169.254.169.254/latest/meta-data/", "private_address"),
        ("http://100.64.0.1/feed.ics", "private_address"),
        ("http://0.0.0.0:{port}/feed.ics", "private_address"),
        ("http://2130706433:{port}/feed.ics", "private_address"),  # 127.0.0.1 as a number
    ],
)
def test_refused_before_any_connection(server, url, code):
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(url.format(port=server.port), timeout=2)
    assert error.value.code == code
    assert server.requests == []


def test_the_same_server_is_read_when_private_hosts_are_allowed(server):
    fetched = fetch.fetch(server.url("/feed.ics"), allow_private=True)
    assert (fetched.status, fetched.body[:15]) == (200, b"BEGIN:VCALENDAR")


def test_a_redirect_to_a_private_address_is_checked_again(server):
    allowed = _only("127.0.0.1")
    # The allowed first hop answers; its redirects are judged like the first URL.
    assert fetch.fetch(server.url("/feed.ics"), address_allowed=allowed).status == 200
    for target in (
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/feed.ics",
        f"http://127.0.0.2:{server.port}/feed.ics",
        "file:///etc/passwd",
    ):
        server.redirects["/moved.ics"] = target
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(server.url("/moved.ics"), address_allowed=allowed)
        assert error.value.code in ("private_address", "scheme"), target
    # Only the redirecting URL was asked, never its target.
    assert {path for path, _headers in server.requests} == {"/feed.ics", "/moved.ics"}
    server.redirects["/moved.ics"] = "/feed.ics"
    assert fetch.fetch(server.url("/moved.ics"), address_allowed=allowed).status == 200


def test_extra_headers_do_not_follow_a_redirect_to_another_server(server):
    """The UiTdatabank key is sent as a header: a redirect elsewhere must not receive it."""
    with HttpFiles() as other:
        other.files["/feed.ics"] = File(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        server.redirects["/moved.ics"] = other.url("/feed.ics")
        server.redirects["/here.ics"] = "/feed.ics"
        secret = {"x-api-key": "s3cret"}
        fetched = fetch.fetch(server.url("/moved.ics"), allow_private=True, extra_headers=secret)
        assert fetched.status == 200
        assert fetch.fetch(server.url("/here.ics"), allow_private=True, extra_headers=secret)
    assert [headers.get("x-api-key") for _path, headers in server.requests] == ["s3cret"] * 3
    assert [(path, headers.get("x-api-key")) for path, headers in other.requests] == [
        ("/feed.ics", None)
    ]
    assert other.requests[0][1]["user-agent"] == fetch.USER_AGENT


def test_redirect_loops_end(server):
    server.redirects["/loop.ics"] = "/loop.ics"
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(server.url("/loop.ics"), allow_private=True)
    assert error.value.code == "redirects"


def test_public_address_rule():
    assert fetch.is_public(ipaddress.ip_address("8.8.8.8"))
    assert fetch.is_public(ipaddress.ip_address("2a00:1450:4001:80b::200e"))
    for private in ("127.0.0.1", "10.0.0.1", "169.254.1.1", "fe80::1", "fc00::1", "224.0.0.1"):
        assert not fetch.is_public(ipaddress.ip_address(private)), private


@pytest.mark.parametrize(
    "carrier",
    [
        "64:ff9b::a00:1",  # NAT64 (RFC 6052) to 10.0.0.1 on an IPv6-only host with DNS64
        "64:ff9b::a9fe:a9fe",  # NAT64 to 169.254.169.254, the cloud metadata service
        "64:ff9b::7f00:1",  # NAT64 to 127.0.0.1
        "::7f00:1",  # IPv4-compatible ::127.0.0.1
        "::a00:1",  # IPv4-compatible ::10.0.0.1
        "64:ff9b:1::808:808",  # local-use NAT64 (RFC 8215): the operator's own network
    ],
)
def test_ipv6_addresses_carrying_a_private_ipv4_address_are_refused(carrier):
    assert not fetch.is_public(ipaddress.ip_address(carrier))


def test_nat64_of_a_public_address_is_public():
    assert fetch.is_public(ipaddress.ip_address("64:ff9b::808:808"))  # 8.8.8.8


@pytest.mark.django_db
def test_subscription_to_a_private_address_says_why(server, settings):
    settings.ICAL_IMPORT_ALLOW_PRIVATE_HOSTS = False
    subscription = subscriptions.subscription_subscribe(
        organisation=OrganisationFactory(), source=server.url("/feed.ics")
    )
    report = subscriptions.subscription_sync(subscription=subscription)
    assert report.error == "private_address"
    assert "private or local network" in subscriptions.error_message(subscription)
    assert server.requests == []


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for the name "localhost" (not for 127.0.0.1)."""
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def test_https_is_read_from_the_checked_address_with_the_name_verified(certificate):
    cert, _key = certificate
    with HttpFiles(tls=certificate) as server:
        server.files["/feed.ics"] = File(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        url = f"https://localhost:{server.port}/feed.ics"
        # The connection goes to the address localhost resolved to; TLS checks the name.
        fetched = fetch.fetch(url, allow_private=True, ca_certs=cert)
        assert (fetched.status, fetched.body[:15]) == (200, b"BEGIN:VCALENDAR")
        assert server.requests[-1][1]["host"] == f"localhost:{server.port}"
        # The same server under a name its certificate does not carry is refused.
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(server.url("/feed.ics"), allow_private=True, ca_certs=cert)
        assert error.value.code == "connection"
        # And a certificate nobody vouches for is refused.
        with pytest.raises(fetch.FetchError):
            fetch.fetch(url, allow_private=True)


def test_a_body_sent_a_byte_at_a_time_ends_at_the_timeout():
    """A server that drips its body (a byte every 0.05 s, each within the read timeout) is
    cut off at the overall timeout; reading 64 kB blocks waited for all of them."""
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def drip():
        conn, _address = listener.accept()
        conn.recv(4096)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: 100000\r\n\r\n"
        )
        deadline = time.monotonic() + 4  # then closes: the test never hangs
        while not stop.is_set() and time.monotonic() < deadline:
            conn.sendall(b"B")
            time.sleep(0.05)
        conn.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(f"http://127.0.0.1:{port}/feed.ics", timeout=0.5, allow_private=True)
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert error.value.code == "timeout"
    assert time.monotonic() - started < 2


def test_headers_sent_a_byte_at_a_time_end_at_the_timeout():
    """The status line and headers dripped a byte every 0.05 s: each byte within the read
    timeout, so only cutting the connection at the overall timeout ends it."""
    import socket
    import threading
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    stop = threading.Event()

    def drip():
        conn, _address = listener.accept()
        conn.recv(4096)
        deadline = time.monotonic() + 4  # then closes: the test never hangs
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.is_set() and time.monotonic() < deadline:
                conn.sendall(b"X")
                time.sleep(0.05)
        except OSError:
            pass  # cut by the client
        conn.close()

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(fetch.FetchError) as error:
            fetch.fetch(f"http://127.0.0.1:{port}/feed.ics", timeout=0.5, allow_private=True)
    finally:
        stop.set()
        thread.join()
        listener.close()
    assert error.value.code == "timeout"
    assert time.monotonic() - started < 2
