// The inspector's page: hash routes (#/executions?…, #/execution/<arn>, #/things, #/thing/<name>), each a
// view rendered from the server's JSON, kept up to date by its server-sent events.
import { append, clear, formatDuration, formatTime, getJson, h } from "./dom.js";
import { renderGraph } from "./graph.js";
import { dataView, pretty } from "./json-view.js";

const main = document.getElementById("main");
const live = document.getElementById("live");
const STATUSES = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];
const PAGE_SIZE = 50;
let workflows; // { stackName, workflows: { name: graph } }
/** The view shown now: { onExecution(arn), onMessage(message) } */
let current = {};

const enc = encodeURIComponent;
/** Replaces the view (children left out when null or false). */
const show = (...children) => append(clear(main), children);

function route() {
  const hash = location.hash.replace(/^#/, "") || "/executions";
  const [path, query = ""] = hash.split("?");
  const params = new URLSearchParams(query);
  const [, view, id] = path.split("/");
  for (const link of document.querySelectorAll("[data-nav]")) {
    const active =
      link.dataset.nav === view ||
      (link.dataset.nav === "executions" && view === "execution") ||
      (link.dataset.nav === "things" && view === "thing");
    if (active) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  current = {};
  const render =
    view === "execution" && id
      ? () => executionView(decodeURIComponent(id))
      : view === "things"
        ? () => thingsView()
        : view === "thing" && id
          ? () => thingView(decodeURIComponent(id))
          : () => executionsView(params);
  render().catch((error) => {
    show(h("p", { class: "error", role: "alert" }, `Could not load: ${error.message}`));
  });
}

function statusBadge(status) {
  return h("span", { class: `status status-${status.toLowerCase()}` }, status);
}

function thingLink(thing) {
  return thing ? h("a", { href: `#/thing/${enc(thing)}` }, thing) : "—";
}

function executionLink(row, text) {
  return h("a", { href: `#/execution/${enc(row.executionArn)}` }, text);
}

// ---- Executions -------------------------------------------------------------------------------------

async function executionsView(params) {
  const filter = Object.fromEntries(["workflow", "status", "thing", "text"].map((key) => [key, params.get(key) ?? ""]));
  const offset = Number(params.get("offset") ?? 0) || 0;
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter executions" });
  const field = (label, control) => h("label", {}, h("span", {}, label), control);
  const select = (name, values) =>
    h(
      "select",
      { name },
      h("option", { value: "" }, "all"),
      values.map((value) => h("option", { value, selected: filter[name] === value }, value)),
    );
  form.append(
    field("Workflow", select("workflow", Object.keys(workflows.workflows))),
    field("Status", select("status", STATUSES)),
    field("Thing", h("input", { name: "thing", value: filter.thing, autocomplete: "off", spellcheck: "false" })),
    field("Text", h("input", { name: "text", type: "search", value: filter.text, placeholder: "name, error, cause…" })),
    h("button", { type: "submit" }, "Filter"),
  );
  const go = (changes) => {
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...filter, offset: 0, ...changes }))
      if (value !== "" && value !== 0) next.set(key, String(value));
    location.hash = `#/executions${next.size ? `?${next}` : ""}`;
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(Object.fromEntries(new FormData(form)));
  });
  for (const control of form.querySelectorAll("select"))
    control.addEventListener("change", () => go(Object.fromEntries(new FormData(form))));

  const table = h("div", { class: "table-wrap" });
  const pager = h("nav", { class: "pager", "aria-label": "Pages" });
  const count = h("p", { class: "count", "aria-live": "polite" });
  show(h("h2", {}, "Executions"), form, count, table, pager);

  const load = async () => {
    const query = new URLSearchParams({
      ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== "")),
      offset: String(offset),
      limit: String(PAGE_SIZE),
    });
    const page = await getJson(`/api/executions?${query}`);
    count.textContent =
      page.total === 0
        ? "No executions match."
        : `${page.offset + 1}–${page.offset + page.rows.length} of ${page.total} kept executions, newest first`;
    clear(table).append(executionsTable(page.rows));
    clear(pager);
    if (page.offset > 0)
      pager.append(
        h("button", { type: "button", onclick: () => go({ offset: Math.max(0, page.offset - PAGE_SIZE) }) }, "← Newer"),
      );
    if (page.offset + page.rows.length < page.total)
      pager.append(h("button", { type: "button", onclick: () => go({ offset: page.offset + PAGE_SIZE }) }, "Older →"));
  };
  await load();
  current = { onExecution: throttle(load) };
}

