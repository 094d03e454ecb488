"""Certificates for the HTTPS tests (test_https.py, test_nginx.py), made with openssl."""

import subprocess
from pathlib import Path


class Authority:
    """A certificate authority of one's own (openssl), and the certificates it signs."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.certificate, self.key = folder / "authority.pem", folder / "authority.key"
        self.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", self.certificate,
                     "-days", "2", "-subj", "/CN=Notedesk test authority")

    def sign(self, name: str, days: int = 2) -> Path:
        """A PEM file of a certificate for `name` (expired with days=-1), its authority's and its key."""
        key, request, certificate = (self.folder / f"{name}{days}.{kind}" for kind in ("key", "csr", "crt"))
        extensions = self.folder / f"{name}.ext"
        extensions.write_text(f"subjectAltName=DNS:{name}\n")
        self.openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", f"/CN={name}")
        self.openssl("x509", "-req", "-in", request, "-CA", self.certificate, "-CAkey", self.key, "-CAcreateserial",
                     "-out", certificate, "-days", str(days), "-extfile", extensions)
        chain = self.folder / f"{name}{days}.pem"
        chain.write_bytes(certificate.read_bytes() + self.certificate.read_bytes() + key.read_bytes())
        return chain

    @staticmethod
    def openssl(*args) -> None:
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)
