// Inline SVG charts for the community map: drawn here, nothing loaded from elsewhere.
import { formatNumber, t } from "./i18n.js";

const NS = "http://www.w3.org/2000/svg";

/** An SVG element; children may be nodes or strings (inserted as text, never as markup). */
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const shorten = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** Colour of a cell: white to deep water blue with the value's share of the maximum. */
function shade(value, max) {
  if (!value) return "#f4f7f9";
  const t = 0.15 + 0.85 * Math.min(1, value / Math.max(1, max));
  const mix = (a, b) => Math.round(a + (b - a) * t);
  return `rgb(${mix(220, 8)}, ${mix(236, 68)}, ${mix(246, 105)})`;
}

/**
 * A heat grid: one row per topic, one column per key; each cell is a link.
 * rows: [{id, label, thin, values: {col: n}}]; cols: [{key, label}];
 * href(row, col) and describe(row, col, n) give each cell's link and its accessible name.
 */
export function heatGrid({ id, title, rows, cols, href, describe, rowHref }) {
  const labelW = 230;
  const cellW = Math.max(34, Math.min(70, Math.floor(560 / Math.max(1, cols.length))));
  const cellH = 24;
  const top = 92;
  const width = labelW + cols.length * cellW + 70; // room for the last slanted column label
  const height = top + rows.length * cellH + 6;
  const max = Math.max(1, ...rows.flatMap((r) => cols.map((c) => r.values[c.key] || 0)));
  const head = cols.map((c, j) => svg("text", {
    x: labelW + j * cellW + cellW / 2, y: top - 8, "text-anchor": "start", class: "grid-col",
    transform: `rotate(-40 ${labelW + j * cellW + cellW / 2} ${top - 8})`,
  }, c.label));
  const body = rows.map((r, i) => {
    const y = top + i * cellH;
    const label = svg("a", { href: rowHref(r), class: "grid-row-link" },
      svg("title", {}, t("chart.searchTopic", { topic: r.label })),
      svg("text", { x: labelW - 8, y: y + cellH / 2 + 4, "text-anchor": "end", class: "grid-row" },
        `${r.thin ? "⚠ " : ""}${shorten(r.label, 30)}`));
    const cells = cols.map((c, j) => {
      const n = r.values[c.key] || 0;
      const x = labelW + j * cellW;
      return svg("a", { href: href(r, c), class: "grid-cell", "data-topic": r.id, "data-col": c.key,
        "aria-label": describe(r, c, n) },
      svg("title", {}, describe(r, c, n)),
      svg("rect", { x: x + 1, y: y + 1, width: cellW - 2, height: cellH - 2, rx: 3, fill: shade(n, max) }),
      svg("text", { x: x + cellW / 2, y: y + cellH / 2 + 4, "text-anchor": "middle",
        class: n / max > 0.55 ? "grid-num grid-num-dark" : "grid-num" }, n ? formatNumber(n) : ""));
    });
    return [label, cells];
  });
  return svg("svg", { id, class: "chart", viewBox: `0 0 ${width} ${height}`, width, height,
    role: "group", "aria-label": title }, svg("title", {}, title), head, body);
}

/** Two bars per topic: countries and organisations covered (the topic's spread). */
export function spreadChart({ id, title, rows, href }) {
  const labelW = 230;
  const barW = 260;
  const rowH = 30;
  const top = 24;
  const width = labelW + barW + 60;
  const height = top + rows.length * rowH + 4;
  const max = Math.max(1, ...rows.flatMap((r) => [r.countries, r.organisations]));
  const legend = [
    svg("rect", { x: labelW, y: 4, width: 12, height: 10, class: "bar-countries" }),
    svg("text", { x: labelW + 16, y: 13, class: "grid-col" }, t("chart.countries")),
    svg("rect", { x: labelW + 100, y: 4, width: 12, height: 10, class: "bar-organisations" }),
    svg("text", { x: labelW + 116, y: 13, class: "grid-col" }, t("chart.organisations")),
  ];
  const body = rows.map((r, i) => {
    const y = top + i * rowH;
    const w = (n) => Math.max(2, Math.round((n / max) * barW));
    const name = t("chart.spreadRow", { topic: r.label, countries: t("chart.countryCount", { n: r.countries }),
      list: r.countryList, organisations: t("chart.organisationCount", { n: r.organisations }) });
    return svg("a", { href: href(r), class: "spread-row", "data-topic": r.id, "aria-label": name },
      svg("title", {}, name),
      svg("text", { x: labelW - 8, y: y + 16, "text-anchor": "end", class: "grid-row" }, shorten(r.label, 30)),
      svg("rect", { x: labelW, y: y + 3, width: w(r.countries), height: 11, class: "bar-countries" }),
      svg("text", { x: labelW + w(r.countries) + 4, y: y + 12, class: "grid-num" }, formatNumber(r.countries)),
      svg("rect", { x: labelW, y: y + 15, width: w(r.organisations), height: 11, class: "bar-organisations" }),
      svg("text", { x: labelW + w(r.organisations) + 4, y: y + 25, class: "grid-num" }, formatNumber(r.organisations)));
  });
  return svg("svg", { id, class: "chart", viewBox: `0 0 ${width} ${height}`, width, height,
    role: "group", "aria-label": title }, svg("title", {}, title), legend, body);
}
