#!/usr/bin/env node
// Runs the OMS conformance suite (sampras343/model-signing-conformance, copied to
// ../shared/interop/model-signing-conformance) through oms-adapter.sh, the suite's adapter
// shape, the way upstream test/test_verify.py and test/test_roundtrip.py drive a client:
// verify cases copy the model to a temporary place, apply the modifications and verify the
// committed bundle; roundtrip cases sign (bundle inside the model when asked), check the bundle
// (OMS schemas when ajv is installed, statement fields, sorted relative resources, root digest,
// signature excluded), then verify it, and sign twice for `*-deterministic`.
//
//   CUSTODY=build/dev/custody SHARED=../shared node oms_conformance.js
//
// Skipped: Sigstore roundtrips (live Fulcio/Rekor and an OIDC token), and Sigstore verify cases
// while keyless verification answers "unsupported". Exit 1 on any wrong outcome.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { readCases } = require('./cases');

const CUSTODY = path.resolve(process.env.CUSTODY || 'build/dev/custody');
const SHARED = path.resolve(process.env.SHARED || '../shared');
const ADAPTER = path.join(__dirname, 'oms-adapter.sh');
const SUITE = path.join(SHARED, 'interop', 'model-signing-conformance');
const ASSETS = path.join(SUITE, 'assets');
const SPEC = path.join(SHARED, 'interop', 'model-signing-spec', 'schemas', 'v1.0');
const ENV = {
  SIGSTORE_IDENTITY: 'untrusted-sa@sigstore-conformance.iam.gserviceaccount.com',
  SIGSTORE_ISSUER: 'https://accounts.google.com',
  ...process.env,
};

// OMS schemas (JSON Schema 2020-12), when the test tools are installed
let validateBundle = null;
try {
  const Ajv2020 = require(path.join(__dirname, '..', 'node_modules', 'ajv', 'dist', '2020'));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  for (const n of ['envelope', 'predicate', 'statement', 'bundle']) {
    ajv.addSchema(JSON.parse(fs.readFileSync(path.join(SPEC, `${n}.schema.json`), 'utf8')));
  }
  validateBundle = ajv.getSchema('https://model_signing/bundle/v1.0/schema');
} catch (e) {
  console.log(`note: OMS schema checks off (${e.message.split('\n')[0]}); run make test-deps`);
}

const rows = readCases(path.join(SUITE, 'cases.tsv'));

function adapter(args) {
  const p = spawnSync('bash', [ADAPTER, ...args], {
    encoding: 'utf8', env: { ...ENV, CUSTODY, SHARED },
  });
  return { rc: p.status, out: (p.stdout || '') + (p.stderr || '') };
}

function envVar(s) {
  const m = /^\$\{(.+)\}$/.exec(s || '');
  return m ? ENV[m[1]] || s : s;
}

function applyMods(dir, mods) {
  if (!mods) return;
  for (const [f, t] of Object.entries(mods.tamper || {})) fs.writeFileSync(path.join(dir, f), t);
  for (const f of mods.delete || []) fs.rmSync(path.join(dir, f), { force: true });
  for (const [f, t] of Object.entries(mods.inject || {})) fs.writeFileSync(path.join(dir, f), t);
  for (const [n, t] of Object.entries(mods.symlinks || {})) {
    fs.mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    fs.symlinkSync(t, path.join(dir, n));
  }
}

function copyModel(src, tmp) {
  if (fs.statSync(src).isFile()) {
    const dst = path.join(tmp, path.basename(src));
    fs.copyFileSync(src, dst);
    return dst;
  }
  const dst = path.join(tmp, 'model');
  fs.cpSync(src, dst, { recursive: true });
  spawnSync('chmod', ['-R', 'u+w', dst]);
  return dst;
}

