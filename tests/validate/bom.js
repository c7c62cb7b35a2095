#!/usr/bin/env node
/*
 * Validates `custody bom` output: CycloneDX with the official schemas through
 * @cyclonedx/cyclonedx-library's strict JSON validator (1.6 and 1.7), SPDX 3.0.1 with the
 * published JSON schema (../shared/interop/spdx/3.0.1, ajv 2020). Runs custody twice with
 * SOURCE_DATE_EPOCH and requires byte-identical output (determinism), then checks --expect
 * assertions on the content:
 *   model=NAME              a model component / ai_AIPackage named NAME
 *   data=NAME               a data component / dataset_DatasetPackage named NAME
 *   prop=NAME:KEY=VALUE     (CycloneDX) component NAME has property KEY with VALUE
 *   noprop=NAME:KEY         (CycloneDX) component NAME has no property KEY
 *   license=NAME:ID         NAME's licence (CycloneDX id or name; SPDX expression)
 *   ancestor=NAME:BASE      NAME's pedigree.ancestors / ancestorOf names BASE
 *   card=NAME:FIELD=VALUE   (CycloneDX) modelCard.modelParameters.FIELD of NAME
 *   files=NAME:N            NAME lists N files with SHA-256 digests
 *   comment=NAME:TEXT       (SPDX) NAME's comment contains TEXT
 *   components=N            N top-level components (CycloneDX) / packages (SPDX)
 * usage: bom.js [--format cyclonedx|spdx] [--spec-version V] [--expect A]... -- PATH...
 *        bom.js [--format F] --file BOM [--expect A]...   (a BOM written by a unit test)
 * Environment: CUSTODY (binary), SHARED (the shared/ tree).
 */
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const { need } = require('./lib');

const argv = process.argv.slice(2);
let format = 'cyclonedx';
let spec = null;
const expects = [];
let paths = [];
let file = null;
for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--format') {
        format = argv[++i];
    } else if (argv[i] === '--spec-version') {
        spec = argv[++i];
    } else if (argv[i] === '--file') {
        file = argv[++i];
    } else if (argv[i] === '--expect') {
        expects.push(argv[++i]);
    } else if (argv[i] === '--') {
        paths = argv.slice(i + 1);
        break;
    } else {
        console.error(`unknown argument ${argv[i]}`);
        process.exit(2);
    }
}
const custody = process.env.CUSTODY || 'custody';
const shared = process.env.SHARED || path.join(__dirname, '..', '..', '..', 'shared');
const problems = [];
const check = (c, m) => {
    if (!c) problems.push(m);
};

function run() {
    const args = ['bom', '--format', format];
    if (spec) args.push('--spec-version', spec);
    const r = spawnSync(custody, args.concat(paths), {
        encoding: 'utf8',
        env: Object.assign({}, process.env, { SOURCE_DATE_EPOCH: '1700000000' }),
        maxBuffer: 1 << 28,
    });
    if (r.status !== 0) {
        console.error(`custody bom exited ${r.status}: ${r.stderr}`);
        process.exit(1);
    }
    return r.stdout;
}

