import { esc, seconds } from './html';
import { StepOutcome, statusText } from './steps';
import { textWidth } from './text-width';

/** Pipeline states in display order, as the ASL defines them (name → next names). */
export interface PipelineGraph {
  readonly states: { name: string; type: string; next: string[] }[];
}

const FONT = 13;
const PAD_X = 14;
const BOX_H = 32;
const GAP_Y = 20;
const MARGIN = 8;
const LANE = 12;

interface Edge {
  readonly from: number;
  readonly to: number;
}

/** The distinct edges between known states (a state may name one target as both Next and Catch). */
function edgesOf(graph: PipelineGraph): Edge[] {
  const index = new Map(graph.states.map((s, i) => [s.name, i]));
  const seen = new Set<string>();
  const edges: Edge[] = [];
  graph.states.forEach((state, from) => {
    for (const name of state.next) {
      const to = index.get(name);
      if (to === undefined || seen.has(`${from}>${to}`)) continue;
      seen.add(`${from}>${to}`);
      edges.push({ from, to });
    }
  });
  return edges;
}

/**
 * Lanes right of the boxes for the edges that skip states: each edge gets the innermost lane
 * free over the rows it spans, so no two vertical runs lie on top of each other.
 */
function assignLanes(edges: Edge[]): Map<Edge, number> {
  const span = (e: Edge) => [Math.min(e.from, e.to), Math.max(e.from, e.to)] as const;
  const lanes: Edge[][] = [];
  const out = new Map<Edge, number>();
  for (const edge of [...edges].sort((a, b) => (span(a)[1] - span(a)[0]) - (span(b)[1] - span(b)[0]) || span(a)[0] - span(b)[0])) {
    const [lo, hi] = span(edge);
    let lane = lanes.findIndex((taken) => taken.every((t) => span(t)[1] <= lo || span(t)[0] >= hi));
    if (lane < 0) lane = lanes.push([]) - 1;
    lanes[lane].push(edge);
    out.set(edge, lane);
  }
  return out;
}

/**
 * The state machine as an inline SVG: one box per state in ASL order, sized to the longest name so
 * every name shows in full; the states this execution entered are coloured by how they ended.
 * `id` makes the arrow marker's id unique in the page.
 */
export function graphSvg(graph: PipelineGraph, steps: StepOutcome[], id: string): string {
  const ran = new Map(steps.map((s) => [s.name, s]));
  const boxW = Math.ceil(Math.max(160, ...graph.states.map((s) => textWidth(s.name, FONT))) + 2 * PAD_X);
  const top = (i: number) => MARGIN + i * (BOX_H + GAP_Y);
  const right = MARGIN + boxW;
  const edges = edgesOf(graph);
  const skipping = edges.filter((e) => e.to !== e.from + 1);
  const lanes = assignLanes(skipping);
  const laneCount = Math.max(0, ...[...lanes.values()].map((l) => l + 1));
  const width = right + (laneCount ? 10 + laneCount * LANE : 0) + MARGIN;
  const height = top(graph.states.length) - GAP_Y + MARGIN;

  const taken = (e: Edge) => ran.has(graph.states[e.from].name) && ran.has(graph.states[e.to].name);
  const edgePaths = edges.map((e) => {
    const cls = `edge${taken(e) ? ' taken' : ''}`;
    if (e.to === e.from + 1) {
      const x = MARGIN + boxW / 2;
      return `<path class="${cls}" d="M${x},${top(e.from) + BOX_H} V${top(e.to) - 1}" marker-end="url(#${id}-arrow)"/>`;
    }
    const laneX = right + 10 + lanes.get(e)! * LANE + LANE / 2;
    const y1 = top(e.from) + BOX_H / 2 - 6;
    const y2 = top(e.to) + BOX_H / 2 + 6;
    return `<path class="${cls}" d="M${right},${y1} H${laneX} V${y2} H${right + 1}" marker-end="url(#${id}-arrow)"/>`;
  });
  const boxes = graph.states.map((state, i) => {
    const step = ran.get(state.name);
    const how = step ? `${statusText(step.status)} in ${seconds(step.seconds)}` : 'not entered';
    return `<g class="state ${step?.status ?? 'idle'}"><title>${esc(`${state.name} (${state.type}): ${how}`)}</title>` +
      `<rect x="${MARGIN}" y="${top(i)}" width="${boxW}" height="${BOX_H}" rx="5"/>` +
      `<text x="${MARGIN + boxW / 2}" y="${top(i) + BOX_H / 2}" font-size="${FONT}">${esc(state.name)}</text></g>`;
  });
  return `<svg class="graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="state machine">` +
    `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>` +
    edgePaths.join('') + boxes.join('') + '</svg>';
}
