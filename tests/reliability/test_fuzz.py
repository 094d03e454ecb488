"""Fuzz: Hypothesis-made requests against every endpoint of the site, over real HTTP to the
launcher's own server thread. Methods, query strings, headers and bodies (JSON, forms, multipart,
raw bytes, well-formed or not) vary; the answer must never be a 5xx, and every 4xx to an /api/ or
AJAX request must be JSON with an `error` sentence.

Examples per endpoint come from the Hypothesis profile (tests/reliability/conftest.py):
HYPOTHESIS_PROFILE=fuzz (`make fuzz`) runs 1000 each, `make test` 25.
"""

import io
import json
import socket
import zipfile
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from tests.reliability.conftest import ApiClient, multipart

ENDPOINTS = {
    "/": ["GET"],
    "/_desktop/health": ["GET"],
    "/launch/": ["GET"],
    "/ajax/data/": ["GET"],
    "/ajax/submit/": ["POST"],
    "/ajax/fetch_json/": ["GET"],
    "/ajax/fragment/": ["GET"],
    "/api/notes/": ["GET", "POST"],
    "/api/notes/{note}/": ["GET", "PATCH", "DELETE"],
    "/api/notes/{note}/restore/": ["POST"],
    "/api/notes/{note}/attachments/": ["POST"],
    "/api/notes/{note}/attachments/{attachment}/": ["DELETE"],
    "/api/notes/{note}/revisions/": ["GET"],
    "/api/notes/{note}/revisions/{revision}/": ["GET"],
    "/api/notes/{note}/revisions/{revision}/restore/": ["POST"],
    "/api/notes/{note}/backlinks/": ["GET"],
    "/api/notes/{note}/relink/": ["POST"],
    "/api/links/": ["GET"],
    "/api/titles/": ["GET"],
    "/api/trash/": ["DELETE"],
    "/api/attachments/{attachment}/": ["GET"],
    "/api/tags/": ["GET"],
    "/api/preview/": ["POST"],
    "/api/jobs/export/": ["POST"],
    "/api/jobs/import/": ["POST"],
    "/api/jobs/import-from-dialog/": ["POST"],
    "/api/jobs/import-other/": ["POST"],
    "/api/jobs/import-other-from-dialog/": ["POST"],
    "/api/jobs/{job}/": ["GET", "DELETE"],
    "/api/jobs/{job}/file/": ["GET"],
    "/api/export/": ["GET"],
    "/api/import/": ["POST"],
}
OTHER_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
KNOWN_PARAMETERS = ["q", "tag", "pinned", "trashed", "limit", "offset", "purge", "format", "token", "next", "name", "title"]
KNOWN_FIELDS = [
    "title", "body", "tags", "pinned", "version", "uid", "format", "destination", "name", "file", "former_title",
    "resolves_conflict", "source",
]
CONTENT_TYPES = [
    "application/json", "application/json; charset=utf-8", "application/json; charset=utf-16",
    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=",
    "multipart/form-data; boundary=x", "text/plain", "application/octet-stream", "", "*/*; charset=nope",
]
ACCEPTS = ["application/json", "text/html", "*/*", "", "application/json;q=0.1, text/html"]

# Header values as http.client can send them: Latin-1, no line breaks.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=60)
# Text as JSON can carry it: any character, and now and then a lone surrogate (JSON's "\udc80"),
# which has no UTF-8 form, so that no database or file can take it.
json_text = st.lists(st.characters() | st.characters(categories=["Cs"]), max_size=40).map("".join)
json_scalar = (
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=40) | json_text
)
json_value = st.recursive(
    json_scalar, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=12,
)
# Each known field mostly with a value of its own type, so that bodies get past the type checks to
# the code behind them, and sometimes with any JSON value.
TYPICAL_VALUES = {
    "title": json_text, "body": json_text, "tags": st.lists(json_text, max_size=4), "pinned": st.booleans(),
    "version": st.integers(0, 5), "uid": st.uuids().map(str), "format": st.sampled_from(["json", "markdown"]),
    "destination": st.sampled_from(["download", "dialog"]), "name": json_text, "file": json_text,
}
json_object = (
    st.fixed_dictionaries({}, optional={field: typical | json_value for field, typical in TYPICAL_VALUES.items()})
    | st.dictionaries(st.sampled_from(KNOWN_FIELDS) | json_text, json_value, max_size=8)
)
parameters = st.lists(st.tuples(st.sampled_from(KNOWN_PARAMETERS) | st.text(max_size=8), st.text(max_size=30)), max_size=5)