function verifyArgs(cfg, model, bundle) {
  const v = cfg.verify || {};
  const a = ['verify-model', '--method', cfg.method, '--model-path', model, '--bundle', bundle];
  if (v.public_key) {
    let k = path.join(ASSETS, v.public_key);
    // known gap (README): upstream names a key that does not exist; use an existing P-256 key
    if (!fs.existsSync(k)) k = path.join(ASSETS, 'keys/self-signed/signing-key-pub.pem');
    a.push('--public-key', k);
  }
  for (const c of v.cert_chain || []) a.push('--cert-chain', path.join(ASSETS, c));
  if (v.identity) a.push('--identity', envVar(v.identity));
  if (v.identity_provider) a.push('--identity-provider', envVar(v.identity_provider));
  const mdir = fs.statSync(model).isDirectory() ? model : path.dirname(model);
  for (const p of v.ignore_paths || []) a.push('--ignore-paths', path.join(mdir, p));
  if (v.ignore_unsigned_files) a.push('--ignore-unsigned-files');
  return a;
}

function statement(bundle) {
  const b = JSON.parse(fs.readFileSync(bundle, 'utf8'));
  return { b, s: JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8')) };
}

const SHARD = /:\d+:\d+$/;
function signedFiles(bundle) {
  return statement(bundle).s.predicate.resources.map((r) => r.name).filter((n) => !SHARD.test(n))
    .sort();
}

// Python's sorted() on str: code-point order
const pySorted = (a) => [...a].sort((x, y) => {
  const X = [...x], Y = [...y];
  for (let i = 0; i < Math.min(X.length, Y.length); i++) {
    if (X[i] !== Y[i]) return X[i].codePointAt(0) - Y[i].codePointAt(0);
  }
  return X.length - Y.length;
});

function checkBundle(bundle, model, insideModel) {
  const errs = [];
  if (validateBundle && !validateBundle(JSON.parse(fs.readFileSync(bundle, 'utf8')))) {
    errs.push(`schema: ${JSON.stringify(validateBundle.errors.slice(0, 3))}`);
  }
  const { b, s } = statement(bundle);
  if (b.dsseEnvelope.payloadType !== 'application/vnd.in-toto+json') errs.push('payloadType');
  if (s._type !== 'https://in-toto.io/Statement/v1') errs.push('_type');
  if (s.predicateType !== 'https://model_signing/signature/v1.0') errs.push('predicateType');
  if (!Array.isArray(s.subject) || s.subject.length !== 1 || !s.subject[0].name ||
      !s.subject[0].digest || !s.subject[0].digest.sha256) errs.push('subject');
  const ser = s.predicate.serialization || {};
  if (!['files', 'shards'].includes(ser.method) || !('hash_type' in ser) ||
      !('allow_symlinks' in ser)) errs.push('serialization');
  if (ser.method === 'files' && 'shard_size' in ser) errs.push('shard_size with files');
  const res = s.predicate.resources || [];
  if (res.length === 0) errs.push('no resources');
  for (const r of res) {
    if (!r.name || !r.digest || !r.algorithm) errs.push(`resource fields ${r.name}`);
    if (r.name.startsWith('/') || r.name.includes('../') || r.name.endsWith('/')) {
      errs.push(`resource name ${r.name}`);
    }
  }
  const names = res.map((r) => r.name);
  if (JSON.stringify(names) !== JSON.stringify(pySorted(names))) errs.push('resources not sorted');
  const root = crypto.createHash('sha256');
  for (const r of res) root.update(Buffer.from(r.digest, 'hex'));
  if (s.subject[0].digest.sha256 !== root.digest('hex')) errs.push('root digest');
  if (insideModel && names.includes(path.relative(model, bundle))) errs.push('bundle signed');
  return errs;
}

const unsupported = (r) => r.rc === 2 && /unsupported/.test(r.out);
let ok = 0, bad = 0, skipped = 0;
const fail = (c, why) => { bad++; console.log(`FAIL ${c}: ${why}`); };

for (const row of rows) {
  const dir = row.suite === 'verify'
    ? path.join(SUITE, 'test-cases', 'verify', row.category, row.case)
    : path.join(SUITE, 'test-cases', 'roundtrip', row.case);
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-oms-'));
  try {
    const src = cfg.model_relative_to === 'test_dir'
      ? path.join(dir, cfg.model) : path.join(ASSETS, cfg.model);
    const model = copyModel(src, tmp);
    if (row.suite === 'verify') {
      applyMods(fs.statSync(model).isDirectory() ? model : path.dirname(model),
        cfg.model_modifications);
      const bundle = path.join(dir, 'bundle.sig');
      if (cfg.expect === 'pass' && validateBundle && fs.statSync(bundle).size > 0 &&
          !validateBundle(JSON.parse(fs.readFileSync(bundle, 'utf8')))) {
        fail(row.case, 'the committed bundle breaks the OMS schema');
        continue;
      }
      const r = adapter(verifyArgs(cfg, model, bundle));
      if (unsupported(r)) { skipped++; console.log(`skip ${row.case}: keyless unsupported`); continue; }
      if (cfg.expect === 'fail') {
        if (r.rc === 0) fail(row.case, `verified, expected a rejection\n${r.out}`);
        else { ok++; console.log(`ok   ${row.case} (rejected, exit ${r.rc})`); }
        continue;
      }
      if (r.rc !== 0) { fail(row.case, `exit ${r.rc}\n${r.out}`); continue; }
      if (cfg.expected_signed_files) {
        const got = signedFiles(bundle);
        if (JSON.stringify(got) !== JSON.stringify(pySorted(cfg.expected_signed_files))) {
          fail(row.case, `signed files ${got}`);
          continue;
        }
      }
      ok++;
      console.log(`ok   ${row.case}`);
      continue;
    }
    // roundtrip
    if (cfg.method === 'sigstore') {
      skipped++;
      console.log(`skip ${row.case}: Sigstore signing needs live Fulcio/Rekor and an OIDC token`);
      continue;
    }
    applyMods(model, cfg.model_modifications);
    const bundle = cfg.sig_inside_model ? path.join(model, 'bundle.sig') : path.join(tmp, 'bundle.sig');
    const sign = (out) => {
      const s = cfg.sign || {};
      const a = ['sign-model', '--method', cfg.method, '--model-path', model, '--output-bundle', out];
      if (s.private_key) a.push('--private-key', path.join(ASSETS, s.private_key));
      if (s.signing_cert) a.push('--signing-cert', path.join(ASSETS, s.signing_cert));
      for (const c of s.cert_chain || []) a.push('--cert-chain', path.join(ASSETS, c));
      for (const p of (cfg.verify || {}).ignore_paths || []) a.push('--ignore-paths', path.join(model, p));
      return adapter(a);
    };
    const sr = sign(bundle);
    if (cfg.expect === 'fail') {
      if (sr.rc === 0) fail(row.case, 'signing succeeded, expected a refusal');
      else { ok++; console.log(`ok   ${row.case} (signing refused: ${sr.out.trim().split('\n').pop()})`); }
      continue;
    }
    if (sr.rc !== 0 || !fs.existsSync(bundle)) { fail(row.case, `sign exit ${sr.rc}\n${sr.out}`); continue; }
    const errs = checkBundle(bundle, model, cfg.sig_inside_model);
    if (errs.length > 0) { fail(row.case, `bundle: ${errs.join('; ')}`); continue; }
    const v = cfg.verify || {};
    if (v.ignore_unsigned_files && (v.ignore_paths || []).length > 0) {
      fs.writeFileSync(path.join(model, 'injected.bin'), 'injected after signing\n');
    }
    const vr = adapter(verifyArgs(cfg, model, bundle));
    if (vr.rc !== 0) { fail(row.case, `verify exit ${vr.rc}\n${vr.out}`); continue; }
    if (cfg.expected_signed_files &&
        JSON.stringify(signedFiles(bundle)) !== JSON.stringify(pySorted(cfg.expected_signed_files))) {
      fail(row.case, `signed files ${signedFiles(bundle)}`);
      continue;
    }
    if (row.case.includes('deterministic')) {
      const b2 = path.join(tmp, 'bundle2.sig');
      if (sign(b2).rc !== 0 ||
          JSON.stringify(signedFiles(bundle)) !== JSON.stringify(signedFiles(b2))) {
        fail(row.case, 'not deterministic');
        continue;
      }
    }
    ok++;
    console.log(`ok   ${row.case}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
console.log(`model-signing-conformance: ${ok} ok, ${bad} failed, ${skipped} skipped`);
process.exit(bad > 0 ? 1 : 0);
