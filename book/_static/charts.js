// Draws every chart on the page with the locally bundled vega-embed (loaded just before this file).
// Specs sit in <script type="application/json"> blocks, so no data is ever evaluated as code.
for (const view of document.querySelectorAll(".cc-chart-view")) {
  const source = document.getElementById(view.dataset.specId);
  if (!source) continue;
  try {
    const spec = JSON.parse(source.textContent);
    window.vegaEmbed(view, spec, { renderer: "svg", actions: false })
      .then(() => view.setAttribute("data-rendered", "true"))
      .catch((error) => { view.textContent = "This chart could not be drawn: " + error.message; });
  } catch (error) {
    view.textContent = "This chart could not be drawn: " + error.message;
  }
}
