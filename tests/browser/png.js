// Reads a screenshot of the dashboard (PNG, decoded by pngjs from
// tests/node_modules) for tests/e2e/test_dashboard.sh:
//
//   node png.js stats FILE          one JSON line: width, height, the share of
//                                   pixels that are not white (per mille), and
//                                   how many pixels are near each chart colour
//   node png.js crop FILE OUT Y0 Y1  rows Y0..Y1 into OUT (to look at a long
//                                   page a screen at a time)
//
// Near: each channel within 24 of the colour, so anti-aliased edges do not
// count but a bar's inside does.
'use strict';
const fs = require('fs');
const path = require('path');
const { PNG } = require(path.join(__dirname, '..', 'node_modules', 'pngjs'));

// The colours spend_html.c draws with: the use cases' palette, the spike marker,
// the reservation's bars.
const colours = {
	'use-case-1': [0x25, 0x63, 0xeb],
	'use-case-2': [0xc2, 0x41, 0x0c],
	'use-case-3': [0x04, 0x78, 0x57],
	spike: [0xb9, 0x1c, 0x1c],
	reservation: [0x0e, 0x74, 0x90],
};

function read(file) {
	return PNG.sync.read(fs.readFileSync(file));
}

function stats(file) {
	const png = read(file);
	const near = {};
	let nonwhite = 0;
	for (const name of Object.keys(colours)) near[name] = 0;
	for (let i = 0; i < png.data.length; i += 4) {
		const r = png.data[i], g = png.data[i + 1], b = png.data[i + 2];
		if (r < 245 || g < 245 || b < 245) nonwhite++;
		for (const [name, c] of Object.entries(colours)) {
			if (Math.abs(r - c[0]) <= 24 && Math.abs(g - c[1]) <= 24 && Math.abs(b - c[2]) <= 24)
				near[name]++;
		}
	}
	const pixels = png.width * png.height;
	return {
		width: png.width,
		height: png.height,
		nonwhite_permille: Math.round((nonwhite * 1000) / pixels),
		near,
	};
}

function crop(file, out, y0, y1) {
	const png = read(file);
	y1 = Math.min(y1, png.height);
	const part = new PNG({ width: png.width, height: y1 - y0 });
	png.data.copy(part.data, 0, y0 * png.width * 4, y1 * png.width * 4);
	fs.writeFileSync(out, PNG.sync.write(part));
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'stats' && args.length === 1) {
	console.log(JSON.stringify(stats(args[0])));
} else if (cmd === 'crop' && args.length === 4) {
	crop(args[0], args[1], Number(args[2]), Number(args[3]));
} else {
	console.error('usage: png.js stats FILE | png.js crop FILE OUT Y0 Y1');
	process.exit(2);
}
