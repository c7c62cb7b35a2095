#!/usr/bin/env node
// Runs every sigstore/model-transparency vector (../shared/interop/model-transparency/cases.tsv)
// through `custody verify`, like `model_signing verify <method>`: each case must give its
// expected outcome, and each passing case must fail (exit 1, the changed file named) after one
// byte of one signed file is flipped (in a copy).
//
//   CUSTODY=build/dev/custody SHARED=../shared node model_transparency.js key,certificate
//   ... node model_transparency.js sigstore
//
// Sigstore rows need offline keyless verification (provenance/sigstore.c). While that answers
// "unsupported" (exit 2), they are reported as skipped; when every selected case is skipped
// the script exits 77 (ctest: skipped). Exit 1 on any wrong outcome.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { readCases } = require('./cases');

const CUSTODY = path.resolve(process.env.CUSTODY || 'build/dev/custody');
const SHARED = path.resolve(process.env.SHARED || '../shared');
const methods = (process.argv[2] || 'key,certificate').split(',');

const suite = path.join(SHARED, 'interop', 'model-transparency');
const rows = readCases(path.join(suite, 'cases.tsv'));

function argsFor(r) {
  const a = ['verify', r.model_path, '--signature', r.signature];
  if (r.method === 'key') a.push('--key', r.public_key);
  else if (r.method === 'certificate') a.push('--cert-chain', r.certificate_chain);
  else a.push('--trusted-root', r.trusted_root, '--identity', r.identity, '--issuer', r.identity_provider);
  for (const p of r.ignore_paths ? r.ignore_paths.split(',') : []) a.push('--ignore-paths', p);
  return a;
}

function run(cwd, args) {
  const p = spawnSync(CUSTODY, args, { cwd, encoding: 'utf8' });
  return { rc: p.status, out: p.stdout || '', err: p.stderr || '' };
}

const unsupported = (res) => res.rc === 2 && /unsupported/.test(res.err);

// A writable copy of the interop tree for the tamper runs (the model-transparency and sigstore
// folders; relative paths between them stay valid).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-mt-'));
for (const d of ['model-transparency', 'sigstore']) {
  fs.cpSync(path.join(SHARED, 'interop', d), path.join(tmp, 'interop', d), { recursive: true });
}
spawnSync('chmod', ['-R', 'u+w', tmp]);

function signedFile(model) {
  const st = fs.statSync(model);
  if (st.isFile()) return model;
  const all = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!['model.sig', 'ignore-me'].includes(e.name)) all.push(p);
    }
  };
  walk(model);
  all.sort();
  return all[0];
}

let ok = 0, bad = 0, skipped = 0;
for (const r of rows) {
  if (!methods.includes(r.method)) continue;
  const cwd = path.join(suite, r.cwd);
  const res = run(cwd, argsFor(r));
  if (unsupported(res)) {
    skipped++;
    console.log(`skip ${r.case}: ${res.err.trim()}`);
    continue;
  }
  const want = r.expect === 'pass' ? 0 : 1;
  if (res.rc !== want) {
    bad++;
    console.log(`FAIL ${r.case}: exit ${res.rc}, expected ${want}\n${res.out}${res.err}`);
    continue;
  }
  if (r.expect !== 'pass') {
    ok++;
    console.log(`ok   ${r.case} (rejected: ${res.err.trim().split('\n').pop()})`);
    continue;
  }
  // tamper: flip the first byte of one signed file in the copy
  const tcwd = path.join(tmp, 'interop', 'model-transparency', r.cwd);
  const victim = signedFile(path.join(tcwd, r.model_path));
  const orig = fs.readFileSync(victim);
  const changed = Buffer.from(orig.length > 0 ? orig : Buffer.from([0]));
  changed[0] ^= orig.length > 0 ? 0x01 : 0x00;
  fs.writeFileSync(victim, changed);
  const t = run(tcwd, argsFor(r));
  fs.writeFileSync(victim, orig);
  const name = path.basename(victim);
  if (t.rc !== 1 || !(t.out + t.err).includes(name) || !/changed/.test(t.out + t.err)) {
    bad++;
    console.log(`FAIL ${r.case}: flipping a byte of ${name} gave exit ${t.rc}, expected 1 naming it\n${t.out}${t.err}`);
    continue;
  }
  const back = run(tcwd, argsFor(r));
  if (back.rc !== 0) {
    bad++;
    console.log(`FAIL ${r.case}: the restored copy does not verify (exit ${back.rc})\n${back.err}`);
    continue;
  }
  ok++;
  console.log(`ok   ${r.case} (and a flipped byte in ${name} is caught)`);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`model-transparency [${methods}]: ${ok} ok, ${bad} failed, ${skipped} skipped`);
if (bad > 0) process.exit(1);
if (ok === 0 && skipped > 0) process.exit(77);
