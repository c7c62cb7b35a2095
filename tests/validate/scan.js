#!/usr/bin/env node
/*
 * Runs `custody scan` and validates what it wrote:
 *   --format json   against docs/scan-report.schema.json (JSON Schema 2020-12, ajv), plus the
 *                   invariants a schema cannot say (counts agree, verdict agrees with exit code,
 *                   every rule_id is in the catalogue with findings grouped by file).
 *   --format sarif  against the OASIS SARIF 2.1.0 schema (draft-04, ajv-draft-04) from
 *                   ../shared/interop/sarif/, plus what GitHub code scanning relies on.
 *
 * usage: node scan.js --format json|sarif --exit N[,N...] [--output-file] [--expect K=V]... -- ARGS...
 *   ARGS are passed to `custody scan` after --format; these tokens are replaced by fixtures
 *   made in a fresh temporary directory:
 *     @clean    a directory holding one plain text file (no findings)
 *     @tree     a directory holding a text file, a FIFO and a symlink leaving the tree
 *     @missing  a path that does not exist
 *   --output-file   write the report with -o FILE (stdout must then stay empty)
 *   --expect verdict=pass|fail|error, --expect findings=N, --expect min-findings=N,
 *   --expect errors=N, --expect rule=ID (some finding has this rule id),
 *   --expect max-severity=critical|...|info|none
 * Environment: CUSTODY (binary), SRCDIR (repository root), SHARED (the shared/ tree).
 * Exit 0 when everything holds, 1 otherwise (each problem is printed).
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const {
    problems, check, rulesCatalogue, checkJsonReport, checkSarifReport,
} = require('./lib');

function parseArgs(argv) {
    const o = { format: null, exits: null, outputFile: false, expect: [], rest: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === '--') {
            o.rest = argv.slice(i + 1);
            break;
        } else if (a === '--format') {
            o.format = argv[++i];
        } else if (a === '--exit') {
            o.exits = argv[++i].split(',').map(Number);
        } else if (a === '--output-file') {
            o.outputFile = true;
        } else if (a === '--expect') {
            const kv = argv[++i];
            const eq = kv.indexOf('=');
            o.expect.push([kv.slice(0, eq), kv.slice(eq + 1)]);
        } else {
            throw new Error(`unknown argument ${a}`);
        }
    }
    if (!['json', 'sarif'].includes(o.format) || o.exits === null) {
        throw new Error('--format json|sarif and --exit are required');
    }
    return o;
}

function makeFixtures(tmp) {
    const clean = path.join(tmp, 'clean');
    fs.mkdirSync(clean);
    fs.writeFileSync(path.join(clean, 'notes.txt'), '# plain notes, not a model\n');
    const tree = path.join(tmp, 'tree');
    fs.mkdirSync(tree);
    fs.writeFileSync(path.join(tree, 'notes.txt'), '# plain notes, not a model\n');
    const r = spawnSync('mkfifo', [path.join(tree, 'pipe')]);
    if (r.status !== 0) {
        throw new Error('mkfifo failed');
    }
    fs.symlinkSync('/etc/hostname', path.join(tree, 'escape'));
    return { '@clean': clean, '@tree': tree, '@missing': path.join(tmp, 'no-such-model.pt') };
}

function main() {
    const o = parseArgs(process.argv.slice(2));
    const custody = process.env.CUSTODY;
    const srcdir = process.env.SRCDIR || path.resolve(__dirname, '..', '..');
    const shared = process.env.SHARED || path.resolve(srcdir, '..', 'shared');
    if (!custody) {
        throw new Error('CUSTODY is not set');
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'custody-validate-'));
    try {
        const fx = makeFixtures(tmp);
        const rest = o.rest.map((a) => (a in fx ? fx[a] : a));
        const args = ['scan', '--no-progress', '--format', o.format];
        const outFile = path.join(tmp, `report.${o.format}`);
        if (o.outputFile) {
            args.push('-o', outFile);
        }
        args.push(...rest);
        const r = spawnSync(custody, args, { encoding: 'utf8', cwd: srcdir, timeout: 60000 });
        check(r.error === undefined, `could not run custody: ${r.error}`);
        check(o.exits.includes(r.status), `custody ${args.join(' ')} exited ${r.status}, expected ${o.exits}`);
        let text = r.stdout;
        if (o.outputFile) {
            check(r.stdout === '', 'stdout must be empty with -o FILE');
            text = fs.existsSync(outFile) ? fs.readFileSync(outFile, 'utf8') : '';
        }
        let doc;
        try {
            doc = JSON.parse(text);
        } catch (e) {
            problems.push(`output is not JSON: ${e.message}`);
        }
        if (doc !== undefined) {
            const catalogue = rulesCatalogue(custody);
            const got = o.format === 'json' ? checkJsonReport(doc, r.status, catalogue, srcdir)
                : checkSarifReport(doc, r.status, catalogue, shared);
            for (const [k, v] of got === undefined ? [] : o.expect) {
                if (k === 'verdict') {
                    check(got.verdict === v, `verdict ${got.verdict}, expected ${v}`);
                } else if (k === 'findings') {
                    check(got.findings === Number(v), `${got.findings} findings, expected ${v}`);
                } else if (k === 'min-findings') {
                    check(got.findings >= Number(v), `${got.findings} findings, expected >= ${v}`);
                } else if (k === 'errors') {
                    check(got.errors === Number(v), `${got.errors} errors, expected ${v}`);
                } else if (k === 'max-severity') {
                    check(got.maxSeverity === v, `highest severity ${got.maxSeverity}, expected ${v}`);
                } else if (k === 'rule') {
                    check(got.rules.includes(v), `no finding with rule ${v} (have ${got.rules})`);
                } else {
                    problems.push(`unknown --expect ${k}`);
                }
            }
        }
        if (problems.length > 0) {
            console.log(`custody ${args.join(' ')} (exit ${r.status})`);
            for (const p of problems) {
                console.log(`FAIL ${p}`);
            }
            console.log('--- stderr\n' + r.stderr.slice(0, 2000));
            console.log('--- report\n' + text.slice(0, 4000));
            return 1;
        }
        console.log(`ok: ${o.format} report valid (exit ${r.status})`);
        return 0;
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

try {
    process.exit(main());
} catch (e) {
    console.log(`FAIL ${e.stack}`);
    process.exit(1);
}
