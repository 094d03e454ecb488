"""A device's side of sync (docs/sync.md): one round pushes what changed here since the server
last acknowledged it, then pulls what changed there since the cursor.

Every step can fail and be run again: a push is acknowledged note by note, each in the
transaction that records it; a pulled batch is applied, and the cursor moved past it, in one
transaction; contents are checked against their hash before they are kept.
"""

import hashlib
import http.client
import json
import select
import socket
import ssl
import struct
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from embedded_site.notes import changes, days, editing, revisions
from embedded_site.notes.attachments import save_attachment
from embedded_site.notes.models import Note, NoteChange, Revision
from embedded_site.notes.owners import local_owner
from embedded_site.notes.trash import purge_notes
from embedded_site.sync import blobs, store
from embedded_site.sync.connection import save_connection
from embedded_site.sync.models import SyncCursor
try:  # what a socket has still to send: Linux says (elsewhere an answer is waited for TIMEOUT, no more)
    from fcntl import ioctl
    from termios import TIOCOUTQ
except ImportError:
    ioctl = None

from embedded_site.sync.wire import (
    MAX_VERSION, PROTOCOL, WireError, note_wire, note_with_everything, read_note, read_revisions, speaks_this_protocol,
    tombstone,
)

PUSH_BATCH = 50
PUSH_PASSES = 3
PUSH_BYTES = 4 * 1024 * 1024
PULL_BATCH = 100
MAX_ANSWER = 32 * 1024 * 1024  # of JSON: a pull answered larger asks for fewer changes at a time
MAX_ERROR_ANSWER = 64 * 1024
TIMEOUT = 30  # seconds without a byte moving either way: then the network is taken for cut
SENT_PIECE = 16 * 1024  # a body is sent in pieces of this, each given TIMEOUT (a few seconds' worth at 20 kbit/s)
MAX_CURSOR = 2**62  # the largest the server takes


class SyncFailed(Exception):
    """A round that stopped; `reason` is one of REASONS, `message` says it for a person."""

    def __init__(self, reason: str, message: str, status: int | None = None):
        super().__init__(message)
        self.reason, self.message, self.status = reason, message, status


REASONS = ("unreachable", "certificate", "refused", "server_error", "bad_answer")
# What a reverse proxy answers, in a page of its own, when Notedesk behind it is stopped, or slow
# to answer (nginx's 502 Bad Gateway, 503, 504 Gateway Time-out): the server cannot be reached.
PROXY_GATEWAY_ERRORS = (502, 503, 504)
NETWORK_AUTHENTICATION_REQUIRED = 511  # what a network that wants a login first may answer (RFC 6585)
# OpenSSL's reasons (X509_V_ERR_…) for a certificate that a person can act on.
CERTIFICATE_NOT_YET_VALID, CERTIFICATE_EXPIRED, CERTIFICATE_OF_ANOTHER_NAME = 9, 10, 62
AUTHORITY_NOT_TRUSTED = (18, 19, 20, 21)  # self-signed, or signed by an authority this computer lacks


