#!/usr/bin/env node
// Acceptance check (issue 7): every file in which the npm package anti-trojan-source finds a
// bidi control (U+061C, U+200E/F, U+202A-202E, U+2066-2069) must carry a Custody
// <family>/bidi-control finding on the same line. Runs the package's library API and
// `custody scan --format json` over tests/fixtures/agents/{trojan,fire,nearmiss} and prints
// the comparison table of docs/unicode-comparison.md. Exit 0 when Custody covers every file,
// 1 when not, 77 (skip) when the package is not installed (make test-deps installs it).
import { readFileSync, readdirSync, statSync, existsSync } from 'fs'
import { join, resolve, relative } from 'path'
import { execFileSync } from 'child_process'

const src = process.env.SRCDIR || process.cwd()
const pkg = join(src, 'tests/node_modules/anti-trojan-source/src/main.js')
if (!existsSync(pkg)) {
  console.log('anti-trojan-source is not installed (run make test-deps): skipped')
  process.exit(77)
}
const { hasConfusables } = await import(pkg)
const custody = process.env.CUSTODY || join(src, 'build/dev/custody')
const BIDI = new Set(['U+061C', 'U+200E', 'U+200F', 'U+202A', 'U+202B', 'U+202C', 'U+202D',
  'U+202E', 'U+2066', 'U+2067', 'U+2068', 'U+2069'])

function walk (dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else out.push(p)
  }
  return out
}

let failed = 0
const rows = []
for (const set of ['trojan', 'fire', 'nearmiss']) {
  const root = resolve(src, 'tests/fixtures/agents', set)
  let out
  try {
    out = execFileSync(custody, ['scan', '--format', 'json', '--fail-on', 'critical', '--no-progress', root],
      { encoding: 'utf8', maxBuffer: 64 << 20 })
  } catch (e) {
    if (e.status !== 1) throw e
    out = e.stdout
  }
  const report = JSON.parse(out)
  const custodyBidi = new Map()
  for (const f of report.findings) {
    if (f.rule_id.endsWith('/bidi-control')) {
      const k = resolve(f.location)
      custodyBidi.set(k, (custodyBidi.get(k) || []).concat(`${f.rule_id}:${f.line} ${f.severity}`))
    }
  }
  for (const file of walk(root, [])) {
    if (file.endsWith('.py') && file.includes('make_')) continue
    const text = readFileSync(file, 'utf8')
    const found = hasConfusables({ sourceText: text, detailed: true })
    const atsBidi = found.filter((x) => BIDI.has(x.codePoint))
    const atsOther = found.filter((x) => !BIDI.has(x.codePoint))
    const c = custodyBidi.get(file) || []
    const custodyLines = new Set(c.map((x) => Number(x.split(':')[1].split(' ')[0])))
    // every line anti-trojan-source flags has a Custody finding on that line
    const ok = atsBidi.every((x) => custodyLines.has(x.line))
    if (!ok) failed++
    if (atsBidi.length > 0 || c.length > 0 || set === 'nearmiss') {
      const lines = [...new Set(atsBidi.map((x) => x.line))].join(',')
      rows.push(`| ${set}/${relative(root, file)} | ${atsBidi.length ? `${atsBidi.length} (line ${lines})` : '-'}` +
        ` | ${atsOther.length || '-'} | ${c.length ? c.join('; ') : '-'} | ${ok ? 'yes' : '**MISSED**'} |`)
    }
  }
}
console.log('| file | anti-trojan-source bidi findings | its other findings | Custody bidi-control | covered |')
console.log('|---|---|---|---|---|')
for (const r of rows) console.log(r)
if (failed) {
  console.log(`\n${failed} file(s) flagged by anti-trojan-source without a Custody bidi-control finding`)
  process.exit(1)
}
console.log('\nevery bidi finding of anti-trojan-source (file and line) is reported by Custody')
