// Runs in the parent of a 390 px frame holding the dashboard (never in the
// dashboard itself, which has no script), for tests/e2e/test_dashboard.sh.
// Writes two lines into the parent's body, as pre elements:
//
//   id probe: "viewport=W scroll=S offenders=..." the frame's width, its
//       document's scroll width and the elements reaching past it, outside
//       a table's own scroll box
//   id contrast: "checked=N svg=M offenders=..." visible text whose contrast with what is
//       behind it is under WCAG 2.1's minimum (1.4.3: 4.5:1, 3:1 for large
//       text: 24 px, or 18.66 px bold); SVG text is judged by its fill
//       against the shape or page under its middle
window.addEventListener('load', function () {
	var frame = document.getElementById('f');
	var d = frame.contentDocument, view = d.defaultView;
	var w = d.documentElement.clientWidth, wide = [], faint = [], checked = 0, svgs = 0;

	function rgb(text) {
		var m = /rgba?\(([^)]*)\)/.exec(text || '');
		if (!m) return null;
		return m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
	}
	function luminance(c) {
		var k = [0.2126, 0.7152, 0.0722], sum = 0;
		for (var i = 0; i < 3; i++) {
			var v = c[i] / 255;
			sum += k[i] * (v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
		}
		return sum;
	}
	function background(e) {
		for (; e && e.nodeType === 1; e = e.parentElement) {
			var c = rgb(view.getComputedStyle(e).backgroundColor);
			if (c && (c.length < 4 || c[3] > 0)) return c;
		}
		return [255, 255, 255];
	}
	// what is drawn under an SVG text's middle: a shape's fill, or an element's background
	function under(e) {
		var r = e.getBoundingClientRect();
		var stack = d.elementsFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		for (var i = 0; i < stack.length; i++) {
			var el = stack[i];
			if (el === e || el.tagName.toLowerCase() === 'text' || el.tagName.toLowerCase() === 'svg')
				continue;
			if (el instanceof view.SVGElement) {
				var fill = rgb(view.getComputedStyle(el).fill);
				if (fill && (fill.length < 4 || fill[3] > 0)) return fill;
				continue;
			}
			return background(el);
		}
		return background(e.ownerSVGElement.parentElement);
	}
	function name(e) {
		return e.tagName.toLowerCase() + '.' + (e.getAttribute('class') || '');
	}

	d.querySelectorAll('body *').forEach(function (e) {
		var r = e.getBoundingClientRect();
		if (!e.closest('.table-wrap') && !e.closest('details:not([open])') &&
		    r.width > 0 && (r.right > w + 0.5 || r.left < -0.5))
			wide.push(name(e) + '@' + Math.round(r.right));

		var text = Array.prototype.some.call(e.childNodes, function (n) {
			return n.nodeType === 3 && n.textContent.trim() !== '';
		});
		if (!text || e.getClientRects().length === 0) return;
		var style = view.getComputedStyle(e);
		if (style.visibility === 'hidden') return;
		var svg = e instanceof view.SVGElement;
		var fg = rgb(svg ? style.fill : style.color);
		if (!fg) return;
		var bg = svg ? under(e) : background(e);
		var a = luminance(fg), b = luminance(bg);
		var ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
		var px = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
		var need = px >= 24 || (bold && px >= 18.66) ? 3 : 4.5;
		checked++;
		if (svg) svgs++;
		if (ratio < need)
			faint.push(name(e) + '=' + ratio.toFixed(2) + '<' + need);
	});

	var p = document.createElement('pre');
	p.id = 'probe';
	p.textContent = 'viewport=' + w + ' scroll=' + d.documentElement.scrollWidth +
		' offenders=' + wide.slice(0, 8).join(',');
	document.body.appendChild(p);
	var q = document.createElement('pre');
	q.id = 'contrast';
	q.textContent = 'checked=' + checked + ' svg=' + svgs + ' offenders=' + faint.slice(0, 8).join(',');
	document.body.appendChild(q);
});