@dataclass
class Server:
    url: str
    token: str
    client_id: str
    account_checked: bool = False  # same_account() done for this connection
    synced_before: bool = False  # a round with this connection has ended well: its certificate was trusted then
    received: int = 0  # notes pulled in the round under way, for the sidebar (worker.status)

    def call(self, method: str, path: str, payload: dict | None = None, body: bytes | None = None) -> bytes:
        """The answer, at most MAX_ANSWER bytes of it."""
        with self.answer(method, path, payload, body) as response:
            return b"".join(self.chunks(response, MAX_ANSWER))

    @contextmanager
    def answer(self, method: str, path: str, payload: dict | None = None, body: bytes | None = None):
        """The server's answer to a request, to read within the block; SyncFailed saying why there is none."""
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                   "Content-Type": "application/octet-stream"}
        if payload is not None:
            body, headers["Content-Type"] = json_bytes(payload), "application/json"
        if body is not None:
            headers["Content-Length"] = str(len(body))
        data = None if body is None else pieces(body)
        request = urllib.request.Request(f"{self.url}/api/sync/v1/{path}", data=data, method=method, headers=headers)
        try:
            response = OPENER.open(request, timeout=TIMEOUT)
        except urllib.error.HTTPError as error:
            details = error_details(error)
            message = details.get("error") or error.reason or "no reason given"
            if details.get("start_afresh") is True:
                raise StartAfresh("server_error", f"The server answered {error.code}: {message}") from None
            if error.code in (401, 403) and details:
                raise SyncFailed("refused", f"The server refused this device: {message}") from None
            if error.code in (401, 403, NETWORK_AUTHENTICATION_REQUIRED) and not details:
                raise SyncFailed("bad_answer", self.not_reached(f"{error.code} {error.reason} came back, not from Notedesk"),
                                 error.code) from None
            if error.code in PROXY_GATEWAY_ERRORS and not details:
                raise SyncFailed("unreachable", f"The server at {self.url} cannot be reached: the web server in "
                                 f"front of Notedesk answered {error.code} {error.reason} (Notedesk behind it is "
                                 "stopped, restarting or too slow to answer).", error.code) from None
            raise SyncFailed("server_error", f"The server answered {error.code}: {message}", error.code) from None
        except RedirectedElsewhere as redirect:
            raise SyncFailed("bad_answer", self.not_reached(
                f"the answer redirected to another address ({redirect.args[0]}), which sync does not follow (if the "
                "server has moved there, connect to that address)"
            )) from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            raise self.unreachable(error) from None
        with response:
            if response.headers.get_content_type() == "text/html":  # Notedesk's sync answers JSON or contents
                raise SyncFailed("bad_answer", self.not_reached("a web page came back instead"))
            yield response

    def not_reached(self, what: str) -> str:
        """An answer that is not Notedesk's: most often a network that wants a login before any
        other request goes through, which answers every address with its login page."""
        return (f"The server at {self.url} was not reached: {what}. On a network that asks you to log in first (a "
                "hotel's, a train's wifi), log in in a browser, then choose Sync now.")

    def unreachable(self, error: Exception) -> SyncFailed:
        reason = getattr(error, "reason", error)
        if isinstance(reason, ssl.SSLCertVerificationError):
            return self.certificate_refused(reason)
        if isinstance(reason, socket.gaierror):
            host = urllib.parse.urlsplit(self.url).hostname
            return SyncFailed("unreachable", f"The server at {self.url} cannot be reached: its name, {host}, could not "
                              "be looked up. Is this computer offline, or the name mistyped?")
        if isinstance(reason, TimeoutError):
            return SyncFailed("unreachable", f"The server at {self.url} did not answer for {TIMEOUT} s: the network is "
                              "too slow or was cut. Sync tries again by itself; your changes wait here meanwhile.")
        reason = getattr(reason, "strerror", None) or reason  # "Connection refused", not "[Errno 111] …"
        return SyncFailed("unreachable", f"The server at {self.url} cannot be reached: {reason}")

    def certificate_refused(self, error: ssl.SSLCertVerificationError) -> SyncFailed:
        """What is wrong with the server's HTTPS certificate, and what to do, in words rather than OpenSSL's."""
        certificate = f"The HTTPS certificate of the server at {self.url}"
        if error.verify_code == CERTIFICATE_EXPIRED:
            message = (f"{certificate} has expired, so this device does not trust it: the server's host must renew it. "
                       "Your changes wait here until then.")
        elif error.verify_code == CERTIFICATE_NOT_YET_VALID:
            message = f"{certificate} is not valid yet: is this computer's date right?"
        elif self.synced_before and error.verify_code in (CERTIFICATE_OF_ANOTHER_NAME, *AUTHORITY_NOT_TRUSTED):
            message = (f"{certificate} has changed since the last sync, to one this computer does not trust "
                       f"({error.verify_message}): a network that asks you to log in first (a hotel's, a train's wifi) "
                       "answers so, or something between you and the server poses as it. Log in to the network in a "
                       "browser if it asks, then choose Sync now; do not add this certificate's authority to this computer.")
        elif error.verify_code == CERTIFICATE_OF_ANOTHER_NAME:
            message = (f"{certificate} is made for another name than {urllib.parse.urlsplit(self.url).hostname}: "
                       "connect with the name the certificate is for (the one a browser shows for the server).")
        elif error.verify_code in AUTHORITY_NOT_TRUSTED:
            message = (f"{certificate} is not signed by an authority this computer trusts ({error.verify_message}). "
                       "If the server's certificate is of an authority of its own, add that authority to this "
                       "computer's trusted certificates (docs/sync.md, A certificate of your own).")
        else:
            message = f"{certificate} is not accepted: {error.verify_message}."
        return SyncFailed("certificate", message)

    def chunks(self, response, limit: int) -> Iterator[bytes]:
        """The answer's body as it arrives; SyncFailed past `limit` bytes, before they are all kept."""
        size = 0
        while True:
            try:
                chunk = response.read(blobs.CHUNK)
            except (http.client.HTTPException, OSError) as error:  # cut short, or the server stopped answering
                raise self.unreachable(error) from None
            if not chunk:
                if response.length:  # read(n) does not say that fewer bytes came than the answer announced
                    raise self.unreachable(http.client.IncompleteRead(b"", response.length))
                return
            size += len(chunk)
            if size > limit:
                raise AnswerTooLarge("bad_answer", f"The server at {self.url} sent an answer larger than "
                                     f"{limit // (1024 * 1024)} MB: it is not read further.")
            yield chunk

    def json(self, method: str, path: str, payload: dict | None = None) -> dict:
        raw = self.call(method, path, payload)
        try:
            answer = json.loads(raw)
        except (ValueError, RecursionError):
            raise SyncFailed("bad_answer", f"The server at {self.url} did not answer with JSON: is it Notedesk?") from None
        if not isinstance(answer, dict) or not speaks_this_protocol(answer.get("protocol")):
            raise SyncFailed("bad_answer", other_protocol(answer.get("protocol") if isinstance(answer, dict) else None))
        return answer


