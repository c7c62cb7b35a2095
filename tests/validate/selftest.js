#!/usr/bin/env node
/*
 * The validators must be able to fail: takes a real JSON and SARIF report of a tree with findings
 * (a FIFO and a symlink leaving the tree), checks both pass, then breaks each in one way at a time
 * and checks the break is caught.
 * Environment: CUSTODY, SRCDIR, SHARED as for scan.js.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { problems, rulesCatalogue, checkJsonReport, checkSarifReport } = require('./lib');

const custody = process.env.CUSTODY;
const srcdir = process.env.SRCDIR || path.resolve(__dirname, '..', '..');
const shared = process.env.SHARED || path.resolve(srcdir, '..', 'shared');
let failures = 0;

function report(tree, format) {
    const r = spawnSync(custody, ['scan', '--no-progress', '--fail-on', 'low', '--format', format,
                                  tree], { encoding: 'utf8' });
    if (r.status !== 1) {
        throw new Error(`scan --format ${format} exited ${r.status}, expected 1\n${r.stderr}`);
    }
    return JSON.parse(r.stdout);
}

function expect(name, want, run) {
    problems.length = 0;
    run();
    const ok = want === 'valid' ? problems.length === 0 : problems.length > 0;
    if (!ok) {
        failures++;
        console.log(`FAIL ${name}: expected ${want}, problems: ${JSON.stringify(problems)}`);
    } else {
        console.log(`ok   ${name}${want === 'valid' ? '' : ` (caught: ${problems[0]})`}`);
    }
}

function main() {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-selftest-'));
    try {
        const tree = path.join(tmp, 'tree');
        fs.mkdirSync(tree);
        fs.writeFileSync(path.join(tree, 'notes.txt'), '# plain notes, not a model\n');
        if (spawnSync('mkfifo', [path.join(tree, 'pipe')]).status !== 0) {
            throw new Error('mkfifo failed');
        }
        fs.symlinkSync('/etc/hostname', path.join(tree, 'escape'));
        const cat = rulesCatalogue(custody);
        const json = report(tree, 'json');
        const sarif = report(tree, 'sarif');
        const J = (doc, status = 1) => () => checkJsonReport(doc, status, cat, srcdir);
        const S = (doc, status = 1) => () => checkSarifReport(doc, status, cat, shared);
        const mut = (doc, f) => {
            const c = JSON.parse(JSON.stringify(doc));
            f(c);
            return c;
        };

        expect('json: real report', 'valid', J(json));
        expect('json: findings present', 'valid', () => {
            if (json.findings.length < 2) {
                problems.push('expected findings for the FIFO and the symlink');
            }
        });
        expect('json: missing field', 'invalid', J(mut(json, (d) => delete d.summary.bytes_read)));
        expect('json: unknown field', 'invalid', J(mut(json, (d) => { d.extra = 1; })));
        expect('json: bad severity', 'invalid', J(mut(json, (d) => { d.findings[0].severity = 'severe'; })));
        expect('json: bad schema_version', 'invalid', J(mut(json, (d) => { d.schema_version = '2.0'; })));
        expect('json: offset as string', 'invalid', J(mut(json, (d) => { d.findings[0].offset = '0'; })));
        expect('json: summary count', 'invalid', J(mut(json, (d) => { d.summary.findings.low += 1; })));
        expect('json: verdict', 'invalid', J(mut(json, (d) => { d.verdict = 'pass'; })));
        expect('json: exit status', 'invalid', J(json, 0));
        expect('json: rule not in catalogue', 'invalid',
               J(mut(json, (d) => { d.findings[0].rule_id = 'fs/no-such-rule'; })));
        expect('json: finding of another file', 'invalid',
               J(mut(json, (d) => { d.findings[0].path = 'elsewhere'; })));
        expect('json: max_severity', 'invalid',
               J(mut(json, (d) => { d.files.find((f) => f.findings > 0).max_severity = 'critical'; })));

        expect('sarif: real report', 'valid', S(sarif));
        expect('sarif: wrong version', 'invalid', S(mut(sarif, (d) => { d.version = '2.0.0'; })));
        expect('sarif: bad level', 'invalid', S(mut(sarif, (d) => { d.runs[0].results[0].level = 'fatal'; })));
        expect('sarif: message without text', 'invalid',
               S(mut(sarif, (d) => { d.runs[0].results[0].message = {}; })));
        expect('sarif: ruleIndex', 'invalid', S(mut(sarif, (d) => { d.runs[0].results[0].ruleIndex += 1; })));
        expect('sarif: security-severity', 'invalid',
               S(mut(sarif, (d) => { d.runs[0].tool.driver.rules[0].properties['security-severity'] = 9; })));
        expect('sarif: exit status', 'invalid', S(sarif, 2));
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return failures === 0 ? 0 : 1;
}

try {
    process.exit(main());
} catch (e) {
    console.log(`FAIL ${e.stack}`);
    process.exit(1);
}