function executionsTable(rows) {
  const headers = ["Time", "Workflow", "Event", "Thing", "Status", "Duration", "Error"];
  return h(
    "table",
    { class: "executions" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((header) => h("th", { scope: "col" }, header)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          { "data-arn": row.executionArn, "data-status": row.status },
          h("td", { "data-label": "Time" }, executionLink(row, formatTime(row.startTime))),
          h("td", { "data-label": "Workflow" }, row.workflow),
          h("td", { "data-label": "Event" }, row.event),
          h("td", { "data-label": "Thing" }, thingLink(row.thing)),
          h("td", { "data-label": "Status" }, statusBadge(row.status)),
          h("td", { "data-label": "Duration" }, formatDuration(row.durationMs)),
          h("td", { "data-label": "Error", class: "error-cell" }, row.error ?? ""),
        ),
      ),
    ),
  );
}

// ---- One execution -----------------------------------------------------------------------------------

async function executionView(executionArn) {
  const base = `/api/executions/${enc(executionArn)}`;
  const detail = await getJson(base);
  const row = detail.execution;
  const outcomes = new Map();
  for (const run of detail.runs) {
    const id = `state:${run.name}`;
    // A state run more than once (a loop) shows its worst outcome.
    if (outcomes.get(id) !== "failed") outcomes.set(id, run.outcome);
  }
  const select = (name) => {
    const target = main.querySelector(`[data-state="${CSS.escape(name)}"]`);
    if (!target) return;
    target.open = true;
    target.dispatchEvent(new Event("toggle"));
    target.scrollIntoView({ block: "nearest" });
    target.querySelector("summary")?.focus();
  };
  const graph = renderGraph(
    workflows.workflows[row.workflow],
    { visited: detail.visited, taken: detail.taken, failedNode: detail.failedNode, outcomes },
    select,
  );
  const facts = h(
    "dl",
    { class: "facts" },
    fact("Status", statusBadge(row.status)),
    fact("Workflow", row.workflow),
    fact("Event", row.event),
    fact("Thing", thingLink(row.thing)),
    fact("Started", formatTime(row.startTime)),
    fact("Duration", formatDuration(row.durationMs)),
    fact("Name", h("code", {}, row.name)),
  );
  const failure =
    detail.error !== undefined
      ? h(
          "section",
          { class: "failure", "aria-label": "Failure" },
          h("h3", {}, "Error"),
          h("p", { class: "error-name" }, detail.error),
          detail.cause ? h("pre", { class: "cause" }, pretty(detail.cause.text)) : null,
        )
      : null;
  const runs = h(
    "ol",
    { class: "runs" },
    detail.runs.map((run, index) => h("li", {}, stateRunView(run, index, base))),
  );
  show(
    h(
      "p",
      {},
      h("a", { href: "#/executions" }, "← All executions"),
      row.thing
        ? [" · ", h("a", { href: `#/executions?thing=${enc(row.thing)}` }, `Executions of ${row.thing}`)]
        : null,
    ),
    h("h2", {}, `Execution ${row.name}`),
    facts,
    failure,
    h(
      "section",
      { "aria-label": "Graph" },
      h("h3", {}, "Graph"),
      h(
        "p",
        { class: "legend muted" },
        "Green: went through · red: failed · orange: error caught · grey: not reached. Select a state for its data.",
      ),
      h("div", { class: "graph-wrap" }, graph),
    ),
    h("section", { "aria-label": "States" }, h("h3", {}, "States, in the order entered"), runs),
    h(
      "section",
      { "aria-label": "Execution data" },
      h("h3", {}, "Execution input and output"),
      dataView("Input", detail.input, `${base}/data?field=input`),
      detail.output ? dataView("Output", detail.output, `${base}/data?field=output`) : null,
    ),
  );
  if (row.status === "RUNNING") current = { onExecution: (arn) => arn === executionArn && route() };
}