@st.composite
def bodies(draw):
    """(body bytes or None, the Content-Type that goes with it)."""
    kind = draw(st.sampled_from(["none", "json", "json", "bad json", "form", "multipart", "multipart", "raw"]))
    if kind == "none":
        return None, None
    if kind == "json":
        value = draw(json_object | json_value)
        return json.dumps(value).encode(), "application/json"
    if kind == "bad json":
        return draw(st.sampled_from([b"{", b"[1,", b'{"title": "\xff"}', b"\x00", b'{"a":' * 2000, b"NaN"])), "application/json"
    if kind == "form":
        return urlencode(draw(parameters)).encode(), "application/x-www-form-urlencoded"
    if kind == "multipart":
        parts = draw(st.lists(
            st.tuples(st.sampled_from(["file", "title", "body"]) | st.text(max_size=8),
                      st.none() | st.text(max_size=40).map(lambda name: name.replace('"', "")),
                      st.binary(max_size=300) | st.sampled_from([b'{"format": "notedesk-notes", "version": 1, "notes": []}',
                                                                b'{"format": "notedesk-notes", "version": 1, "notes": [{}]}',
                                                                b"PK\x03\x04broken zip"])),
            max_size=3,
        ))
        boundary = draw(st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"'), min_size=1, max_size=30))
        body, content_type = multipart(parts, boundary)
        if draw(st.booleans()):
            body = body[: draw(st.integers(0, len(body)))]  # cut short
        return body, content_type
    return draw(st.binary(max_size=500)), draw(st.sampled_from(CONTENT_TYPES))


@st.composite
def requests_for(draw, template: str, existing: dict):
    method = draw(st.sampled_from(ENDPOINTS[template]) | st.sampled_from(OTHER_METHODS))
    path = template.format(**{
        key: quote(str(draw(st.sampled_from([value]) | st.integers(0, 2**70) | st.text(min_size=1, max_size=20))), safe="")
        for key, value in existing.items()
    })
    query = draw(parameters)
    if query:
        path += "?" + urlencode(query)
    body, content_type = draw(bodies())
    headers = {}
    if draw(st.booleans()):
        headers["X-Requested-With"] = "XMLHttpRequest"
    headers["Accept"] = draw(st.sampled_from(ACCEPTS) | header_text)
    if content_type is not None or draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from([content_type or ""]) | st.sampled_from(CONTENT_TYPES) | header_text)
    for name in draw(st.lists(st.sampled_from(["X-CSRFToken", "Origin", "Referer", "Cookie", "Range", "If-Modified-Since", "X-Fuzz"]), max_size=3, unique=True)):
        headers[name] = draw(header_text)
    authorization = draw(st.sampled_from(["token", "token", "token", "none", "wrong"]))
    return method, path, body, headers, authorization


def wants_json(path: str, headers: dict) -> bool:
    """The shell's rule (django_desktop_shell/errors.py), with the site's DESKTOP_JSON_PATH_PREFIXES, /api/:
    Accept: JSON; else not an Accept that names HTML; else /api/ or X-Requested-With."""
    accept = headers.get("Accept", "")
    if "application/json" in accept:
        return True
    if "text/html" in accept:
        return False
    return path.startswith("/api/") or headers.get("X-Requested-With") == "XMLHttpRequest"


@pytest.fixture
def existing(live_app):
    """A note, an attachment and an export job for the fuzzed paths to name, besides made-up ids."""
    api = ApiClient(live_app.port, live_app.auth_headers["Authorization"].split()[1])
    note_id = api.send_json("POST", "/api/notes/", {"title": "Fuzzed", "body": "text [[Fuzzed]]"}).json()["id"]
    api.send_json("PATCH", f"/api/notes/{note_id}/", {"body": "changed", "version": 1})
    revision_id = api.request("GET", f"/api/notes/{note_id}/revisions/", None, {}).json()["revisions"][0]["id"]
    attachment_id = api.upload(f"/api/notes/{note_id}/attachments/", "a.txt", b"hello").json()["id"]
    job_id = api.send_json("POST", "/api/jobs/export/", {"format": "json", "destination": "download"}).json()["id"]
    api.close()
    return {"note": note_id, "attachment": attachment_id, "job": job_id, "revision": revision_id}


@pytest.mark.parametrize("template", ENDPOINTS)
def test_no_request_gets_a_5xx_and_every_json_error_says_what_is_wrong(live_app, existing, template):
    token = live_app.auth_headers["Authorization"].split()[1]
    api = ApiClient(live_app.port, token)
    template_values = {key: value for key, value in existing.items() if "{" + key + "}" in template}

    @given(requests_for(template, template_values))
    def check(request):
        method, path, body, headers, authorization = request
        if authorization != "none":
            headers["Authorization"] = "Bearer " + (token if authorization == "token" else token[::-1])
        answer = api.request(method, path, body, headers, as_given=True)
        note(f"{answer.status} {answer.content_type} {answer.body[:300]!r}")
        assert answer.status < 500
        if answer.status >= 400 and method != "HEAD" and wants_json(path, headers):
            assert answer.content_type.startswith("application/json")
            error = answer.json()["error"]
            assert isinstance(error, str) and error

    try:
        check()
    finally:
        api.close()


