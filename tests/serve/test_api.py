#!/usr/bin/env python3
"""test_api.py PORTKIT - the HTTP API of `portkit serve` against the real
server on 127.0.0.1 port 0: byte-for-byte parity with `portkit --json`,
every endpoint, every error status, ETag/304, gzip, headers, CORS, a
replaced index, and hostile clients (long URIs, many connections, a
request that never ends).  Prints PASS:/FAIL: lines (tests/run counts)."""
import gzip
import json
import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servelib import Server, check, cli, hostile_index  # noqa: E402

PORTKIT = sys.argv[1]
TMP = tempfile.mkdtemp()
ENV = dict(os.environ)
ENV["XDG_DATA_HOME"] = os.path.join(TMP, "xdg")
ENV.pop("PORTKIT_INDEX", None)

L = ["--limit", "100"]
# (request target, the CLI's arguments for the same question)
PARITY = [
    ("/v1/ports/443", ["--json", *L, "443"]),
    ("/v1/ports/53/udp", ["--json", *L, "53/udp"]),
    ("/v1/ports/6000-6010?proto=tcp", ["--json", "--proto", "tcp", *L, "6000-6010"]),
    ("/v1/ports/0-65535?limit=5&cursor=10", ["--json", "--limit", "5", "--cursor", "10", "0-65535"]),
    ("/v1/ports/1?proto=sctp,dccp", ["--json", "--proto", "sctp,dccp", *L, "1"]),
    ("/v1/names/http", ["--json", *L, "http"]),
    ("/v1/names/kerberos/udp", ["--json", *L, "kerberos/udp"]),
    ("/v1/names/no-such-service-here", ["--json", *L, "no-such-service-here"]),
    ("/v1/search?q=kerberos", ["search", "--json", *L, "kerberos"]),
    ("/v1/search?q=http+alt&limit=3", ["search", "--json", "--limit", "3", "http", "alt"]),
    ("/v1/search?q=multicast&limit=2&cursor=2", ["search", "--json", "--limit", "2", "--cursor", "2", "multicast"]),
    ("/v1/search?q=%3Cnothing%3E", ["search", "--json", *L, "<nothing>"]),
    ("/v1/range/6000-6100", ["range", "--json", *L, "6000-6100"]),
    ("/v1/range/6000-6100?filter=unassigned&proto=tcp",
     ["range", "--json", "--unassigned", "--proto", "tcp", *L, "6000-6100"]),
    ("/v1/range/1-1023?filter=assigned&limit=7", ["range", "--json", "--assigned", "--limit", "7", "1-1023"]),
    ("/v1/ranges", ["ranges", "--json"]),
    ("/v1/ranges?os=linux", ["ranges", "--json", "--os", "linux"]),
    ("/v1/pick?name=myservice", ["pick", "--json", "--no-host-check", "--name", "myservice"]),
    ("/v1/pick?name=x&count=3&proto=tcp&avoid_os=linux",
     ["pick", "--json", "--no-host-check", "--name", "x", "--count", "3", "--proto", "tcp", "--avoid-os", "linux"]),
    ("/v1/pick?near=8080&class=user", ["pick", "--json", "--no-host-check", "--near", "8080", "--class", "user"]),
    ("/v1/advise?name=myservice&port=8080", ["advise", "--json", "--name", "myservice", "--port", "8080"]),
    ("/v1/advise?name=http&draft", ["advise", "--json", "--name", "http", "--draft"]),
    ("/v1/info", ["info", "--json"]),
]
# Bad questions: the same error document, and status 400.
PARITY_ERRORS = [
    ("/v1/ports/99999", ["--json", "99999"]),
    ("/v1/ports/80-70", ["--json", "80-70"]),
    ("/v1/range/abc", ["range", "--json", "abc"]),
    ("/v1/search?q=", ["search", "--json"]),
    ("/v1/ranges?os=plan9", ["ranges", "--json", "--os", "plan9"]),
    ("/v1/search?q=x&cursor=zz&limit=3", ["search", "--json", "--limit", "3", "--cursor", "zz", "x"]),
    ("/v1/pick?near=1&name=x", ["pick", "--json", "--near", "1", "--name", "x"]),
    ("/v1/advise", ["advise", "--json"]),
]


