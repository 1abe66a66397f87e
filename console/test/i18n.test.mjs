// No mixed-language screens: both dictionaries have the same words, English has no Chinese (but
// the switch's own 中文), and every t.x.y the pages use exists in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// i18n.js reads localStorage only when asked for the initial language.
const { dictionaries } = await import('../src/i18n.js');
const { zh, en } = dictionaries;
const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;

function keys(o, prefix = '') {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`])).sort();
}
function at(o, path) {
  return path.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o);
}
function texts(o) {
  return keys(o).map(k => {
    const v = at(o, k);
    return [k, typeof v === 'function' ? v(1, 2) : String(v)];
  });
}

test('both languages have the same keys', () => {
  assert.deepEqual(keys(en), keys(zh));
});

test('English has no Chinese characters (but the switch to Chinese)', () => {
  const mixed = texts(en).filter(([k, v]) => k !== 'lang' && CJK.test(v));
  assert.deepEqual(mixed, []);
});

test('Chinese labels are Chinese (every one has a Chinese character, or is a name like SOP, RFM, ID)', () => {
  const allowed = /^(lang|nav\.sop|nav\.rfm|sop\.title|rfm\.title)$/;
  const latinOnly = texts(zh).filter(([k, v]) => !allowed.test(k) && !CJK.test(v) && /[a-z]{3,}/i.test(v));
  assert.deepEqual(latinOnly, []);
});

test('every word the pages ask for exists in both languages', () => {
  const source = readFileSync(new URL('../src/main.js', import.meta.url), 'utf8');
  const used = [...new Set([...source.matchAll(/\bt\.([a-zA-Z]+(?:\.[a-zA-Z0-9]+)*)/g)].map(m => m[1]))];
  assert.ok(used.length > 100, `found ${used.length} uses`);
  const missing = used.filter(p => at(zh, p) === undefined || at(en, p) === undefined);
  assert.deepEqual(missing, []);
});
