#!/usr/bin/env python3
"""The search page in a real browser: headless Chromium loads it from a running
`volltext serve`, a query is typed key by key, and the results, snippets and tag
facets are checked in the DOM; clicking a facet must filter and keep the state in
the URL. A screenshot is written for review.

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe),
so only the standard library is needed.

    python3 Tests/Browser/search_page.py VOLLTEXT_BINARY SITE_DIR SCREENSHOT.png

Exit status 0 when every check passes; the failing check is printed otherwise.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


class DevTools:
    """Chrome DevTools protocol over --remote-debugging-pipe: JSON messages
    separated by NUL bytes, written to the browser's fd 3, read from its fd 4."""

    def __init__(self, chromium, profile):
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        # os.pipe() fds close on exec; a pipe end that already is fd 3 or 4 must stay open.
        os.set_inheritable(to_browser_read, True)
        os.set_inheritable(from_browser_write, True)
        self.process = subprocess.Popen(
            [chromium, "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
             "--window-size=1100,1300", "about:blank"],
            # Chromium talks on fds 3 and 4; close_fds would close them again after the dup2.
            close_fds=False,
            preexec_fn=lambda: (os.dup2(to_browser_read, 3), os.dup2(from_browser_write, 4)),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def _read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, seconds=10):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for: {expression}")

    def close(self):
        self.process.kill()
        self.process.wait()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print(f"ok: {message}")


def main():
    volltext, site, screenshot = sys.argv[1:4]
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium is not installed (Debian package: chromium)")
        return 2
    work = tempfile.mkdtemp(prefix="volltext-browser-")
    port = free_port()
    server = subprocess.Popen([volltext, "serve", "--site", site, "--db", os.path.join(work, "index.sqlite"),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    browser = None
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        browser = DevTools(chromium, os.path.join(work, "profile"))
        target = browser.send("Target.createTarget", {"url": "about:blank"}, session=False)
        browser.session = browser.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True},
                                       session=False)["sessionId"]
        browser.send("Page.enable")
        browser.send("Runtime.enable")
        browser.send("Page.navigate", {"url": base + "/"})
        browser.wait_for("document.querySelector('.volltext-input') !== null")

        # Type as a person would: one key at a time, umlaut spelled "ue".
        browser.evaluate("document.querySelector('.volltext-input').focus()")
        for character in "Buergerbeteiligung":
            browser.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": character, "key": character})
            browser.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": character})
        browser.wait_for("document.querySelectorAll('.volltext-hit').length > 0")

        titles = browser.evaluate("[...document.querySelectorAll('.volltext-hit a')].map(a => a.textContent)")
        check(any("Bürgerbeteiligung" in title for title in titles), f"a title with Bürgerbeteiligung among {titles}")
        marks = browser.evaluate("[...document.querySelectorAll('.volltext-snippet mark')].map(m => m.textContent)")
        check(any(mark.startswith("Bürger") for mark in marks), f"snippets mark the original words: {marks}")
        status = browser.evaluate("document.querySelector('.volltext-status').textContent")
        check("Beitr" in status, f"German status line: {status!r}")
        facets = browser.evaluate("[...document.querySelectorAll('.volltext-facet')].map(b => b.textContent)")
        check(len(facets) >= 2 and all("(" in facet for facet in facets), f"tag facets with counts: {facets}")
        check("q=Buergerbeteiligung" in browser.evaluate("location.search"), "the query is kept in the URL")

        # A facet filters the results and shows up as a removable filter.
        browser.evaluate("[...document.querySelectorAll('.volltext-facet')].find(b => b.textContent.startsWith('Umwelt')).click()")
        browser.wait_for("document.querySelectorAll('.volltext-filter').length === 1")
        browser.wait_for("document.querySelectorAll('.volltext-hit').length === 1")
        check("tag=Umwelt" in browser.evaluate("location.search"), "the tag filter is kept in the URL")
        time.sleep(0.3)
        shot = browser.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(screenshot, "wb") as file:
            import base64
            file.write(base64.b64decode(shot))
        print(f"screenshot: {screenshot}")

        # A typo in a long word is searched as the word meant, and the page says so.
        browser.send("Page.navigate", {"url": base + "/?q=Bürgerbeteilgung"})
        browser.wait_for("document.querySelector('.volltext-corrected em') !== null")
        check(browser.evaluate("document.querySelector('.volltext-corrected em').textContent") == "Bürgerbeteiligung",
              "results for the corrected word")
        check(browser.evaluate("document.querySelectorAll('.volltext-hit').length") > 0, "hits for the corrected word")
        # A short word without hits gets the empty state and a suggestion.
        browser.send("Page.navigate", {"url": base + "/?q=Kark"})
        browser.wait_for("document.querySelector('.volltext-suggestion') !== null")
        check(browser.evaluate("document.querySelector('.volltext-suggestion').textContent").startswith("Kart"),
              "did-you-mean suggestion for a short typo")
        return 0
    except AssertionError as failure:
        print(f"FAILED: {failure}")
        return 1
    finally:
        if browser:
            browser.close()
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
