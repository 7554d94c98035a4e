// The explorer in a real headless Chromium, driven by playwright-core against servers the Rust
// test (telemetry-api/tests/explorer/browser.rs) started and seeded. Every check prints
// "ok <name>"; the first failure exits non-zero. Screenshots go to $EXPLORER_SCREENSHOTS.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const DEV = env("EXPLORER_DEV_URL");
const AUTH = env("EXPLORER_AUTH_URL");
const KEY_A = env("EXPLORER_KEY_A");
const KEY_B = env("EXPLORER_KEY_B");
const BIG = env("EXPLORER_BIG_TRACE");
const SHOTS = env("EXPLORER_SCREENSHOTS");
const BUDGET_MS = Number(process.env.EXPLORER_PAINT_BUDGET_MS ?? "5000");
mkdirSync(SHOTS, { recursive: true });

function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}
function eq(actual, expected, message) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

async function gql(base, query, variables = {}, key = null) {
  const headers = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${base}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// The page's formatting (src/format.ts), to compare cells with GraphQL's numbers.
const count = (v) => v.toLocaleString("en-US");
const usd = (v) => (v === 0 ? "$0" : v < 0.000005 ? "<$0.00001" : v < 0.01 ? `$${v.toFixed(5)}` : `$${v.toFixed(2)}`);

const ALL_TRACES = `query($filter: TraceFilterInput) { traces(filter: $filter, first: 200) { nodes { id name inputTokens outputTokens totalCost hasError } } }`;

const userDataDir = mkdtempSync(join(tmpdir(), "explorer-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const errors = [];
const outside = [];
context.on("request", (request) => {
  const url = request.url();
  if (!url.startsWith(DEV) && !url.startsWith(AUTH) && !url.startsWith("data:") && !url.startsWith(DEV.replace("http", "ws")) && !url.startsWith(AUTH.replace("http", "ws"))) outside.push(url);
});
const page = context.pages()[0] ?? (await context.newPage());
page.on("pageerror", (e) => errors.push(e.message));
page.setDefaultTimeout(15000);

const rowIds = () => page.$$eval("tr[data-trace-id]", (rows) => rows.map((r) => r.dataset.traceId));
async function waitForList() {
  await page.waitForSelector('table.traces[data-loading="0"]');
  await page.waitForTimeout(50);
}
const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`) });

const checks = [];
const check = (name, fn) => checks.push([name, fn]);

check("the list shows every trace with the tokens and cost GraphQL returns", async () => {
  const truth = (await gql(DEV, ALL_TRACES)).traces.nodes;
  const started = Date.now();
  await page.goto(`${DEV}/?order=COST_DESC`);
  await waitForList();
  console.log(`timing: first page of the trace list (${truth.length} traces stored): ${Date.now() - started} ms from navigation to rendered rows`);
  const ids = await rowIds();
  eq(ids.length, Math.min(truth.length, 25), "rows on the first page");
  const byId = new Map(truth.map((t) => [t.id, t]));
  for (const id of ids) {
    const t = byId.get(id);
    assert(t, `row ${id} is a trace GraphQL knows`);
    const cells = await page.$eval(`tr[data-trace-id="${id}"]`, (row) => ({
      in: row.querySelector('[data-col="in"]').textContent,
      out: row.querySelector('[data-col="out"]').textContent,
      cost: row.querySelector('[data-col="cost"]').textContent,
      error: row.querySelector(".err-mark") !== null,
    }));
    eq(cells, { in: count(t.inputTokens), out: count(t.outputTokens), cost: usd(t.totalCost), error: t.hasError }, `cells of ${t.name} ${id}`);
  }
  await page.goto(`${DEV}/`);
  await waitForList();
  await shot("traces");
});

check("a model filter narrows the list to the traces calling that model", async () => {
  await page.goto(`${DEV}/`);
  await waitForList();
  await page.fill('input[name="model"]', "gpt-4o");
  await page.press('input[name="model"]', "Tab");
  await page.waitForURL(/model=gpt-4o/);
  await waitForList();
  const truth = (await gql(DEV, ALL_TRACES, { filter: { model: "gpt-4o" } })).traces.nodes.map((t) => t.id);
  assert(truth.length > 0 && truth.length < (await gql(DEV, ALL_TRACES)).traces.nodes.length, "the model filter is selective");
  eq((await rowIds()).sort(), truth.slice(0, 25).sort(), "rows with model gpt-4o");
});

check("errored only keeps the failed traces", async () => {
  await page.goto(`${DEV}/`);
  await waitForList();
  await page.check('input[name="errors"]');
  await page.waitForURL(/errors=1/);
  await waitForList();
  const truth = (await gql(DEV, ALL_TRACES, { filter: { hasError: true } })).traces.nodes.map((t) => t.id);
  assert(truth.length > 0, "some traces failed");
  eq((await rowIds()).sort(), truth.sort(), "errored rows");
  eq(await page.$$eval("tr[data-trace-id] .err-mark", (m) => m.length), truth.length, "each marked");
  await shot("traces-errored");
});

check("next page reaches every trace exactly once, and back returns", async () => {
  const truth = (await gql(DEV, ALL_TRACES)).traces.nodes.map((t) => t.id);
  await page.goto(`${DEV}/`);
  await waitForList();
  const seen = [];
  const pages = [];
  for (;;) {
    const ids = await rowIds();
    pages.push(ids);
    seen.push(...ids);
    if (await page.isDisabled("#next-page")) break;
    const url = page.url();
    await page.click("#next-page");
    await page.waitForURL((u) => u.toString() !== url);
    await waitForList();
  }
  assert(pages.length >= 2, `several pages (${pages.length})`);
  eq(new Set(seen).size, seen.length, "no trace repeats");
  eq([...seen].sort(), [...truth].sort(), "every trace is reached");
  await page.goBack();
  await waitForList();
  eq(await rowIds(), pages[pages.length - 2], "back shows the previous page");
});

check("keyboard: j moves, / focuses the search box", async () => {
  await page.goto(`${DEV}/`);
  await waitForList();
  await page.keyboard.press("j");
  const selected = await page.$eval("tr.selected", (r) => r.dataset.traceId);
  eq(selected, (await rowIds())[1], "j selects the second row");
  await page.keyboard.press("/");
  eq(await page.evaluate(() => document.activeElement?.id), "search", "/ focuses search");
});

let demoTrace;
check("the trace view shows every span in the right tree with the right types", async () => {
  const list = await gql(DEV, `{ traces(filter: { hasError: true, nameContains: "support-agent" }) { nodes { id } } }`);
  const id = list.traces.nodes[0].id;
  demoTrace = (await gql(DEV, `query($id: String!) { trace(id: $id) { id spans { spanId parentSpanId name type isError subtreeStatus } } }`, { id })).trace;
  await page.goto(`${DEV}/traces/${id}`);
  await page.waitForSelector(".span-row");
  const rows = await page.$$eval(".span-row", (rs) => rs.map((r) => ({ id: r.dataset.spanId, type: r.dataset.type, depth: Number(r.dataset.depth), name: r.querySelector(".span-name").textContent })));
  const byId = new Map(demoTrace.spans.map((s) => [s.spanId, s]));
  const depth = (s) => (s.parentSpanId && byId.has(s.parentSpanId) ? 1 + depth(byId.get(s.parentSpanId)) : 0);
  eq(rows.length, demoTrace.spans.length, "one row per span");
  for (const s of demoTrace.spans) {
    const row = rows.find((r) => r.id === s.spanId);
    assert(row, `row for ${s.name}`);
    eq({ type: row.type, depth: row.depth, name: row.name }, { type: s.type, depth: depth(s), name: s.name }, `row of ${s.name}`);
  }
  // Children follow their parent (depth first).
  for (let i = 1; i < rows.length; i++) {
    const parent = byId.get(rows[i].id).parentSpanId;
    if (parent) assert(rows.slice(0, i).some((r) => r.id === parent), `${rows[i].name} is under its parent`);
  }
  await shot("trace");
});

check("the LLM span's panel shows its tokens, cost and conversation", async () => {
  const llm = demoTrace.spans.find((s) => s.name === "chat gpt-4o");
  await page.click(`.span-row[data-span-id="${llm.spanId}"]`);
  await page.waitForSelector("#llm-section");
  const tokens = await page.$$eval(".token-cell", (cells) => Object.fromEntries(cells.map((c) => [c.dataset.token, c.querySelector(".token-value").textContent])));
  const truth = (await gql(DEV, `query($t: String!, $s: String!) { span(traceId: $t, spanId: $s) { cost usage { inputTokens outputTokens totalTokens } } }`, { t: demoTrace.id, s: llm.spanId })).span;
  eq([tokens.Input, tokens.Output, tokens.Total], [count(truth.usage.inputTokens), count(truth.usage.outputTokens), count(truth.usage.totalTokens)], "token cells");
  const panel = await page.textContent("#span-panel");
  assert(panel.includes(usd(truth.cost)), `cost ${usd(truth.cost)} shown`);
  const bubbles = await page.$$eval(".bubble", (bs) => bs.map((b) => [b.querySelector(".bubble-role").textContent, b.querySelector(".bubble-text")?.textContent]));
  assert(bubbles.some(([role, text]) => role === "user" && text.includes("Where is my order A-1001?")), `user bubble: ${JSON.stringify(bubbles)}`);
  assert(bubbles.some(([role]) => role === "assistant"), "assistant bubble");
  await shot("trace-llm");
});

check("a score added in the page appears through GraphQL, and can be removed", async () => {
  const llm = demoTrace.spans.find((s) => s.name === "chat gpt-4o");
  await page.fill('input[name="score-name"]', "helpfulness");
  await page.fill('input[name="score-value"]', "0.8");
  await page.fill('input[name="score-comment"]', "clear answer");
  await page.click('.score-form button[type="submit"]');
  await page.waitForSelector(".score-row");
  const scores = (await gql(DEV, `query($t: String!, $s: String!) { span(traceId: $t, spanId: $s) { scores { id name value source comment } } }`, { t: demoTrace.id, s: llm.spanId })).span.scores;
  const added = scores.find((s) => s.name === "helpfulness");
  eq(added && { value: added.value, source: added.source, comment: added.comment }, { value: 0.8, source: "HUMAN", comment: "clear answer" }, "the score through GraphQL");
  await shot("trace-score");
  await page.click(`.score-row[data-score-id="${added.id}"] button`);
  await page.waitForSelector(`.score-row[data-score-id="${added.id}"]`, { state: "detached" });
  const after = (await gql(DEV, `query($t: String!, $s: String!) { span(traceId: $t, spanId: $s) { scores { id } } }`, { t: demoTrace.id, s: llm.spanId })).span.scores;
  assert(!after.some((s) => s.id === added.id), "removed through the page");
});

check("the failing tool call is marked and its agent shows the propagated error", async () => {
  const tool = demoTrace.spans.find((s) => s.type === "TOOL_CALL");
  const agent = demoTrace.spans.find((s) => s.type === "AGENT_RUN");
  assert(tool.isError && !agent.isError && agent.subtreeStatus === "ERROR", "the demo's failure shape");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#span-panel", { state: "detached" });
  const toolRow = await page.$eval(`.span-row[data-span-id="${tool.spanId}"]`, (r) => ({ errored: r.classList.contains("errored"), mark: r.querySelector(".err-mark") !== null }));
  eq(toolRow, { errored: true, mark: true }, "tool row marked");
  const agentRow = `.span-row[data-span-id="${agent.spanId}"]`;
  eq(await page.$eval(agentRow, (r) => r.dataset.subtreeStatus), "ERROR", "agent subtree status");
  await page.click(`${agentRow} .below-error`);
  await page.waitForURL(new RegExp(`span=${tool.spanId}`));
  await page.waitForSelector("#error-section");
  assert((await page.textContent("#error-section")).includes("OrderApiError"), "the error's kind");
  await shot("trace-tool-error");
  await page.keyboard.press("k");
  await page.waitForURL((u) => !u.toString().includes(tool.spanId));
});

check("OTel GenAI `parts` input renders as a conversation with its tool call", async () => {
  const list = await gql(DEV, `{ traces(first: 50) { nodes { id spans { spanId type input } } } }`);
  let found = null;
  for (const t of list.traces.nodes) {
    for (const s of t.spans) {
      if (s.type === "LLM_GENERATION" && JSON.stringify(s.input ?? "").includes('"parts"')) found ??= { trace: t.id, span: s.spanId };
    }
  }
  assert(found, "the otel-genai-content fixture has an input with parts");
  await page.goto(`${DEV}/traces/${found.trace}?span=${found.span}`);
  await page.waitForSelector(".bubble");
  const roles = await page.$$eval(".bubble .bubble-role", (rs) => rs.map((r) => r.textContent));
  assert(roles.includes("user"), `roles: ${roles}`);
  await shot("trace-genai-parts");
});

check("a 5 000-span trace opens, renders only what is visible, and scrolls to its end", async () => {
  const query = (await import("node:fs")).readFileSync(new URL("../src/queries/trace.graphql", import.meta.url), "utf8");
  const t0 = Date.now();
  const direct = await gql(DEV, query, { id: BIG });
  console.log(`timing: 5000-span trace: the page's GraphQL query alone took ${Date.now() - t0} ms (${direct.trace.spans.length} spans)`);
  const fresh = await context.newPage();
  fresh.setDefaultTimeout(60000);
  await fresh.goto(`${DEV}/traces/${BIG}`);
  try {
    await fresh.waitForFunction(() => window.__explorer?.waterfallPaintMs !== undefined);
  } catch (err) {
    await fresh.screenshot({ path: join(SHOTS, "failure-5000.png") });
    throw new Error(`${err.message}; the page shows: ${(await fresh.textContent("main")).slice(0, 300)}`);
  }
  const timings = await fresh.evaluate(() => window.__explorer);
  console.log(`timing: 5000-span trace: data loaded ${timings.traceLoadedMs.toFixed(0)} ms, first waterfall paint ${timings.waterfallPaintMs.toFixed(0)} ms after navigation start (${timings.spans} spans)`);
  eq(timings.spans, 5000, "spans loaded");
  assert(timings.waterfallPaintMs < BUDGET_MS, `first paint ${timings.waterfallPaintMs} ms within ${BUDGET_MS} ms`);
  const rendered = await fresh.$$eval(".span-row", (r) => r.length);
  assert(rendered > 10 && rendered < 200, `only visible rows are in the DOM (${rendered})`);
  await fresh.screenshot({ path: join(SHOTS, "trace-5000.png") });
  // Ten jumps from top to bottom, one animation frame each: every frame renders its rows.
  const started = Date.now();
  for (let i = 1; i <= 10; i++) {
    await fresh.$eval(".waterfall-body", (el, f) => (el.scrollTop = el.scrollHeight * f), i / 10);
    await fresh.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  console.log(`timing: 5000-span trace: scrolled top to bottom in 10 frames in ${Date.now() - started} ms`);
  await fresh.waitForTimeout(100);
  assert((await fresh.$$eval(".span-row", (r) => r.length)) < 200, "still only the visible rows");
  const lastName = await fresh.$eval(".waterfall-body", (el) => Math.max(...[...el.querySelectorAll(".span-row")].map((r) => parseFloat(r.style.top) / 28)));
  eq(lastName, 4999, "the last row is rendered at the bottom");
  await fresh.screenshot({ path: join(SHOTS, "trace-5000-bottom.png") });
  await fresh.close();
});

check("the live switch prepends a trace sent while the page is open", async () => {
  await page.goto(`${DEV}/?live=1`);
  await waitForList();
  await page.waitForSelector(".live-switch small:text('(open)')");
  const traceId = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const now = BigInt(Date.now()) * 1000000n;
  const body = {
    resourceSpans: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "live-check" } }] },
      scopeSpans: [{ spans: [{
        traceId, spanId: "00000000000000a1", name: "live-agent", kind: 1,
        startTimeUnixNano: String(now - 5000000n), endTimeUnixNano: String(now),
        attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "invoke_agent" } }],
      }] }],
    }],
  };
  const response = await fetch(`${DEV}/v1/traces`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  assert(response.ok, `OTLP accepted (${response.status})`);
  await page.waitForSelector(`tr[data-trace-id="${traceId}"]`, { timeout: 10000 });
  eq((await rowIds())[0], traceId, "the new trace is on top");
  await shot("traces-live");
});

