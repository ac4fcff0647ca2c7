/**
 * The loopback credential endpoint the root side of a run serves for the team process: the
 * container credential provider of the AWS SDKs and CLI (`AWS_CONTAINER_CREDENTIALS_FULL_URI` on a
 * loopback address over http, `AWS_CONTAINER_AUTHORIZATION_TOKEN` sent as the Authorization header;
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html). SDKs call it
 * again before the credentials expire, so a run may last longer than the one hour that role chaining
 * allows one AssumeRole session from instance-role credentials
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining):
 * the server assumes the team role again when the cached session has less than 15 minutes left.
 *
 * Python 3 standard library only (cloud-init needs Python 3, so every image that runs our user data has
 * it). Arguments: role ARN, session name, region, token file, port file. The token comes from a
 * root-only file, never the command line (any user can read every process's arguments). It exits when
 * its parent (the document's script) is gone, so a killed script leaves no server behind.
 */
export const CREDENTIAL_SERVER_PY = `import hmac
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from datetime import datetime

role_arn, session, region, token_file, port_file = sys.argv[1:6]
with open(token_file, encoding="ascii") as f:
    token = f.read().strip().encode()
parent = os.getppid()
lock = threading.Lock()
cached = []


def assume():
    out = subprocess.run(
        ["aws", "sts", "assume-role", "--role-arn", role_arn, "--role-session-name", session,
         "--duration-seconds", "3600", "--region", region, "--output", "json"],
        check=True, capture_output=True, timeout=60).stdout
    c = json.loads(out)["Credentials"]
    expires = datetime.fromisoformat(c["Expiration"].replace("Z", "+00:00")).timestamp()
    body = json.dumps(dict(AccessKeyId=c["AccessKeyId"], SecretAccessKey=c["SecretAccessKey"],
                           Token=c["SessionToken"], Expiration=c["Expiration"])).encode()
    return expires, body


def credentials():
    with lock:
        if not cached or cached[0][0] - time.time() < 900:
            cached[:] = [assume()]
        return cached[0][1]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if not hmac.compare_digest(self.headers.get("Authorization", "").encode(), token):
            self.send_error(403)
            return
        try:
            body = credentials()
        except Exception:
            self.send_error(502)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def watch_parent():
    while os.getppid() == parent:
        time.sleep(2)
    os._exit(0)


credentials()
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=watch_parent, daemon=True).start()
with open(port_file + ".tmp", "w", encoding="ascii") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()`;