def other_protocol(theirs: object) -> str:
    """What to do about a server that speaks another sync protocol: who must update. Nothing is
    lost meanwhile: the changes wait here."""
    if not isinstance(theirs, int) or isinstance(theirs, bool):
        return f"The server does not speak Notedesk's sync protocol (version {PROTOCOL}): is the address the right one?"
    if theirs > PROTOCOL:
        return (f"The server speaks a newer sync protocol (version {theirs}) than this Notedesk (version {PROTOCOL}): "
                "update Notedesk on this device. Your changes wait here until then.")
    return (f"The server speaks an older sync protocol (version {theirs}) than this Notedesk (version {PROTOCOL}): "
            "the server's Notedesk must be updated. Your changes wait here until then.")


class Stopped(SyncFailed):
    """The round was stopped (the quit, Disconnect) at one of its safe points (stop_here_if_asked)."""


class StartAfresh(SyncFailed):
    """The server and this device disagree on what was synced, one of them restored from an older
    copy: the server has had more changes from this device than it has made (its data folder was
    restored), or its pull answers come from another history of changes (the server's database
    was). The device sends every note again (docs/sync.md, Failures)."""


class AnswerTooLarge(SyncFailed):
    """An answer longer than the device reads (a pull then asks for fewer changes at a time)."""


def origin(url: str) -> tuple:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(parts.scheme)


class RedirectedElsewhere(Exception):
    """A redirect to another address, not followed: its `args[0]`."""


class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect to another scheme, host or port is refused: the device token would go there too."""

    def redirect_request(self, request, answer, code, message, headers, new_url):
        if origin(new_url) != origin(request.full_url):
            raise RedirectedElsewhere(new_url)
        return super().redirect_request(request, answer, code, message, headers, new_url)


# Each thread's open connection to a server, and the threads whose requests are to stop: a sync
# stopped (Disconnect, a new connection) does not wait for a request stuck on a bad network.
connections: dict[int, socket.socket] = {}
stopped_threads: set[int] = set()


def stop_requests(thread: threading.Thread) -> None:
    """Cut the thread's request under way, and any it makes from now on, until forget_thread()."""
    stopped_threads.add(thread.ident)
    if sock := connections.get(thread.ident):
        cut(sock)


def stop_here_if_asked() -> None:
    """A safe point of a round, whose thread stop_requests() was called for: between two notes'
    writes, each a transaction, or between two notes of a pulled batch, whose transaction is then
    rolled back whole (the cursor moves in it). What the round had not sent or fetched goes at the
    next round; written on, the round held the database's write lock while the quit folded the log."""
    if threading.get_ident() in stopped_threads:
        raise Stopped("unreachable", "Sync was stopped before its round ended: what it had not sent is sent next time.")


def forget_thread(ident: int | None = None) -> None:
    """The thread (this one by default) has ended: a thread started later may be given its ident."""
    ident = ident or threading.get_ident()
    connections.pop(ident, None)
    stopped_threads.discard(ident)


def cut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # closed already
        pass


