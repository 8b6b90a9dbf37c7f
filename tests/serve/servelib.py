"""servelib.py - what the `portkit serve` tests share: starting the real
server on 127.0.0.1 port 0, HTTP requests, PASS/FAIL lines."""
import http.client
import os
import signal
import subprocess
import sys
import tempfile

failures = 0


def check(name, cond, detail=""):
    global failures
    if cond:
        print("PASS: " + name)
    else:
        failures += 1
        print("FAIL: " + name)
        if detail:
            for line in str(detail).splitlines()[:20]:
                print("    " + line)
    sys.stdout.flush()
    return cond


class Server:
    """`portkit serve` on 127.0.0.1:0; url is what it printed."""

    def __init__(self, portkit, *args, env=None):
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [portkit, "serve", "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=self.err, env=env)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("portkit: serving http://"):
            self.proc.kill()
            self.proc.wait()
            self.err.seek(0)
            raise RuntimeError("server did not start: %r %r" % (line, self.err.read()))
        self.url = line.split("serving ", 1)[1].strip()
        hostport = self.url[len("http://"):].rstrip("/")
        self.host, port = hostport.rsplit(":", 1)
        self.port = int(port)

    def request(self, path, method="GET", headers=None, timeout=30):
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        c.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            c.putheader(k, v)
        c.endheaders()
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body

    def stop(self):
        """SIGTERM; returns the exit status and what it wrote to stderr."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.err.seek(0)
        return rc, self.err.read().decode(errors="replace")


def cli(portkit, *args, env=None):
    p = subprocess.run([portkit, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout, p.stderr


def hostile_index(portkit, tmp):
    """A registry whose strings hold markup, quotes and control bytes,
    imported into an index (the path)."""
    csv = os.path.join(tmp, "hostile.csv")
    with open(csv, "wb") as f:
        f.write(b"Service Name,Port Number,Transport Protocol,Description,Assignee,"
                b"Contact,Registration Date,Modification Date,Reference,Service Code,"
                b"Unauthorized Use Reported,Assignment Notes\n")
        f.write(b"https,443,tcp,http protocol over TLS/SSL,,,,,,,,\n")
        f.write(b"kerberos,88,tcp,Kerberos,,,,,,,,\n")
        f.write(b"evil,4443,tcp,\"<script>window.__pwned=1</script><img src=x "
                b"onerror=\"\"window.__pwned=2\"\"> 'single' \x01\x1b[31m\x7f\",,,,,,,,"
                b"\"<b>note</b>\"\n")
    idx = os.path.join(tmp, "hostile.idx")
    rc, out, err = cli(portkit, "import", csv, "-o", idx)
    if rc != 0:
        raise RuntimeError("import failed: %r" % err)
    return idx
