// The home page: the shell, and each module shown as open (its page is in
// NAV) or coming.

import { initSite, pageExists, h } from './site.js';

function markModules() {
	for (const li of document.querySelectorAll('#modules .module')) {
		const href = li.dataset.page;
		const open = pageExists(href);
		li.classList.toggle('is-coming', !open);
		const name = li.querySelector('.module-name');
		if (open) {
			name.replaceChildren(h('a', { href, 'data-i18n': name.dataset.i18n }));
			name.removeAttribute('data-i18n');
		}
		li.append(
			h('p', {
				class: open ? 'module-status badge badge-open' : 'module-status badge badge-coming',
				'data-i18n': open ? 'module.open' : 'module.coming',
			}),
		);
	}
}

markModules();
initSite(); // translates everything, the badges too
