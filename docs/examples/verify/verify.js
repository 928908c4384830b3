// Checks an idp-push delivery on the receiving side (Node.js 16+, no dependencies).
//
//   X-IDP-Timestamp: 1734170400
//   X-IDP-Signature: sha256=<lowercase hex of HMAC-SHA256(key = UTF-8 bytes of the webhook secret,
//                                                       message = "<timestamp>." + raw body bytes)>
//
// Sign the raw body bytes (a Buffer), never JSON.stringify(JSON.parse(body)): re-serialising changes
// the bytes. Compare in constant time, reject stale timestamps, and deduplicate on X-IDP-Delivery-Id.
//
// Express:
//   app.post('/hooks/idp', express.raw({ type: 'application/json' }), (req, res) => {
//     if (!isValid(process.env.WEBHOOK_SECRET, req.get('X-IDP-Timestamp'), req.get('X-IDP-Signature'), req.body)) {
//       return res.sendStatus(401);
//     }
//     const event = JSON.parse(req.body.toString('utf8'));
//     ...
//     res.sendStatus(204);
//   });
//
// Try it: node verify.js <secret> <X-IDP-Timestamp> <X-IDP-Signature> < body.json   (exit status 0 = valid)
'use strict';

const crypto = require('crypto');

const TOLERANCE_SECONDS = 300;

function isValid(secret, timestampHeader, signatureHeader, body, nowSeconds = Math.floor(Date.now() / 1000)) {
  if (!secret || !timestampHeader || !signatureHeader) return false;
  if (!/^\d+$/.test(String(timestampHeader).trim())) return false;
  const timestamp = Number(String(timestampHeader).trim());
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false; // possibly a replay

  const expected = 'sha256=' + crypto.createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`, 'utf8')
    .update(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'))
    .digest('hex');
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(String(signatureHeader).trim(), 'utf8');
  // timingSafeEqual needs equal lengths; the length of a well-formed signature is no secret
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

module.exports = { isValid, TOLERANCE_SECONDS };

if (require.main === module) {
  const [secret, timestamp, signature] = process.argv.slice(2);
  if (process.argv.length !== 5) {
    console.error('usage: node verify.js <secret> <X-IDP-Timestamp> <X-IDP-Signature> < body');
    process.exit(2);
  }
  const chunks = [];
  process.stdin.on('data', (chunk) => chunks.push(chunk));
  process.stdin.on('end', () => {
    const valid = isValid(secret, timestamp, signature, Buffer.concat(chunks));
    console.log(valid ? 'valid' : 'invalid');
    process.exit(valid ? 0 : 1);
  });
}