ZIP_METHODS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
CENTRAL_DIRECTORY_ENTRY = b"PK\x01\x02"
UTF8_NAME_FLAG = 0x800


def repacked(content: bytes, method: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", method) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return buffer.getvalue()


@st.composite
def file_damage(draw, size: int) -> list[tuple]:
    """What to do to a file of `size` bytes: change a few bytes, cut it short, or, in a zip, flag a
    name as UTF-8 that is not (the central directory entry found from an offset gets a non-UTF-8 byte)."""
    return draw(st.lists(st.one_of(
        st.tuples(st.just("bytes"), st.integers(0, size - 1), st.binary(min_size=1, max_size=16)),
        st.tuples(st.just("cut"), st.integers(1, size - 1)),
        st.tuples(st.just("name"), st.integers(0, size - 1), st.sampled_from([0x80, 0xC3, 0xFF])),
    ), min_size=1, max_size=3))


def damaged(content: bytes, damage: list[tuple]) -> bytes:
    content = bytearray(content)
    for kind, offset, *detail in damage:
        offset = min(offset, len(content) - 1)
        if kind == "bytes":
            content[offset:offset + len(detail[0])] = detail[0]
        elif kind == "cut":
            del content[max(offset, 1):]
        elif (entry := content.find(CENTRAL_DIRECTORY_ENTRY, offset)) >= 0 and entry + 46 < len(content):
            flags = int.from_bytes(content[entry + 8:entry + 10], "little") | UTF8_NAME_FLAG
            content[entry + 8:entry + 10] = flags.to_bytes(2, "little")
            content[entry + 46] = detail[0]
    return bytes(content)


def imported_or_refused_with_a_sentence(api: ApiClient, name: str, content: bytes) -> None:
    answer = api.upload("/api/import/", name, content)
    note(f"{answer.status} {answer.body[:300]!r}")
    assert answer.status in (200, 400)
    if answer.status == 400:
        assert answer.json()["error"]


def test_a_damaged_zip_is_refused_with_a_sentence_never_a_5xx(live_app):
    """Each of zipfile's compressions fails its own way on damaged data (zlib.error, OSError,
    LZMAError, EOFError, a name that is not UTF-8): every one must be a 400 saying so."""
    api = ApiClient(live_app.port, live_app.auth_headers["Authorization"].split()[1])
    created = api.send_json("POST", "/api/notes/", {"title": "Zipped", "body": "text " * 200, "tags": ["z"]}).json()
    api.upload(f"/api/notes/{created['id']}/attachments/", "scan.bin", bytes(range(256)) * 64)
    export = api.request("GET", "/api/export/?format=markdown").body
    originals = [repacked(export, method) for method in ZIP_METHODS]

    @given(st.sampled_from(range(len(originals))), file_damage(min(map(len, originals))))
    def check(original, damage):
        imported_or_refused_with_a_sentence(api, "notes.zip", damaged(originals[original], damage))

    try:
        check()
    finally:
        api.close()


def test_a_damaged_json_export_is_refused_with_a_sentence_never_a_5xx(live_app):
    """The JSON export is read a note at a time and its attachments decoded as they come: a change
    anywhere (in a note, in an attachment's base64, between notes) or a cut must be a 400 saying
    what is wrong, or, if what is left is still a valid export, an import."""
    api = ApiClient(live_app.port, live_app.auth_headers["Authorization"].split()[1])
    for number in range(3):
        created = api.send_json("POST", "/api/notes/", {"title": f"Exported {number}", "body": "text " * 50}).json()
        api.upload(f"/api/notes/{created['id']}/attachments/", "scan.bin", bytes(range(256)) * 16)
    export = api.request("GET", "/api/export/?format=json").body

    @given(file_damage(len(export)))
    def check(damage):
        imported_or_refused_with_a_sentence(api, "notes.json", damaged(export, damage))

    try:
        check()
    finally:
        api.close()


@pytest.mark.parametrize("path", ["/api/notes/999999/", "/api/notes/%C2%88/", "/nothing/", "/"])
def test_an_answer_to_head_has_no_body(live_app, path):
    """Found by the fuzzer: waitress sent Django's body after the headers of a HEAD answer, and
    a client reusing the connection read it as the start of the next answer."""
    with socket.create_connection(("127.0.0.1", live_app.port), timeout=5) as connection:
        connection.sendall(
            f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1:{live_app.port}\r\n"
            f"Authorization: {live_app.auth_headers['Authorization']}\r\nConnection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 ")
    assert body == b""