class PatientConnection:
    """A connection stop_requests can cut at every step, its connecting included, that waits for the
    server's answer for as long as the request's last bytes are still on their way.
    A body is handed to the system well before a slow link has carried it (700 KB were still to go
    at 200 kbit/s, half a minute), and the server answers only once it has all of it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = stoppable_connection  # http.client's hook for socket.create_connection

    def connect(self):
        super().connect()
        connections[threading.get_ident()] = self.sock  # for HTTPS, the TLS socket made of the one connected
        if threading.get_ident() in stopped_threads:  # stopped while it connected
            cut(self.sock)

    def getresponse(self):
        wait_for_answer(self.sock)
        return super().getresponse()


def stoppable_connection(address: tuple[str, int], timeout: float, source_address=None) -> socket.socket:
    """socket.create_connection, with each socket known to stop_requests before it connects: a server
    whose network drops the connection (away from the office's VPN) held Disconnect until the
    connection gave up (TIMEOUT). A name that is slow to look up still is."""
    host, port = address
    error = None
    for family, kind, protocol, _, server in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        sock = socket.socket(family, kind, protocol)
        connections[threading.get_ident()] = sock
        try:
            if threading.get_ident() in stopped_threads:
                raise ConnectionAbortedError("sync was stopped")
            sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(server)  # a cut (stop_requests) ends it with ConnectionResetError
            return sock
        except OSError as failed:
            sock.close()
            error = failed
    raise error or OSError(f"getaddrinfo returned nothing for {host}")


def wait_for_answer(sock) -> None:
    """Returns once the answer begins to come; TimeoutError after TIMEOUT s in which it did not,
    and the bytes still to send did not go down either."""
    unsent = bytes_unsent(sock)
    while not select.select([sock], [], [], TIMEOUT)[0]:
        still_unsent = bytes_unsent(sock)
        if still_unsent is None or still_unsent >= unsent:
            raise TimeoutError("timed out")
        unsent = still_unsent


def bytes_unsent(sock) -> int | None:
    """Bytes the system has taken from the socket and not yet seen the server receive, or None where it cannot say."""
    if ioctl is None:
        return None
    try:
        return struct.unpack("i", ioctl(sock.fileno(), TIOCOUTQ, bytes(4)))[0]
    except OSError:
        return None


class PatientHTTPConnection(PatientConnection, http.client.HTTPConnection):
    pass


class PatientHTTPSConnection(PatientConnection, http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._context = StoppableHandshakes(self._context)  # what http.client wraps the connected socket with


class StoppableHandshakes:
    """An SSL context whose TLS handshake stop_requests can cut: the TLS socket takes over the
    connected socket's file, and a cut of that one did nothing, so a server that never answered the
    handshake held Disconnect for TIMEOUT."""

    def __init__(self, context: ssl.SSLContext):
        self.context = context

    def wrap_socket(self, sock: socket.socket, server_hostname: str | None = None) -> ssl.SSLSocket:
        tls = self.context.wrap_socket(sock, server_hostname=server_hostname, do_handshake_on_connect=False)
        connections[threading.get_ident()] = tls
        try:
            if threading.get_ident() in stopped_threads:
                raise ConnectionAbortedError("sync was stopped")
            tls.do_handshake()  # a cut ends it with an OSError
        except OSError:
            tls.close()
            raise
        return tls


class PatientHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, request):
        return self.do_open(PatientHTTPConnection, request)


class PatientHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, request):
        return self.do_open(PatientHTTPSConnection, request, context=self._context)


OPENER = urllib.request.build_opener(SameOriginRedirects, PatientHTTPHandler, PatientHTTPSHandler)


def pieces(body: bytes) -> Iterator[memoryview]:
    """The body in pieces of SENT_PIECE: a socket gives one send TIMEOUT in all, and the whole of an
    attachment of a few MB takes minutes on a slow link, though it never stops moving."""
    whole = memoryview(body)
    for start in range(0, len(whole), SENT_PIECE):
        yield whole[start:start + SENT_PIECE]


def json_bytes(payload: dict) -> bytes:
    # UTF-8 as it is: escaped (\\uXXXX), a character of Chinese, say, took 6 bytes, not 3, past the server's 8 MB.
    return json.dumps(payload, ensure_ascii=False).encode()


def error_details(error: urllib.error.HTTPError) -> dict:
    """The JSON object a server's error answer holds ({"error": message, …}), or {}."""
    try:
        details = json.loads(error.read(MAX_ERROR_ANSWER))
    except (ValueError, OSError):
        return {}
    return details if isinstance(details, dict) and isinstance(details.get("error", ""), str) else {}


def sync_round(server: Server) -> None:
    owner = local_owner()
    server.received = 0
    server.synced_before = SyncCursor.objects.filter(owner=owner, last_synced__isnull=False).exists()
    if not server.account_checked:
        same_account(server, owner)
        server.account_checked = True
    try:
        too_large = push(server, owner)
    except StartAfresh:  # this device's data folder was restored from an older copy
        server.client_id = save_connection(server.url, server.token)["client_id"]
        send_everything(owner)
        too_large = push(server, owner)
    try:
        pull(server, owner)
    except StartAfresh:  # the server was: it lacks what was synced since, which this device has
        send_everything(owner)
        too_large = push(server, owner)
        pull(server, owner)
    SyncCursor.objects.filter(owner=owner).update(last_synced=timezone.now())
    if too_large:
        names = ", ".join(f"“{title or 'Untitled'}”" for title in too_large.values())
        raise SyncFailed("server_error", f"The server refused as too large (a note with its history is at most 8 MB "
                         f"there, an attachment 25 MB), so kept on this device only: {names}. Everything else was synced.", 413)


def send_everything(owner) -> None:
    """Every note here is pushed, and everything on the server pulled, as on a first connection."""
    with transaction.atomic():
        changes.notes_changed(Note.objects.owned_by(owner).values_list("pk", flat=True))
        SyncCursor.objects.update_or_create(owner=owner, defaults={"cursor": 0})


def same_account(server: Server, owner) -> None:
    """Before the first push of a connection: if this device was last in step with another
    account (on this server or another; the same account at a new address is the same), what it
    knew of those notes (each note's server version, the text and pin last in step) is forgotten,
    and every note sent again as to a server it never synced with. Kept, a version of one account's note was taken for the other's (a push went over the
    other's note unseen when the numbers agreed) and the other's text for the one last in step
    (an edit made meanwhile was taken for no edit, and the server's text written over it)."""
    try:
        answer = server.json("GET", f"changes/?since={MAX_CURSOR}&limit=1")  # no changes: who is this
    except SyncFailed as error:
        if error.status == 400:  # a server that refuses the question answers the round's pull as it can
            return
        raise
    account = answer.get("account")
    if not isinstance(account, str) or not account:
        return  # a server from before accounts were named: it cannot be told
    here = account[:100]
    with transaction.atomic():
        cursor, _ = SyncCursor.objects.select_for_update().get_or_create(owner=owner)
        if cursor.account != here:
            if cursor.account:  # empty: the first connection, or a device from before accounts were named
                NoteChange.objects.owned_by(owner).update(
                    server_version=None, acknowledged_text="", acknowledged_pinned=None, acknowledged_attachments=None,
                    acknowledged_parts=None)
                send_everything(owner)
                SyncCursor.objects.filter(owner=owner).update(history="")
            SyncCursor.objects.filter(owner=owner).update(account=here)
    if journal := servers_journal(answer.get("journal")):  # none from a server from before journals
        days.take_journal(owner, journal)


def servers_journal(raw: object) -> uuid.UUID | None:
    try:
        journal = uuid.UUID(raw)
    except (TypeError, ValueError, AttributeError):
        return None
    return journal if days.is_base(journal) else None


# Push -------------------------------------------------------------------------------------

def push(server: Server, owner) -> dict[str, str]:
    """The pending changes, in passes: a conflict's copy, or a change to push again over the
    server's newer version, goes in the pass after the one that found the conflict. Returns the
    notes the server refused as too large (uid → title), left pending for the next round."""
    too_large: dict[str, str] = {}
    for _ in range(PUSH_PASSES):
        if not push_pass(server, owner, too_large):
            break
    return too_large


def push_pass(server: Server, owner, too_large: dict[str, str]) -> bool:
    """Each change pending when the pass began, once, in batches, oldest first; False if none.
    A note the server refuses as too large is left out, and the others pushed all the same."""
    pending = changes.pending(owner).exclude(note_uid__in=list(too_large))
    last = pending.order_by("-seq").values_list("seq", flat=True).first()
    if last is None:
        return False
    after = 0
    while records := list(pending.filter(seq__gt=after, seq__lte=last).order_by("seq")[:PUSH_BATCH]):
        after = records[-1].seq
        batches = within_size([(record, change_to_send(server, owner, record)) for record in records])
        while batches:
            batch = batches.pop(0)
            sent = [change for _, change in batch]
            try:
                answer = pushed(server, owner, sent)
            except SyncFailed as error:
                if error.status != 413:
                    raise
                if len(batch) > 1:
                    batches[:0] = [[item] for item in batch]  # which of them is too large: each on its own
                else:
                    too_large[sent[0]["note"]["uid"]] = sent[0]["note"].get("title", "")
                continue
            results = answer.get("results")
            if not isinstance(results, list) or [result.get("uid") for result in results] != [
                change["note"]["uid"] for change in sent
            ]:
                raise SyncFailed("bad_answer", "The server's answer to a push does not match what was sent.")
            for (record, change), result in zip(batch, results):
                stop_here_if_asked()
                settle(server, owner, record.seq, change, result, answer.get("device") or "another device")
    return True


def within_size(changes_to_send: list[tuple]) -> list[list[tuple]]:
    """The changes in batches whose JSON stays under PUSH_BYTES (the server reads at most 8 MB)."""
    batches, size = [[]], 0
    for item in changes_to_send:
        item_size = len(json_bytes(item[1]))
        if batches[-1] and size + item_size > PUSH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += item_size
    return [batch for batch in batches if batch]


def change_to_send(server: Server, owner, record: NoteChange) -> dict:
    note = note_with_everything(Note.objects.owned_by(owner).filter(uid=record.note_uid))
    sent = note_wire(note) if note else tombstone(record.note_uid)
    # The state's hash too: a device restored from an older copy numbers its changes again, and a
    # number alone would make its next change of a note look like a replay of the one it lost.
    state = hashlib.sha256(json.dumps(sent, sort_keys=True).encode()).hexdigest()[:16]
    return {"change_id": f"{server.client_id}:{record.seq}:{state}", "base_version": record.server_version, "note": sent}


def pushed(server: Server, owner, sent: list[dict]) -> dict:
    """The server's answer to a batch, its contents uploaded first. A 409 is a content the server
    had when asked, and lost before the change that names it, to a change earlier in the batch
    that removed the last attachment holding it: the contents are asked for again and the batch
    sent again, its changes applied so far answered as then, for as long as that uploads something."""
    send_contents(server, owner, sent)
    while True:
        try:
            return server.json("POST", "changes/", {"protocol": PROTOCOL, "changes": sent, "client": {
                "id": server.client_id, "last_seq": NoteChange.objects.owned_by(owner).aggregate(last=Max("seq"))["last"] or 0,
            }})
        except SyncFailed as error:
            if error.status != 409 or not send_contents(server, owner, sent):
                raise


def send_contents(server: Server, owner, sent: list[dict]) -> int:
    """Upload the attachment contents the server lacks, each once; returns how many."""
    hashes = sorted({item["sha256"] for change in sent for item in change["note"].get("attachments", [])})
    if not hashes:
        return 0
    uploaded = 0
    for sha256 in server.json("POST", "contents/missing/", {"protocol": PROTOCOL, "sha256": hashes})["missing"]:
        name = blobs.find_content(owner, sha256)
        if name is not None:
            server.call("PUT", f"contents/{sha256}/", body=b"".join(blobs.content_chunks(name)))
            uploaded += 1
    return uploaded


def settle(server: Server, owner, sent_seq: int, sent: dict, result: dict, device: str) -> None:
    """What the server said of one pushed change, recorded in one transaction (the contents a
    conflicting note needs are downloaded before it, not while it holds the write lock)."""
    if result.get("status") == "conflict":
        current = checked_note(result.get("current"), result.get("uid"))
        fetch_contents(server, owner, [current])
    elif result.get("status") == "applied":
        if not (sent["note"].get("purged") and result.get("version") is None or is_version(result.get("version"))):
            # Taken as the note's version, one out of range would make every later save and push here fail.
            raise SyncFailed("bad_answer", f"The server answered note {result.get('uid')} with a version that is "
                             f"not one (from 1 to {MAX_VERSION}): {result.get('version')!r}.")
        try:
            from_elsewhere = read_revisions(result.get("revisions", []), f"note {result.get('uid')}")
        except WireError as error:
            raise SyncFailed("bad_answer", f"The server sent revisions that are not valid: {error}") from None
    else:
        raise SyncFailed("bad_answer", f"The server's answer for note {result.get('uid')} is neither applied nor a conflict.")
    with transaction.atomic():
        record = NoteChange.objects.owned_by(owner).get(note_uid=result["uid"])
        if result["status"] == "applied":
            acknowledge(owner, record, sent_seq, result.get("version"), from_elsewhere)
        else:
            own_earlier_push = str(result.get("last_change", "")).startswith(f"{server.client_id}:")
            resolve(owner, record, current, own_earlier_push, device, store.contents_here(owner, [current]))


def is_version(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_VERSION


def checked_note(raw: object, uid: object) -> dict:
    try:
        return read_note(raw, f"note {uid}")
    except WireError as error:
        raise SyncFailed("bad_answer", f"The server sent a note that is not valid: {error}") from None


def acknowledge(owner, record: NoteChange, sent_seq: int, version: int | None, from_elsewhere: list[dict]) -> None:
    """The server has the change sent as `sent_seq`. The note takes the server's version number,
    unless it changed here again meanwhile: then that change is pushed next, based on it. The
    revisions the server has of it from other devices are added here."""
    record.server_version = version
    local = Note.objects.owned_by(owner).filter(uid=record.note_uid).first()
    if local is not None:
        revisions.import_revisions(local, from_elsewhere)
    if record.seq == sent_seq:
        record.acknowledged_seq = sent_seq
        note = note_with_everything(Note.objects.owned_by(owner).filter(uid=record.note_uid))
        if note is not None:
            Note.objects.filter(pk=note.pk).update(version=version)
            record.acknowledged_text = text_hash(note.title, note.body, note.sorted_tags)
            record.acknowledged_pinned = note.pinned
            record.acknowledged_parts = text_parts(note.title, note.body, note.sorted_tags)
            record.acknowledged_attachments = attachment_keys(
                {"sha256": item.sha256, "name": item.name} for item in note.sorted_attachments)
    record.save(update_fields=["server_version", "acknowledged_seq", "acknowledged_text", "acknowledged_pinned",
                               "acknowledged_attachments", "acknowledged_parts"])


def resolve(owner, record: NoteChange, current: dict, own_earlier_push: bool, device: str, contents: dict) -> None:
    """The server's note moved on since this device's change was based on it (docs/sync.md)."""
    local = note_with_everything(Note.objects.owned_by(owner).filter(uid=record.note_uid))
    edited_here = local is not None and record.acknowledged_text != text_hash(local.title, local.body, local.sorted_tags)
    if own_earlier_push:
        rebase(record, None if current["purged"] else current["version"])  # the server has this device's text
    elif current["purged"]:
        if edited_here:
            rebase(record, None)  # edited here, purged there: the edit wins, the note comes back
        else:
            take_server_state(owner, current, contents)
    elif local is None:
        take_server_state(owner, current, contents)  # purged here, changed there: the change wins
    elif edited_here and current["trashed_at"] is not None and local.trashed_at is None:
        rebase(record, current["version"])  # edited here, trashed there: the edit wins, the note is restored
    else:
        text_here = text_hash(local.title, local.body, local.sorted_tags)
        text_there = text_hash(current["title"], current["body"], current["tags"])
        edited_there = record.acknowledged_text != text_there
        copied = edited_here and edited_there and text_here != text_there
        # Both changed the text, but different parts of it (or its tags each): merged, no copy.
        merged_text_here = merged_text(record.acknowledged_parts, local, current) if copied else None
        copied = copied and merged_text_here is None
        if copied:
            keep_conflict_copy(owner, local, device)
            revisions.keep(local.pk, "conflict")  # the note's History has the text the server's replaced here too
        # Only the pin, the attachments or the trash changed there: this device's text goes onto the server's note.
        own_text = merged_text_here or (
            {"title": local.title, "body": local.body, "tags": local.sorted_tags}
            if edited_here and not edited_there and text_here != text_there else None)
        kept = current if copied else merged_onto(current, local, pinned_here(record, local), own_text,
                                                   record.acknowledged_attachments)
        # Past the version an editor open here holds: its next save is a conflict, not a write over the server's text.
        version = max(current["version"], local.version + 1)
        take_server_state(owner, current, {**contents, **store.contents_here(owner, [kept])}, kept, version)
        kept_here = {str(uid) for uid in Revision.objects.filter(note_id=local.pk).values_list("uid", flat=True)}
        if kept is not current or version != current["version"] or kept_here - {revision["uid"] for revision in current["revisions"]}:
            changes.record(owner, [record.note_uid], purged=False)  # what this device keeps goes up too


def merged_text(then: dict | None, local: Note, current: dict) -> dict | None:
    """The note's title, body and tags with what each side changed since they were last in step
    (`then`, NoteChange.acknowledged_parts): the title or body changed on one side only, that
    side's; the tags, the server's with those added here and without those removed here. None if
    both changed the title, or the body (a conflict copy keeps this device's text), or if `then`
    is not known."""
    if not isinstance(then, dict) or not {"title", "body", "tags"} <= then.keys():
        return None
    here = text_parts(local.title, local.body, local.sorted_tags)
    there = text_parts(current["title"], current["body"], current["tags"])
    merged = {}
    for part, mine, theirs in (("title", local.title, current["title"]), ("body", local.body, current["body"])):
        if here[part] != then[part] and there[part] != then[part] and here[part] != there[part]:
            return None
        merged[part] = mine if here[part] != then[part] else theirs
    tags_then, tags_here = set(then["tags"]), set(here["tags"])
    merged["tags"] = sorted((set(there["tags"]) - (tags_then - tags_here)) | (tags_here - tags_then))
    return merged


def text_parts(title: str, body: str, tags: list[str]) -> dict:
    """NoteChange.acknowledged_parts: the title and body as hashes, the tags as they are."""
    return {"title": hashlib.sha256(title.encode()).hexdigest(), "body": hashlib.sha256(body.encode()).hexdigest(),
            "tags": sorted(tags)}


def merged_onto(current: dict, local: Note, pinned: bool | None, own_text: dict | None,
                acknowledged: list | None = None) -> dict:
    """The server's note with what this device changed, or `current` itself if nothing: the pin, if
    it was changed here (`pinned`), the attachments added here and those removed here since the
    note was last in step (`acknowledged`, their [sha256, name]s; None if not known: then every
    attachment the server's note lacks is added, and none removed), and `own_text`: the title,
    body and tags to give it (this device's, or merged_text's)."""
    theirs = Counter((item["sha256"], item["name"]) for item in current["attachments"])
    mine = Counter((attachment.sha256, attachment.name) for attachment in local.sorted_attachments)
    if acknowledged is None:
        to_add, to_remove = mine - theirs, Counter()
    else:
        then = Counter(tuple(key) for key in acknowledged)
        # Added here and not there too; removed here (a file removed there too is gone already).
        to_add, to_remove = (mine - then) - (theirs - then), (then - mine) & theirs
    added_here = []
    for attachment in local.sorted_attachments:
        key = (attachment.sha256, attachment.name)
        if to_add[key]:
            to_add[key] -= 1
            added_here.append({"sha256": attachment.sha256, "name": attachment.name, "created": attachment.created})
    kept_there = []
    for item in current["attachments"]:
        key = (item["sha256"], item["name"])
        if to_remove[key]:
            to_remove[key] -= 1
        else:
            kept_there.append(item)
    if not added_here and len(kept_there) == len(current["attachments"]) and pinned in (None, current["pinned"]) and not own_text:
        return current
    merged = {**current, "pinned": current["pinned"] if pinned is None else pinned,
              "attachments": kept_there + added_here}
    if own_text:
        merged.update(title=own_text["title"], body=own_text["body"], tags=own_text["tags"], updated=local.updated)
    return merged


def attachment_keys(attachments) -> list[list[str]]:
    """A note's attachments as NoteChange.acknowledged_attachments keeps them: [[sha256, name], …], sorted."""
    return sorted([item["sha256"], item["name"]] for item in attachments)


def rebase(record: NoteChange, version: int | None) -> None:
    """This device's note is pushed again, over the server's `version` of it."""
    record.server_version = version
    record.save(update_fields=["server_version"])


def text_hash(title: str, body: str, tags: list[str]) -> str:
    return hashlib.sha256(json.dumps([title, body, sorted(tags)]).encode()).hexdigest()


def pinned_here(record: NoteChange, local: Note) -> bool | None:
    """The note's pin if it was changed here since the note was last in step with the server, else None."""
    pinned_then = record.acknowledged_pinned
    return local.pinned if pinned_then is not None and pinned_then != local.pinned else None


def keep_conflict_copy(owner, local: Note, device: str) -> Note:
    """This device's text as a note of its own, with its attachments, to be pushed as new."""
    title = f"{local.title or 'Untitled'} (conflict, {device}, {date.today().isoformat()})"
    copy, _ = editing.create_note(owner, {
        "title": title[:300], "body": local.body, "pinned": local.pinned, "tags": local.sorted_tags,
    })
    for attachment in local.sorted_attachments:
        save_attachment(copy, attachment.name, blobs.content_chunks(attachment.file.name))
    return copy


def take_server_state(owner, current: dict, contents: dict[str, str], kept: dict | None = None,
                      version: int | None = None) -> None:
    """The note becomes the server's (or goes, for a tombstone), with nothing left to push; or,
    in a conflict, `kept` (the server's note with what this device keeps of its own) at `version`,
    the caller recording that there is then something to push."""
    if current["purged"]:
        purge_notes(Note.objects.owned_by(owner).filter(uid=current["uid"]))
        changes.record(owner, [current["uid"]], purged=True, server_version=0)
    else:
        store.write_note(owner, kept or current, version or current["version"], contents)
        changes.record(owner, [current["uid"]], purged=False, server_version=current["version"])
        NoteChange.objects.owned_by(owner).filter(note_uid=current["uid"]).update(
            acknowledged_text=text_hash(current["title"], current["body"], current["tags"]),
            acknowledged_pinned=current["pinned"],
            acknowledged_attachments=attachment_keys(current["attachments"]),
            acknowledged_parts=text_parts(current["title"], current["body"], current["tags"]),
        )


# Pull -------------------------------------------------------------------------------------

def pull(server: Server, owner) -> None:
    limit = PULL_BATCH
    while True:
        cursor, _ = SyncCursor.objects.get_or_create(owner=owner)
        try:
            answer = server.json("GET", f"changes/?since={cursor.cursor}&limit={limit}")
        except AnswerTooLarge:
            if limit == 1:
                raise
            limit //= 2  # notes with long histories: fewer at a time
            continue
        try:
            pulled = [
                checked_note(change, change.get("uid"))
                for change in answer["changes"]
                if not own_change_here(server, owner, change)
            ]
            next_cursor = int(answer["cursor"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SyncFailed("bad_answer", f"The server sent changes that are not valid: {error}") from None
        history = answer.get("history") if isinstance(answer.get("history"), str) else ""
        if history and cursor.history and history != cursor.history and cursor.cursor:
            raise StartAfresh("server_error", "The server was restored from an older copy, which lacks what was "
                              "synced after it: this device sends all its notes again.")
        if answer.get("more") and next_cursor <= cursor.cursor:
            # Asked again from the same place, it would answer the same, for ever.
            raise SyncFailed("bad_answer", f"The server says more changes follow, but its cursor ({next_cursor}) "
                             f"did not move past {cursor.cursor}.")
        fetch_contents(server, owner, pulled)
        with transaction.atomic():
            contents = store.contents_here(owner, pulled)
            for note in pulled:
                stop_here_if_asked()
                if not changes.pending(owner).filter(note_uid=note["uid"]).exists():
                    take_server_state(owner, note, contents)
                # A note changed here too is settled by its next push, which the server answers as a conflict.
            SyncCursor.objects.filter(owner=owner).update(cursor=next_cursor, history=history or cursor.history)
        server.received += len(pulled)
        if not answer.get("more"):
            return


def own_change_here(server: Server, owner, change: dict) -> bool:
    """A change this device pushed, coming back, that it has (the server's later changes of a note
    clear change_id; a device restored from an older copy has not the changes it pushed since)."""
    return str(change.get("change_id", "")).startswith(f"{server.client_id}:") and NoteChange.objects.owned_by(
        owner).filter(note_uid=change.get("uid"), server_version=change.get("version")).exists()


def fetch_contents(server: Server, owner, notes: list[dict]) -> None:
    """Download the attachment contents not here yet, each once, checked against its hash."""
    wanted = {item["sha256"] for note in notes if not note["purged"] for item in note["attachments"]}
    for sha256 in sorted(wanted):
        if blobs.has_content(owner, sha256):
            continue
        with server.answer("GET", f"contents/{sha256}/") as response:
            try:
                blobs.receive(owner, sha256, server.chunks(response, settings.NOTEDESK_MAX_ATTACHMENT_SIZE))
            except blobs.ContentMismatch:
                raise SyncFailed("bad_answer", f"The content {sha256} arrived changed or cut short; "
                                 "it is fetched again next time.") from None


