// Every text of the site, in English and Chinese, and the machinery that
// puts them on the page.
//
// In HTML, an element with data-i18n="key" gets the string as its text;
// data-i18n-attr="attr:key,attr2:key2" sets attributes. Scripts call
// t('key', {name: value}) for texts they build; {name} is replaced.
// The HTML carries the English text too, so a page reads even before the
// scripts run. To add a string: add its key to both `en` and `zh` below
// (tests/browser/i18n.test.mjs fails if one language lacks a key).

export const LANGS = {
	en: { label: 'English', htmlLang: 'en', locale: 'en-GB' },
	zh: { label: '中文', htmlLang: 'zh-CN', locale: 'zh-CN' },
};

const STORAGE_KEY = 'goodtrace.lang';

export const STRINGS = {
	en: {
		// site shell
		'site.skip': 'Skip to main content',
		'site.tagline': 'public-good programmes anyone can verify',
		'site.nav': 'Main',
		'site.lang': 'Language',
		'site.footer.about': 'goodtrace is open infrastructure for public-good programmes. Its log is public: anyone can mirror it and verify it.',
		'site.footer.links': 'The log as published',
		'site.footer.checkpoint': 'Current checkpoint',
		'site.footer.vkey': 'Verifier key',
		'site.footer.licence': 'Open source under the Apache License 2.0.',
		'nav.home': 'Home',
		'nav.explorer': 'Log explorer',
		'common.loading': 'Loading…',
		'common.colon': ': ',
		'status.pass': 'Passed',
		'status.fail': 'Failed',
		'status.skip': 'Not checked',

		// the 404 page
		'notfound.title': 'Page not found — goodtrace',
		'notfound.h1': 'Page not found',
		'notfound.lead': "There is no page at this address. It may not exist yet: goodtrace's modules arrive one by one.",
		'notfound.home': 'Go to the home page',
		'notfound.explorer': 'Explore and verify the log',

		// home page
		'home.title': 'goodtrace — public-good programmes anyone can verify',
		'home.description': 'goodtrace records public-good programmes in a public, tamper-evident log that anyone can verify.',
		'home.h1': 'Trust you can check',
		'home.lead': 'goodtrace records every step of public-good programmes — a vaccine batch, a donation, an hour of volunteering, a planted tree — in a public log that anyone can check for themselves, without having to trust us.',
		'home.cta': 'Explore and verify the log',
		'home.public.h2': 'For the public',
		'home.public.p1.t': "Check, don't trust.",
		'home.public.p1.d': "Every record is an entry in a public, append-only log. Your own browser checks the log's signature and the proof that an entry is in it.",
		'home.public.p2.t': 'No personal data on the log.',
		'home.public.p2.d': 'Donors, volunteers and patients appear on it only as pseudonymous references; their private details stay with the organisation that serves them.',
		'home.public.p3.t': 'Anyone can keep a copy.',
		'home.public.p3.d': 'The log follows open standards (C2SP tlog-tiles, signed checkpoints, RFC 6962 hashing), so independent auditors can mirror it, replay it and prove that history was only ever added to.',
		'home.orgs.h2': 'For organisations',
		'home.orgs.p1.t': 'Every change is on the record.',
		'home.orgs.p1.d': 'Registering a batch, recording a donation, confirming volunteer hours: each is written durably to the log before it is acknowledged.',
		'home.orgs.p2.t': 'Scoped access.',
		'home.orgs.p2.d': 'API tokens belong to one organisation and one role, and every write is checked against what that role may do.',
		'home.orgs.p3.t': 'Figures people can believe.',
		'home.orgs.p3.d': 'Anyone can reproduce your public totals from the log, which is what makes them credible.',
		'home.modules.h2': 'What goodtrace does',
		'home.how.h2': 'How checking works',
		'home.how.s1': "The log regularly publishes a checkpoint: its size and a single hash of all its entries, signed with the log's key.",
		'home.how.s2': 'For any entry, the log gives a short proof: the few hashes that link that entry to the checkpoint.',
		'home.how.s3': 'Your browser recomputes the hashes and checks the signature itself. If anything was changed, the check fails.',
		'module.trace.name': 'Vaccine & medicine safety check',
		'module.trace.desc': 'Scan a pack to see where it came from and whether it has been recalled, has expired, or is unknown to the log (a possible counterfeit).',
		'module.give.name': 'Transparent donations',
		'module.give.desc': 'Follow each donation to what it paid for, with receipts, and see campaign accounts anyone can reproduce.',
		'module.volunteer.name': 'Volunteering',
		'module.volunteer.desc': 'Find opportunities that match your skills; hours are confirmed by the organisation and certificates can be verified.',
		'module.green.name': 'Green energy & trees',
		'module.green.desc': 'Low-carbon actions grow a virtual tree; real trees are planted by partners and their survival is recorded.',
		'module.alert.name': 'Missing-person alerts',
		'module.alert.desc': 'Verified alerts from the police and verified publishers, sent to the area where they can help.',
		'module.coming': 'Coming soon',
		'module.open': 'Open',

		// explorer page
		'explorer.title': 'Log explorer — goodtrace',
		'explorer.description': "See the goodtrace log's signed checkpoint and entries, and verify any entry in your own browser.",
		'explorer.h1': 'Log explorer',
		'explorer.lead': "See what the public log holds and check any entry yourself. Your browser verifies every signature and proof with its own cryptography: the only thing it takes from this server on trust is the log's verifier key, which you can compare with the one the operator publishes.",
		'key.h2': 'Verifier key',
		'key.intro': "Everything below is checked against this public key. If you obtained the log's key from somewhere else (the operator's announcement, a newspaper, an auditor), make sure it is the same.",
		'key.source.server': 'Fetched from this server (/log/vkey).',
		'key.source.user': 'Entered by you: everything on this page is checked against it.',
		'key.other.summary': 'Use a verifier key from elsewhere',
		'key.other.label': 'Verifier key (name+key id+key)',
		'key.other.submit': 'Use this key',
		'key.err.load': 'The verifier key could not be loaded: {detail}',
		'key.err.invalid': 'This is not a valid verifier key. It looks like name+1a2b3c4d+AbC…, with an Ed25519 key.',
		'key.none': 'No verifier key: nothing can be verified.',
		'cp.h2': 'Current checkpoint',
		'cp.intro': "The checkpoint is the log's signed statement of how many entries it holds and the single hash (the root) that covers all of them.",
		'cp.origin': 'Origin (the log’s name)',
		'cp.size': 'Size (entries)',
		'cp.root': 'Root hash',
		'cp.note': 'Signed note, exactly as published',
		'cp.checks': 'Checks of this checkpoint',
		'cp.err.load': 'The checkpoint could not be loaded: {detail}',
		'cp.err.malformed': 'The checkpoint is malformed: {detail}',
		'cp.ok': 'The current checkpoint is signed by the log’s key.',
		'cp.fail': 'Warning: the current checkpoint does not verify under the verifier key.',
		'check.signature.t': 'The checkpoint’s Ed25519 signature verifies under the verifier key',
		'check.signature.pass': 'Signature by {name} over the checkpoint text, checked with the verifier key.',
		'check.signature.fail': 'The signature does not match the checkpoint text and the verifier key: the checkpoint was not signed with the log’s key, or it was changed after signing.',
		'check.signature.none': 'The checkpoint carries no signature from {name}.',
		'check.signature.unsupported': 'This browser cannot check Ed25519 signatures (its WebCrypto lacks Ed25519). Use a current browser.',
		'check.keyid.t': 'The key id matches: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), first 4 bytes',
		'check.keyid.detail': 'Computed from the key: {computed}. In the verifier key: {declared}. On the signature: {signed}.',
		'check.leaf.t': 'The leaf hash recomputed from the entry text equals the server’s',
		'check.leaf.detail': 'Recomputed SHA-256(0x00 ‖ entry): {computed}. The server’s: {server}.',
		'check.leaf.badServer': 'The server’s leaf hash is not valid base64 ({server}). Recomputed: {computed}.',
		'check.root.t': 'The root recomputed from the leaf and the proof equals the checkpoint’s root',
		'check.root.detail': 'Recomputed from entry {index} and {n} proof hashes in a tree of {size} entries: {computed}. In the signed checkpoint: {signed}.',
		'check.root.malformed': 'The proof does not fit entry {index} in a tree of {size} entries (wrong number of hashes, or a hash that is not 32 bytes).',
		'check.skip.checkpoint': 'Not checked, because the checkpoint is malformed: {detail}',
		'check.skip.key': 'Not checked, because there is no valid verifier key.',
		'lookup.h2': 'Look up and verify an entry',
		'lookup.label': 'Entry index',
		'lookup.hint': 'Entries are numbered from 0, oldest first.',
		'lookup.submit': 'Look up and verify',
		'lookup.err.empty': 'Enter an entry index, a whole number such as 0 or 42.',
		'lookup.err.notNumber': '“{value}” is not an entry index: enter a whole number such as 0 or 42, without spaces or signs.',
		'lookup.err.range': 'There is no entry {index}: the log has {size} entries, numbered 0 to {max}.',
		'lookup.err.noEntries': 'There is no entry {index}: the log has no entries yet.',
		'lookup.err.server': 'The server could not give entry {index}: {detail}',
		'lookup.err.malformed': 'The server’s answer for entry {index} is malformed: {detail}',
		'lookup.loading': 'Looking up entry {index} and verifying it…',
		'lookup.result.h3': 'Entry {index}',
		'lookup.ok': 'Verified: entry {index} is in the log, as signed at size {size}. All {n} checks passed.',
		'lookup.fail': 'Not verified: {failed} of {n} checks failed for entry {index}. Do not rely on this entry.',
		'lookup.checks.h4': 'What your browser checked',
		'lookup.entry.h4': 'The entry',
		'lookup.entry.type': 'Type',
		'lookup.entry.at': 'Time',
		'lookup.entry.by': 'By',
		'lookup.entry.data': 'Data',
		'lookup.entry.raw': 'Exact text, as hashed',
		'lookup.entry.notJson': 'The entry text is not JSON.',
		'lookup.proof.h4': 'The proof',
		'lookup.proof.leaf': 'Leaf hash (recomputed)',
		'lookup.proof.hashes': 'Proof hashes ({n})',
		'lookup.proof.none': 'None: the tree has a single entry.',
		'lookup.proof.checkpoint': 'Signed checkpoint the proof leads to',
		'entries.h2': 'Latest entries',
		'entries.caption': 'Newest first. Select an index to look up and verify that entry.',
		'entries.col.index': 'Index',
		'entries.col.type': 'Type',
		'entries.col.at': 'Time (UTC)',
		'entries.col.by': 'By',
		'entries.empty': 'The log has no entries yet.',
		'entries.range': 'Showing entries {from} to {to}.',
		'entries.err': 'The entries could not be loaded: {detail}',
		'entries.pager': 'Pages of entries',
		'entries.newer': 'Newer',
		'entries.older': 'Older',
		'error.network': 'the server could not be reached',
		'error.http': 'HTTP status {status}',
	},
	zh: {
		'site.skip': '跳到主要内容',
		'site.tagline': '人人都能核验的公益项目',
		'site.nav': '主导航',
		'site.lang': '语言',
		'site.footer.about': 'goodtrace 是面向公益项目的开放基础设施。它的日志是公开的：任何人都可以镜像和核验。',
		'site.footer.links': '已发布的日志',
		'site.footer.checkpoint': '当前检查点',
		'site.footer.vkey': '验证公钥',
		'site.footer.licence': '以 Apache License 2.0 开源。',
		'nav.home': '首页',
		'nav.explorer': '日志浏览器',
		'common.loading': '正在加载…',
		'common.colon': '：',
		'status.pass': '通过',
		'status.fail': '未通过',
		'status.skip': '未检查',

		'notfound.title': '页面不存在 — goodtrace',
		'notfound.h1': '页面不存在',
		'notfound.lead': '这个地址没有页面。它可能还没有上线：goodtrace 的各个模块会陆续推出。',
		'notfound.home': '返回首页',
		'notfound.explorer': '浏览并核验日志',

		'home.title': 'goodtrace — 人人都能核验的公益项目',
		'home.description': 'goodtrace 把公益项目的每一步记录在公开、防篡改的日志中，任何人都能核验。',
		'home.h1': '信任，可以核验',
		'home.lead': 'goodtrace 把公益项目的每一步——一批疫苗、一笔捐款、一小时志愿服务、一棵种下的树——都记录在公开的日志中。任何人都可以自己核验，无需信任我们。',
		'home.cta': '浏览并核验日志',
		'home.public.h2': '面向公众',
		'home.public.p1.t': '不必轻信，亲自核验。',
		'home.public.p1.d': '每条记录都是公开、只增不改的日志中的一个条目。您自己的浏览器会检查日志的签名，以及条目在日志中的证明。',
		'home.public.p2.t': '日志上没有个人信息。',
		'home.public.p2.d': '捐赠者、志愿者和患者在日志上只以化名引用出现；他们的个人信息只保存在为他们服务的机构那里。',
		'home.public.p3.t': '任何人都可以保存副本。',
		'home.public.p3.d': '日志遵循开放标准（C2SP tlog-tiles、签名检查点、RFC 6962 哈希），独立审计方可以镜像、重放日志，并证明历史记录只增不改。',
		'home.orgs.h2': '面向机构',
		'home.orgs.p1.t': '每一次变更都有记录。',
		'home.orgs.p1.d': '登记批次、记录捐款、确认志愿时长：每一项都先持久写入日志，然后才确认完成。',
		'home.orgs.p2.t': '权限清晰。',
		'home.orgs.p2.d': 'API 令牌只属于一个机构和一个角色，每一次写入都会按该角色的权限检查。',
		'home.orgs.p3.t': '让数字值得信赖。',
		'home.orgs.p3.d': '任何人都能从日志重新算出您公布的总数，这正是它们可信的原因。',
		'home.modules.h2': 'goodtrace 能做什么',
		'home.how.h2': '核验是如何进行的',
		'home.how.s1': '日志定期发布检查点：它的条目数和覆盖全部条目的一个哈希值，并用日志的密钥签名。',
		'home.how.s2': '对于任何条目，日志都会给出一个简短的证明：把该条目与检查点联系起来的几个哈希值。',
		'home.how.s3': '您的浏览器会自己重新计算哈希并检查签名。只要有任何改动，核验就会失败。',
		'module.trace.name': '疫苗与药品安全查验',
		'module.trace.desc': '扫描包装，查看它的来源，以及它是否已被召回、已过期，或在日志中查无记录（可能是假冒品）。',
		'module.give.name': '透明捐赠',
		'module.give.desc': '追踪每一笔捐款的用途并查看凭据，项目账目任何人都能重新核算。',
		'module.volunteer.name': '志愿服务',
		'module.volunteer.desc': '找到与您技能匹配的志愿机会；服务时长由机构确认，证书可以核验。',
		'module.green.name': '绿色能量与植树',
		'module.green.desc': '低碳行动让虚拟的树成长；合作伙伴种下真实的树，并记录其成活情况。',
		'module.alert.name': '失踪人员预警',
		'module.alert.desc': '来自警方和经认证发布者的核实预警，推送到最能提供帮助的区域。',
		'module.coming': '即将推出',
		'module.open': '可以使用',

		'explorer.title': '日志浏览器 — goodtrace',
		'explorer.description': '查看 goodtrace 日志的签名检查点和条目，并在您自己的浏览器中核验任何条目。',
		'explorer.h1': '日志浏览器',
		'explorer.lead': '查看公开日志的内容，并亲自核验任何条目。您的浏览器用自己的密码学功能核验每一个签名和证明：它唯一从本服务器直接采信的，是日志的验证公钥，您可以把它与运营方公布的公钥进行比对。',
		'key.h2': '验证公钥',
		'key.intro': '下面的一切都用这个公钥核验。如果您从别处（运营方的公告、报纸、审计方）获得了日志的公钥，请确认两者相同。',
		'key.source.server': '从本服务器获取（/log/vkey）。',
		'key.source.user': '由您输入：本页的一切都用它核验。',
		'key.other.summary': '使用从别处获得的验证公钥',
		'key.other.label': '验证公钥（名称+密钥ID+公钥）',
		'key.other.submit': '使用此公钥',
		'key.err.load': '无法加载验证公钥：{detail}',
		'key.err.invalid': '这不是有效的验证公钥。它的格式类似 name+1a2b3c4d+AbC…，并且是 Ed25519 公钥。',
		'key.none': '没有验证公钥：无法核验任何内容。',
		'cp.h2': '当前检查点',
		'cp.intro': '检查点是日志签名发布的声明：它包含多少条目，以及覆盖全部条目的一个哈希值（根哈希）。',
		'cp.origin': '来源（日志名称）',
		'cp.size': '大小（条目数）',
		'cp.root': '根哈希',
		'cp.note': '签名文本（与发布的完全一致）',
		'cp.checks': '对此检查点的核验',
		'cp.err.load': '无法加载检查点：{detail}',
		'cp.err.malformed': '检查点格式错误：{detail}',
		'cp.ok': '当前检查点由日志的密钥签名。',
		'cp.fail': '警告：当前检查点无法用验证公钥核验。',
		'check.signature.t': '检查点的 Ed25519 签名可用验证公钥核验',
		'check.signature.pass': '{name} 对检查点文本的签名，已用验证公钥核验。',
		'check.signature.fail': '签名与检查点文本和验证公钥不符：检查点不是用日志的密钥签名的，或在签名后被改动过。',
		'check.signature.none': '检查点没有来自 {name} 的签名。',
		'check.signature.unsupported': '此浏览器无法核验 Ed25519 签名（其 WebCrypto 不支持 Ed25519）。请使用新版浏览器。',
		'check.keyid.t': '密钥 ID 一致：SHA-256(名称 ‖ 0x0A ‖ 0x01 ‖ 公钥) 的前 4 个字节',
		'check.keyid.detail': '由公钥算出：{computed}。验证公钥中：{declared}。签名上：{signed}。',
		'check.leaf.t': '由条目文本重新计算的叶哈希与服务器给出的一致',
		'check.leaf.detail': '重新计算的 SHA-256(0x00 ‖ 条目)：{computed}。服务器给出的：{server}。',
		'check.leaf.badServer': '服务器给出的叶哈希不是有效的 base64（{server}）。重新计算的：{computed}。',
		'check.root.t': '由叶哈希和证明重新计算的根哈希与检查点中的根哈希一致',
		'check.root.detail': '由条目 {index} 和 {n} 个证明哈希在 {size} 个条目的树中重新计算：{computed}。签名检查点中：{signed}。',
		'check.root.malformed': '该证明不适用于 {size} 个条目的树中的条目 {index}（哈希数量不对，或有哈希不是 32 字节）。',
		'check.skip.checkpoint': '未检查，因为检查点格式错误：{detail}',
		'check.skip.key': '未检查，因为没有有效的验证公钥。',
		'lookup.h2': '查找并核验条目',
		'lookup.label': '条目编号',
		'lookup.hint': '条目从 0 开始编号，最早的在前。',
		'lookup.submit': '查找并核验',
		'lookup.err.empty': '请输入条目编号，即一个整数，例如 0 或 42。',
		'lookup.err.notNumber': '“{value}”不是条目编号：请输入一个整数，例如 0 或 42，不要带空格或符号。',
		'lookup.err.range': '没有条目 {index}：日志共有 {size} 个条目，编号为 0 到 {max}。',
		'lookup.err.noEntries': '没有条目 {index}：日志中还没有条目。',
		'lookup.err.server': '服务器无法提供条目 {index}：{detail}',
		'lookup.err.malformed': '服务器对条目 {index} 的回应格式错误：{detail}',
		'lookup.loading': '正在查找并核验条目 {index}…',
		'lookup.result.h3': '条目 {index}',
		'lookup.ok': '核验通过：条目 {index} 在日志中，由大小为 {size} 的签名检查点确认。全部 {n} 项检查通过。',
		'lookup.fail': '核验未通过：条目 {index} 的 {n} 项检查中有 {failed} 项未通过。请不要依赖此条目。',
		'lookup.checks.h4': '您的浏览器检查了什么',
		'lookup.entry.h4': '条目内容',
		'lookup.entry.type': '类型',
		'lookup.entry.at': '时间',
		'lookup.entry.by': '记录者',
		'lookup.entry.data': '数据',
		'lookup.entry.raw': '原始文本（即被哈希的内容）',
		'lookup.entry.notJson': '条目文本不是 JSON。',
		'lookup.proof.h4': '证明',
		'lookup.proof.leaf': '叶哈希（重新计算）',
		'lookup.proof.hashes': '证明哈希（{n} 个）',
		'lookup.proof.none': '无：这棵树只有一个条目。',
		'lookup.proof.checkpoint': '证明所指向的签名检查点',
		'entries.h2': '最新条目',
		'entries.caption': '最新的在前。选择一个编号即可查找并核验该条目。',
		'entries.col.index': '编号',
		'entries.col.type': '类型',
		'entries.col.at': '时间（UTC）',
		'entries.col.by': '记录者',
		'entries.empty': '日志中还没有条目。',
		'entries.range': '显示条目 {from} 至 {to}。',
		'entries.err': '无法加载条目：{detail}',
		'entries.pager': '条目分页',
		'entries.newer': '较新',
		'entries.older': '较早',
		'error.network': '无法连接服务器',
		'error.http': 'HTTP 状态码 {status}',
	},
};

