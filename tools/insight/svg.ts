import type { DiagramModel, DiagramNode } from "./diagram";

/**
 * The diagram model as a standalone SVG, laid out deterministically without a browser: people groups and the
 * resource group on top, components as boxes in a grid (four per row, alphabetical), their nodes stacked inside,
 * edges as straight arrows between node borders. Same model as the Mermaid text, so the two never disagree; the
 * output depends only on the model (no fonts measured, no randomness), so a drift test can compare bytes.
 */

const COLS = 4;
const BOX_W = 250;
const GAP_X = 90;
const GAP_Y = 70;
const HEAD = 28;
const ROW = 34;
const NODE_W = 220;
const NODE_H = 24;
const MARGIN = 30;

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The point where the segment from the rectangle's centre towards (tx, ty) leaves it. */
function border(r: Rect, tx: number, ty: number): [number, number] {
  const cx = r.x + r.w / 2;
  const cy = r.y + r.h / 2;
  const dx = tx - cx;
  const dy = ty - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const sx = dx === 0 ? Infinity : r.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : r.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return [cx + dx * s, cy + dy * s];
}

const round = (n: number) => Math.round(n * 10) / 10;

export function renderSvg(model: DiagramModel): string {
  const rects = new Map<string, Rect>();
  const body: string[] = [];
  const width = MARGIN * 2 + COLS * BOX_W + (COLS - 1) * GAP_X;
  let y = MARGIN + 30;

  // Outside nodes, in a row.
  const outsideStep = model.outside.length ? Math.min(NODE_W + 30, (width - 2 * MARGIN) / model.outside.length) : 0;
  model.outside.forEach((n, i) => rects.set(n.id, { x: MARGIN + i * outsideStep, y, w: Math.min(NODE_W, outsideStep - 10), h: NODE_H }));
  if (model.outside.length) y += NODE_H + GAP_Y;

  for (let row = 0; row * COLS < model.groups.length; row++) {
    const groups = model.groups.slice(row * COLS, row * COLS + COLS);
    const height = Math.max(...groups.map((g) => HEAD + g.nodes.length * ROW + 8));
    groups.forEach((g, col) => {
      const x = MARGIN + col * (BOX_W + GAP_X);
      body.push(`<rect x="${x}" y="${y}" width="${BOX_W}" height="${height}" rx="8" fill="#f5f7fa" stroke="#90a4ae"/>`);
      body.push(`<text x="${x + 10}" y="${y + 19}" font-size="13" font-weight="bold" fill="#37474f">${xml(g.label)}</text>`);
      g.nodes.forEach((n, i) => rects.set(n.id, { x: x + (BOX_W - NODE_W) / 2, y: y + HEAD + i * ROW, w: NODE_W, h: NODE_H }));
    });
    y += height + GAP_Y;
  }
  const height = y - GAP_Y + MARGIN;

  const edges: string[] = [];
  const labels: string[] = [];
  for (const e of model.edges) {
    const a = rects.get(e.from);
    const b = rects.get(e.to);
    if (!a || !b) throw new Error(`diagram edge ${e.from} → ${e.to} names a node that does not exist`);
    const [x1, y1] = border(a, b.x + b.w / 2, b.y + b.h / 2);
    const [x2, y2] = border(b, a.x + a.w / 2, a.y + a.h / 2);
    const style =
      e.kind === "critical"
        ? `stroke="#c62828" stroke-width="3" marker-end="url(#crit)"`
        : e.kind === "access"
          ? `stroke="#6a1b9a" stroke-width="1.2" stroke-dasharray="5 4" marker-end="url(#access)"`
          : `stroke="#546e7a" stroke-width="1.2" marker-end="url(#flow)"`;
    // A gentle curve (bent to the left of its direction, more for longer arrows): collinear arrows in one row of
    // boxes no longer lie on top of each other, and neither do their labels.
    const length = Math.hypot(x2 - x1, y2 - y1);
    const bend = Math.min(60, length * 0.12);
    const cx = (x1 + x2) / 2 + (length ? ((y2 - y1) / length) * bend : 0);
    const cy = (y1 + y2) / 2 - (length ? ((x2 - x1) / length) * bend : 0);
    edges.push(`<path d="M ${round(x1)} ${round(y1)} Q ${round(cx)} ${round(cy)} ${round(x2)} ${round(y2)}" fill="none" ${style}><title>${xml(e.label)}</title></path>`);
    if (e.label && e.kind !== "critical") {
      const lx = (x1 + 2 * cx + x2) / 4;
      const ly = (y1 + 2 * cy + y2) / 4;
      labels.push(`<text x="${round(lx)}" y="${round(ly - 3)}" font-size="9" text-anchor="middle" fill="#37474f" stroke="#ffffff" stroke-width="3" paint-order="stroke">${xml(e.label)}</text>`);
    }
  }

  const nodes: string[] = [];
  const drawNode = (n: DiagramNode) => {
    const r = rects.get(n.id)!;
    const fill = n.critical ? "#fde2e2" : "#ffffff";
    const stroke = n.critical ? `stroke="#c62828" stroke-width="2.5"` : `stroke="#607d8b"`;
    nodes.push(`<rect x="${round(r.x)}" y="${round(r.y)}" width="${round(r.w)}" height="${r.h}" rx="4" fill="${fill}" ${stroke}/>`);
    nodes.push(`<text x="${round(r.x + r.w / 2)}" y="${round(r.y + 16)}" font-size="11.5" text-anchor="middle" fill="#263238">${xml(n.label)}</text>`);
  };
  model.outside.forEach(drawNode);
  model.groups.forEach((g) => g.nodes.forEach(drawNode));

  const marker = (id: string, color: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="${color}"/></marker>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<defs>${marker("flow", "#546e7a")}${marker("access", "#6a1b9a")}${marker("crit", "#c62828")}</defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN + 4}" font-size="15" font-weight="bold" fill="#263238">${xml(`dataplatform / ${model.stack}`)}</text>`,
    `<text x="${width - MARGIN}" y="${MARGIN + 4}" font-size="11" text-anchor="end" fill="#546e7a">red: deploy critical path · solid: workload right or network path · dashed: people group's right</text>`,
    ...body,
    ...edges,
    ...labels,
    ...nodes,
    "</svg>",
    "",
  ].join("\n");
}