function fact(name, value) {
  return h("div", {}, h("dt", {}, name), h("dd", {}, value));
}

function stateRunView(run, index, base) {
  const data = `${base}/data?run=${index}&field=`;
  const details = h(
    "details",
    { class: `run outcome-${run.outcome}`, "data-state": run.name },
    h(
      "summary",
      {},
      h("strong", {}, run.name),
      h("span", { class: "muted" }, ` ${run.type}`),
      " ",
      h("span", { class: `outcome outcome-${run.outcome}` }, run.outcome),
      run.retries > 0
        ? h("span", { class: "retries" }, ` ${run.retries} ${run.retries === 1 ? "retry" : "retries"}`)
        : null,
      run.exitedAt ? h("span", { class: "muted" }, ` ${formatDuration(run.exitedAt - run.enteredAt)}`) : null,
    ),
  );
  let rendered = false;
  details.addEventListener("toggle", () => {
    if (!details.open || rendered) return;
    rendered = true;
    append(details, [
      run.error ? h("p", { class: "error-name" }, `Error: ${run.error}`) : null,
      run.cause ? dataView("Cause", run.cause, `${data}cause`, { open: true }) : null,
      run.input ? dataView("Input", run.input, `${data}input`, { open: true }) : null,
      run.output ? dataView("Output", run.output, `${data}output`) : null,
    ]);
  });
  return details;
}

// ---- Things ------------------------------------------------------------------------------------------

async function thingsView() {
  const { things, truncated } = await getJson("/api/things");
  const columns = ["devEUI", "deviceID", "applicationID"];
  show(
    h("h2", {}, "Things"),
    h(
      "p",
      { class: "count" },
      `${things.length} things of stack ${workflows.stackName}${truncated ? " (the first ones)" : ""}`,
    ),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "things" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Thing"),
            h("th", { scope: "col" }, "Type"),
            columns.map((c) => h("th", { scope: "col" }, c)),
          ),
        ),
        h(
          "tbody",
          {},
          things.map((thing) =>
            h(
              "tr",
              {},
              h("td", { "data-label": "Thing" }, thingLink(thing.thingName)),
              h("td", { "data-label": "Type" }, thing.thingTypeName ?? "—"),
              columns.map((c) => h("td", { "data-label": c }, thing.attributes[c] ?? "—")),
            ),
          ),
        ),
      ),
    ),
  );
}

async function thingView(thingName) {
  const [thing, recent] = await Promise.all([
    getJson(`/api/things/${enc(thingName)}`),
    getJson(`/api/executions?thing=${enc(thingName)}&limit=10`),
  ]);
  const shadow = thing.shadow;
  const messages = h(
    "ol",
    { class: "messages", "aria-live": "polite", "aria-label": "Republished messages" },
    thing.messages.map(messageItem),
  );
  const feedback = h("ol", { class: "messages feedback", "aria-live": "polite", "aria-label": "Downlink feedback" });
  const form = downlinkForm(thingName, feedback);
  const executions = h("div", { class: "table-wrap" }, executionsTable(recent.rows));
  show(
    h("p", {}, h("a", { href: "#/things" }, "← All things")),
    h("h2", {}, `Thing ${thingName}`),
    h(
      "dl",
      { class: "facts" },
      fact("Type", thing.thingTypeName ?? "—"),
      Object.entries(thing.attributes).map(([k, v]) => fact(k, v)),
    ),
    h(
      "section",
      { "aria-label": "Shadow" },
      h("h3", {}, "lorawan shadow"),
      shadow === null
        ? h("p", { class: "muted" }, "No shadow yet.")
        : [
            h("p", {}, `Version ${shadow.version}, last update ${formatTime(shadow.timestamp * 1000)}`),
            h("pre", { class: "shadow", tabindex: "0" }, JSON.stringify(shadow.state?.reported ?? {}, null, 2)),
          ],
    ),
    h(
      "section",
      { "aria-label": "Executions of this thing" },
      h("h3", {}, "Latest executions"),
      h("p", {}, h("a", { href: `#/executions?thing=${enc(thingName)}` }, `All executions of ${thingName} →`)),
      executions,
    ),
    h(
      "section",
      { "aria-label": "Send a downlink" },
      h("h3", {}, "Send a downlink"),
      form,
      h("h4", {}, "Feedback"),
      feedback,
    ),
    h(
      "section",
      { "aria-label": "Republished messages section" },
      h("h3", {}, "Last messages republished for it"),
      messages,
    ),
  );
  const reloadExecutions = throttle(async () => {
    const page = await getJson(`/api/executions?thing=${enc(thingName)}&limit=10`);
    clear(executions).append(executionsTable(page.rows));
  });
  current = {
    onExecution: reloadExecutions,
    onMessage: (message) => {
      if (message.thing !== thingName) return;
      messages.prepend(messageItem(message));
      while (messages.children.length > 20) messages.lastChild.remove();
      if (message.topic.includes("/downlink/")) feedback.prepend(messageItem(message));
    },
  };
}