check("sessions list and one session as a conversation", async () => {
  await page.goto(`${DEV}/sessions`);
  await page.waitForSelector("tr[data-session-id]");
  await shot("sessions");
  await page.click('tr[data-session-id="session-0"] a');
  await page.waitForSelector(".session-turn");
  eq(await page.$$eval(".session-turn", (t) => t.length), 2, "session-0 holds two conversations");
  assert((await page.$$eval(".session-turn .bubble", (b) => b.length)) >= 4, "each turn shows question and answer");
  await shot("session");
});

check("the dashboard draws its charts and links to the traces behind them", async () => {
  await page.goto(`${DEV}/dashboard`);
  await page.waitForSelector("svg.chart");
  assert((await page.$$eval(".chart-card", (c) => c.length)) >= 8, "every chart");
  await shot("dashboard");
  await page.click("table.latency tr.clickable >> nth=0");
  await page.waitForURL(/\/\?type=/);
  await waitForList();
  assert((await rowIds()).length > 0, "the span type's traces");
  await page.goBack();
  await page.waitForSelector("svg.chart a");
  // The last bucket of "traces and errors" holds every trace of this test.
  await page.click(".chart-card:first-of-type svg.chart a >> nth=-1");
  await page.waitForURL(/from=.*&to=/);
  await waitForList();
  assert((await rowIds()).length > 0, "the bucket's traces");
});

