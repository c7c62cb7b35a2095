/*
 * Checks shared by scan.js and selftest.js: the JSON report against docs/scan-report.schema.json
 * plus invariants a schema cannot say, and SARIF against the OASIS 2.1.0 schema plus what GitHub
 * code scanning relies on. Each check appends to `problems`.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function need(mod) {
    try {
        return require(mod);
    } catch (e) {
        console.error(`cannot load '${mod}': run 'make test-deps' (cd tests && npm install)`);
        process.exit(1);
    }
}

/* Problems found so far; the checks append, callers read and reset. */
const problems = [];
function check(cond, msg) {
    if (!cond) {
        problems.push(msg);
    }
}

function loadJson(file) {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function rulesCatalogue(custody) {
    const r = spawnSync(custody, ['rules', '--format', 'json'], { encoding: 'utf8' });
    check(r.status === 0, `custody rules --format json exited ${r.status}`);
    const cat = JSON.parse(r.stdout);
    const m = new Map();
    for (const rule of cat.rules) {
        m.set(rule.id, rule);
    }
    return m;
}

const SEVS = ['info', 'low', 'medium', 'high', 'critical'];

function maxSeverity(sevs) {
    const m = Math.max(-1, ...sevs.map((s) => SEVS.indexOf(s)));
    return m < 0 ? 'none' : SEVS[m];
}

function checkJsonReport(doc, status, catalogue, srcdir) {
    const Ajv2020 = need('ajv/dist/2020');
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const schema = loadJson(path.join(srcdir, 'docs', 'scan-report.schema.json'));
    const validate = ajv.compile(schema);
    if (!validate(doc)) {
        for (const e of validate.errors) {
            problems.push(`schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
        }
        return;
    }
    const s = doc.summary;
    check(s.files === doc.files.length, `summary.files ${s.files} != files[] ${doc.files.length}`);
    for (const st of ['scanned', 'skipped', 'error']) {
        const key = st === 'error' ? 'errors' : st;
        const n = doc.files.filter((f) => f.status === st).length;
        check(s[key] === n, `summary.${key} ${s[key]} != ${n} files with status ${st}`);
    }
    for (const sev of SEVS) {
        const n = doc.findings.filter((f) => f.severity === sev).length;
        check(s.findings[sev] === n, `summary.findings.${sev} ${s.findings[sev]} != ${n}`);
    }
    check(s.bytes_read === doc.files.reduce((a, f) => a + f.bytes_read, 0), 'bytes_read total');
    check(s.bytes_total === doc.files.reduce((a, f) => a + f.size, 0), 'bytes_total total');
    /* findings[] is grouped by file, in files[] order */
    let k = 0;
    for (const f of doc.files) {
        let max = -1;
        for (let j = 0; j < f.findings; j++, k++) {
            const fd = doc.findings[k];
            if (fd === undefined) {
                problems.push(`files[${f.path}].findings = ${f.findings} but findings[] ran out`);
                break;
            }
            check(fd.path === f.path, `finding ${k} path ${fd.path} is not ${f.path}`);
            check(fd.location.startsWith(fd.path),
                  `finding ${k} location ${fd.location} does not start with its path`);
            max = Math.max(max, SEVS.indexOf(fd.severity));
        }
        check(f.max_severity === (max < 0 ? null : SEVS[max]),
              `files[${f.path}].max_severity ${f.max_severity} != ${max < 0 ? null : SEVS[max]}`);
        check(f.status === 'scanned' || f.reason !== null, `files[${f.path}]: ${f.status}, no reason`);
        check(f.status !== 'skipped' || f.format === null, `files[${f.path}]: skipped with a format`);
    }
    check(k === doc.findings.length, `findings[] has ${doc.findings.length - k} findings no file counts`);
    for (const fd of doc.findings) {
        check(catalogue.has(fd.rule_id), `rule_id ${fd.rule_id} is not in the rule catalogue`);
    }
    const failOn = SEVS.indexOf(doc.fail_on);
    const want = s.errors > 0 ? 'error'
        : doc.findings.some((f) => SEVS.indexOf(f.severity) >= failOn) ? 'fail' : 'pass';
    check(doc.verdict === want, `verdict ${doc.verdict}, expected ${want}`);
    const exitFor = { pass: 0, fail: 1, error: 2 };
    check(status === exitFor[doc.verdict], `exit ${status} disagrees with verdict ${doc.verdict}`);
    return {
        verdict: doc.verdict,
        findings: doc.findings.length,
        errors: s.errors,
        rules: doc.findings.map((f) => f.rule_id),
        maxSeverity: maxSeverity(doc.findings.map((f) => f.severity)),
    };
}

function checkSarifReport(doc, status, catalogue, shared) {
    const AjvDraft04 = need('ajv-draft-04');
    const addFormats = need('ajv-formats');
    /* The published schema's "language" pattern is not valid with the u flag. */
    const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const schemaFile = path.join(shared, 'interop', 'sarif', 'sarif-2.1.0-rtm.5.json');
    const validate = ajv.compile(loadJson(schemaFile));
    if (!validate(doc)) {
        for (const e of validate.errors.slice(0, 20)) {
            problems.push(`sarif schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
        }
        return;
    }
    check(doc.runs.length === 1, 'one run');
    const run = doc.runs[0];
    const rules = run.tool.driver.rules;
    check(rules.length === catalogue.size, `driver.rules has ${rules.length}, catalogue ${catalogue.size}`);
    for (const r of rules) {
        const c = catalogue.get(r.id);
        check(c !== undefined, `driver rule ${r.id} not in the catalogue`);
        const ss = Number(r.properties['security-severity']);
        check(typeof r.properties['security-severity'] === 'string' && ss >= 0 && ss <= 10,
              `rule ${r.id}: security-severity must be a string number 0-10 (GitHub)`);
    }
    const levels = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
    for (const [i, res] of run.results.entries()) {
        check(rules[res.ruleIndex] !== undefined && rules[res.ruleIndex].id === res.ruleId,
              `result ${i}: ruleIndex ${res.ruleIndex} does not name ${res.ruleId}`);
        const sev = res.properties['custody-severity'];
        check(levels[sev] === res.level, `result ${i}: level ${res.level} for severity ${sev}`);
        const uri = res.locations[0].physicalLocation.artifactLocation.uri;
        check(/^[A-Za-z0-9\-._~/%]+$/.test(uri), `result ${i}: uri ${uri} not percent-encoded`);
        check(res.message.text.length > 0, `result ${i}: empty message`);
    }
    const inv = run.invocations[0];
    const failed = inv.toolExecutionNotifications.length > 0;
    check(inv.executionSuccessful === !failed,
          'executionSuccessful must be false exactly when notifications report errors');
    check(status === 2 ? failed : !failed, `exit ${status} but executionSuccessful ${inv.executionSuccessful}`);
    const verdict = failed ? 'error' : status === 1 ? 'fail' : 'pass';
    return {
        verdict,
        findings: run.results.length,
        errors: inv.toolExecutionNotifications.length,
        rules: run.results.map((r) => r.ruleId),
        maxSeverity: maxSeverity(run.results.map((r) => r.properties['custody-severity'])),
    };
}

module.exports = { need, problems, check, loadJson, rulesCatalogue, checkJsonReport, checkSarifReport };