function messageItem(message) {
  const kind = message.topic.split("/").slice(2).join("/");
  return h(
    "li",
    { "data-topic": message.topic },
    h("span", { class: "topic" }, kind || message.topic),
    " ",
    h("span", { class: "muted" }, formatTime(message.receivedAt)),
    h("pre", {}, message.truncated ? `${message.payload}…` : pretty(message.payload)),
  );
}

function downlinkForm(thingName, feedback) {
  const example = { thingName, bytes: "AQID", fPort: 10, confirmed: false, correlationId: `inspector-${Date.now()}` };
  const request = h(
    "textarea",
    { id: "downlink-request", name: "request", rows: 7, spellcheck: "false" },
    JSON.stringify(example, null, 2),
  );
  const result = h("p", { class: "muted", role: "status" });
  const form = h(
    "form",
    { class: "downlink" },
    h("label", { for: "downlink-request" }, "Request published on lorawan/downlink, as an application publishes it"),
    request,
    h("button", { type: "submit" }, "Send downlink"),
    result,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    result.textContent = "Sending…";
    try {
      const response = await fetch("/api/downlink", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: request.value,
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.message ?? body.error);
      result.textContent = `Published on ${body.published}; feedback arrives below.`;
      feedback.prepend(h("li", { class: "muted" }, `${formatTime(Date.now())} request sent`));
      // A fresh correlation id for the next one: the same id again is the same request.
      const next = JSON.parse(request.value);
      if (typeof next.correlationId === "string" && next.correlationId.startsWith("inspector-")) {
        next.correlationId = `inspector-${Date.now()}`;
        request.value = JSON.stringify(next, null, 2);
      }
    } catch (error) {
      result.textContent = `Not sent: ${error.message}`;
    }
  });
  return form;
}

// ---- Live updates ----------------------------------------------------------------------------------

/**
 * At most one run of `action` per `ms`, the last call always followed by a run: executions may end
 * hundreds of times a second, and a plain debounce would then never run.
 */
function throttle(action, ms = 500) {
  let timer;
  let again = false;
  return () => {
    if (timer !== undefined) {
      again = true;
      return;
    }
    action().catch(() => undefined);
    timer = setTimeout(function next() {
      timer = undefined;
      if (!again) return;
      again = false;
      action().catch(() => undefined);
      timer = setTimeout(next, ms);
    }, ms);
  };
}

function connect() {
  const events = new EventSource("/api/events");
  events.addEventListener("open", () => {
    live.textContent = "live";
    live.className = "live on";
  });
  events.addEventListener("error", () => {
    live.textContent = "reconnecting…";
    live.className = "live off";
  });
  events.addEventListener("execution", (event) => current.onExecution?.(JSON.parse(event.data).executionArn));
  events.addEventListener("republished", (event) => current.onMessage?.(JSON.parse(event.data)));
}

workflows = await getJson("/api/workflows");
document.title = `${workflows.stackName} — tts-aws-iot inspector`;
window.addEventListener("hashchange", route);
connect();
route();