check("an eval span links to the trace it judged", async () => {
  const evals = await gql(DEV, `{ traces(filter: { nameContains: "eval faithfulness" }, first: 1) { nodes { id rootSpanId } } }`);
  const t = evals.traces.nodes[0];
  await page.goto(`${DEV}/traces/${t.id}?span=${t.rootSpanId}`);
  await page.waitForSelector("#evaluated-link");
  await page.click("#evaluated-link");
  await page.waitForURL((u) => !u.toString().includes(t.id));
  await page.waitForSelector(".span-row");
  await shot("trace-eval-target");
});

check("without --dev: the key prompt, a wrong key's message, and one project's data only", async () => {
  const truthA = (await gql(AUTH, ALL_TRACES, {}, KEY_A)).traces.nodes.map((t) => t.id);
  const truthB = (await gql(AUTH, ALL_TRACES, {}, KEY_B)).traces.nodes.map((t) => t.id);
  assert(truthA.length > 0 && truthB.length > 0, "both projects hold traces");
  await page.goto(`${AUTH}/`);
  await page.waitForSelector("#api-key");
  assert((await page.textContent("#auth-message")).includes("needs an API key"), "no key: the prompt says why");
  await shot("auth-prompt");
  await page.fill("#api-key", "not-a-key");
  await page.click('.key-prompt button[type="submit"]');
  await page.waitForSelector("#auth-message.alert");
  assert((await page.textContent("#auth-message")).includes("refused"), "wrong key: a clear message");
  await shot("auth-wrong-key");
  await page.fill("#api-key", KEY_A);
  await page.click('.key-prompt button[type="submit"]');
  await waitForList();
  const shown = await rowIds();
  eq(shown.sort(), [...truthA].sort(), "project A's traces");
  assert(!shown.some((id) => truthB.includes(id)), "none of project B's");
  await page.goto(`${AUTH}/traces/${truthB[0]}`);
  // "Loading trace…" first, then the answer: not found in A's project.
  await page.waitForSelector(".empty:has-text('No trace')");
  eq(await page.$$eval(".span-row", (r) => r.length), 0, "none of B's spans with A's key");
  // The live tail authenticates its WebSocket with the kept key (connection_init payload).
  await page.goto(`${AUTH}/?live=1`);
  await page.waitForSelector(".live-switch small:text('(open)')");
  await page.click("text=Forget key");
  await page.waitForSelector("#api-key");
  eq(await page.evaluate(() => localStorage.getItem("telemetry.apiKey")), null, "the key is forgotten");
});

let failed = false;
for (const [name, fn] of checks) {
  try {
    await fn();
    console.log(`ok ${name}`);
  } catch (err) {
    failed = true;
    console.log(`FAILED ${name}: ${err.stack ?? err}`);
    await page.screenshot({ path: join(SHOTS, "failure.png") }).catch(() => {});
    break;
  }
}
if (errors.length) {
  failed = true;
  console.log(`FAILED: errors in the page: ${errors.join("; ")}`);
}
if (outside.length) {
  failed = true;
  console.log(`FAILED: the page asked other servers: ${outside.join(", ")}`);
}
await context.close();
process.exit(failed ? 1 : 0);
