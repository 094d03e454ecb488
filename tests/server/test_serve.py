"""`python -m embedded_site.serve`: waitress on the shell's channels and threads answers."""

import http.client
import threading

from embedded_site import serve


def test_the_server_answers_a_request(monkeypatch, settings, transactional_db):
    """Its channels, the body guard's, need the shell's pool of threads: on waitress's own, every
    request was dropped unanswered ("Exception when servicing", AttributeError)."""
    settings.SERVE_HOST, settings.SERVE_PORT = "127.0.0.1", 0
    monkeypatch.setattr(serve, "database_problem", lambda: None)
    monkeypatch.setattr("embedded_site.notes.upkeep.keep_up_in_background", lambda: None)
    made = []

    def create_server(*args, **kwargs):
        server = serve_create_server(*args, **kwargs)
        server.run = lambda: threading.Thread(target=type(server).run, args=(server,), daemon=True).start()
        made.append(server)
        return server

    serve_create_server = serve.create_server
    monkeypatch.setattr(serve, "create_server", create_server)
    serve.main()
    [server] = made
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        connection.request("GET", "/_desktop/health", headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b'{"status": "ok"}')
    finally:
        server.close()
