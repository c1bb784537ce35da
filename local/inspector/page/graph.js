// The workflow graph as SVG, from the layout the server computes from the ASL (workflow-graph.ts):
// states the execution went through and transitions it took are highlighted, the failed state marked.

const SVG = "http://www.w3.org/2000/svg";
const NODE_WIDTH = 220;
const NODE_HEIGHT = 36;

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children) element.append(child);
  return element;
}

function edgePath(from, to, back) {
  if (back) {
    // Round the right-hand side, up to the earlier state.
    const x1 = from.x + NODE_WIDTH / 2;
    const x2 = to.x + NODE_WIDTH / 2;
    const side = Math.max(x1, x2) + 40;
    return `M ${x1} ${from.y} C ${side} ${from.y}, ${side} ${to.y}, ${x2} ${to.y}`;
  }
  const y1 = from.y + NODE_HEIGHT / 2;
  const y2 = to.y - NODE_HEIGHT / 2;
  const middle = (y1 + y2) / 2;
  return `M ${from.x} ${y1} C ${from.x} ${middle}, ${to.x} ${middle}, ${to.x} ${y2}`;
}

/**
 * @param graph {nodes, edges, width, height}
 * @param path {visited, taken, failedNode, outcomes: Map<nodeId, outcome>} or undefined
 * @param onSelect called with a state's name when its node is activated (click, Enter, Space)
 */
export function renderGraph(graph, path, onSelect) {
  const visited = new Set(path?.visited ?? []);
  const taken = new Set(path?.taken ?? []);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const extra = graph.edges.some((edge) => edge.back) ? 60 : 0;
  const root = svg("svg", {
    viewBox: `0 0 ${graph.width + extra} ${graph.height}`,
    width: graph.width + extra,
    class: "graph",
    role: "group",
    "aria-label": "Workflow graph",
  });
  root.append(svg("defs", {}, arrowHead("arrow", "arrow-head"), arrowHead("arrow-taken", "arrow-head taken")));
  graph.edges.forEach((edge, index) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) return;
    const isTaken = taken.has(index);
    root.append(
      svg("path", {
        d: edgePath(from, to, edge.back),
        class: `edge ${edge.kind}${isTaken ? " taken" : ""}`,
        "marker-end": isTaken ? "url(#arrow-taken)" : "url(#arrow)",
        "data-edge": `${edge.from}→${edge.to}`,
      }),
    );
  });
  for (const node of graph.nodes) {
    const outcome = path?.outcomes.get(node.id);
    const classes = ["node", `kind-${node.kind.toLowerCase()}`];
    if (visited.has(node.id)) classes.push("visited");
    if (outcome) classes.push(`outcome-${outcome}`);
    if (path?.failedNode === node.id) classes.push("failed");
    const isState = node.id.startsWith("state:");
    const round = node.kind === "start" || node.kind === "end" || node.kind === "join" ? NODE_HEIGHT / 2 : 6;
    const group = svg(
      "g",
      {
        class: classes.join(" "),
        "data-node": node.id,
        transform: `translate(${node.x - NODE_WIDTH / 2}, ${node.y - NODE_HEIGHT / 2})`,
        ...(isState
          ? {
              tabindex: 0,
              role: "button",
              "aria-label": `${node.label} (${node.kind}${outcome ? `, ${outcome}` : visited.has(node.id) ? ", visited" : ", not reached"})`,
            }
          : {}),
      },
      svg("rect", { width: NODE_WIDTH, height: NODE_HEIGHT, rx: round, ry: round }),
      svg(
        "text",
        { x: NODE_WIDTH / 2, y: NODE_HEIGHT / 2 + 5, "text-anchor": "middle" },
        document.createTextNode(shorten(node.label)),
      ),
      svg("title", {}, document.createTextNode(`${node.label} — ${node.kind}${outcome ? ` — ${outcome}` : ""}`)),
    );
    if (isState && onSelect) {
      const name = node.id.slice("state:".length);
      group.addEventListener("click", () => onSelect(name));
      group.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          onSelect(name);
        }
      });
    }
    root.append(group);
  }
  return root;
}

function arrowHead(id, className) {
  const marker = {
    id,
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  };
  return svg("marker", marker, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: className }));
}

function shorten(label) {
  return label.length > 28 ? `${label.slice(0, 27)}…` : label;
}
