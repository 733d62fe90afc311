#!/usr/bin/env python3
"""Serve a folder on 127.0.0.1 (static files, correct wasm MIME type, no caching)."""
import functools, http.server, socket, sys

root = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 0


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript", ".mjs": "text/javascript"}

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, fmt, *args):
        pass


def main():
    handler = functools.partial(Handler, directory=root)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"irad demo: http://127.0.0.1:{httpd.server_address[1]}/   (Ctrl-C to stop)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


main()
