// Every chart arrives as an SVG drawn at build time, so it is visible at first paint with no script.
// The interactive view (tooltips; the filter menus of the evidence page) needs vega, a large bundle
// served from this site (never a CDN). It is loaded only when a reader reaches for a chart: pointer,
// touch, keyboard focus, or a click on its "interactive view" button. Specs sit in
// <script type="application/json"> blocks, so no data is ever evaluated as code.
const loader = document.querySelector("script[data-vega-bundle]");
const bundleUrl = loader ? new URL(loader.dataset.vegaBundle, loader.src) : null;
let vegaReady = null;

function loadVega() {
  vegaReady ??= import(bundleUrl.href).then(() => window.vegaEmbed);
  return vegaReady;
}

async function upgrade(view) {
  if (view.dataset.interactive) return;
  view.dataset.interactive = "loading";
  const source = document.getElementById(view.dataset.specId);
  try {
    let spec = JSON.parse(source.textContent);
    if (view.dataset.narrow && window.matchMedia("(max-width: 640px)").matches) {
      spec = { ...spec, ...JSON.parse(view.dataset.narrow) };
    }
    const embed = await loadVega();
    await embed(view, spec, { renderer: "svg", actions: false });
    view.dataset.interactive = "true";
    view.setAttribute("data-rendered", "true");
  } catch (error) {
    view.dataset.interactive = "failed";  // the static drawing stays in place
    console.warn("Interactive chart unavailable: " + error.message);
  }
}

for (const view of document.querySelectorAll(".cc-chart-view")) {
  if (!bundleUrl || !document.getElementById(view.dataset.specId)) continue;
  view.setAttribute("data-rendered", "static");
  const once = () => upgrade(view);
  for (const event of ["pointerenter", "touchstart", "focus"]) {
    view.addEventListener(event, once, { once: true, passive: true });
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cc-chart-interactive";
  button.textContent = view.closest(".cc-chart").classList.contains("cc-chart-has-filters")
    ? "Open the interactive view (filters and details)" : "Open the interactive view (details on hover)";
  button.addEventListener("click", () => { button.remove(); upgrade(view); });
  view.closest(".cc-chart").querySelector("figcaption").prepend(button);
}
