#!/usr/bin/env node
// Cross-implementation check: a bundle `custody sign` writes with a P-256 key verifies with npm
// @sigstore/verify (the DSSE signature over the PAE, the key found by publicKey.hint), and its
// statement lists each file with the SHA-256 node computes, under a root digest node recomputes
// and `custody digest` prints. A changed payload and a different key are rejected by
// @sigstore/verify too. (P-384/P-521 are not checked here: @sigstore/verify hashes DSSE with
// SHA-256 for every EC key, see shared/interop/README.md.)
//
//   CUSTODY=build/dev/custody node sigstore_js_verify.js
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const CUSTODY = path.resolve(process.env.CUSTODY || 'build/dev/custody');
const mods = path.join(__dirname, '..', 'node_modules');
let sv, sb;
try {
  sv = require(path.join(mods, '@sigstore', 'verify'));
  sb = require(path.join(mods, '@sigstore', 'bundle'));
} catch (e) {
  console.log(`@sigstore/verify is not installed (make test-deps): ${e.message.split('\n')[0]}`);
  process.exit(1);
}

function custody(args) {
  const p = spawnSync(CUSTODY, args, { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`custody ${args.join(' ')}: exit ${p.status}\n${p.stderr}`);
  return p.stdout;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-sjs-'));
let failures = 0;
const check = (cond, what) => {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures++;
};
try {
  const model = path.join(tmp, 'my-model');
  fs.mkdirSync(path.join(model, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(model, 'weights.bin'), crypto.randomBytes(300000));
  fs.writeFileSync(path.join(model, 'config.json'), '{"layers": 2}\n');
  fs.writeFileSync(path.join(model, 'sub', 'tokenizer.txt'), 'a b c\n');
  fs.writeFileSync(path.join(model, 'sub.txt'), 'after sub/ in component order\n');
  const key = path.join(tmp, 'k');
  custody(['keygen', '-o', key]);
  const sig = path.join(model, 'model.sig');
  custody(['sign', model, '--key', key, '--signature', sig]);
  const json = JSON.parse(fs.readFileSync(sig, 'utf8'));
  const pem = fs.readFileSync(`${key}.pub`);

  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
  };
  const verify = (bundleJson, keyPem) => {
    const hint = bundleJson.verificationMaterial.publicKey.hint;
    const der = crypto.createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
    const tm = sv.toTrustMaterial(trustedRoot, { [hint]: { rawBytes: der } });
    const v = new sv.Verifier(tm, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    return v.verify(sv.toSignedEntity(sb.bundleFromJSON(bundleJson)));
  };
  let okVerify = false;
  try {
    verify(json, pem);
    okVerify = true;
  } catch (e) {
    console.log(e);
  }
  check(okVerify, '@sigstore/verify accepts the custody bundle (P-256, DSSE, publicKey.hint)');

  // the hint is SHA-256 of the PEM SubjectPublicKeyInfo
  const spki = crypto.createPublicKey(pem).export({ type: 'spki', format: 'pem' });
  check(json.verificationMaterial.publicKey.hint ===
        crypto.createHash('sha256').update(spki).digest('hex'), 'publicKey.hint = sha256(SPKI PEM)');

  // the statement: every file's digest, the root digest, the signature left out
  const st = JSON.parse(Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8'));
  const names = st.predicate.resources.map((r) => r.name);
  check(JSON.stringify(names) ===
        JSON.stringify(['config.json', 'sub/tokenizer.txt', 'sub.txt', 'weights.bin']),
  `resources in component order without the signature: ${names}`);
  let allMatch = true;
  const root = crypto.createHash('sha256');
  for (const r of st.predicate.resources) {
    const d = crypto.createHash('sha256').update(fs.readFileSync(path.join(model, r.name))).digest('hex');
    allMatch = allMatch && d === r.digest && r.algorithm === 'sha256';
    root.update(Buffer.from(r.digest, 'hex'));
  }
  check(allMatch, 'each resource digest is the SHA-256 node computes');
  const rootHex = root.digest('hex');
  check(st.subject[0].digest.sha256 === rootHex && st.subject[0].name === 'my-model',
    'subject = model name + SHA-256 over the raw resource digests');
  const dig = custody(['digest', model, '--ignore-paths', sig]).trim();
  check(dig === `sha256:${rootHex}`, `custody digest prints the same root (${dig})`);

  // negatives: a changed payload, another key
  const forged = JSON.parse(JSON.stringify(json));
  forged.dsseEnvelope.payload = Buffer.from(
    Buffer.from(json.dsseEnvelope.payload, 'base64').toString('utf8').replace('my-model', 'my-modem'),
  ).toString('base64');
  let rejected = false;
  try { verify(forged, pem); } catch (e) { rejected = /signature/i.test(String(e.message)); }
  check(rejected, '@sigstore/verify rejects an edited statement');
  custody(['keygen', '-o', path.join(tmp, 'other')]);
  rejected = false;
  try { verify(json, fs.readFileSync(path.join(tmp, 'other.pub'))); } catch (e) {
    rejected = /signature/i.test(String(e.message));
  }
  check(rejected, '@sigstore/verify rejects the bundle under another key');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failures > 0 ? 1 : 0);
