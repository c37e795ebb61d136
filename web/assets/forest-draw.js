// The tree drawn on /forest: an inline SVG that grows in stages as the
// balance of energy nears the cost of the species chosen. stageOf() is
// a pure function (usable from Node); treeSvg() needs a document.

export const STAGES = 5; // 0 seed, 1 sprout, 2 sapling, 3 young tree, 4 nearly grown, 5 ready to plant

/**
 * The stage of the tree for a balance and a cost, both in grams: 0 below
 * a fifth of the cost, one more for each further fifth, and STAGES once
 * the balance covers the cost.
 */
export function stageOf(balance, cost) {
	const b = Number(balance);
	const c = Number(cost);
	if (!(c > 0) || !(b > 0)) return 0;
	if (b >= c) return STAGES;
	return Math.min(STAGES - 1, Math.floor((b * STAGES) / c));
}

const SVG = 'http://www.w3.org/2000/svg';

function el(doc, tag, attrs) {
	const e = doc.createElementNS(SVG, tag);
	for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
	return e;
}

/* The crown of each stage: circles [cx, cy, r] around the top of the trunk. */
const CROWNS = [
	[],
	[],
	[[100, 132, 16], [86, 142, 11], [114, 142, 11]],
	[[100, 104, 26], [76, 120, 19], [124, 120, 19], [100, 128, 20]],
	[[100, 80, 32], [70, 100, 25], [130, 100, 25], [84, 124, 22], [116, 124, 22], [100, 108, 26]],
	[[100, 62, 36], [64, 86, 29], [136, 86, 29], [72, 118, 25], [128, 118, 25], [100, 96, 32], [100, 126, 24]],
];
/* The trunk of each stage: [top y, width at the ground]. */
const TRUNKS = [null, [150, 4], [128, 7], [112, 12], [92, 16], [76, 20]];

/**
 * The tree at a stage as an <svg role="img">, its aria-label and <title>
 * the given label. The colours are the stylesheet's (classes tree-*).
 */
export function treeSvg(doc, stage, label) {
	const s = Math.max(0, Math.min(STAGES, Math.floor(Number(stage) || 0)));
	const svg = el(doc, 'svg', { viewBox: '0 0 200 200', class: 'tree-drawing', role: 'img', 'aria-label': label, 'data-stage': s });
	const title = el(doc, 'title', {});
	title.textContent = label;
	svg.append(title);
	svg.append(el(doc, 'ellipse', { cx: 100, cy: 182, rx: 84, ry: 12, class: 'tree-ground' }));
	if (s === 0) {
		// A seed in the soil.
		svg.append(el(doc, 'ellipse', { cx: 100, cy: 176, rx: 9, ry: 6, class: 'tree-seed' }));
		return svg;
	}
	const [top, w] = TRUNKS[s];
	svg.append(el(doc, 'path', { d: `M${100 - w / 2} 180 L${100 - w / 4} ${top} L${100 + w / 4} ${top} L${100 + w / 2} 180 Z`, class: 'tree-trunk' }));
	if (s === 1) {
		// A sprout: two leaves.
		svg.append(el(doc, 'ellipse', { cx: 88, cy: 148, rx: 12, ry: 6, transform: 'rotate(-25 88 148)', class: 'tree-leaf' }));
		svg.append(el(doc, 'ellipse', { cx: 112, cy: 146, rx: 12, ry: 6, transform: 'rotate(25 112 146)', class: 'tree-leaf' }));
		return svg;
	}
	for (const [cx, cy, r] of CROWNS[s]) svg.append(el(doc, 'circle', { cx, cy, r, class: 'tree-leaf' }));
	if (s === STAGES)
		for (const [cx, cy] of [[80, 78], [118, 66], [130, 104], [90, 112], [108, 92]]) svg.append(el(doc, 'circle', { cx, cy, r: 4, class: 'tree-fruit' }));
	return svg;
}
