#!/usr/bin/env node
/* Side-by-side comparison of lockfile-lint (npm) and `custody scan` on the fixtures of
 * tests/fixtures/deps/lockfile-lint/ (one lockfile per directory, made by make_fixtures.py).
 * lockfile-lint runs with --validate-https --validate-integrity --allowed-hosts npm yarn
 * --validate-package-names. A file counts as flagged by Custody when the scan exits 2 (could
 * not read or parse it) or reports a deps/ finding at low or above. Fails when lockfile-lint
 * flags a file that Custody passes; prints the table docs/deps.md shows.
 * Exit 77 (skipped) when lockfile-lint is not installed (make test-deps) or when this build
 * has no lockfile analyzer yet (a package-lock.json is not recognised as format "deps"). */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const custody = process.env.CUSTODY;
const src = process.env.SRCDIR || path.resolve(__dirname, '..', '..');
const dir = path.join(src, 'tests', 'fixtures', 'deps', 'lockfile-lint');
const lint = path.join(src, 'tests', 'node_modules', '.bin', 'lockfile-lint');
const SEV = ['info', 'low', 'medium', 'high', 'critical'];

if (!fs.existsSync(lint)) {
    process.stderr.write('lockfile-lint is not installed (run make test-deps)\n');
    process.exit(77);
}

function scan(file) {
    const r = spawnSync(custody, ['scan', '--format', 'json', '--fail-on', 'critical', file],
                        { encoding: 'utf8' });
    let report = null;
    try {
        report = JSON.parse(r.stdout);
    } catch (e) {
        report = null;
    }
    return { status: r.status, report };
}

const cases = fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory()).sort();
/* precondition: this build parses package-lock.json */
const probe = scan(path.join(dir, 'npm-clean', 'package-lock.json'));
const files = (probe.report && probe.report.files) || [];
if (files.length !== 1 || files[0].format !== 'deps') {
    process.stderr.write('this build has no package-lock.json analyzer yet\n');
    process.exit(77);
}

let failures = 0;
const rows = [];
for (const c of cases) {
    const files = fs.readdirSync(path.join(dir, c));
    const file = path.join(dir, c, files[0]);
    const type = files[0] === 'yarn.lock' ? 'yarn' : 'npm';
    const l = spawnSync(lint, ['--path', file, '--type', type, '--validate-https',
                               '--validate-integrity', '--allowed-hosts', 'npm', 'yarn',
                               '--validate-package-names'], { encoding: 'utf8' });
    const linted = l.status !== 0;
    const s = scan(file);
    const rules = new Set();
    let flagged = s.status === 2 || s.report === null;
    for (const f of (s.report && s.report.findings) || []) {
        const rule = f.rule_id || f.rule;
        if (rule.startsWith('deps/') && SEV.indexOf(f.severity) >= 1) {
            flagged = true;
            rules.add(`${rule} (${f.severity})`);
        }
    }
    if (s.status === 2) {
        rules.add('exit 2');
    }
    const ok = !linted || flagged;
    if (!ok) {
        failures++;
    }
    rows.push(`| ${c} | ${linted ? 'flagged' : 'pass'} | ${flagged ? 'flagged' : 'pass'} | ` +
              `${[...rules].join(', ') || '-'} |${ok ? '' : ' **MISSED**'}`);
}
process.stdout.write('| fixture | lockfile-lint | custody | custody rules |\n|---|---|---|---|\n');
process.stdout.write(rows.join('\n') + '\n');
process.stdout.write(`missed: ${failures}\n`);
process.exit(failures === 0 ? 0 : 1);