/* ---------- the current language ---------- */

function stored() {
	try {
		const v = globalThis.localStorage && globalThis.localStorage.getItem(STORAGE_KEY);
		return v && Object.hasOwn(LANGS, v) ? v : null;
	} catch {
		return null; // storage disabled
	}
}

/** The language to start with: the one chosen before, else the browser's. */
export function detectLang() {
	const s = stored();
	if (s) return s;
	const nav = globalThis.navigator;
	const prefs = nav ? (nav.languages && nav.languages.length ? nav.languages : [nav.language]) : [];
	for (const p of prefs) {
		const l = String(p || '').toLowerCase();
		if (l.startsWith('zh')) return 'zh';
		if (l.startsWith('en')) return 'en';
	}
	return 'en';
}

let current = detectLang();
const listeners = [];

export function lang() {
	return current;
}

export function locale() {
	return LANGS[current].locale;
}

/** The string for key in the current language, with {name} replaced. */
export function t(key, vars) {
	let s = STRINGS[current][key];
	if (s === undefined) s = STRINGS.en[key];
	if (s === undefined) return key;
	if (vars)
		s = s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(vars, k) ? String(vars[k]) : m));
	return s;
}

/** Put the current language's strings into root (a document or element). */
export function applyI18n(root = globalThis.document) {
	if (!root) return;
	const doc = root.ownerDocument || root;
	if (doc.documentElement) doc.documentElement.lang = LANGS[current].htmlLang;
	for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-attr]'))
		for (const pair of el.dataset.i18nAttr.split(',')) {
			const [attr, key] = pair.split(':').map((x) => x.trim());
			if (attr && key) el.setAttribute(attr, t(key));
		}
}

/** Switch language, remember it, update the page and tell the listeners. */
export function setLang(l) {
	if (!Object.hasOwn(LANGS, l)) return;
	current = l;
	try {
		globalThis.localStorage.setItem(STORAGE_KEY, l);
	} catch {
		// not remembered, but still switched
	}
	applyI18n();
	for (const fn of listeners) fn(l);
}

/** Call fn(lang) after every language switch (to re-render built texts). */
export function onLangChange(fn) {
	listeners.push(fn);
}
