// Search and sort for tables marked .cc-sortable. Works offline; no library needed.
for (const table of document.querySelectorAll("table.cc-sortable")) {
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const label = document.createElement("label");
  label.className = "cc-table-search";
  label.textContent = "Search this table ";
  const input = document.createElement("input");
  input.type = "search";
  input.setAttribute("aria-controls", table.id);
  label.appendChild(input);
  const status = document.createElement("span");
  status.className = "cc-table-status";
  status.setAttribute("role", "status");
  table.before(label, status);
  const update = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const text = row.textContent.toLowerCase();
      const match = words.every((w) => text.includes(w));
      row.hidden = !match;
      if (match) shown += 1;
    }
    status.textContent = ` ${shown} of ${rows.length} rows shown`;
  };
  input.addEventListener("input", update);
  update();
  Array.from(table.tHead.rows[0].cells).forEach((cell, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cc-sort";
    button.textContent = cell.textContent;
    cell.textContent = "";
    cell.appendChild(button);
    cell.setAttribute("aria-sort", "none");
    button.addEventListener("click", () => {
      const ascending = cell.getAttribute("aria-sort") !== "ascending";
      for (const other of table.tHead.rows[0].cells) other.setAttribute("aria-sort", "none");
      cell.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const key = (row) => row.cells[index].dataset.sort ?? row.cells[index].textContent.trim();
      const sorted = rows.slice().sort((a, b) => {
        const x = key(a), y = key(b);
        const nx = parseFloat(x), ny = parseFloat(y);
        const order = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
        return ascending ? order : -order;
      });
      body.append(...sorted);
    });
  });
}