def main():
    srv = Server(PORTKIT, "--timeout", "2", "--max-connections", "40", env=ENV)

    # ---- parity with the CLI ----------------------------------------------
    for target, args in PARITY:
        st, hdr, body = srv.request(target)
        rc, out, err = cli(PORTKIT, *args, env=ENV)
        check("parity %s == portkit %s" % (target, " ".join(args)),
              st == 200 and body == out and len(body) > 0,
              "status %d, %d vs %d bytes\n%s" % (st, len(body), len(out), body[:400]))
    for target, args in PARITY_ERRORS:
        st, hdr, body = srv.request(target)
        rc, out, err = cli(PORTKIT, *args, env=ENV)
        ok = st == 400 and rc == 2 and body == out
        try:
            msg = json.loads(body)["error"]["message"]
            ok = ok and msg in err.decode()
        except (ValueError, KeyError):
            ok = False
        check("error parity %s: 400 with the CLI's document and message" % target, ok,
              "status %d rc %d\n%s\n%s\n%s" % (st, rc, body, out, err))

    # ---- every other endpoint ----------------------------------------------
    st, hdr, body = srv.request("/v1/map")
    doc = json.loads(body)
    check("map: one code per port", st == 200 and doc["command"] == "map"
          and len(doc["ports"]) == 65536 and set(doc["ports"]) <= set("arsou"))
    check("map: 443 assigned, 0 reserved, 49152+ unassigned",
          doc["ports"][443] == "a" and doc["ports"][0] == "r" and doc["ports"][60000] == "u",
          doc["ports"][:10])
    check("map: legend counts add up to 65536",
          sum(x["count"] for x in doc["legend"]) == 65536)
    st, hdr, zbody = srv.request("/v1/map", headers={"Accept-Encoding": "gzip"})
    check("map: a few KB compressed", st == 200 and len(zbody) < 16384, len(zbody))
    st, hdr, body = srv.request("/v1/health")
    doc = json.loads(body)
    check("health", st == 200 and doc["status"] == "ok" and doc["records"] > 1000
          and hdr.get("cache-control") == "no-cache", body[:300])
    st, hdr, body = srv.request("/v1/openapi.json")
    try:
        api = json.loads(body)
    except ValueError:
        api = {}
    check("openapi.json: OpenAPI 3, the same bytes as docs/openapi.json",
          st == 200 and str(api.get("openapi", "")).startswith("3.")
          and body == open(os.path.join(os.path.dirname(__file__), "../../docs/openapi.json"), "rb").read())
    check("openapi.json documents every endpoint",
          all(p in api.get("paths", {}) for p in
              ["/v1/ports/{spec}", "/v1/names/{name}", "/v1/search", "/v1/range/{range}",
               "/v1/ranges", "/v1/pick", "/v1/advise", "/v1/info", "/v1/map", "/v1/health"]))
    st, hdr, body = srv.request("/")
    check("/: the page, with its CSP", st == 200 and b"<html" in body.lower()
          and hdr["content-type"].startswith("text/html")
          and "script-src 'self'" in hdr.get("content-security-policy", ""))
    for asset, ctype in (("/app.js", "text/javascript"), ("/app.css", "text/css")):
        st, hdr, body = srv.request(asset)
        check(asset, st == 200 and hdr["content-type"].startswith(ctype) and len(body) > 100)
    st, hdr, body = srv.request("/v1/ports/443", method="HEAD")
    check("HEAD: headers, no body", st == 200 and body == b"" and int(hdr["content-length"]) > 100)

    # Keep-alive: two requests on one connection.
    import http.client
    c = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
    c.request("GET", "/v1/ports/443")
    r1 = c.getresponse()
    r1.read()
    sock1 = c.sock
    c.request("GET", "/v1/names/http")
    r2 = c.getresponse()
    r2.read()
    check("keep-alive: a second request on the same connection",
          r1.status == 200 and r2.status == 200 and sock1 is not None and c.sock is sock1
          and (r1.getheader("connection") or "").lower() != "close")
    c.close()

    # ---- headers -------------------------------------------------------------
    st, hdr, body = srv.request("/v1/ports/443")
    check("security headers", hdr.get("x-content-type-options") == "nosniff"
          and hdr.get("referrer-policy") == "no-referrer"
          and "default-src 'none'" in hdr.get("content-security-policy", ""), hdr)
    check("no CORS header without --cors", "access-control-allow-origin" not in hdr)
    check("Cache-Control on answers", "max-age" in hdr.get("cache-control", ""))

    # ---- ETag and gzip -------------------------------------------------------
    etag = hdr.get("etag")
    st, hdr2, body2 = srv.request("/v1/ports/443", headers={"If-None-Match": etag})
    check("ETag: If-None-Match gives 304 without a body",
          etag is not None and st == 304 and body2 == b"" and hdr2.get("etag") == etag)
    st, _, body3 = srv.request("/v1/ports/443", headers={"If-None-Match": '"0000"'})
    check("ETag: another tag gives 200", st == 200 and body3 == body)
    st, zh, zb = srv.request("/v1/ports/443", headers={"Accept-Encoding": "gzip, deflate"})
    check("gzip when asked: the same bytes compressed",
          st == 200 and zh.get("content-encoding") == "gzip" and gzip.decompress(zb) == body
          and zh.get("etag") != etag and "Accept-Encoding" in zh.get("vary", ""))
    st, zh, zb = srv.request("/v1/ports/443", headers={"Accept-Encoding": "gzip;q=0"})
    check("gzip;q=0 is a refusal", "content-encoding" not in zh and zb == body)
    st, zh2, _ = srv.request("/v1/ports/443", headers={"Accept-Encoding": "gzip",
                                                       "If-None-Match": zh.get("etag", "x")})
    st2, zh3, _ = srv.request("/v1/ports/443", headers={"Accept-Encoding": "gzip"})
    st4, _, _ = srv.request("/v1/ports/443", headers={"Accept-Encoding": "gzip",
                                                      "If-None-Match": zh3.get("etag", "x")})
    check("gzip ETag revalidates to 304", st4 == 304)

    # ---- errors ----------------------------------------------------------------
    def error_case(name, target, status, method="GET", want=None):
        st, hdr, body = srv.request(target, method=method)
        try:
            doc = json.loads(body)
            ok = st == status and "error" in doc and doc["schema"] == 2
            if want is not None:
                ok = ok and want in doc["error"]["message"]
        except ValueError:
            ok, doc = False, body
        check(name, ok and hdr.get("cache-control") == "no-store", "%d %r" % (st, body[:300]))
        return hdr
    error_case("404 for an unknown path", "/nope", 404)
    error_case("404 for an unknown API path", "/v1/portz/443", 404)
    hdr = error_case("405 for POST", "/v1/health", 405, method="POST")
    check("405 names the methods allowed", hdr.get("allow") == "GET, HEAD")
    error_case("405 for DELETE", "/v1/ports/443", 405, method="DELETE")
    error_case("400 for a port that is not one", "/v1/ports/http", 400, want="invalid port")
    error_case("400 for a name that is a port", "/v1/names/443", 400)
    error_case("400 for an unknown parameter", "/v1/search?q=x&bogus=1", 400, want="bogus")
    error_case("400 for a repeated parameter", "/v1/search?q=x&q=y", 400)
    error_case("400 for a bad escape", "/v1/search?q=%zz", 400)
    error_case("400 for an escaped control byte", "/v1/search?q=%01", 400)
    error_case("400 for a bad limit", "/v1/search?q=x&limit=0", 400, want="limit")
    error_case("400 for a huge limit", "/v1/search?q=x&limit=100000", 400, want="limit")
    error_case("400 for a bad proto", "/v1/ports/80?proto=tcpx", 400, want="transport")
    error_case("400 for a pick count over the API's limit", "/v1/pick?count=5000", 400, want="count")
    error_case("400 for a bad filter", "/v1/range/1-10?filter=some", 400, want="filter")
    error_case("414 for a long URI (answered by portkit)", "/v1/search?q=" + "a" * 3000, 414)
    # Longer than the connection's memory: libmicrohttpd answers itself.
    st, hdr, body = srv.request("/v1/search?q=" + "a" * 40000)
    check("414 (or 431) from libmicrohttpd for a URI over its buffer", st in (414, 431), st)

    # ---- hostile clients -------------------------------------------------------
    # A request that never ends is dropped after --timeout (2 s here).
    s = socket.create_connection((srv.host, srv.port))
    s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")
    s.settimeout(20)
    try:
        closed = s.recv(100) == b""
    except (socket.timeout, ConnectionResetError):
        closed = False
    s.close()
    check("a client that never finishes its request is disconnected", closed)
    # More connections than --max-connections (40): those over the limit
    # wait unanswered (libmicrohttpd stops accepting), and the server
    # answers again once the others are gone.
    socks = []
    for _ in range(60):
        c = socket.create_connection((srv.host, srv.port), timeout=5)
        c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        socks.append(c)
    answered = 0
    for c in socks:
        c.settimeout(0.5 if answered < 40 else 0.1)
        try:
            if c.recv(12).startswith(b"HTTP/1.1 200"):
                answered += 1
        except (socket.timeout, OSError):
            pass
    for c in socks:
        c.close()
    check("connections over the limit wait unanswered (%d of 60 answered)" % answered,
          1 <= answered < 50)
    time.sleep(0.3)
    st, _, _ = srv.request("/v1/health")
    check("the server answers after the flood", st == 200)

    rc, err = srv.stop()
    check("SIGTERM: clean exit", rc == 0, err[-500:])
    lines = [x for x in err.splitlines() if '"GET /v1/ports/443 HTTP/1.1" 200' in x]
    check("one Common Log Format line per request",
          len(lines) >= 1 and lines[0].startswith("127.0.0.1 - - [") and "+0000]" in lines[0], err[:500])
    check("the log escapes what the client sent",
          all("\x01" not in x for x in err.splitlines()))

    # ---- --cors, a replaced index ----------------------------------------------
    idx = os.path.join(TMP, "reg.idx")
    shutil.copy(hostile_index(PORTKIT, TMP), idx)
    srv = Server(PORTKIT, "--quiet", "--index", idx, "--cors", "https://example.org", env=ENV)
    st, hdr, body = srv.request("/v1/ports/443")
    check("--cors: Access-Control-Allow-Origin", hdr.get("access-control-allow-origin") == "https://example.org")
    st, hdr, body = srv.request("/v1/ports/443", method="OPTIONS")
    check("--cors: preflight answered 204", st == 204 and "GET" in hdr.get("access-control-allow-methods", ""))
    st, hdr, body = srv.request("/v1/ports/4443")
    rc, out, err = cli(PORTKIT, "--json", "--index", idx, *L, "4443", env=ENV)
    check("hostile registry: the same escaped JSON as the CLI", st == 200 and body == out)
    check("hostile registry: no raw control byte in JSON",
          all(b < 0x20 and b in (0x0a,) or b >= 0x20 for b in body) and b"\x7f" not in body
          and b"\x1b" not in body)
    doc = json.loads(body)
    check("hostile registry: the markup is kept as text",
          "<script>" in doc["queries"][0]["records"][0]["description"])
    _, _, h1 = srv.request("/v1/health")
    n1 = json.loads(h1)["records"]
    # `portkit import` over the file (an atomic rename), as `portkit update` does.
    rc, out, err = cli(PORTKIT, "import", os.path.join(os.path.dirname(__file__), "../data/cli/registry.csv"),
                       "-o", idx, env=ENV)
    time.sleep(1.2)
    _, _, h2 = srv.request("/v1/health")
    n2 = json.loads(h2)["records"]
    check("a replaced index is served (%d -> %d records)" % (n1, n2), rc == 0 and n1 != n2)
    rc, err = srv.stop()
    check("--quiet: no request log", "GET" not in err, err[:300])

    # ---- listening ----------------------------------------------------------------
    rc, out, err = cli(PORTKIT, "serve", "--listen", "nonsense", env=ENV)
    check("a bad --listen is a usage error (2)", rc == 2 and b"--listen" in err, err)
    rc, out, err = cli(PORTKIT, "serve", "--listen", "example.org:80", env=ENV)
    check("a host name is refused (no DNS)", rc == 2 and b"IP address" in err, err)
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    rc, out, err = cli(PORTKIT, "serve", "--listen", "127.0.0.1:%d" % busy.getsockname()[1], env=ENV)
    busy.close()
    check("a port in use: exit 3 with the reason", rc == 3 and b"in use" in err, err)
    v6 = socket.has_ipv6
    if v6:
        try:
            p = __import__("subprocess").Popen([PORTKIT, "serve", "--quiet", "--listen", "[::1]:0"],
                                               stdout=__import__("subprocess").PIPE, env=ENV)
            line = p.stdout.readline().decode()
            port = int(line.rsplit(":", 1)[1].strip("/\n"))
            c = socket.create_connection(("::1", port), timeout=10)
            c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                d = c.recv(4096)
                if not d:
                    break
                data += d
            check("IPv6: [::1]:0", data.startswith(b"HTTP/1.1 200"), data[:100])
            p.terminate()
            p.wait()
        except OSError as e:
            print("SKIP: IPv6: [::1]:0 (%s)" % e)
    # systemd socket activation: a socket passed as descriptor 3.
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    port = ls.getsockname()[1]
    import subprocess
    p = subprocess.Popen(["sh", "-c", 'exec 3<&%d; LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" serve --quiet' % ls.fileno(),
                          PORTKIT], stdout=subprocess.PIPE, pass_fds=(ls.fileno(),), env=ENV)
    line = p.stdout.readline().decode()
    ls.close()
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = c.recv(100)
    c.close()
    p.terminate()
    p.wait()
    check("socket activation: LISTEN_FDS", data.startswith(b"HTTP/1.1 200") and str(port) in line, (line, data))

    shutil.rmtree(TMP, ignore_errors=True)


main()
