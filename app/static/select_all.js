// "Select all": <input type="checkbox" data-select-all="NAME"> ticks every input[name=NAME].
// In a list's bulk bar (templates/_listing.html) ticking all rows of the page also offers
// "select all N matching" when there are more rows than the page shows; that box sends
// all_matching=1 with the list's filters instead of the ticked ids.
// (No inline handlers: the Content-Security-Policy allows scripts from /static only.)
(() => {
  const barOf = (element) => element.closest("[data-bulk-form]");

  const refresh = (bar) => {
    if (!bar) return;
    const field = bar.dataset.bulkField;
    const boxes = [...document.querySelectorAll(`input[name="${field}"]`)];
    const ticked = boxes.filter((b) => b.checked).length;
    const total = Number(bar.dataset.total || "0");
    const matching = bar.querySelector("[data-all-matching]");
    const offer = bar.querySelector(".select-matching");
    const allOnPage = boxes.length > 0 && ticked === boxes.length;
    if (offer) offer.hidden = !(allOnPage && total > boxes.length);
    if (matching && !allOnPage) matching.checked = false;
    const count = bar.querySelector("[data-bulk-count]");
    if (count) {
      const n = matching && matching.checked ? total : ticked;
      count.textContent = n ? `${document.documentElement.lang.startsWith("zh") ? "已选" : "Selected:"} ${n}` : "";
    }
  };

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement)) return;
    if (box.dataset.selectAll) {
      for (const other of document.querySelectorAll(`input[name="${box.dataset.selectAll}"]`)) {
        other.checked = box.checked;
      }
      refresh(barOf(box));
      return;
    }
    for (const bar of document.querySelectorAll("[data-bulk-form]")) {
      if (box.name === bar.dataset.bulkField || box.dataset.allMatching !== undefined) refresh(bar);
    }
  });
})();
