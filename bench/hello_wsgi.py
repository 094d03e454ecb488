"""The baseline for the AJAX benchmark: a bare waitress WSGI hello world on a free loopback port.

Prints `READY http://127.0.0.1:PORT/` and serves until it is stopped. Waitress runs with its
defaults (4 threads), as a plain deployment would.
"""

import logging

import waitress

BODY = b'{"message": "Hello, world"}'


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]


if __name__ == "__main__":
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as Notedesk does: queueing is not news
    server = waitress.create_server(app, host="127.0.0.1", port=0)
    print(f"READY http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()
