"""Checks an idp-push delivery on the receiving side (Python 3.7+, standard library only).

    X-IDP-Timestamp: 1734170400
    X-IDP-Signature: sha256=<lowercase hex of HMAC-SHA256(key = UTF-8 bytes of the webhook secret,
                                                        message = b"<timestamp>." + raw body bytes)>

Sign the raw body bytes (Flask: request.get_data(); Django: request.body; FastAPI: await request.body()),
never json.dumps(json.loads(body)). Compare in constant time, reject stale timestamps, and deduplicate
on X-IDP-Delivery-Id: a delivery may arrive more than once.

Flask:
    @app.post("/hooks/idp")
    def idp_hook():
        if not is_valid(SECRET, request.headers.get("X-IDP-Timestamp"),
                        request.headers.get("X-IDP-Signature"), request.get_data()):
            abort(401)
        event = request.get_json()
        ...
        return "", 204

Try it: python3 verify.py <secret> <X-IDP-Timestamp> <X-IDP-Signature> < body.json   (exit status 0 = valid)
"""
import hashlib
import hmac
import sys
import time

TOLERANCE_SECONDS = 300


def is_valid(secret, timestamp_header, signature_header, body, now=None):
    if not secret or not timestamp_header or not signature_header:
        return False
    timestamp_header = timestamp_header.strip()
    if not timestamp_header.isdigit():
        return False
    timestamp = int(timestamp_header)
    now = int(time.time()) if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False  # too old or from the future: possibly a replay
    if isinstance(body, str):
        body = body.encode("utf-8")
    digest = hmac.new(secret.encode("utf-8"), str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    expected = "sha256=" + digest.hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), signature_header.strip().encode("utf-8"))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: python3 verify.py <secret> <X-IDP-Timestamp> <X-IDP-Signature> < body", file=sys.stderr)
        sys.exit(2)
    valid = is_valid(sys.argv[1], sys.argv[2], sys.argv[3], sys.stdin.buffer.read())
    print("valid" if valid else "invalid")
    sys.exit(0 if valid else 1)