async function main() {
    const out = file ? fs.readFileSync(file, 'utf8') : run();
    if (!file) check(out === run(), 'two runs with the same SOURCE_DATE_EPOCH differ (not deterministic)');
    const doc = JSON.parse(out);
    if (format === 'cyclonedx') {
        const CDX = need('@cyclonedx/cyclonedx-library');
        const ver = (spec || '1.6') === '1.7' ? CDX.Spec.Version.v1dot7 : CDX.Spec.Version.v1dot6;
        check(doc.specVersion === (spec || '1.6'), `specVersion ${doc.specVersion}`);
        check(doc.metadata.timestamp === '2023-11-14T22:13:20Z', 'timestamp not SOURCE_DATE_EPOCH');
        const v = new CDX.Validation.JsonStrictValidator(ver);
        const err = await v.validate(out);
        if (err !== null) problems.push(`CycloneDX ${spec || '1.6'} schema: ${JSON.stringify(err, null, 1)}`);
        /* the validator must be able to fail: a broken copy is refused */
        const bad = JSON.parse(out);
        bad.components.push({ type: 'machine-learning-model', name: 'x', hashes: [{ alg: 'SHA-256', content: 'nothex' }] });
        check((await v.validate(JSON.stringify(bad))) !== null, 'the CycloneDX validator accepted a broken BOM');
        cdxExpect(doc);
    } else {
        const Ajv2020 = need('ajv/dist/2020');
        const addFormats = need('ajv-formats');
        const ajv = new Ajv2020({ allErrors: true, strict: false });
        addFormats(ajv);
        const schema = JSON.parse(
            fs.readFileSync(path.join(shared, 'interop', 'spdx', '3.0.1', 'spdx-json-schema.json'), 'utf8'));
        const validate = ajv.compile(schema);
        if (!validate(doc)) {
            for (const e of validate.errors.slice(0, 20)) {
                problems.push(`SPDX 3.0.1 schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
            }
        }
        const bad = JSON.parse(out);
        bad['@graph'].push({ type: 'ai_AIPackage', spdxId: 'urn:x:y', creationInfo: '_:creationinfo', ai_safetyRiskAssessment: 'bogus' });
        check(!validate(bad), 'the SPDX validator accepted a broken BOM');
        spdxChecks(doc);
        spdxExpect(doc);
    }
    if (problems.length) {
        for (const p of problems) console.error(p);
        process.exit(1);
    }
    console.log(`ok: ${format} ${spec || ''} ${expects.length} expectations`);
}

function split(arg) {
    const eq = arg.indexOf('=');
    return [arg.slice(0, eq), arg.slice(eq + 1)];
}

function cdxExpect(doc) {
    const comps = doc.components || [];
    const byName = (n) => comps.filter((c) => c.name === n);
    const refs = new Set();
    const walk = (cs) => {
        for (const c of cs || []) {
            if (c['bom-ref']) {
                check(!refs.has(c['bom-ref']), `duplicate bom-ref ${c['bom-ref']}`);
                refs.add(c['bom-ref']);
            }
            walk(c.components);
        }
    };
    walk(comps);
    for (const c of comps) {
        for (const d of ((c.modelCard || {}).modelParameters || {}).datasets || []) {
            if (d.ref) check(refs.has(d.ref), `modelCard dataset ref ${d.ref} names no component`);
        }
    }
    for (const e of expects) {
        const [k, v] = split(e);
        const [name, rest] = [v.slice(0, v.indexOf(':')), v.slice(v.indexOf(':') + 1)];
        const c = byName(v.includes(':') ? name : v)[0];
        if (k === 'model' || k === 'data') {
            const want = k === 'model' ? 'machine-learning-model' : 'data';
            check(comps.some((x) => x.type === want && (x.name === v || `${x.group}/${x.name}` === v)),
                `no ${want} component named ${v}`);
        } else if (k === 'components') {
            check(comps.length === Number(v), `${comps.length} components, expected ${v}`);
        } else if (k === 'comment') {
            /* SPDX-only expectation */
        } else if (!c) {
            problems.push(`no component named ${name} (for ${e})`);
        } else if (k === 'prop' || k === 'noprop') {
            const [pk, pv] = split(rest + (k === 'noprop' ? '=' : ''));
            const props = (c.properties || []).filter((p) => p.name === (k === 'noprop' ? rest : pk));
            if (k === 'noprop') check(props.length === 0, `${name} has property ${rest}`);
            else check(props.some((p) => p.value === pv), `${name}: no property ${pk}=${pv} (has ${JSON.stringify(props)})`);
        } else if (k === 'license') {
            const ls = (c.licenses || []).map((l) => (l.license || {}).id || (l.license || {}).name || l.expression);
            check(ls.includes(rest), `${name}: licences ${JSON.stringify(ls)} lack ${rest}`);
        } else if (k === 'ancestor') {
            const an = ((c.pedigree || {}).ancestors || []).map((a) => (a.group ? a.group + '/' : '') + a.name);
            check(an.includes(rest), `${name}: ancestors ${JSON.stringify(an)} lack ${rest}`);
        } else if (k === 'card') {
            const [f, fv] = split(rest);
            const mp = (c.modelCard || {}).modelParameters || {};
            check(String(mp[f]) === fv, `${name}: modelCard ${f} is ${mp[f]}, expected ${fv}`);
        } else if (k === 'files') {
            const n = c.components ? c.components.filter((f) => f.type === 'file' && (f.hashes || []).some((h) => h.alg === 'SHA-256' && /^[0-9a-f]{64}$/.test(h.content))).length
                                   : (c.hashes || []).length;
            check(n === Number(rest), `${name}: ${n} hashed files, expected ${rest}`);
        } else {
            problems.push(`unknown expectation ${e}`);
        }
    }
}

function spdxChecks(doc) {
    const ids = new Set(doc['@graph'].filter((e) => e.spdxId).map((e) => e.spdxId));
    const docEl = doc['@graph'].find((e) => e.type === 'SpdxDocument');
    check(docEl, 'no SpdxDocument');
    for (const e of doc['@graph']) {
        if (e.type === 'Relationship') {
            check(ids.has(e.from), `relationship from unknown ${e.from}`);
            for (const t of e.to) check(ids.has(t), `relationship to unknown ${t}`);
        }
    }
    for (const r of (docEl || {}).rootElement || []) check(ids.has(r), `root element ${r} unknown`);
}

function spdxExpect(doc) {
    const g = doc['@graph'];
    const pk = g.filter((e) => ['ai_AIPackage', 'dataset_DatasetPackage', 'software_Package'].includes(e.type));
    const rels = g.filter((e) => e.type === 'Relationship');
    const byId = new Map(g.filter((e) => e.spdxId).map((e) => [e.spdxId, e]));
    for (const e of expects) {
        const [k, v] = split(e);
        const name = v.includes(':') ? v.slice(0, v.indexOf(':')) : v;
        const rest = v.slice(v.indexOf(':') + 1);
        const p = pk.find((x) => x.name === name && (x.comment || '').startsWith('custody:')) || pk.find((x) => x.name === name);
        if (k === 'model') {
            check(pk.some((x) => x.type === 'ai_AIPackage' && x.name === v), `no ai_AIPackage ${v}`);
        } else if (k === 'data') {
            check(pk.some((x) => x.type === 'dataset_DatasetPackage' && x.name === v), `no dataset_DatasetPackage ${v}`);
        } else if (k === 'components') {
            const n = pk.filter((x) => (doc['@graph'].find((d) => d.type === 'SpdxDocument').rootElement || []).includes(x.spdxId)).length;
            check(n === Number(v), `${n} root packages, expected ${v}`);
        } else if (!p) {
            problems.push(`no package named ${name} (for ${e})`);
        } else if (k === 'license') {
            const ls = rels.filter((r) => r.from === p.spdxId && r.relationshipType === 'hasDeclaredLicense')
                .map((r) => byId.get(r.to[0]).simplelicensing_licenseExpression);
            check(ls.includes(rest), `${name}: licences ${JSON.stringify(ls)} lack ${rest}`);
        } else if (k === 'ancestor') {
            const an = rels.filter((r) => r.relationshipType === 'ancestorOf' && r.to.includes(p.spdxId))
                .map((r) => byId.get(r.from).name);
            check(an.includes(rest), `${name}: ancestors ${JSON.stringify(an)} lack ${rest}`);
        } else if (k === 'files') {
            const fs_ = rels.filter((r) => r.from === p.spdxId && ['contains', 'hasDataFile'].includes(r.relationshipType))
                .flatMap((r) => r.to).filter((t) => (byId.get(t).verifiedUsing || []).some((h) => h.algorithm === 'sha256'));
            const n = fs_.length || (p.verifiedUsing || []).length;
            check(n === Number(rest), `${name}: ${n} hashed files, expected ${rest}`);
        } else if (k === 'comment') {
            check((p.comment || '').includes(rest), `${name}: comment lacks ${rest}: ${p.comment}`);
        } else if (k === 'prop' || k === 'noprop' || k === 'card') {
            /* CycloneDX-only expectations are ignored for SPDX */
        } else {
            problems.push(`unknown expectation ${e}`);
        }
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
