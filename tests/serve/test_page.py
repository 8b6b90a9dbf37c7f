#!/usr/bin/env python3
"""test_page.py PORTKIT ARTEFACTS - the web page of `portkit serve` in a
real headless chromium, driven through the DevTools protocol over
--remote-debugging-pipe (file descriptors 3 and 4, NUL-separated JSON):
typing 443 shows https, typing "kerber" shows 88, permalinks open their
answer, the map renders and a click on it opens a port, and a registry
holding <script>, quotes and control bytes renders inert.  Screenshots at
desktop and phone widths go to ARTEFACTS.  Prints PASS:/FAIL:/SKIP:."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from servelib import Server, check, hostile_index  # noqa: E402

PORTKIT = sys.argv[1]
ARTEFACTS = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp()


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


class Browser:
    """One chromium, one page, commands over the pipe."""

    def __init__(self, exe, tmp):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--mute-audio",
             "--remote-debugging-pipe", "--user-data-dir=" + os.path.join(tmp, "profile"),
             "about:blank"],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")

    def send(self, method, params=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        return self.next_id

    def read(self, timeout=30):
        deadline = time.time() + timeout
        while b"\0" not in self.buf:
            import select
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError("no message from chromium")
            r, _, _ = select.select([self.from_child], [], [], left)
            if r:
                chunk = os.read(self.from_child, 1 << 20)
                if not chunk:
                    raise EOFError("chromium closed the pipe")
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, timeout=30):
        i = self.send(method, params)
        while True:
            m = self.read(timeout)
            if m.get("id") == i:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def eval(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("page: %s" % r["exceptionDetails"])
        return r["result"].get("value")

    def wait(self, expr, timeout=15):
        """Polls expr until it is truthy; returns its last value."""
        deadline = time.time() + timeout
        v = None
        while time.time() < deadline:
            v = self.eval(expr)
            if v:
                return v
            time.sleep(0.1)
        return v

    def goto(self, url):
        self.events = []
        self.call("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete'")

    def size(self, width, height, mobile=False):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def type(self, text):
        self.eval("(function(){var q=document.getElementById('q'); q.focus(); q.value=''; return 1})()")
        for ch in text:
            self.call("Input.dispatchKeyEvent", {"type": "keyDown", "text": ch, "key": ch})
            self.call("Input.dispatchKeyEvent", {"type": "keyUp", "key": ch})

    def click(self, x, y):
        for t in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": t, "x": x, "y": y,
                                                   "button": "left", "clickCount": 1})

    def errors(self):
        return [e for e in self.events if e.get("method") in
                ("Runtime.exceptionThrown",) or
                (e.get("method") == "Runtime.consoleAPICalled" and
                 e["params"].get("type") == "error")]

    def close(self):
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


RESULTS = "document.getElementById('results').innerText"


def main():
    exe = find_chromium()
    if exe is None:
        print("SKIP: page in chromium (no chromium; ./bootstrap installs it)")
        return
    tmp = tempfile.mkdtemp()
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = os.path.join(tmp, "xdg")
    env.pop("PORTKIT_INDEX", None)
    os.makedirs(ARTEFACTS, exist_ok=True)
    srv = Server(PORTKIT, "--quiet", env=env)
    b = Browser(exe, tmp)
    try:
        b.size(1280, 900)
        b.goto(srv.url)
        b.type("443")
        text = b.wait(RESULTS + ".indexOf('https') >= 0 && " + RESULTS) or ""
        check("typing 443 shows https", "https" in text, text[:300])
        check("  ... with the record's origin", "IANA registry" in text, text[:300])
        check("  ... and the permalink #/443", b.eval("location.hash") == "#/443")
        b.type("kerber")
        text = b.wait(RESULTS + ".indexOf('88/') >= 0 && " + RESULTS) or ""
        check("typing kerber shows 88", "88/tcp" in text or "88/udp" in text, text[:300])
        check("  ... and the permalink #/search/kerber", b.eval("location.hash") == "#/search/kerber")
        b.goto(srv.url + "#/search/multicast")
        text = b.wait(RESULTS + ".toLowerCase().indexOf('multicast') >= 0 && " + RESULTS) or ""
        check("permalink #/search/multicast opens its answer", "ulticast" in text and
              b.eval("document.getElementById('q').value") == "multicast", text[:200])
        b.goto(srv.url + "#/53/udp")
        text = b.wait(RESULTS + ".indexOf('domain') >= 0 && " + RESULTS) or ""
        check("permalink #/53/udp opens its answer", "domain" in text and "53/udp" in text, text[:200])
        # Keyboard: / focuses the search, ArrowDown walks into the results.
        b.eval("document.activeElement.blur(); 1")
        b.call("Input.dispatchKeyEvent", {"type": "keyDown", "key": "/", "text": "/"})
        check("keyboard: / focuses the search", b.eval("document.activeElement.id") == "q")
        b.call("Input.dispatchKeyEvent", {"type": "keyDown", "key": "ArrowDown",
                                          "code": "ArrowDown", "windowsVirtualKeyCode": 40})
        check("keyboard: ArrowDown reaches a result",
              b.eval("document.activeElement.className") == "card")

        # The map: drawn with several colours; a click opens the port.
        b.goto(srv.url)
        ready = b.wait("document.getElementById('map').getAttribute('data-ready')")
        colours = b.eval("""(function(){var c=document.getElementById('map');
            var d=c.getContext('2d').getImageData(0,0,c.width,c.height).data, s={};
            for (var i=0;i<d.length;i+=4*97) s[d[i]+','+d[i+1]+','+d[i+2]]=1;
            return Object.keys(s).length})()""")
        check("map renders (%s colours)" % colours, ready and colours >= 4)
        # Port 80: row 0, column 80 of 256 cells.
        rect = b.eval("""(function(){var r=document.getElementById('map').getBoundingClientRect();
            return [r.left, r.top, r.width, r.height]})()""")
        b.eval("document.getElementById('map').scrollIntoView(); 1")
        rect = b.eval("""(function(){var r=document.getElementById('map').getBoundingClientRect();
            return [r.left, r.top, r.width, r.height]})()""")
        b.click(rect[0] + rect[2] * (80.5 / 256), rect[1] + rect[3] * (0.5 / 256))
        text = b.wait(RESULTS + ".indexOf('80/') >= 0 && " + RESULTS) or ""
        check("a click on the map opens the port (80)", b.eval("location.hash") == "#/80" and "http" in text,
              (b.eval("location.hash"), text[:200]))
        check("no script error or CSP violation", b.errors() == [], b.errors()[:3])

        # Screenshots: desktop and phone widths, an answer and the map.
        b.goto(srv.url + "#/443")
        b.wait(RESULTS + ".indexOf('https') >= 0")
        b.wait("document.getElementById('map').getAttribute('data-ready')")
        b.screenshot(os.path.join(ARTEFACTS, "serve-desktop.png"))
        b.size(390, 844, mobile=True)
        b.goto(srv.url + "#/search/kerberos")
        b.wait(RESULTS + ".indexOf('88/') >= 0")
        overflow = b.eval("document.documentElement.scrollWidth <= window.innerWidth + 1")
        check("phone width: nothing wider than the screen", overflow)
        b.screenshot(os.path.join(ARTEFACTS, "serve-phone.png"))
        check("screenshots written", os.path.getsize(os.path.join(ARTEFACTS, "serve-desktop.png")) > 10000
              and os.path.getsize(os.path.join(ARTEFACTS, "serve-phone.png")) > 5000)
        srv.stop()

        # A hostile registry: markup, quotes and control bytes stay text.
        idx = hostile_index(PORTKIT, tmp)
        srv = Server(PORTKIT, "--quiet", "--index", idx, env=env)
        b.size(1280, 900)
        b.goto(srv.url + "#/4443")
        text = b.wait(RESULTS + ".indexOf('<script>') >= 0 && " + RESULTS) or ""
        check("hostile registry: <script> shown as text", "<script>window.__pwned=1</script>" in text, text[:300])
        check("hostile registry: nothing ran",
              b.eval("typeof window.__pwned") == "undefined")
        check("hostile registry: no element made from the data",
              b.eval("document.querySelectorAll('#results script, #results img, #results b').length") == 0)
        check("hostile registry: control bytes escaped",
              b.eval("/[\\x00-\\x08\\x0b-\\x1f\\x7f]/.test(" + RESULTS + ")") is False)
        b.type("evil")
        text = b.wait(RESULTS + ".indexOf('4443') >= 0 && " + RESULTS) or ""
        check("hostile registry: search shows it inert too", "4443" in text and
              b.eval("typeof window.__pwned") == "undefined")
        srv.stop()
    finally:
        b.close()
        shutil.rmtree(tmp, ignore_errors=True)


main()
