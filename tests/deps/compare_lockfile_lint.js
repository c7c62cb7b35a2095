#!/usr/bin/env node
/* Side-by-side comparison of lockfile-lint (npm) and `custody scan` on the fixtures of
 * tests/fixtures/deps/lockfile-lint/ (one lockfile per directory, made by make_fixtures.py).
 * lockfile-lint runs with --validate-https --validate-integrity --allowed-hosts npm yarn
 * --validate-package-names (in-process, through its CLI's runValidators). A file counts as
 * flagged by Custody when the scan could not read or parse it (status error, exit 2) or
 * reports a deps/ finding at low or above. Fails when lockfile-lint
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
const lintdir = path.join(src, 'tests', 'node_modules', 'lockfile-lint');
const SEV = ['info', 'low', 'medium', 'high', 'critical'];


if (!fs.existsSync(lintdir)) {
    process.stderr.write('lockfile-lint is not installed (run make test-deps)\n');
    process.exit(77);
}
const { runValidators } = require(path.join(lintdir, 'src', 'main.js'));

function scan(...files) {
    const r = spawnSync(custody, ['scan', '--format', 'json', '--fail-on', 'critical', ...files],
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

/* The osv-scalibr lockfile fixtures (tests/fixtures/deps/scalibr, see its README) as well:
 * each is copied under its real name (package-lock.json / yarn.lock) into a temporary
 * directory, since both tools recognise lockfiles by name. */
const work = fs.mkdtempSync(path.join(require('os').tmpdir(), 'custody-lint-'));
const inputs = cases.map((c) => {
    const f = fs.readdirSync(path.join(dir, c))[0];
    return { name: c, file: path.join(dir, c, f), type: f === 'yarn.lock' ? 'yarn' : 'npm' };
});
const scalibr = path.join(src, 'tests', 'fixtures', 'deps', 'scalibr');
for (const [sub, ext, type, real] of [['package-lock', '.json', 'npm', 'package-lock.json'],
                                      ['yarn', '.lock', 'yarn', 'yarn.lock']]) {
    const d = path.join(scalibr, sub);
    if (!fs.existsSync(d)) {
        continue;
    }
    for (const f of fs.readdirSync(d).filter((x) => x.endsWith(ext)).sort()) {
        const to = path.join(work, `${sub}-${f}`);
        fs.mkdirSync(to);
        fs.copyFileSync(path.join(d, f), path.join(to, real));
        inputs.push({ name: `scalibr ${sub}/${f}`, file: path.join(to, real), type });
    }
}

/* one scan over every input (the scan itself fails closed: exit 2 when any input is
 * unreadable or a named lockfile does not parse) */
const all = scan(...inputs.map((x) => x.file));
if (all.report === null) {
    process.stderr.write('custody scan printed no JSON report\n');
    process.exit(1);
}

let failures = 0;
const rows = [];
for (const { name: c, file, type } of inputs) {
    /* lockfile-lint in-process (the CLI's own runValidators with the validators its
     * command line above builds): one node start instead of one per file */
    const lint = (aliases) => {
        const errors = [];
        const saved = console.error;
        console.error = (...a) => errors.push(a.join(' '));
        let status = 0;
        try {
            const opts = { emptyHostname: true, allowedHosts: ['npm', 'yarn'],
                           allowedPackageNameAliases: aliases, integrityExclude: undefined };
            const r = runValidators({ path: file, type, validators: [
                { name: 'validateHosts', values: ['npm', 'yarn'], options: opts },
                { name: 'validateHttps', values: true, options: opts },
                { name: 'ValidatePackageNames', values: true, options: opts },
                { name: 'validateIntegrity', values: true, options: opts }] });
            status = r.validatorFailures !== 0 ? 1 : 0;
        } catch (e) {
            status = 2; /* the CLI prints ABORTING and exits 1 */
        } finally {
            console.error = saved;
        }
        return { status, out: errors.join('\n') };
    };
    const l = lint(undefined);
    const out = l.out;
    /* lockfile-lint's verdict: "flagged" (issues), "cannot parse" (it aborts: yarn Berry
     * lockfiles, which it does not support, and lockfiles without packages), "aliases only"
     * (every issue is an npm alias "x": "npm:y@1", which --allowed-package-name-aliases
     * accepts: Custody audits the real package y under its own name), "unsupported" (a yarn
     * Berry lockfile: lockfile-lint reads its "npm:" resolutions as URLs with a bad
     * protocol), or "pass". */
    let lintv = l.status === 0 ? 'pass' : 'flagged';
    if (l.status === 2) {
        lintv = 'cannot parse';
    } else if (l.status !== 0) {
        const pairs = [];
        const re = /different name: (\S+)\s+expected: \S+\s+actual: (\S+)/g;
        let m;
        while ((m = re.exec(out)) !== null) {
            pairs.push(`${m[1]}:${m[2]}`);
        }
        const text = fs.readFileSync(file, 'utf8');
        const esc = (x) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
        /* only aliases the lockfile declares: yarn "x@npm:y@range", npm v1 version
         * "npm:y@1", npm v2/v3 "node_modules/x": { "name": "y", ... } */
        const declared = pairs.every((pr) => {
            const [x, y] = pr.split(/:(?=[^:]*$)/);
            return new RegExp(`${esc(x)}@npm:${esc(y)}@`).test(text) ||
                   new RegExp(`"${esc(x)}":\\s*\\{[^}]*"version":\\s*"npm:${esc(y)}@`).test(text) ||
                   new RegExp(`node_modules/${esc(x)}":\\s*\\{[^}]*"name":\\s*"${esc(y)}"`).test(text);
        });
        if (/^__metadata:/m.test(text)) {
            lintv = 'unsupported (yarn Berry)';
        } else if (pairs.length > 0 && declared && lint(pairs).status === 0) {
            lintv = 'aliases only';
        }
    }
    const linted = lintv === 'flagged';
    const rules = new Set();
    const fr = all.report.files.find((f) => f.path === file);
    /* a file the scan could not read or parse is not passed */
    let flagged = fr === undefined || fr.status === 'error';
    for (const f of all.report.findings.filter((x) => x.path === file)) {
        const rule = f.rule_id || f.rule;
        if (rule.startsWith('deps/') && SEV.indexOf(f.severity) >= 1) {
            flagged = true;
            rules.add(`${rule} (${f.severity})`);
        }
    }
    if (fr === undefined || fr.status === 'error') {
        rules.add('error');
    }
    const ok = !linted || flagged;
    if (!ok) {
        failures++;
    }
    rows.push(`| ${c} | ${lintv} | ${flagged ? 'flagged' : 'pass'} | ` +
              `${[...rules].join(', ') || '-'} |${ok ? '' : ' **MISSED**'}`);
}
process.stdout.write('| fixture | lockfile-lint | custody | custody rules |\n|---|---|---|---|\n');
process.stdout.write(rows.join('\n') + '\n');
process.stdout.write(`missed: ${failures}\n`);
fs.rmSync(work, { recursive: true, force: true });
process.exit(failures === 0 ? 0 : 1);
