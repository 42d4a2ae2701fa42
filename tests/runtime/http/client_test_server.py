#!/usr/bin/python3
# The HTTP server client_test.cpp talks to: standard library only, 127.0.0.1, a free port
# (bind port 0), printed as the first line on stdout. HTTP/1.1 with keep-alive; one thread
# per connection. Runs until killed. With --tls it serves HTTPS instead, with a self-signed
# certificate for 127.0.0.1 made at startup (so a verifying client must refuse it).
#
# Routes:
#   /hello                 200 "hello world"
#   /connections           the number of TCP connections accepted so far
#   /echo                  the method, headers and body of the request, as JSON
#   /status/N              status N with body "status N"
#   /redirect/N            302 to /redirect/N-1 ... /redirect/0 answers 200 "done"
#   /loop                  302 to itself
#   /to-ftp                302 to an ftp:// URL
#   /gzip                  a gzip-encoded body (Content-Encoding: gzip)
#   /slow?s=SECONDS        sleeps, then 200
#   /big?n=BYTES           n bytes with Content-Length
#   /big-chunked?n=BYTES   n bytes, chunked (no Content-Length)
#   /drip                  headers, then one byte every 50 ms for a long time
#   /latin1-header         ISO-8859-1 text, charset in the Content-Type header
#   /latin1-meta           ISO-8859-1 text, charset only in <meta charset>
#   /cp1251-http-equiv     windows-1251 text, charset in <meta http-equiv>
#   /set-cookie            sets cookie flavour=oatmeal
#   /cookies               the Cookie header it received
#   /then-close            200 "closing" without "Connection: close", then closes the
#                          connection (a keep-alive connection the server drops while idle)
#   http://any/...         (absolute-form request line, as sent to a proxy) 200 "proxied URL"
import datetime
import gzip
import ipaddress
import json
import os
import ssl
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

connections = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global connections
        super().setup()
        with lock:
            connections += 1

    def log_message(self, format, *args):
        pass

    def send(self, status, body, content_type="text/plain", headers=()):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location):
        self.send(302, "moved", headers=[("Location", location)])

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PUT(self):
        self.route()

    def do_DELETE(self):
        self.route()

    def route(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("http://") or self.path.startswith("https://"):
            return self.send(200, "proxied " + self.path)
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query)
        if path == "/hello":
            return self.send(200, "hello world")
        if path == "/connections":
            with lock:
                return self.send(200, str(connections))
        if path == "/echo":
            doc = {
                "method": self.command,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("latin-1"),
            }
            return self.send(200, json.dumps(doc), "application/json")
        if path.startswith("/status/"):
            code = int(path.split("/")[2])
            return self.send(code, "status %d" % code)
        if path.startswith("/redirect/"):
            n = int(path.split("/")[2])
            if n == 0:
                return self.send(200, "done")
            return self.redirect("/redirect/%d" % (n - 1))
        if path == "/loop":
            return self.redirect("/loop")
        if path == "/to-ftp":
            return self.redirect("ftp://127.0.0.1/file.txt")
        if path == "/gzip":
            payload = gzip.compress(b"compressed hello " * 100)
            return self.send(200, payload, headers=[("Content-Encoding", "gzip")])
        if path == "/slow":
            time.sleep(float(query.get("s", ["5"])[0]))
            return self.send(200, "slow")
        if path == "/big":
            return self.send(200, b"x" * int(query["n"][0]))
        if path == "/big-chunked":
            n = int(query["n"][0])
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 4096
            while n > 0:
                part = chunk[: min(n, len(chunk))]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                n -= len(part)
            self.wfile.write(b"0\r\n\r\n")
            return
        if path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100000):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.05)
            return
        if path == "/latin1-header":
            return self.send(200, "<p>caf\u00e9 cr\u00e8me</p>".encode("latin-1"),
                             "text/html; charset=ISO-8859-1")
        if path == "/latin1-meta":
            page = '<html><head><meta charset="iso-8859-1"></head><body>caf\u00e9</body></html>'
            return self.send(200, page.encode("latin-1"), "text/html")
        if path == "/cp1251-http-equiv":
            page = ('<html><head><meta http-equiv="Content-Type" '
                    'content="text/html; charset=windows-1251"></head>'
                    '<body>\u041f\u0440\u0438\u0432\u0435\u0442</body></html>')
            return self.send(200, page.encode("cp1251"), "text/html")
        if path == "/set-cookie":
            return self.send(200, "cookie set", headers=[("Set-Cookie", "flavour=oatmeal; Path=/")])
        if path == "/cookies":
            return self.send(200, self.headers.get("Cookie", ""))
        if path == "/then-close":
            self.send(200, "closing")
            self.close_connection = True
            return None
        return self.send(404, "no route " + path)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        pass  # clients that time out or cancel close their end: expected here


def self_signed_context():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        cert_path = os.path.join(tmp, "cert.pem")
        key_path = os.path.join(tmp, "key.pem")
        with open(cert_path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        with open(key_path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
        context.load_cert_chain(cert_path, key_path)
    return context


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if "--tls" in sys.argv:
        server.socket = self_signed_context().wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
