// The search index is not loaded with reading pages (book/_ext/light_theme.py). When the reader opens
// the search dialog, fetch it ahead into the cache so the search page that the dialog submits to
// starts at once. Deferred; does nothing until the dialog opens.
(() => {
  const dialog = document.getElementById("pst-search-dialog");
  if (!dialog) return;
  const prefetch = () => {
    if (document.querySelector("link[data-cc-search-index]")) return;
    const link = document.createElement("link");
    link.rel = "prefetch";
    link.as = "script";
    link.href = `${document.documentElement.dataset.content_root || ""}searchindex.js`;
    link.dataset.ccSearchIndex = "";
    document.head.append(link);
  };
  new MutationObserver(() => dialog.open && prefetch()).observe(dialog, { attributes: true, attributeFilter: ["open"] });
})();
