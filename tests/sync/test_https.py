"""A device and a server over HTTPS, as a self-hoster runs it behind nginx (docs/sync.md, A
certificate of your own): a certificate the device does not accept, and the pages a reverse
proxy answers with while Notedesk behind it is stopped, are said in words, and nothing is lost."""

import pytest

from tests.sync.canned_server import NOTHING_TO_PULL, json_answer
from tests.sync.certificates import Authority
from tests.sync.conftest import Device

NGINX_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
             b"</center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")


@pytest.fixture
def trusting_device(notedesk, tmp_path, authority, monkeypatch):
    """A device on a computer that trusts the authority (SSL_CERT_FILE: docs/sync.md)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.certificate))
    return Device(notedesk(tmp_path / "A"), "A")


def answered(method, path, body):
    return json_answer(NOTHING_TO_PULL)


def stopped_round(device: Device, server) -> dict:
    """A round with a note to send that the server never gets: the note stays, pending."""
    note = device.create("Written here", "words")
    device.connect(server.url, "a-device-token")
    state = device.sync()
    assert device.note(note["uid"])["body"] == "words" and state["pending"] == 1
    return state


def test_a_server_with_a_certificate_of_an_authority_this_computer_trusts_syncs(trusting_device, canned, authority):
    server = canned(answered, authority.sign("localhost"), host="localhost")
    trusting_device.connect(server.url, "a-device-token")
    assert trusting_device.sync()["error"] is None
    assert server.requests


@pytest.mark.parametrize(("name", "days", "address", "message"), [
    ("localhost", -1, "localhost", "The HTTPS certificate of the server at https://localhost:{port} has expired, so "
                                   "this device does not trust it: the server's host must renew it."),
    ("notes.test", 2, "localhost", "The HTTPS certificate of the server at https://localhost:{port} is made for another "
                                   "name than localhost: connect with the name the certificate is for"),
])
def test_a_certificate_expired_or_of_another_name_is_said_so(trusting_device, canned, authority, name, days, address, message):
    """Until this: "cannot be reached: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has
    expired (_ssl.c:1006)", and the same words for each, under "unreachable"."""
    server = canned(answered, authority.sign(name, days), host=address)
    state = stopped_round(trusting_device, server)
    assert state["error"]["reason"] == "certificate"
    assert state["error"]["message"].startswith(message.format(port=server.http.server_address[1]))


def test_a_certificate_of_an_authority_this_computer_does_not_trust_says_what_to_do(notedesk, tmp_path, canned, authority,
                                                                                     monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    device = Device(notedesk(tmp_path / "A"), "A")
    server = canned(answered, authority.sign("localhost"), host="localhost")
    state = stopped_round(device, server)
    assert state["error"]["reason"] == "certificate"
    assert "is not signed by an authority this computer trusts (self-signed certificate in certificate chain)" in \
        state["error"]["message"]
    assert "add that authority to this computer's trusted certificates (docs/sync.md" in state["error"]["message"]


def test_a_certificate_changed_since_the_last_sync_to_one_not_trusted_is_not_to_be_trusted(trusting_device, canned,
                                                                                          authority, tmp_path):
    """A hotel's or a train's wifi answers an HTTPS request with a certificate of its own until one
    logs in to it, as does anything posing as the server. Until this, the device said to add that
    certificate's authority to this computer's trusted ones."""
    server = canned(answered, authority.sign("localhost"), host="localhost")
    trusting_device.connect(server.url, "a-device-token")
    assert trusting_device.sync()["error"] is None
    (tmp_path / "hotel").mkdir()
    server.http.socket.context.load_cert_chain(Authority(tmp_path / "hotel").sign("localhost"))
    trusting_device.create("Written on the train", "words")
    state = trusting_device.sync()
    assert state["error"] == {"reason": "certificate", "message": (
        f"The HTTPS certificate of the server at {server.url} has changed since the last sync, to one this computer "
        "does not trust (self-signed certificate in certificate chain): a network that asks you to log in first (a "
        "hotel's, a train's wifi) answers so, or something between you and the server poses as it. Log in to the "
        "network in a browser if it asks, then choose Sync now; do not add this certificate's authority to this computer.")}
    assert state["pending"] == 1


@pytest.mark.parametrize(("status", "title"), [(502, "Bad Gateway"), (504, "Gateway Timeout")])
def test_a_proxys_own_error_page_while_notedesk_is_stopped_is_the_server_unreachable(notedesk, tmp_path, canned, status, title):
    """nginx's 502 while Notedesk behind it is stopped, its 504 past proxy_read_timeout: until this,
    "The server answered 502: Bad Gateway", an error of the server's, where the same server
    stopped without a proxy in front is "cannot be reached"."""
    device = Device(notedesk(tmp_path / "A"), "A")
    page = NGINX_502.replace(b"502 Bad Gateway", f"{status} {title}".encode())
    server = canned(lambda method, path, body: (status, {"Content-Type": "text/html"}, page))
    state = stopped_round(device, server)
    assert state["error"] == {"reason": "unreachable", "message": (
        f"The server at {server.url} cannot be reached: the web server in front of Notedesk answered {status} {title} "
        "(Notedesk behind it is stopped, restarting or too slow to answer).")}
