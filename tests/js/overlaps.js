// Pairs of chart labels whose drawn boxes overlap, per plotly chart on the page, and labels
// that run past the chart's edge.
// Each label's box is its SVG bounding box (getBBox, in its own coordinates) mapped to the screen
// with its full transform (getScreenCTM), so rotated tick labels are compared as the rotated
// rectangles they are, not as the wider upright boxes around them. Boxes are trimmed a little
// (the font's line height is taller than its glyphs) so touching lines do not count.
(() => {
  const SELECTORS = [
    ".xtick text", ".ytick text", ".g-xtitle text", ".g-ytitle text", ".g-gtitle text",
    ".annotation-text", ".legendtext", ".cbaxis text", ".cbtitle text", ".bartext",
  ];
  const TRIM_Y = 0.15, TRIM_X = 1;  // fraction of the height, pixels of the width
  function corners(el, trim = true) {
    const b = el.getBBox();
    if (b.width < 1 || b.height < 1) return null;
    const m = el.getScreenCTM();
    if (!m) return null;
    const tx = trim ? TRIM_X : 0, ty = trim ? TRIM_Y : 0.05;
    const x0 = b.x + tx, x1 = b.x + b.width - tx;
    const y0 = b.y + b.height * ty, y1 = b.y + b.height * (1 - ty);
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]].map(([x, y]) => [
      m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  }
  function axes(poly) {
    const out = [];
    for (let i = 0; i < poly.length; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % poly.length];
      out.push([y1 - y2, x2 - x1]);
    }
    return out;
  }
  function overlap(p, q) {  // separating axis theorem for two convex quadrilaterals
    for (const [ax, ay] of axes(p).concat(axes(q))) {
      const len = Math.hypot(ax, ay);
      if (len === 0) continue;
      const proj = (poly) => poly.map(([x, y]) => (x * ax + y * ay) / len);
      const a = proj(p), b = proj(q);
      const gap = Math.min(Math.max(...a), Math.max(...b)) - Math.max(Math.min(...a), Math.min(...b));
      if (gap <= 0.5) return false;
    }
    return true;
  }
  function visible(el) {
    for (let n = el; n && n.nodeType === 1; n = n.parentNode) {
      const s = getComputedStyle(n);
      if (s.display === "none" || s.visibility === "hidden" || parseFloat(s.opacity) === 0) return false;
    }
    return (el.textContent || "").trim().length > 0;
  }
  const found = [];
  document.querySelectorAll(".js-plotly-plot").forEach((plot, index) => {
    const title = (plot.querySelector(".g-gtitle text") || {}).textContent || `chart ${index + 1}`;
    const svg = plot.querySelector(".main-svg").getBoundingClientRect();
    const labels = [];
    plot.querySelectorAll(SELECTORS.join(",")).forEach((el) => {
      if (!visible(el)) return;
      const poly = corners(el);
      if (!poly) return;
      const text = el.textContent.trim();
      labels.push({text, poly});
      // a label cut by the chart's edge is as unreadable as one under another
      if (corners(el, false).some(([x, y]) => x < svg.left - 1 || x > svg.right + 1
                                              || y < svg.top - 1 || y > svg.bottom + 1)) {
        found.push({chart: title, a: text, b: "(the chart's edge)"});
      }
    });
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (overlap(labels[i].poly, labels[j].poly)) {
          found.push({chart: title, a: labels[i].text, b: labels[j].text});
        }
      }
    }
  });
  return found;
})()
