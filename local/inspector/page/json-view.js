// Execution data, shown without freezing the page: nothing is formatted until its <details> opens, a
// long text arrives as a preview (the server cuts it), and the whole of it is fetched only when asked for.
import { formatBytes, getJson, h } from "./dom.js";

/** Past this, text is shown as it is: indenting megabytes of JSON would block the page. */
const MAX_PRETTY_CHARS = 256 * 1024;

export function pretty(text) {
  if (text.length > MAX_PRETTY_CHARS) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * A <details> titled `label` holding `data` ({ text, length }); `fullUrl` answers `{ text }` with all of it.
 * `open`: shown at once.
 */
export function dataView(label, data, fullUrl, { open = false } = {}) {
  const body = h("div", { class: "data-body" });
  const summary = h("summary", {}, label, h("span", { class: "muted" }, ` (${formatBytes(data.length)})`));
  const details = h("details", { class: "data" }, summary, body);
  let rendered = false;
  const render = () => {
    if (rendered) return;
    rendered = true;
    const cut = data.text.length < data.length;
    const pre = h("pre", { tabindex: "0" }, cut ? data.text : pretty(data.text));
    body.append(pre);
    if (cut) {
      const button = h("button", { type: "button" }, `Show all ${formatBytes(data.length)}`);
      const note = h("p", { class: "muted" }, `First ${data.text.length} of ${data.length} characters. `, button);
      button.addEventListener("click", async () => {
        button.disabled = true;
        button.textContent = "Loading…";
        try {
          const { text } = await getJson(fullUrl);
          pre.textContent = pretty(text);
          note.remove();
        } catch (error) {
          button.disabled = false;
          button.textContent = `Show all ${formatBytes(data.length)} (failed: ${error.message})`;
        }
      });
      body.append(note);
    }
  };
  details.addEventListener("toggle", () => {
    if (details.open) render();
  });
  if (open) {
    details.open = true;
    render();
  }
  return details;
}
