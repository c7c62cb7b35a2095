/*
 * Reads a conformance suite's cases.tsv: a header row of column names, then one case a row;
 * a '-' cell is an empty value. Shared by model_transparency.js and oms_conformance.js.
 */
'use strict';
const fs = require('fs');

function readCases(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    const o = {};
    head.forEach((h, i) => { o[h] = c[i] === '-' ? '' : c[i]; });
    return o;
  });
}

module.exports = { readCases };
