// The strings in web/assets/i18n.js (no browser): both languages have every
// key, and every key the pages and scripts use exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { STRINGS, LANGS } from '../../web/assets/i18n.js';
import { REPO } from './helpers.mjs';

const WEB = path.join(REPO, 'web');
const en = Object.keys(STRINGS.en);

test('English and Chinese have the same keys, none empty', () => {
	assert.deepEqual(Object.keys(LANGS).sort(), ['en', 'zh']);
	assert.deepEqual(Object.keys(STRINGS.zh).sort(), [...en].sort());
	for (const l of Object.keys(LANGS))
		for (const [k, v] of Object.entries(STRINGS[l])) assert.ok(typeof v === 'string' && v.trim() !== '', `${l}: ${k} is empty`);
});

test('the same placeholders in both languages', () => {
	const vars = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
	for (const k of en) assert.deepEqual(vars(STRINGS.zh[k]), vars(STRINGS.en[k]), k);
});

test('the Chinese strings are Chinese', () => {
	// Every Chinese string that is not just a name or a code has Han characters.
	const untranslated = en.filter((k) => STRINGS.zh[k] === STRINGS.en[k] && /[a-z]{4,}/i.test(STRINGS.en[k]));
	assert.deepEqual(untranslated, []);
});

test('every key used by the pages and scripts exists, and the HTML carries the English text', () => {
	const used = new Set();
	for (const f of fs.readdirSync(WEB).filter((n) => n.endsWith('.html'))) {
		const html = fs.readFileSync(path.join(WEB, f), 'utf8');
		for (const m of html.matchAll(/<(\w+)[^>]*\sdata-i18n="([^"]+)"[^>]*>([^<]*)</g)) {
			used.add(m[2]);
			assert.ok(STRINGS.en[m[2]] !== undefined, `${f}: unknown key ${m[2]}`);
			const text = m[3].replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
			assert.equal(text, STRINGS.en[m[2]], `${f}: the text of ${m[2]} differs from i18n.js`);
		}
		for (const m of html.matchAll(/data-i18n-attr="([^"]+)"/g))
			for (const pair of m[1].split(',')) {
				const key = pair.split(':')[1];
				used.add(key);
				assert.ok(STRINGS.en[key] !== undefined, `${f}: unknown key ${key}`);
			}
	}
	const assets = path.join(WEB, 'assets');
	for (const f of fs.readdirSync(assets).filter((n) => n.endsWith('.js') && n !== 'i18n.js')) {
		const js = fs.readFileSync(path.join(assets, f), 'utf8');
		for (const m of js.matchAll(/(?:\bt\(|key: |'data-i18n': |title: )'([a-z][\w.]*)'/g)) {
			used.add(m[1]);
			assert.ok(STRINGS.en[m[1]] !== undefined, `${f}: unknown key ${m[1]}`);
		}
	}
	assert.ok(used.size > 50, `only ${used.size} keys found in use`);
});
